//! The store on disk: round trips, corrupt and newer files, backups, crashes mid-write and
//! concurrent writers.

use super::*;

#[test]
fn the_store_round_trips_folders_unicode_names_and_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    assert!(store.problem().is_none());
    assert!(store.tree().nodes.is_empty());
    let folder = store.add_folder(None, "Klienten ☃ Zürich").unwrap();
    let sub = store.add_folder(Some(&folder), "日本語 フォルダ").unwrap();
    let mut full = site("Ünïcode site — 🚀", "ftp.example.com");
    full.protocol = SiteProtocol::FtpesIfAvailable;
    full.port = Some(2121);
    full.logon = Logon::Ask;
    full.mode = Some(TransferMode::Active);
    full.data_options = Some(DataOptions {
        use_epsv: false,
        trust_pasv_address: true,
        active_external_ip: Some("203.0.113.9".parse().unwrap()),
        active_ports: Some(PortRange {
            first: 50000,
            last: 50100,
        }),
    });
    full.max_connections = Some(4);
    full.local_dir = Some(PathBuf::from("/home/bob/sites/ünï"));
    full.remote_dir = Some("/var/www".to_string());
    full.keepalive = Some(KeepAlive::Seconds(60));
    full.comments = "line one\nline \"two\" & <three>".to_string();
    full.colour = Colour::Magenta;
    let id = store.add_site(Some(&sub), full.clone()).unwrap();
    store
        .add_site(None, site("Plain", "plain.example"))
        .unwrap();

    let again = SiteStore::load(dir.path()).unwrap();
    assert_eq!(again.tree(), store.tree());
    assert_eq!(again.tree().site(&id), Some(&full));
    assert_eq!(
        again.tree().path_of(&id).unwrap(),
        "Klienten ☃ Zürich/日本語 フォルダ/Ünïcode site — 🚀"
    );
    let text = std::fs::read_to_string(sites_file(dir.path())).unwrap();
    assert!(
        text.starts_with("{\n  \"version\": 1,\n  \"sites\": ["),
        "{text}"
    );
    assert!(text.contains("\"protocol\": \"ftpes-if-available\""));
    assert!(text.contains("\"active_ports\": \"50000-50100\""));
    assert!(text.contains("\"logon\": \"ask\""));
    assert!(text.contains("Ünïcode site"), "unicode is kept readable");
}

#[test]
fn a_corrupt_file_is_kept_and_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = sites_file(dir.path());
    let broken = "{\n  \"version\": 1,\n  \"sites\": [\n    {\"site\": {\"id\": \"a\" \"name\": \"x\"}}\n  ]\n}\n";
    std::fs::write(&path, broken).unwrap();
    let mut store = SiteStore::open(dir.path());
    let problem = store.problem().expect("a problem").clone();
    match &problem {
        StoreError::Syntax { line, column, .. } => assert_eq!((*line, *column), (4, 25)),
        other => panic!("{other:?}"),
    }
    let message = problem.to_string();
    assert!(
        message.starts_with(&format!("{} line 4, column 25: expected", path.display())),
        "{message}"
    );
    assert!(problem.is_unreadable_file());
    assert!(store.tree().nodes.is_empty());
    // Every change is refused with the same error; the file and its absent backup stay so.
    let refused = store.add_site(None, site("New", "h")).unwrap_err();
    assert_eq!(refused.to_string(), message);
    assert!(store.add_folder(None, "F").is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    assert!(!backup_path(&path).exists());
    assert!(matches!(
        SiteStore::load(dir.path()),
        Err(StoreError::Syntax { .. })
    ));
}

#[test]
fn a_field_of_the_wrong_type_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\n  \"version\": 1,\n  \"sites\": [\n    {\n      \"site\": {\n        \"id\": \"abc\",\n        \"name\": \"S\",\n        \"host\": \"h\",\n        \"port\": \"twenty-one\"\n      }\n    }\n  ]\n}\n";
    std::fs::write(sites_file(dir.path()), text).unwrap();
    let error = SiteStore::load(dir.path()).unwrap_err();
    match &error {
        StoreError::Syntax { line, message, .. } => {
            assert_eq!(*line, 9, "{error}");
            assert!(message.contains("twenty-one"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_from_a_newer_ferry_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = sites_file(dir.path());
    let future = "{\"version\": 2, \"sites\": {\"something\": \"new\"}}";
    std::fs::write(&path, future).unwrap();
    let mut store = SiteStore::open(dir.path());
    let problem = store.problem().unwrap().to_string();
    assert!(matches!(
        store.problem(),
        Some(StoreError::FutureVersion { found: 2, .. })
    ));
    assert!(
        problem.contains("format version 2") && problem.contains("newer Ferry"),
        "{problem}"
    );
    assert!(store.add_folder(None, "F").is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), future);

    let settings_path = dir.path().join("settings.json");
    std::fs::write(&settings_path, "{\"version\": 7}").unwrap();
    let mut settings = SettingsStore::open(dir.path());
    assert!(matches!(
        settings.problem(),
        Some(StoreError::FutureVersion { found: 7, .. })
    ));
    assert!(settings.save(Settings::default()).is_err());
    assert_eq!(
        std::fs::read_to_string(&settings_path).unwrap(),
        "{\"version\": 7}"
    );
}

#[test]
fn files_that_break_a_rule_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = sites_file(dir.path());
    for (text, expected) in [
        ("{\"sites\": []}", "no \"version\""),
        (
            "{\"version\": 1, \"sites\": [{\"site\": {\"id\": \"a\", \"name\": \"a/b\"}}]}",
            "cannot contain \"/\"",
        ),
        (
            "{\"version\": 1, \"sites\": [{\"site\": {\"id\": \"a\", \"name\": \"x\"}}, {\"folder\": {\"id\": \"a\", \"name\": \"y\"}}]}",
            "used twice",
        ),
        (
            "{\"version\": 1, \"sites\": [{\"site\": {\"id\": \"a\", \"name\": \"x\", \"max_connections\": 11}}]}",
            "maximum connections",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let error = SiteStore::load(dir.path()).unwrap_err();
        assert!(
            matches!(error, StoreError::Invalid { .. }),
            "{text}: {error:?}"
        );
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
    std::fs::write(&path, b"{\"version\": 1, \"sites\": [\xff]}").unwrap();
    let error = SiteStore::load(dir.path()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("line 1, column 26: the file is not UTF-8"),
        "{error}"
    );
}

#[test]
fn each_write_keeps_the_previous_version_as_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, acme, _) = sample(dir.path());
    let path = sites_file(dir.path());
    let before = std::fs::read_to_string(&path).unwrap();
    store.rename(&acme, "Acme Website").unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), before);
    assert!(after.contains("Acme Website") && !before.contains("Acme Website"));
    // A change that changes nothing writes nothing.
    store.rename(&acme, "Acme Website").unwrap();
    assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), before);
}

#[test]
fn a_crash_mid_write_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, acme, _) = sample(dir.path());
    let path = sites_file(dir.path());
    let good = std::fs::read_to_string(&path).unwrap();
    // The process dies after writing half of the new file, before the rename.
    std::mem::forget(Prepared::write(&path, b"{\"version\": 1, \"sites\": [{\"fol").unwrap());
    assert_eq!(temp_files(&path).len(), 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
    let mut reopened = SiteStore::load(dir.path()).unwrap();
    assert_eq!(reopened.tree(), store.tree());
    // The next write replaces the file and clears the leftover.
    reopened.rename(&acme, "Acme 2").unwrap();
    assert!(temp_files(&path).is_empty());
    assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), good);
    assert!(
        SiteStore::load(dir.path())
            .unwrap()
            .tree()
            .site(&acme)
            .unwrap()
            .name
            == "Acme 2"
    );
}

#[test]
fn two_windows_editing_different_sites_keep_both_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, _, acme, solo) = sample(dir.path());
    let mut second = SiteStore::open(dir.path());
    let mut a = first.tree().site(&acme).unwrap().clone();
    a.comments = "edited in window one".to_string();
    first.save_site(a).unwrap();
    // The second window has not seen that change; its edit must not undo it.
    let mut b = second.tree().site(&solo).unwrap().clone();
    b.port = Some(2200);
    second.save_site(b).unwrap();
    second.add_folder(None, "Made in window two").unwrap();
    first.rename(&solo, "Solo renamed").unwrap();

    let disk = SiteStore::load(dir.path()).unwrap();
    let tree = disk.tree();
    assert_eq!(tree.site(&acme).unwrap().comments, "edited in window one");
    assert_eq!(tree.site(&solo).unwrap().port, Some(2200));
    assert_eq!(tree.site(&solo).unwrap().name, "Solo renamed");
    assert!(tree.nodes.iter().any(|n| n.name() == "Made in window two"));
    assert_eq!(first.tree(), tree);
}

#[test]
fn concurrent_writers_in_threads_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut store = SiteStore::open(&dir);
                for i in 0..10 {
                    store
                        .add_site(None, site(&format!("t{t} s{i}"), "h"))
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let store = SiteStore::load(dir.path()).unwrap();
    assert_eq!(store.tree().count(), (40, 0));
}

#[test]
fn another_windows_change_is_noticed_cheaply() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, _, acme, _) = sample(dir.path());
    let mut second = SiteStore::open(dir.path());
    assert!(!second.reload_if_changed());
    first.rename(&acme, "Renamed").unwrap();
    assert!(second.reload_if_changed());
    assert_eq!(second.tree().site(&acme).unwrap().name, "Renamed");
    assert!(!second.reload_if_changed());
    assert!(
        !first.reload_if_changed(),
        "a store's own writes are not news to it"
    );

    // A file broken and then fixed in an editor is picked up both times.
    let path = sites_file(dir.path());
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, "{ broken").unwrap();
    assert!(second.reload_if_changed());
    assert!(second.problem().is_some());
    std::fs::write(&path, &good).unwrap();
    assert!(second.reload_if_changed());
    assert!(second.problem().is_none());
    assert_eq!(second.tree(), first.tree());
}
