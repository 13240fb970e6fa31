//! Listings and the data connection they open: entries with their sizes, and EPSV tried
//! first with PASV after a refusal.

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

#[test]
fn listing_shows_files_folders_and_sizes() {
    let server = Server::plain();
    std::fs::write(server.path("a file.txt"), b"12345").unwrap();
    std::fs::create_dir(server.path("folder")).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let entries = rig.list("/");
    let file = entries
        .iter()
        .find(|e| e.name == "a file.txt")
        .expect("file listed");
    assert_eq!((file.kind, file.size), (EntryKind::File, Some(5)));
    let dir = entries
        .iter()
        .find(|e| e.name == "folder")
        .expect("folder listed");
    assert_eq!(dir.kind, EntryKind::Dir);
    assert!(rig.has_log(LogKind::Status, "Directory listing of \"/\" successful"));
}

#[test]
fn epsv_is_tried_first_and_pasv_follows_a_refusal() {
    let server = RT.block_on(FakeServer::start(Script {
        epsv: false, // answered "502 not implemented"
        listing: std::sync::Arc::new(|| b"type=file;size=4; a.txt\r\n".to_vec()),
        ..Script::default()
    }));
    let mut site = Site::new("127.0.0.1", Protocol::Ftp);
    site.port = server.addr.port();
    site.user = "user".to_string();
    site.password = Secret::new("pw");
    site.timeouts = short_timeouts(5);
    site.mode = DataMode::Passive;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    assert_eq!(names, ["a.txt"]);

    // The log: EPSV sent, refused by the server, then PASV.
    let log = rig.log_lines();
    let at = |what: &dyn Fn(&LogLine) -> bool| {
        log.iter()
            .position(what)
            .unwrap_or_else(|| panic!("not in the log: {:#?}", rig.log_text()))
    };
    let epsv = at(&|l| l.kind == LogKind::Command && l.text == "EPSV");
    let refused = at(&|l| l.kind == LogKind::Response && l.text.starts_with("502"));
    let pasv = at(&|l| l.kind == LogKind::Command && l.text == "PASV");
    assert!(epsv < refused && refused < pasv, "{:#?}", rig.log_text());

    // The server saw the same order, and the refusal is remembered for the next listing.
    rig.list("/");
    let data: Vec<String> = server
        .received()
        .into_iter()
        .filter(|c| c == "EPSV" || c == "PASV")
        .collect();
    assert_eq!(data, ["EPSV", "PASV", "PASV"]);
}
