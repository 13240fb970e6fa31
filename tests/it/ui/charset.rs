//! Charsets in the app: a Latin-1 name shown decoded in the remote pane, downloaded by a
//! double-click, renamed and deleted (the server gets back the very bytes it listed; ignored in
//! a plain `cargo test`, it needs pyftpdlib: `tests/interop/run.sh` runs it), and the Site
//! Manager's Charset page.

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

    // Rename and delete reach the same file too.
    context_menu(&mut h, "café.txt", "Rename");
    type_into_dialog(&mut h, "naïve.txt");
    run_until(&mut h, "the renamed file listed", remote_has("naïve.txt"));
    assert!(server.path("naïve.txt").is_file() && !server.path("café.txt").exists());
    context_menu(&mut h, "naïve.txt", "Delete");
    for _ in 0..10 {
        if h.query_by_label("Confirm deletion").is_some() {
            break;
        }
        h.step();
    }
    h.get_by_label("Delete").click();
    let gone = server.path("naïve.txt");
    run_until(&mut h, "the deletion", |_| !gone.exists());
}

/// The Site Manager's Charset page: an encoding picked from the list is saved with the site.
#[test]
fn the_site_editor_saves_a_picked_charset() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut h = harness(AppStart {
        connect: None,
        connect_path: None,
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        open_site: None,
        data_dir: None,
    });
    h.step();
    h.get_by_label("Site Manager").click();
    h.run_steps(3);
    h.get_by_label("New site").click();
    h.run_steps(3);
    let host = h.get_all_by_label("Host:").last().expect("the host field");
    host.focus();
    h.step();
    h.get_all_by_label("Host:")
        .last()
        .unwrap()
        .type_text("legacy.example");
    h.step();
    h.get_by_label("Charset").click();
    h.run_steps(2);
    h.get_by_label("Charset of file names:").click();
    h.run_steps(2);
    h.get_by_label("Shift_JIS (Japanese)").click();
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);
    let sites = ferry::sites::SiteStore::open(config.path());
    let stored = sites.tree().sites();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].site.charset, "Shift_JIS");
}
