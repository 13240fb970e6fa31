//! Bookmarks driven through the window: "Add bookmark…" takes both folders shown and is saved
//! in the settings file; choosing it from the Bookmarks menu opens both folders and starts
//! synchronized browsing as it says; "Manage bookmarks…" renames and deletes it. A site's
//! bookmark and its synchronized browsing switch apply when connecting from the Site Manager.

use ferry::sites::{Bookmark, Logon, SettingsStore, SiteEntry, SiteProtocol, SiteStore};

use super::*;

fn with_config(server: &Server, local: &Path, config: &Path) -> AppHarness {
    let mut h = harness(AppStart {
        connect: Some(server.site(Protocol::Ftp)),
        local_dir: Some(local.to_path_buf()),
        config_dir: Some(config.to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..AppStart::default()
    });
    run_until(&mut h, "connected", |a| {
        a.is_connected() && !a.remote().loading
    });
    h
}

fn open_bookmarks_menu(h: &mut AppHarness, item: &str) {
    h.get_by_label("Bookmarks").click();
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(3);
}

fn saved(config: &Path) -> Vec<Bookmark> {
    SettingsStore::open(config).settings().bookmarks.clone()
}

#[test]
fn a_bookmark_is_added_from_the_panes_and_opens_both_folders_in_step() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("www/img")).unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(local.path().join("site/img")).unwrap();
    let site = local.path().canonicalize().unwrap().join("site");
    let config = tempfile::tempdir().unwrap();
    let mut h = with_config(&server, &site, config.path());
    h.run_steps(2);
    let remote = h.state_mut().as_mut().unwrap();
    remote.go_to_bookmark(&Bookmark::new("", "", "/www"));
    run_until(&mut h, "in www", |a| {
        a.remote().path == "/www" && !a.remote().loading && !a.local.loading
    });

    open_bookmarks_menu(&mut h, "Add bookmark...");
    h.get_by_label("Name:").focus();
    h.step();
    h.get_by_label("Name:").type_text("web");
    h.get_by_label("Use synchronized browsing").click();
    h.step();
    h.get_by_label("OK").click();
    h.run_steps(3);
    let stored = saved(config.path());
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].name, "web");
    assert_eq!(stored[0].local_dir.as_deref(), Some(site.as_path()));
    assert_eq!(stored[0].remote_dir.as_deref(), Some("/www"));
    assert!(stored[0].sync_browsing);

    // Elsewhere on both sides, then back with the bookmark.
    h.state_mut()
        .as_mut()
        .unwrap()
        .go_to_bookmark(&Bookmark::new("", &local.path().display().to_string(), "/"));
    run_until(&mut h, "elsewhere", |a| {
        a.remote().path == "/" && !a.remote().loading && !a.local.loading
    });
    assert!(!app(&h).syncing());
    open_bookmarks_menu(&mut h, "web");
    let site_text = site.display().to_string();
    run_until(&mut h, "the bookmark's folders, in step", |a| {
        a.remote().path == "/www" && a.local.path == site_text && a.syncing()
    });
    // In step from the bookmark's folders: entering img on the server enters it here.
    run_until(&mut h, "img listed", remote_has("img"));
    double_click(&mut h, "img");
    let img = site.join("img").display().to_string();
    run_until(&mut h, "both in img", |a| {
        a.remote().path == "/www/img" && a.local.path == img
    });

    open_bookmarks_menu(&mut h, "Manage bookmarks...");
    h.get_all_by_label("web").last().unwrap().click();
    h.run_steps(2);
    let name = h.get_all_by_label("Name:").last().unwrap();
    name.focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_all_by_label("Name:")
        .last()
        .unwrap()
        .type_text("website");
    h.step();
    h.get_by_label("Rename").click();
    h.run_steps(2);
    assert_eq!(saved(config.path())[0].name, "website");
    h.get_by_label("Delete").click();
    h.run_steps(2);
    assert!(saved(config.path()).is_empty());
}

#[test]
fn a_sites_bookmark_and_sync_browsing_apply_when_connecting_from_the_site_manager() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("www/css")).unwrap();
    std::fs::create_dir_all(server.path("logs")).unwrap();
    let local = tempfile::tempdir().unwrap();
    let root = local.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("www/css")).unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut entry = SiteEntry::new("Web");
    entry.protocol = SiteProtocol::Ftp;
    entry.host = "127.0.0.1".to_string();
    entry.port = Some(server.server.addr().port());
    entry.logon = Logon::Normal;
    entry.user = USER.to_string();
    entry.local_dir = Some(root.join("www"));
    entry.remote_dir = Some("/www".to_string());
    entry.sync_browsing = true;
    entry.bookmarks.push(Bookmark::new("Logs", "", "/logs"));
    let id = SiteStore::open(config.path())
        .add_site(None, entry)
        .unwrap();
    let keyring = ferry::sites::Keyring::in_memory();
    keyring.set(&id, &Secret::new(PASSWORD)).unwrap();
    let connection = ferry::sites::open_site_url("site:Web", config.path(), &keyring).unwrap();
    let mut h = harness(AppStart {
        local_dir: Some(root.clone()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(keyring),
        open_site: Some(connection),
        ..AppStart::default()
    });
    run_until(&mut h, "in step from the site's folders", |a| {
        a.remote().path == "/www" && a.syncing()
    });
    run_until(&mut h, "css listed", remote_has("css"));
    double_click(&mut h, "css");
    let css = root.join("www/css").display().to_string();
    run_until(&mut h, "both in css", |a| {
        a.remote().path == "/www/css" && a.local.path == css
    });
    open_bookmarks_menu(&mut h, "Logs");
    run_until(&mut h, "the site's bookmark", |a| {
        a.remote().path == "/logs" && !a.remote().loading
    });
    assert_eq!(app(&h).local.path, css, "a bookmark without a local folder");
}
