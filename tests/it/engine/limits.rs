//! A shared host's connection limit: more connections than it allows are greeted with `421`.
//! The queue waits, lowers its concurrency to what the server accepts and keeps going on the
//! connections it has: every file arrives, and the log says so in one Status line.

use std::time::Duration;

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

/// A server that allows three connections (the browsing one and two for transfers) and sends
/// slowly, and a site that asks for six transfers at once.
fn three_connections_allowed() -> (FakeServer, Site) {
    let server = RT.block_on(FakeServer::start(Script {
        file: std::sync::Arc::new(b"payload".repeat(100)),
        trickle: Some((100, Duration::from_millis(20))),
        max_connections: Some(3),
        ..Script::default()
    }));
    let mut site = server.site(10);
    site.parallel = 6;
    (server, site)
}

#[test]
fn a_connection_limit_lowers_the_concurrency_and_every_file_still_arrives() {
    let (server, site) = three_connections_allowed();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let names: Vec<String> = (0..12).map(|i| format!("f{i}.bin")).collect();
    let requests = names
        .iter()
        .map(|n| rig.request(Direction::Download, &local.path().join(n), &format!("/{n}")))
        .collect();
    let states = rig.transfer(requests);
    for (id, state) in &states {
        assert!(
            matches!(state, TransferState::Finished { .. }),
            "{id:?} ended {state:?}; log: {:#?}",
            rig.log_text()
        );
    }
    for name in &names {
        assert_eq!(
            std::fs::read(local.path().join(name)).unwrap(),
            b"payload".repeat(100)
        );
    }
    assert!(
        server.received().iter().any(|c| c == "(refused: 421)"),
        "the server never refused a connection: the test proves nothing"
    );
    let limit_lines: Vec<String> = rig
        .log_text()
        .into_iter()
        .filter(|l| l.contains("refused another connection"))
        .collect();
    assert_eq!(limit_lines.len(), 1, "{limit_lines:#?}");
    assert!(limit_lines[0].contains("continuing with 2 simultaneous transfers"));
    assert!(
        !rig.log_text()
            .iter()
            .any(|l| l.starts_with("Error") && l.contains("failed")),
        "{:#?}",
        rig.log_text()
    );
}

/// When the browsing connection holds the server's only slot, a transfer is tried again after a
/// bounded back-off (1, 2, 4 s) and then fails with the server's reply: never an endless wait.
#[test]
fn with_no_slot_left_a_transfer_backs_off_a_bounded_number_of_times_then_fails() {
    let server = RT.block_on(FakeServer::start(Script {
        file: std::sync::Arc::new(b"x".to_vec()),
        max_connections: Some(1),
        ..Script::default()
    }));
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(10)).unwrap();
    let request = rig.request(Direction::Download, &local.path().join("x"), "/x");
    let states = rig.transfer(vec![request]);
    let state = states.values().next().expect("a final state");
    assert!(
        matches!(state, TransferState::Failed(e) if e.message.contains("421")),
        "{state:?}"
    );
    let retries = rig
        .log_text()
        .into_iter()
        .filter(|l| l.contains("trying again in"))
        .count();
    assert_eq!(retries, 3, "{:#?}", rig.log_text());
    assert_eq!(
        server
            .received()
            .iter()
            .filter(|c| *c == "(refused: 421)")
            .count(),
        4
    );
}

/// The limit found is remembered for the server: a reconnect (a new session, as a new tab is)
/// and a parallel count set again by the user stay within it, so the server refuses nothing more.
#[test]
fn a_connection_limit_found_once_is_remembered_for_the_server() {
    let (server, site) = three_connections_allowed();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let batch = |rig: &mut Rig, round: usize| {
        let requests = (0..8)
            .map(|i| {
                let name = format!("r{round}-{i}.bin");
                rig.request(Direction::Download, &local.path().join(name), "/f.bin")
            })
            .collect();
        let states = rig.transfer(requests);
        Rig::assert_all_finished(&states);
    };
    let refusals = |server: &FakeServer| {
        let received = server.received();
        received.iter().filter(|c| *c == "(refused: 421)").count()
    };
    rig.connect(site.clone()).unwrap();
    batch(&mut rig, 1);
    let first = refusals(&server);
    assert!(
        first > 0,
        "the server never refused a connection: the test proves nothing"
    );
    rig.disconnect();
    // The old session's connections must be gone on the server's side too, or it counts them.
    server.wait_all_closed();

    rig.connect(site).unwrap();
    rig.send(Command::SetParallel {
        session: rig.session(),
        parallel: 6,
    });
    batch(&mut rig, 2);
    assert_eq!(refusals(&server), first, "log: {:#?}", rig.log_text());
}
