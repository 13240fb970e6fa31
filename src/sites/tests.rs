//! Tests of the site store, the tree's edits and paths, settings, the keyring (in-memory store),
//! the conversion to the engine's `Site`, and FileZilla import and export.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::api::{DataMode, ExistsPolicy, PortRange, Protocol, Secret};
use crate::common::atomic_file::{Prepared, temp_files};

const FIXTURE: &str = include_str!("../../tests/fixtures/filezilla/sitemanager.xml");

fn site(name: &str, host: &str) -> SiteEntry {
    let mut s = SiteEntry::new(name);
    s.host = host.to_string();
    s.user = "user".to_string();
    s
}

fn sites_file(dir: &Path) -> PathBuf {
    dir.join("sites.json")
}

/// Top level: folder "Clients" with site "Acme Web", and site "Solo".
fn sample(dir: &Path) -> (SiteStore, NodeId, NodeId, NodeId) {
    let mut store = SiteStore::open(dir);
    let clients = store.add_folder(None, "Clients").unwrap();
    let acme = store
        .add_site(Some(&clients), site("Acme Web", "ftp.acme.example"))
        .unwrap();
    let solo = store.add_site(None, site("Solo", "solo.example")).unwrap();
    (store, clients, acme, solo)
}

// ---------------------------------------------------------------- the store on disk

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

// ---------------------------------------------------------------- edits, search, paths

#[test]
fn edits_are_addressed_by_id_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, clients, acme, solo) = sample(dir.path());

    // Names: trimmed, never empty, no slash, no control characters, unique in a folder.
    let id = store.add_folder(Some(&clients), "  Spaced  ").unwrap();
    assert_eq!(store.tree().folder(&id).unwrap().name, "Spaced");
    for bad in ["", "   ", "a/b", "tab\there"] {
        let error = store.rename(&acme, bad).unwrap_err();
        assert!(
            matches!(error, StoreError::Edit(EditError::Name { .. })),
            "{bad:?}: {error}"
        );
    }
    let duplicate = store
        .add_site(Some(&clients), site("Acme Web", "x"))
        .unwrap_err();
    assert_eq!(
        duplicate.to_string(),
        "\"Acme Web\" already exists in Clients"
    );
    store.add_site(None, site("Acme Web", "x")).unwrap();
    assert_eq!(
        store.tree().free_name(Some(&clients), "Acme Web"),
        "Acme Web (2)"
    );

    // Duplicate: fresh ids, "Copy of", right after the original.
    let dup = store.duplicate(&clients).unwrap();
    let copy = store.tree().folder(&dup.id).unwrap();
    assert_eq!(copy.name, "Copy of Clients");
    assert_eq!(store.tree().nodes[1].id(), &dup.id);
    assert_eq!(dup.sites.len(), 1);
    assert_eq!(dup.sites[0].0, acme);
    assert_ne!(dup.sites[0].1, acme);
    assert_eq!(store.tree().site(&dup.sites[0].1).unwrap().name, "Acme Web");
    assert_eq!(
        store.duplicate(&clients).unwrap().id,
        store.tree().nodes[1].id().clone()
    );
    assert_eq!(store.tree().nodes[1].name(), "Copy of Clients (2)");

    // Move: into a folder at an index, never into itself.
    store.move_node(&solo, Some(&clients), 0).unwrap();
    assert_eq!(
        store.tree().folder(&clients).unwrap().children[0].id(),
        &solo
    );
    assert_eq!(store.tree().path_of(&solo).unwrap(), "Clients/Solo");
    assert_eq!(store.tree().parent(&solo), Some(Some(&clients)));
    store.move_node(&solo, None, 0).unwrap();
    assert_eq!(store.tree().nodes[0].id(), &solo);
    let inner = store.add_folder(Some(&clients), "Inner").unwrap();
    assert!(matches!(
        store.move_node(&clients, Some(&inner), 0),
        Err(StoreError::Edit(EditError::IntoItself))
    ));
    assert!(matches!(
        store.move_node(&clients, Some(&acme), 0),
        Err(StoreError::Edit(EditError::NotAFolder(_)))
    ));

    // Delete returns what went, with its sites' ids for the keyring.
    let gone = store.delete(&clients).unwrap();
    assert_eq!(gone.site_ids(), vec![acme.clone()]);
    assert!(store.tree().get(&acme).is_none());
    assert!(matches!(
        store.delete(&acme),
        Err(StoreError::Edit(EditError::NotFound(_)))
    ));
    let mut stale = SiteEntry::new("Ghost");
    stale.id = acme.clone();
    assert!(matches!(
        store.save_site(stale),
        Err(StoreError::Edit(EditError::NotFound(_)))
    ));

    // A bad field is refused before anything is written.
    let mut bad = store.tree().site(&solo).unwrap().clone();
    bad.max_connections = Some(0);
    assert!(matches!(
        store.save_site(bad),
        Err(StoreError::Edit(EditError::Invalid(_)))
    ));
    assert_eq!(SiteStore::load(dir.path()).unwrap().tree(), store.tree());
}

#[test]
fn search_matches_name_host_user_and_comments_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, clients, acme, solo) = sample(dir.path());
    let mut s = store.tree().site(&solo).unwrap().clone();
    s.comments = "The BACKUP box".to_string();
    s.user = "Deployer".to_string();
    store.save_site(s).unwrap();
    let ids = |q: &str| -> Vec<NodeId> {
        store
            .tree()
            .search(q)
            .iter()
            .map(|r| r.site.id.clone())
            .collect()
    };
    assert_eq!(ids("acme"), vec![acme.clone()]);
    assert_eq!(ids("ACME.EXAMPLE"), vec![acme.clone()]);
    assert_eq!(ids("backup"), vec![solo.clone()]);
    assert_eq!(ids("deploy"), vec![solo.clone()]);
    assert_eq!(ids(""), vec![acme.clone(), solo.clone()]);
    assert!(ids("nothing like it").is_empty());
    let hit = &store.tree().search("acme")[0];
    assert_eq!(
        (hit.folder.as_str(), hit.path.as_str()),
        ("Clients", "Clients/Acme Web")
    );
    let _ = clients;
}

#[test]
fn site_paths_resolve_to_the_longest_site_and_the_rest_is_the_remote_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    let a_site = store.add_site(None, site("A", "a")).unwrap();
    let a_folder = store.add_site(None, site("Ä ü", "x")).unwrap();
    let folder = store.add_folder(None, "Clients").unwrap();
    let acme = store
        .add_site(Some(&folder), site("Acme Web", "acme"))
        .unwrap();
    let nested = store.add_folder(Some(&folder), "Acme Web Old").unwrap();
    let deep = store.add_site(Some(&nested), site("B", "b")).unwrap();
    let mut with_dir = site("Docs", "d");
    with_dir.remote_dir = Some("/srv/docs".to_string());
    let docs = store.add_site(None, with_dir).unwrap();
    let tree = store.tree();

    let resolve = |spec: &str| {
        let t = tree.resolve(spec).unwrap();
        (t.site.site.id.clone(), t.remote_path(), t.trailing_slash)
    };
    assert_eq!(resolve("A"), (a_site.clone(), None, false));
    assert_eq!(
        resolve("A/www/x.html"),
        (a_site.clone(), Some("www/x.html".into()), false)
    );
    assert_eq!(resolve("Ä ü/ü"), (a_folder, Some("ü".into()), false));
    assert_eq!(
        resolve("Clients/Acme Web/www/"),
        (acme.clone(), Some("www".into()), true)
    );
    assert_eq!(
        resolve("Clients/Acme Web Old/B"),
        (deep.clone(), None, false)
    );
    assert_eq!(
        resolve("Clients/Acme Web//var/www"),
        (acme.clone(), Some("/var/www".into()), false)
    );
    assert_eq!(
        resolve("Clients/Acme Web//"),
        (acme.clone(), Some("/".into()), false)
    );
    assert_eq!(resolve("/Clients/Acme Web"), (acme.clone(), None, false));
    // Relative to the site's remote folder; absolute stays absolute.
    assert_eq!(
        resolve("Docs"),
        (docs.clone(), Some("/srv/docs".into()), false)
    );
    assert_eq!(
        resolve("Docs/api/v1"),
        (docs.clone(), Some("/srv/docs/api/v1".into()), false)
    );
    assert_eq!(
        resolve("Docs//etc"),
        (docs.clone(), Some("/etc".into()), false)
    );
    // Exact case first, then any case.
    assert_eq!(resolve("clients/acme web/www").0, acme);

    let error = tree.resolve("Clinets/Acme Web").unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("no site is named \"Clinets/Acme Web\""),
        "{message}"
    );
    assert!(
        message.contains("did you mean \"Clients/Acme Web\"?"),
        "{message}"
    );

    // Names are unique in a folder, so only a case-insensitive match can meet two sites: a
    // site "clients" beside the folder "Clients". An exact match comes first; among the
    // case-insensitive ones the longest site path wins.
    let lower = store.add_site(None, site("clients", "c")).unwrap();
    let tree = store.tree();
    assert_eq!(
        tree.resolve("Clients/Acme Web/x").unwrap().site.site.id,
        acme
    );
    let exact = tree.resolve("clients/Acme Web/x").unwrap();
    assert_eq!(
        (&exact.site.site.id, exact.rest.as_str()),
        (&lower, "Acme Web/x")
    );
    let longest = tree.resolve("CLIENTS/acme web/x").unwrap();
    assert_eq!((&longest.site.site.id, longest.rest.as_str()), (&acme, "x"));
    assert!(matches!(
        store.tree().resolve("Nothing at all"),
        Err(ResolveError::Unknown { ref suggestions, .. }) if suggestions.is_empty()
    ));
}

// ---------------------------------------------------------------- settings

#[test]
fn settings_round_trip_and_ranges_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SettingsStore::open(dir.path());
    assert_eq!(store.settings(), &Settings::default());
    let mut custom = Settings {
        transfer_mode: TransferMode::Passive,
        simultaneous_transfers: 5,
        timeout_seconds: 45,
        keepalive: KeepAlive::Seconds(30),
        on_exists: OnExists::OverwriteIfNewer,
        log_timestamps: true,
        log_line_cap: 500,
        theme: Theme::Dark,
        ..Settings::default()
    };
    custom.data_options.active_external_ip = Some("198.51.100.7".parse().unwrap());
    store.save(custom.clone()).unwrap();
    assert_eq!(SettingsStore::load(dir.path()).unwrap().settings(), &custom);
    let text = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(
        text.contains("\"version\": 1") && text.contains("\"theme\": \"dark\""),
        "{text}"
    );

    for (bad, words) in [
        (
            Settings {
                simultaneous_transfers: 0,
                ..Settings::default()
            },
            "simultaneous transfers must be 1 to 10",
        ),
        (
            Settings {
                simultaneous_transfers: 11,
                ..Settings::default()
            },
            "(not 11)",
        ),
        (
            Settings {
                timeout_seconds: 0,
                ..Settings::default()
            },
            "timeout must be 1 to 3600",
        ),
        (
            Settings {
                keepalive: KeepAlive::Seconds(5),
                ..Settings::default()
            },
            "keep-alive must be 10 to 3600",
        ),
        (
            Settings {
                log_line_cap: 10,
                ..Settings::default()
            },
            "100 to 1000000",
        ),
    ] {
        let error = store.save(bad).unwrap_err();
        assert!(matches!(error, StoreError::Settings(_)), "{error:?}");
        assert!(error.to_string().contains(words), "{error}");
    }
    assert_eq!(store.settings(), &custom, "refused settings change nothing");

    // A partial file takes defaults for the rest; an out-of-range one is refused and kept.
    std::fs::write(
        dir.path().join("settings.json"),
        "{\"version\": 1, \"settings\": {\"theme\": \"light\"}}",
    )
    .unwrap();
    let partial = SettingsStore::load(dir.path()).unwrap();
    assert_eq!(partial.settings().theme, Theme::Light);
    assert_eq!(partial.settings().timeout_seconds, 20);
    std::fs::write(
        dir.path().join("settings.json"),
        "{\"version\": 1, \"settings\": {\"timeout_seconds\": 0}}",
    )
    .unwrap();
    let error = SettingsStore::load(dir.path()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("settings.json: the timeout must be 1 to 3600"),
        "{error}"
    );
}

// ---------------------------------------------------------------- to the engine

#[test]
fn the_engine_site_takes_the_globals_where_the_site_says_default() {
    let settings = Settings {
        transfer_mode: TransferMode::Active,
        data_options: DataOptions {
            use_epsv: false,
            trust_pasv_address: true,
            active_external_ip: Some("203.0.113.1".parse().unwrap()),
            active_ports: Some(PortRange {
                first: 40000,
                last: 40010,
            }),
        },
        simultaneous_transfers: 7,
        timeout_seconds: 33,
        keepalive: KeepAlive::Seconds(120),
        on_exists: OnExists::Skip,
        ..Settings::default()
    };
    let mut entry = site("S", " ftp.example.com ");
    entry.protocol = SiteProtocol::Ftps;
    let engine = engine_site(&entry, &settings, Some(Secret::new("pw")));
    assert_eq!(engine.host, "ftp.example.com");
    assert_eq!((engine.protocol, engine.port), (Protocol::ImplicitTls, 990));
    assert_eq!(engine.mode, DataMode::Active);
    assert!(!engine.use_epsv && engine.trust_pasv_address);
    assert_eq!(
        engine.active.external_ip,
        settings.data_options.active_external_ip
    );
    assert_eq!(engine.active.ports, settings.data_options.active_ports);
    assert_eq!(engine.timeouts.reply, Duration::from_secs(33));
    assert_eq!(engine.keepalive, Some(Duration::from_secs(120)));
    assert_eq!(engine.parallel, 7);
    assert_eq!(engine.on_exists, ExistsPolicy::Skip);
    assert_eq!(
        (engine.user.as_str(), engine.password.expose()),
        ("user", "pw")
    );
    assert!(!engine.ask_password);

    // The site's own choices win.
    entry.port = Some(2990);
    entry.mode = Some(TransferMode::Passive);
    entry.data_options = Some(DataOptions::default());
    entry.max_connections = Some(1);
    entry.keepalive = Some(KeepAlive::Off);
    let engine = engine_site(&entry, &settings, None);
    assert_eq!(engine.port, 2990);
    assert_eq!(engine.mode, DataMode::Passive);
    assert!(engine.use_epsv && !engine.trust_pasv_address);
    assert_eq!(engine.active.external_ip, None);
    assert_eq!((engine.parallel, engine.keepalive), (1, None));
    // Normal logon without a password: asked for.
    assert!(engine.ask_password && engine.password.is_empty());

    entry.logon = Logon::Anonymous;
    let engine = engine_site(&entry, &settings, Some(Secret::new("ignored")));
    assert!(engine.user.is_empty() && engine.password.is_empty() && !engine.ask_password);
    entry.logon = Logon::Ask;
    let engine = engine_site(&entry, &settings, Some(Secret::new("ignored")));
    assert_eq!(engine.user, "user");
    assert!(engine.ask_password && engine.password.is_empty());
    entry.protocol = SiteProtocol::FtpesIfAvailable;
    entry.port = None;
    let engine = engine_site(&entry, &settings, None);
    assert_eq!(
        (engine.protocol, engine.port),
        (Protocol::ExplicitTlsIfAvailable, 21)
    );
}

#[test]
fn a_connection_takes_its_password_from_the_keyring_or_asks() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, acme, _) = sample(dir.path());
    let settings = Settings::default();
    let keyring = Keyring::in_memory();
    let pending = connection(store.tree(), &acme, &settings, &keyring).unwrap();
    assert!(pending.site.ask_password);
    assert_eq!(pending.keyring_note, Some(KeyringError::NotFound));

    keyring
        .set(&acme, &Secret::new("from the keyring"))
        .unwrap();
    let ready = connection(store.tree(), &acme, &settings, &keyring).unwrap();
    assert_eq!(ready.site.password.expose(), "from the keyring");
    assert!(!ready.site.ask_password && ready.keyring_note.is_none());
    assert_eq!(
        (ready.name.as_str(), ready.path.as_str()),
        ("Acme Web", "Clients/Acme Web")
    );

    let none = Keyring::unavailable("no Secret Service");
    let asked = connection(store.tree(), &acme, &settings, &none).unwrap();
    assert!(asked.site.ask_password);
    assert!(matches!(
        asked.keyring_note,
        Some(KeyringError::Unavailable(_))
    ));

    let by_path = open_site_url("site:Clients/Acme Web/www", dir.path(), &keyring).unwrap();
    assert_eq!(by_path.id, acme);
    assert_eq!(by_path.remote_path.as_deref(), Some("www"));
    assert_eq!(by_path.site.password.expose(), "from the keyring");
    assert!(matches!(
        open_site_url("site:Nope", dir.path(), &keyring),
        Err(SiteError::Resolve(_))
    ));
    let mut store = store;
    let empty = store.add_site(None, SiteEntry::new("No host")).unwrap();
    assert!(matches!(
        connection(store.tree(), &empty, &settings, &keyring),
        Err(SiteError::NoHost(_))
    ));
    assert!(is_site_url("site:x") && !is_site_url("ftp://h/"));
}

// ---------------------------------------------------------------- FileZilla

fn find<'a>(tree: &'a SiteTree, path: &str) -> &'a SiteEntry {
    tree.resolve(path)
        .ok()
        .filter(|t| t.rest.is_empty())
        .unwrap_or_else(|| panic!("no site {path:?}"))
        .site
        .site
}

#[test]
fn the_filezilla_fixture_imports_every_field() {
    let parsed = filezilla::parse(FIXTURE).unwrap();
    let tree = SiteTree {
        nodes: parsed.nodes,
    };
    let paths: Vec<String> = tree.sites().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "Example",
            "Clients/Acme Web",
            "Clients/Acme Secure (ask)",
            "Clients/Légacy & Old ☃/Plain interactive",
            "Clients/Légacy & Old ☃/Anonymous mirror",
            "Clients/Légacy & Old ☃/IPv6 with account",
            "Problems/Master password",
            "Problems/Minimal",
            "Problems/Web-Staging",
            "Problems/Minimal (2)",
        ]
    );
    let password = |s: &SiteEntry| {
        parsed
            .passwords
            .iter()
            .find(|(id, _)| id == &s.id)
            .map(|(_, p)| p.expose().to_string())
    };

    let example = find(&tree, "Example");
    assert_eq!(example.protocol, SiteProtocol::FtpesIfAvailable);
    assert_eq!(
        (example.host.as_str(), example.port),
        ("ftp.example.com", None)
    );
    assert_eq!(
        (example.logon, example.user.as_str()),
        (Logon::Normal, "alice")
    );
    assert_eq!(password(example).as_deref(), Some("alice-pass"));
    assert_eq!((example.mode, example.max_connections), (None, None));
    assert_eq!(
        (example.local_dir.as_ref(), example.remote_dir.as_ref()),
        (None, None)
    );
    assert_eq!(
        (example.comments.as_str(), example.colour),
        ("Top-level site", Colour::None)
    );

    let acme = find(&tree, "Clients/Acme Web");
    assert_eq!(acme.protocol, SiteProtocol::Ftpes);
    assert_eq!(
        (acme.host.as_str(), acme.port),
        ("ftp.acme.example", Some(2121))
    );
    assert_eq!(acme.user, "acme-deploy");
    assert_eq!(password(acme).as_deref(), Some("Pässwörd ✓ 🔑 acme"));
    assert_eq!(acme.mode, Some(TransferMode::Passive));
    assert_eq!(acme.max_connections, Some(3));
    assert_eq!(
        acme.local_dir,
        Some(PathBuf::from(r"C:\Users\bob\Sites\acme"))
    );
    assert_eq!(acme.remote_dir.as_deref(), Some("/home/www"));
    assert_eq!(
        acme.comments,
        "Production web server.\nDeploy only after review & sign-off <ops@acme.example>"
    );
    assert_eq!(acme.colour, Colour::Blue);

    let secure = find(&tree, "Clients/Acme Secure (ask)");
    assert_eq!((secure.protocol, secure.port), (SiteProtocol::Ftps, None));
    assert_eq!((secure.logon, secure.user.as_str()), (Logon::Ask, "bob"));
    assert_eq!(password(secure), None);
    assert_eq!(secure.mode, Some(TransferMode::Active));
    assert_eq!(secure.remote_dir.as_deref(), Some("/"));
    assert_eq!(secure.colour, Colour::Red);

    let plain = find(&tree, "Clients/Légacy & Old ☃/Plain interactive");
    assert_eq!(
        (plain.protocol, plain.logon),
        (SiteProtocol::Ftp, Logon::Ask)
    );
    assert_eq!(
        (plain.remote_dir.as_ref(), plain.colour),
        (None, Colour::Orange)
    );

    let mirror = find(&tree, "Clients/Légacy & Old ☃/Anonymous mirror");
    assert_eq!(
        (mirror.logon, mirror.user.as_str(), mirror.port),
        (Logon::Anonymous, "", None)
    );
    assert_eq!(mirror.remote_dir.as_deref(), Some("/pub/linux"));

    let account = find(&tree, "Clients/Légacy & Old ☃/IPv6 with account");
    assert_eq!(
        (account.host.as_str(), account.logon),
        ("2001:db8::21", Logon::Normal)
    );
    assert_eq!(password(account).as_deref(), Some("plain-text secret"));

    let locked = find(&tree, "Problems/Master password");
    assert_eq!((locked.logon, locked.user.as_str()), (Logon::Ask, "frank"));
    assert_eq!(password(locked), None);

    let minimal = find(&tree, "Problems/Minimal");
    assert_eq!(minimal.host, "minimal.example.net");
    assert_eq!(
        (minimal.protocol, minimal.logon, minimal.port),
        (SiteProtocol::FtpesIfAvailable, Logon::Anonymous, None)
    );
    assert_eq!(find(&tree, "Problems/Web-Staging").user, "grace");
    assert_eq!(find(&tree, "Problems/Minimal (2)").host, "ftp.acme.example");
    assert_eq!(
        parsed.passwords.len(),
        3,
        "SFTP and encrypted passwords are not taken"
    );

    let warnings = parsed.warnings.join("\n");
    for expected in [
        "Problems/SFTP box: SFTP is not supported by Ferry (FTP and FTPS only); skipped",
        "Problems/Master password: the password is encrypted with FileZilla's master password",
        "Clients/Légacy & Old ☃/Plain interactive: interactive logon is imported as \"ask for password\"",
        "Clients/Légacy & Old ☃/Plain interactive: remote folder not imported: the server type 3",
        "Clients/Légacy & Old ☃/IPv6 with account: the account (ACCT) is not supported",
        "Problems/Web/Staging: names cannot contain \"/\"; imported as \"Web-Staging\"",
        "Problems/Web-Staging: post-login commands are not supported",
        "Problems/Minimal: a second entry with this name is imported as \"Minimal (2)\"",
    ] {
        assert!(
            warnings.contains(expected),
            "{expected:?} missing from:\n{warnings}"
        );
    }
    assert_eq!(parsed.warnings.len(), 8, "{warnings}");
}

#[test]
fn an_import_puts_passwords_in_the_keyring_and_never_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    store.add_folder(None, "Clients").unwrap();
    let keyring = Keyring::in_memory();
    let report = filezilla::import(FIXTURE, &mut store, &keyring, None).unwrap();
    assert_eq!(
        (report.sites, report.folders, report.already_present),
        (10, 2, 0),
        "{report}"
    );
    assert_eq!((report.passwords_saved, report.passwords_not_saved), (3, 0));
    assert_eq!(report.keyring_problem, None);
    assert_eq!(
        report.to_string(),
        "10 sites in 2 new folders imported; 3 passwords saved to the keyring"
    );
    // Merged into the existing "Clients" folder.
    assert_eq!(
        store
            .tree()
            .nodes
            .iter()
            .filter(|n| n.name() == "Clients")
            .count(),
        1
    );
    let acme = find(store.tree(), "Clients/Acme Web").clone();
    assert_eq!(
        keyring.get(&acme.id).unwrap().expose(),
        "Pässwörd ✓ 🔑 acme"
    );
    assert_eq!(acme.logon, Logon::Normal);

    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "alice-pass",
            "Pässwörd",
            "plain-text secret",
            "YWxpY2UtcGFzcw",
            "UMOkc3N3",
        ] {
            assert!(!text.contains(secret), "{secret:?} written to disk");
        }
    }

    // Importing again adds nothing and leaves no stray passwords behind.
    let again = filezilla::import(FIXTURE, &mut store, &keyring, None).unwrap();
    assert_eq!(
        (again.sites, again.folders, again.already_present),
        (0, 0, 10),
        "{again}"
    );
    assert_eq!(again.passwords_saved, 0);
    assert_eq!(store.tree().count(), (10, 3));
}

#[test]
fn without_a_keyring_imported_sites_ask_for_their_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    let folder = store.add_folder(None, "From FileZilla").unwrap();
    let keyring = Keyring::unavailable("no Secret Service");
    let report = filezilla::import(FIXTURE, &mut store, &keyring, Some(&folder)).unwrap();
    assert_eq!((report.passwords_saved, report.passwords_not_saved), (0, 3));
    assert!(matches!(
        report.keyring_problem,
        Some(KeyringError::Unavailable(_))
    ));
    assert!(
        report.to_string().ends_with(
            "; 0 passwords saved to the keyring; 3 not saved (the system keyring is not available (no Secret Service)): those sites ask for their password"
        ),
        "{report}"
    );
    let tree = store.tree();
    assert_eq!(find(tree, "From FileZilla/Example").logon, Logon::Ask);
    assert_eq!(
        find(tree, "From FileZilla/Clients/Acme Web").logon,
        Logon::Ask
    );
    assert_eq!(
        find(tree, "From FileZilla/Problems/Web-Staging").logon,
        Logon::Normal
    );
}

#[test]
fn an_export_reads_back_the_same_and_holds_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    let keyring = Keyring::in_memory();
    filezilla::import(FIXTURE, &mut store, &keyring, None).unwrap();
    let mut relative = site("Relative dir", "r.example");
    relative.remote_dir = Some("www".to_string());
    store.add_site(None, relative).unwrap();

    let file = dir.path().join("export.xml");
    let warnings = filezilla::export_file(store.tree(), &file).unwrap();
    assert_eq!(
        warnings,
        ["Relative dir: the remote folder \"www\" is not absolute; FileZilla cannot hold it"]
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("<Pass"), "{text}");
    assert!(!text.contains("alice-pass"));
    assert!(
        text.contains("<RemoteDir>1 0 4 home 3 www</RemoteDir>"),
        "{text}"
    );
    assert!(text.contains("Légacy &amp; Old ☃"));

    let back = filezilla::parse(&text).unwrap();
    assert!(back.passwords.is_empty());
    let back = SiteTree { nodes: back.nodes };
    let original = store.tree().sites();
    let copied = back.sites();
    assert_eq!(original.len(), copied.len());
    for (a, b) in original.iter().zip(&copied) {
        assert_eq!(a.path, b.path);
        let (a, b) = (a.site, b.site);
        assert_eq!(
            (&a.host, a.effective_port(), a.protocol),
            (&b.host, b.effective_port(), b.protocol),
            "{}",
            a.name
        );
        assert_eq!(
            (&a.user, a.mode, a.max_connections),
            (&b.user, b.mode, b.max_connections),
            "{}",
            a.name
        );
        assert_eq!(
            (&a.local_dir, &a.comments, a.colour),
            (&b.local_dir, &b.comments, b.colour),
            "{}",
            a.name
        );
        if a.name != "Relative dir" {
            assert_eq!(a.remote_dir, b.remote_dir, "{}", a.name);
        }
        // Passwords stay behind: normal logon becomes "ask" in FileZilla.
        let expected = if a.logon == Logon::Anonymous {
            Logon::Anonymous
        } else {
            Logon::Ask
        };
        assert_eq!(b.logon, expected, "{}", a.name);
    }
}

#[test]
fn filezilla_remote_paths_decode_and_encode() {
    assert_eq!(
        filezilla::decode_remote_dir("1 0 4 home 3 www").unwrap(),
        "/home/www"
    );
    assert_eq!(filezilla::decode_remote_dir("1 0").unwrap(), "/");
    assert_eq!(
        filezilla::decode_remote_dir("0 0 6 my dir 2 ü€").unwrap(),
        "/my dir/ü€"
    );
    assert_eq!(
        filezilla::encode_remote_dir("/my dir/ü€").unwrap(),
        "1 0 6 my dir 2 ü€"
    );
    assert_eq!(filezilla::encode_remote_dir("/").unwrap(), "1 0");
    assert_eq!(filezilla::encode_remote_dir("relative"), None);
    for bad in [
        "",
        "x",
        "1",
        "1 0 9 short",
        "1 0 0 ",
        "1 0 3 a/b",
        "1 0 3 abc 2",
        "4 0 3 abc",
    ] {
        assert!(filezilla::decode_remote_dir(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn broken_filezilla_files_are_explained_and_never_panic() {
    let error =
        filezilla::parse("<FileZilla3>\n<Servers>\n<Server><Host>x</Host></Servr>\n").unwrap_err();
    assert!(
        matches!(error, filezilla::FileZillaError::Xml { line: 3, .. }),
        "{error:?}"
    );
    let error = filezilla::parse("<?xml version=\"1.0\"?><Settings/>").unwrap_err();
    assert!(
        error.to_string().contains("root element is <Settings>"),
        "{error}"
    );
    assert!(filezilla::parse("<FileZilla3/>").unwrap().nodes.is_empty());
    assert!(
        filezilla::parse("<FileZilla3><Servers><Server>&bogus;</Server></Servers></FileZilla3>")
            .is_err()
    );
    let deep = "<FileZilla3><Servers>".to_string() + &"<Folder>f".repeat(200);
    assert!(filezilla::parse(&deep).is_err());
    // Every prefix of the real-shaped file either parses or fails cleanly.
    for end in (0..FIXTURE.len())
        .filter(|e| FIXTURE.is_char_boundary(*e))
        .step_by(7)
    {
        let _ = filezilla::parse(&FIXTURE[..end]);
    }
}
