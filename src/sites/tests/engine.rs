//! The global settings, and the engine's `Site` built from a stored one with them.

use super::*;

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
}

/// A partial file takes defaults for the rest; an out-of-range one is refused and kept.
#[test]
fn a_partial_settings_file_takes_the_defaults_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
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

#[test]
fn transfer_options_come_from_the_site_else_the_settings() {
    use crate::api::{TransferType, VerifyMode};
    let settings = Settings {
        verify: VerifyMode::Require,
        preserve_times: true,
        transfer_type: TransferType::Auto,
        ascii_extensions: vec!["txt".to_string()],
        ..Settings::default()
    };
    let mut entry = SiteEntry::new("s");
    entry.host = "example.com".to_string();
    let site = engine_site(&entry, &settings, None);
    assert_eq!(site.transfer.verify, VerifyMode::Require);
    assert!(site.transfer.preserve_times);
    assert_eq!(site.transfer.transfer_type, TransferType::Auto);
    assert_eq!(site.transfer.ascii_extensions, ["txt"]);
    entry.verify = Some(VerifyMode::Off);
    entry.preserve_times = Some(false);
    entry.transfer_type = Some(TransferType::Binary);
    let site = engine_site(&entry, &settings, None);
    assert_eq!(site.transfer.verify, VerifyMode::Off);
    assert!(!site.transfer.preserve_times);
    assert_eq!(site.transfer.transfer_type, TransferType::Binary);
    // Stored sites without the new fields still read, and write none of them.
    let json = serde_json::to_string(&SiteEntry::new("plain")).unwrap();
    assert!(
        !json.contains("verify") && !json.contains("transfer_type"),
        "{json}"
    );
}

#[test]
fn the_global_proxy_and_speed_limits_apply_unless_a_site_bypasses_the_proxy() {
    let settings = Settings {
        proxy: "socks5://u:p@proxy.example:1080".to_string(),
        speed_limit: SpeedLimit {
            enabled: true,
            download_kib: 100,
            upload_kib: 0,
        },
        ..Settings::default()
    };
    settings.validate().unwrap();
    let limits = settings.speed_limit.limits();
    assert_eq!((limits.download, limits.upload), (Some(102_400), None));
    let off = SpeedLimit {
        enabled: false,
        ..settings.speed_limit
    };
    assert_eq!(off.limits(), crate::api::SpeedLimits::default());
    let mut entry = SiteEntry::new("s");
    entry.host = "ftp.example".to_string();
    let proxy = engine_site(&entry, &settings, None)
        .proxy
        .expect("the proxy");
    assert_eq!(proxy.to_string(), "socks5://u@proxy.example:1080");
    entry.bypass_proxy = true;
    assert_eq!(engine_site(&entry, &settings, None).proxy, None);
    let bad = Settings {
        proxy: "gopher://x:1".to_string(),
        ..Settings::default()
    };
    assert!(bad.validate().unwrap_err().0.contains("the proxy"));
}
