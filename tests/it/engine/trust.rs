//! Defects from the trust issue, against the scripted server: a lone CR at the end of an ASCII
//! download, the PORT refusal's explanation, transfers left waiting by a disconnect, a server
//! without SIZE, and auto mode after active stops working.

use std::time::Duration;

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

fn fake(script: Script) -> FakeServer {
    RT.block_on(FakeServer::start(script))
}

fn site(server: &FakeServer, mode: DataMode) -> Site {
    let mut site = server.site(5);
    site.mode = mode;
    site
}

#[test]
fn an_ascii_download_keeps_a_lone_cr_at_the_end() {
    let server = fake(Script {
        file: std::sync::Arc::new(b"one\r\ntwo\r".to_vec()),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site(&server, DataMode::Passive)).unwrap();
    let mut down = rig.request(Direction::Download, &local.path().join("t.txt"), "/t.txt");
    down.ascii = true;
    rig.transfer_ok(down);
    if cfg!(not(windows)) {
        assert_eq!(
            std::fs::read(local.path().join("t.txt")).unwrap(),
            b"one\ntwo\r"
        );
    }
}

/// The error of a download in active mode announcing `external` to a server refusing PORT
/// with `refusal`.
fn refused_port_error(external: &str, refusal: &'static str) -> String {
    let server = fake(Script {
        refuse_port: true,
        port_refusal: refusal,
        file: std::sync::Arc::new(b"payload".to_vec()),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, DataMode::Active);
    site.active.external_ip = Some(external.parse().unwrap());
    rig.connect(site).unwrap();
    let down = rig.request(Direction::Download, &local.path().join("f"), "/f");
    let id = down.id;
    match rig.transfer(vec![down]).remove(&id) {
        Some(TransferState::Failed(error)) => error.message,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refused_port_for_a_private_address_names_nat_and_the_remedy() {
    for refusal in [
        "500 Illegal PORT command.",
        "501 Rejected data connection to private address",
        "504 Command not implemented for that parameter",
    ] {
        let message = refused_port_error("192.168.1.20", refusal);
        for part in [
            refusal,
            "behind NAT",
            "192.168.1.20 is a private address",
            "passive or auto mode",
            "--external-ip",
        ] {
            assert!(message.contains(part), "{part:?} missing: {message}");
        }
    }
    let public = refused_port_error("198.51.100.7", "500 Illegal PORT command.");
    assert!(!public.contains("behind NAT"), "{public}");
    assert!(public.contains("may not allow active mode"), "{public}");
}

#[test]
fn a_disconnect_ends_every_queued_and_running_transfer_with_an_event() {
    let server = fake(Script {
        file: std::sync::Arc::new(vec![b'x'; 200]),
        trickle: Some((10, std::time::Duration::from_millis(100))),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, DataMode::Passive);
    site.parallel = 1;
    rig.connect(site).unwrap();
    let transfers: Vec<TransferRequest> = ["a", "b", "c", "d"]
        .iter()
        .map(|name| {
            let remote = format!("/{name}");
            rig.request(Direction::Download, &local.path().join(name), &remote)
        })
        .collect();
    let mut open: Vec<TransferId> = transfers.iter().map(|t| t.id).collect();
    let session = rig.session();
    rig.send(Command::Enqueue { session, transfers });
    // Wait until the first one moves bytes, then disconnect with the rest still waiting.
    loop {
        if let Event::Transfer {
            state: TransferState::Progress { .. },
            ..
        } = rig.next(Duration::from_secs(10))
        {
            break;
        }
    }
    rig.send(Command::Disconnect { session });
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !open.is_empty() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rig.driver.next(left) {
            Ok(Event::Transfer { id, state, .. }) => {
                if matches!(
                    state,
                    TransferState::Finished { .. }
                        | TransferState::Skipped { .. }
                        | TransferState::Failed(_)
                ) {
                    open.retain(|open| *open != id);
                }
            }
            Ok(_) => {}
            Err(e) => panic!("{e}: no final state for {open:?}"),
        }
    }
}

/// Uploads `up.txt` under the rename policy to a server without a working SIZE; returns how
/// the transfer ended and the commands the server received.
fn upload_without_size(script: Script) -> (TransferState, Vec<String>) {
    let server = fake(script);
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("up.txt"), b"new").unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, DataMode::Passive);
    site.on_exists = ExistsPolicy::Rename;
    rig.connect(site).unwrap();
    let up = rig.request(Direction::Upload, &local.path().join("up.txt"), "/up.txt");
    let id = up.id;
    let state = rig.transfer(vec![up]).remove(&id).unwrap();
    (state, server.received())
}

#[test]
fn an_upload_to_a_server_without_size_goes_ahead_as_a_new_file() {
    // FEAT lists SIZE but SIZE answers 502; and FEAT without SIZE.
    for size_feat in [true, false] {
        let (state, received) = upload_without_size(Script {
            size_feat,
            size_works: false,
            mlst: false,
            ..Script::default()
        });
        assert!(matches!(state, TransferState::Finished { .. }), "{state:?}");
        let sizes = received.iter().filter(|c| c.starts_with("SIZE")).count();
        assert!(
            sizes <= usize::from(size_feat),
            "{sizes} SIZE: {received:?}"
        );
        assert!(received.iter().any(|c| c == "STOR /up.txt"), "{received:?}");
    }
}

#[test]
fn auto_mode_goes_back_to_passive_when_active_stops_working() {
    // Passive is dead and active works for the first data connection; then the other way round.
    let server = fake(Script {
        swap_modes_after: Some(1),
        file: std::sync::Arc::new(b"payload".to_vec()),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, DataMode::Auto);
    site.timeouts = short_timeouts(2);
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(Direction::Download, &local.path().join("one"), "/one"));
    assert!(
        server
            .received()
            .iter()
            .any(|c| c.starts_with("EPRT") || c.starts_with("PORT"))
    );
    rig.transfer_ok(rig.request(Direction::Download, &local.path().join("two"), "/two"));
    assert_eq!(std::fs::read(local.path().join("two")).unwrap(), b"payload");
    assert!(
        rig.has_log(LogKind::Status, "Active mode stopped working"),
        "{:#?}",
        rig.log_text()
    );
}

#[test]
fn without_size_the_folder_listing_shows_what_exists_and_bounds_the_free_name_search() {
    let (state, received) = upload_without_size(Script {
        size_feat: false,
        size_works: false,
        mlst: false,
        listing: std::sync::Arc::new(|| {
            b"-rw-r--r-- 1 u g 3 Nov 21 12:30 up.txt\r\n-rw-r--r-- 1 u g 3 Nov 21 12:30 up (1).txt\r\n"
                .to_vec()
        }),
        ..Script::default()
    });
    assert!(matches!(state, TransferState::Finished { .. }), "{state:?}");
    assert!(
        !received.iter().any(|c| c.starts_with("SIZE")),
        "{received:?}"
    );
    assert!(
        received.iter().any(|c| c == "STOR /up (2).txt"),
        "{received:?}"
    );
}
