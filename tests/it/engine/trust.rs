//! Defects from the trust issue, against the scripted server: a lone CR at the end of an ASCII
//! download, the PORT refusal's explanation, transfers left waiting by a disconnect, a server
//! without SIZE, and auto mode after active stops working.

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

fn fake(script: Script) -> FakeServer {
    RT.block_on(FakeServer::start(script))
}

fn site(server: &FakeServer, mode: DataMode) -> Site {
    let mut site = Site::new("127.0.0.1", Protocol::Ftp);
    site.port = server.addr.port();
    site.user = "user".to_string();
    site.password = Secret::new("pw");
    site.timeouts = short_timeouts(5);
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
