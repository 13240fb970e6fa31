//! Segmented downloads: one file over several connections (`REST` ranges into one `.part`),
//! byte-exact; a cancelled one resumes every segment where its sidecar says; a server that
//! refuses the extra connections still gets the whole file over fewer.

use std::path::Path;
use std::time::Duration;

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

fn segmented(mut site: Site, n: usize) -> Site {
    site.parallel = n;
    site.segments = Some(n);
    site
}

fn sidecar(local: &Path, name: &str) -> std::path::PathBuf {
    local.join(format!("{name}.part.segments"))
}

#[test]
fn a_segmented_download_is_byte_exact() {
    let server = Server::plain();
    let data = pattern(5 * 1024 * 1024 + 3, 11);
    std::fs::write(server.path("big.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(segmented(server.site(Protocol::Ftp), 4))
        .unwrap();
    let target = local.path().join("big.bin");
    rig.transfer_ok(rig.request(Direction::Download, &target, "/big.bin"));
    assert!(std::fs::read(&target).unwrap() == data, "the bytes differ");
    assert!(
        rig.has_log(LogKind::Status, "in 4 segments over 4 connections"),
        "{:#?}",
        rig.log_text()
    );
    assert!(!sidecar(local.path(), "big.bin").exists());
    assert!(!local.path().join("big.bin.part").exists());
    // By default a download is not segmented.
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 4;
    rig.connect(site).unwrap();
    let again = local.path().join("again.bin");
    rig.transfer_ok(rig.request(Direction::Download, &again, "/big.bin"));
    assert!(!rig.has_log(LogKind::Status, "segment"));
    assert!(std::fs::read(&again).unwrap() == data);
}

/// Waits until `n` bytes or more of transfer `id` are reported done.
fn wait_for_progress(rig: &mut Rig, id: TransferId, n: u64) {
    loop {
        match rig.next(Duration::from_secs(10)) {
            Event::Transfer {
                id: got,
                state: TransferState::Progress { done, .. },
                ..
            } if got == id && done >= n => return,
            Event::Transfer {
                id: got,
                state: state @ (TransferState::Finished { .. } | TransferState::Failed(_)),
                ..
            } if got == id => panic!("ended before it could be cancelled: {state:?}"),
            _ => {}
        }
    }
}

#[test]
fn a_cancelled_segmented_download_resumes_every_segment_byte_exact() {
    let data = pattern(2 * 1024 * 1024, 5);
    let server = RT.block_on(FakeServer::start(Script {
        file: std::sync::Arc::new(data.clone()),
        trickle: Some((8 * 1024, Duration::from_millis(10))),
        ..Script::default()
    }));
    let local = tempfile::tempdir().unwrap();
    let target = local.path().join("f.bin");
    let mut rig = Rig::new();
    rig.connect(segmented(server.site(10), 4)).unwrap();
    let request = rig.request(Direction::Download, &target, "/f.bin");
    let id = request.id;
    rig.send(Command::Enqueue {
        session: rig.session(),
        transfers: vec![request],
    });
    // A quarter of the file over four connections: each segment is about half done.
    wait_for_progress(&mut rig, id, 512 * 1024);
    std::thread::sleep(Duration::from_millis(300));
    rig.send(Command::CancelTransfer {
        session: rig.session(),
        transfer: id,
    });
    loop {
        if let Event::Transfer {
            id: got,
            state: TransferState::Failed(_),
            ..
        } = rig.next(Duration::from_secs(10))
            && got == id
        {
            break;
        }
    }
    assert!(
        !target.exists(),
        "a cancelled download never looks complete"
    );
    let recorded = std::fs::read_to_string(sidecar(local.path(), "f.bin")).unwrap();
    let before = server.received().len();

    let mut resume = rig.request(Direction::Download, &target, "/f.bin");
    resume.on_exists = Some(ExistsPolicy::Resume);
    rig.transfer_ok(resume);
    assert!(std::fs::read(&target).unwrap() == data, "the bytes differ");
    assert!(!sidecar(local.path(), "f.bin").exists());
    // Every segment went on from where the sidecar said, not from its start.
    let starts: Vec<u64> = (0..4).map(|i| 2 * 1024 * 1024 * i / 4).collect();
    let resumed: Vec<u64> = server.received()[before..]
        .iter()
        .filter_map(|c| c.strip_prefix("REST ")?.parse().ok())
        .collect();
    assert_eq!(resumed.len(), 4, "{resumed:?}; sidecar: {recorded}");
    assert!(
        resumed.iter().all(|r| !starts.contains(r)),
        "{resumed:?}; sidecar: {recorded}"
    );
}

#[test]
fn a_server_refusing_more_connections_still_gets_the_file_over_fewer() {
    let data = pattern(2 * 1024 * 1024 + 1, 9);
    // Three connections: the browsing one, the job's and one more.
    let server = RT.block_on(FakeServer::start(Script {
        file: std::sync::Arc::new(data.clone()),
        max_connections: Some(3),
        ..Script::default()
    }));
    let local = tempfile::tempdir().unwrap();
    let target = local.path().join("f.bin");
    let mut rig = Rig::new();
    rig.connect(segmented(server.site(10), 4)).unwrap();
    rig.transfer_ok(rig.request(Direction::Download, &target, "/f.bin"));
    assert!(std::fs::read(&target).unwrap() == data, "the bytes differ");
    assert!(
        server.received().iter().any(|c| c == "(refused: 421)"),
        "the server never refused a connection: the test proves nothing"
    );
    assert!(
        rig.has_log(LogKind::Status, "in 4 segments over 2 connections"),
        "{:#?}",
        rig.log_text()
    );
}
