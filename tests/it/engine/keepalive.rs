//! Keep-alive on the queue's idle transfer connections, as on the browsing one: the scripted
//! server counts the NOOPs each connection sends while it waits for the next transfer, and the
//! next transfer reuses the connection kept alive.

use std::time::Duration;

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

#[test]
fn idle_transfer_connections_send_noop_and_are_reused() {
    let server = RT.block_on(FakeServer::start(Script {
        file: std::sync::Arc::new(b"payload".repeat(10)),
        ..Script::default()
    }));
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(10);
    site.parallel = 1;
    site.keepalive = Some(Duration::from_millis(300));
    rig.connect(site).unwrap();
    let first = local.path().join("first.bin");
    rig.transfer_ok(rig.request(Direction::Download, &first, "/a.bin"));
    let before = server.received().iter().filter(|c| *c == "NOOP").count();
    std::thread::sleep(Duration::from_millis(1600));
    // Drain what the worker said meanwhile (the log lines of the NOOPs).
    rig.run(Operation::Pwd).unwrap();
    let noops_on = |connection: u32| {
        rig.log_lines()
            .iter()
            .filter(|l| l.connection == connection && l.kind == LogKind::Command)
            .filter(|l| l.text == "NOOP")
            .count()
    };
    let idle_noops = noops_on(1);
    assert!(
        (3..=6).contains(&idle_noops),
        "{idle_noops} NOOPs on the idle transfer connection; log: {:#?}",
        rig.log_text()
    );
    assert!(noops_on(0) >= 3, "the browsing connection keeps alive too");
    let after = server.received().iter().filter(|c| *c == "NOOP").count();
    assert!(
        after - before >= idle_noops,
        "the server counted {before} then {after}"
    );
    // The next transfer goes on the connection kept alive: no second transfer connection.
    rig.transfer_ok(rig.request(Direction::Download, &local.path().join("b.bin"), "/b.bin"));
    assert!(rig.log_lines().iter().all(|l| l.connection <= 1));
    rig.disconnect();
}
