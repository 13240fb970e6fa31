//! A Latin-1 name in the app: shown decoded in the remote pane, and downloaded by a double-click
//! (the server gets back the very bytes it listed). Ignored in a plain `cargo test` (it needs
//! pyftpdlib); `tests/interop/run.sh` runs it.

use super::*;
use crate::support::pyftpd::PyServer;

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_a_latin1_name_shows_decoded_and_downloads() {
    let server = PyServer::start("latin-1");
    std::fs::write(server.path("café.txt"), b"latin").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), Some(server.site(Charset::Auto))));
    run_until(&mut h, "the decoded name listed", remote_has("café.txt"));
    double_click(&mut h, "café.txt");
    let target = local.path().join("café.txt");
    run_until(&mut h, "the download", |_| {
        std::fs::read(&target).is_ok_and(|bytes| bytes == b"latin")
    });
}
