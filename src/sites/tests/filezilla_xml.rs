//! FileZilla's sitemanager.xml: import (passwords to the keyring), export, remote paths and
//! broken files.

use super::*;

fn find<'a>(tree: &'a SiteTree, path: &str) -> &'a SiteEntry {
    tree.resolve(path)
        .ok()
        .filter(|t| t.rest.is_empty())
        .unwrap_or_else(|| panic!("no site {path:?}"))
        .site
        .site
}

/// The fixture parsed, and its tree.
fn fixture() -> (filezilla::Parsed, SiteTree) {
    let parsed = filezilla::parse(FIXTURE).unwrap();
    let tree = SiteTree {
        nodes: parsed.nodes.clone(),
    };
    (parsed, tree)
}

/// The password the import took for `site`.
fn password(parsed: &filezilla::Parsed, site: &SiteEntry) -> Option<String> {
    parsed
        .passwords
        .iter()
        .find(|(id, _)| id == &site.id)
        .map(|(_, p)| p.expose().to_string())
}

#[test]
fn the_filezilla_fixture_imports_its_tree_and_says_what_it_left_out() {
    let (parsed, tree) = fixture();
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
fn the_filezilla_fixture_imports_every_field_of_its_first_sites() {
    let (parsed, tree) = fixture();
    let password = |s: &SiteEntry| password(&parsed, s);
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
}

#[test]
fn the_filezilla_fixture_imports_every_field_of_its_other_sites() {
    let (parsed, tree) = fixture();
    let password = |s: &SiteEntry| password(&parsed, s);
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

#[test]
fn transfer_options_round_trip_where_filezilla_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SiteStore::open(dir.path());
    let mut direct = site("Direct", "d.example");
    direct.bypass_proxy = true;
    direct.max_connections = Some(3);
    direct.transfer_type = Some(crate::api::TransferType::Ascii);
    direct.preserve_times = Some(true);
    store.add_site(None, direct).unwrap();
    store.add_site(None, site("Proxied", "p.example")).unwrap();

    let (text, warnings) = filezilla::export(store.tree());
    assert!(text.contains("<BypassProxy>1</BypassProxy>"), "{text}");
    assert!(text.contains("<BypassProxy>0</BypassProxy>"), "{text}");
    assert_eq!(
        warnings,
        [
            "Direct: FileZilla has no per-site transfer type (only a global one); not exported",
            "Direct: FileZilla has no per-site \"preserve timestamps\" (only a global one); not exported",
        ]
    );
    let back = SiteTree {
        nodes: filezilla::parse(&text).unwrap().nodes,
    };
    let direct = find(&back, "Direct");
    assert!(direct.bypass_proxy);
    assert_eq!(direct.max_connections, Some(3));
    // FileZilla's global settings decide these there; back in Ferry the global ones do.
    assert_eq!((direct.transfer_type, direct.preserve_times), (None, None));
    assert!(!find(&back, "Proxied").bypass_proxy);
}
