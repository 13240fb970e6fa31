//! Edits addressed by id, search, and `site:` paths.

use super::*;

#[test]
fn names_and_duplicates_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, clients, acme, _) = sample(dir.path());

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
}

#[test]
fn moves_and_deletes_are_addressed_by_id_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, clients, acme, solo) = sample(dir.path());

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
}

#[test]
fn an_unknown_site_path_gets_suggestions_and_case_decides_between_sites() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, acme, _) = sample(dir.path());
    let tree = store.tree();

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
