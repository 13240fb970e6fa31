//! The Site Manager and the global settings: a site made there connects and keeps its password
//! in the keyring; the settings apply to the connection opened at start.

use super::*;

/// The last widget labelled `label` (the Site Manager's fields come after the quick-connect
/// bar's namesakes).
fn last_labelled<'a>(h: &'a AppHarness, label: &'a str) -> egui_kittest::Node<'a> {
    h.get_all_by_label(label).last().expect("a labelled widget")
}

#[test]
fn a_site_made_in_the_site_manager_connects_and_its_password_stays_in_the_keyring() {
    let server = Server::plain();
    std::fs::create_dir(server.path("www")).unwrap();
    std::fs::write(server.path("www/index.html"), b"<h1>hi</h1>").unwrap();
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let keyring = ferry::sites::Keyring::in_memory();
    let mut h = harness(AppStart {
        connect: None,
        connect_path: None,
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        data_dir: None,
        keyring: Some(keyring.clone()),
        open_site: None,
    });
    h.step();
    h.get_by_label("Site Manager").click();
    h.run_steps(3);
    h.get_by_label("New site").click();
    h.run_steps(3);

    let port = server.server.addr().port().to_string();
    for (label, text) in [
        ("Host:", "127.0.0.1"),
        ("Port:", port.as_str()),
        ("User:", USER),
        ("Password:", PASSWORD),
    ] {
        last_labelled(&h, label).focus();
        h.step();
        last_labelled(&h, label).type_text(text);
        h.step();
    }
    last_labelled(&h, "Protocol:").click();
    h.run_steps(2);
    h.get_by_label("FTP (plain, insecure)").click();
    h.run_steps(2);
    h.get_by_label("Advanced").click();
    h.run_steps(2);
    last_labelled(&h, "Default remote folder:").focus();
    h.step();
    last_labelled(&h, "Default remote folder:").type_text("www");
    h.step();
    h.get_by_label("Connect").click();
    run_until(&mut h, "the site's remote folder", remote_has("index.html"));
    assert_eq!(app(&h).remote().path, "/www");
    assert_eq!(app(&h).tab().label, "New site");

    // The password is in the keyring, and in no file Ferry wrote.
    let sites = ferry::sites::SiteStore::open(config.path());
    let stored = sites.tree().sites();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].site.host, "127.0.0.1");
    assert_eq!(keyring.get(&stored[0].site.id).unwrap().expose(), PASSWORD);
    for entry in walk(config.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(PASSWORD),
            "{} holds the password",
            entry.display()
        );
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// `ferry ftp://...` opens its connection with the global settings, like a quick connection:
/// here the parallel transfers and "no EPSV" from Settings.
#[test]
fn the_global_settings_apply_to_the_connection_opened_at_start() {
    let server = Server::plain();
    std::fs::write(server.path("listed.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut settings = ferry::sites::Settings {
        simultaneous_transfers: 5,
        ..Default::default()
    };
    settings.data_options.use_epsv = false;
    ferry::sites::SettingsStore::open(config.path())
        .save(settings)
        .expect("settings saved");
    let mut h = harness(AppStart {
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..start(local.path(), Some(server.site(Protocol::Ftp)))
    });
    run_until(&mut h, "the listing", remote_has("listed.txt"));
    assert_eq!(app(&h).queue().parallel, 5, "the queue's parallel count");
    let log = app(&h).log().text();
    assert!(log.iter().any(|l| l == "Command:\tPASV"), "{log:#?}");
    assert!(!log.iter().any(|l| l == "Command:\tEPSV"), "{log:#?}");
}
