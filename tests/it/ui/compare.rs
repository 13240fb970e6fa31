//! Directory comparison and synchronized browsing driven through the window against the
//! in-process server: the toggle colours each class of row and "hide identical" hides the
//! identical ones; synchronized browsing enters the other side's folder, and offers to create
//! one the other side lacks (and creating it works, both ways).

use std::time::{Duration, SystemTime};

use ferry::app::Class;

use super::*;

/// Sets a file's modification time to `days` days ago (at a whole minute, so the server's
/// minute-precision listing shows the same time as the disk).
fn aged(path: &Path, days: u64) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = (now - days * 86_400) / 60 * 60;
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(at)))
        .expect("dating a test file");
}

/// Where the local pane's row named `label` is (the left half of the window).
fn local_row(h: &AppHarness, label: &str) -> egui::Pos2 {
    let centers: Vec<egui::Pos2> = h
        .get_all_by_label(label)
        .map(|node| node.rect().center())
        .filter(|center| center.x < 640.0 && center.y > 150.0)
        .collect();
    assert_eq!(centers.len(), 1, "local rows named {label:?}: {centers:?}");
    centers[0]
}

fn local_has(name: &str) -> impl Fn(&FerryApp) -> bool + '_ {
    move |app| !app.local.loading && app.local.entries().iter().any(|e| e.name == name)
}

#[test]
fn directory_comparison_colours_each_class_and_hides_identical_files() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for (name, remote, here, remote_age, local_age) in [
        ("same.txt", &b"12345"[..], &b"12345"[..], 10, 10),
        ("changed.txt", b"12345", b"12345", 3, 10),
        ("size.txt", b"1234567890", b"12345", 10, 10),
    ] {
        std::fs::write(server.path(name), remote).unwrap();
        std::fs::write(local.path().join(name), here).unwrap();
        aged(&server.path(name), remote_age);
        aged(&local.path().join(name), local_age);
    }
    std::fs::write(server.path("remote-only.txt"), b"r").unwrap();
    std::fs::write(local.path().join("local-only.txt"), b"l").unwrap();
    std::fs::create_dir(server.path("docs")).unwrap();
    std::fs::create_dir(local.path().join("docs")).unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "both listings", |a| {
        remote_has("remote-only.txt")(a) && local_has("local-only.txt")(a)
    });

    h.get_by_label("Directory comparison").click();
    run_until(&mut h, "the comparison", |a| {
        a.comparing() && a.local.mark_of("same.txt").is_some()
    });
    let app = app(&h);
    let local_marks: Vec<_> = [
        "same.txt",
        "changed.txt",
        "size.txt",
        "local-only.txt",
        "docs",
    ]
    .iter()
    .map(|n| app.local.mark_of(n))
    .collect();
    use Class::*;
    assert_eq!(
        local_marks,
        [
            Some(Identical),
            Some(Older),
            Some(Different),
            Some(OnlyHere),
            Some(Identical)
        ]
    );
    let remote = app.remote();
    assert_eq!(remote.mark_of("changed.txt"), Some(Newer));
    assert_eq!(remote.mark_of("size.txt"), Some(Different));
    assert_eq!(remote.mark_of("remote-only.txt"), Some(OnlyHere));
    // The legend names each colour.
    assert!(h.query_by_label_contains("Only on this side").is_some());
    assert!(
        h.query_by_label_contains("Newer (0 local, 1 remote)")
            .is_some()
    );

    h.get_by_label("Hide identical files").click();
    run_until(&mut h, "identical files hidden", |a| {
        !a.local.shown_names().contains(&"same.txt")
    });
    let app = self::app(&h);
    assert_eq!(
        app.local.shown_names(),
        ["changed.txt", "local-only.txt", "size.txt"]
    );
    assert!(!app.remote().shown_names().contains(&"docs"));
    assert!(app.remote().shown_names().contains(&"remote-only.txt"));

    // Off again: no marks, every row back.
    h.get_by_label("Directory comparison").click();
    h.run_steps(3);
    assert_eq!(self::app(&h).local.mark_of("same.txt"), None);
    assert_eq!(self::app(&h).local.shown_names().len(), 5);
}

/// The missing-folder question is up; answers "Create it".
fn create_missing(h: &mut AppHarness, path_end: &str) {
    run_until(h, "the missing-folder question", |a| {
        a.missing_folder()
            .is_some_and(|m| m.path.ends_with(path_end))
    });
    // Said in the status bar and asked in a dialog.
    assert_eq!(h.query_all_by_label_contains("does not exist").count(), 2);
    h.get_by_label("Folder missing");
    h.get_by_label("Create it").click();
    h.run_steps(2);
}

#[test]
fn synchronized_browsing_follows_and_creates_a_missing_folder() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for dir in ["sub", "remote-only"] {
        std::fs::create_dir(server.path(dir)).unwrap();
    }
    std::fs::write(server.path("sub/inner.txt"), b"x").unwrap();
    for dir in ["sub", "local-only"] {
        std::fs::create_dir(local.path().join(dir)).unwrap();
    }
    let root = local.path().canonicalize().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "both listings", |a| {
        remote_has("remote-only")(a) && local_has("local-only")(a)
    });
    h.get_by_label("Synchronized browsing").click();
    // Past the double-click interval: the next click on a row is a first click.
    h.run_steps(40);
    assert!(app(&h).syncing());

    double_click(&mut h, "sub");
    let sub = root.join("sub").display().to_string();
    run_until(&mut h, "both sides in sub", |a| {
        remote_has("inner.txt")(a) && a.local.path == sub && !a.local.loading
    });
    // Up on the remote side (Backspace over it): the local side goes up too.
    h.key_press(egui::Key::Backspace);
    let top = root.display().to_string();
    run_until(&mut h, "both sides back up", |a| {
        remote_has("remote-only")(a) && a.local.path == top && !a.local.loading
    });

    // The local side lacks remote-only: asked, created, entered.
    double_click(&mut h, "remote-only");
    create_missing(&mut h, "remote-only");
    let made = root.join("remote-only");
    run_until(&mut h, "the local folder made and entered", |a| {
        a.local.path == made.display().to_string() && !a.local.loading
    });
    assert!(made.is_dir());
    h.key_press(egui::Key::Backspace);
    run_until(&mut h, "both sides back up", |a| {
        remote_has("remote-only")(a) && a.local.path == top && !a.local.loading
    });

    // The server lacks local-only: asked, created, entered.
    let row = local_row(&h, "local-only");
    h.event(egui::Event::PointerMoved(row));
    h.run_steps(10);
    click_at(&mut h, row, egui::PointerButton::Primary, 2);
    create_missing(&mut h, "/local-only");
    run_until(&mut h, "the remote folder made and entered", |a| {
        a.remote().path == "/local-only" && !a.remote().loading
    });
    assert!(server.path("local-only").is_dir());
    assert!(app(&h).local.path.ends_with("local-only"));
}

#[test]
fn the_site_editor_saves_synchronized_browsing_and_comparison() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut h = harness(AppStart {
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..AppStart::default()
    });
    h.step();
    h.get_by_label("Site Manager").click();
    h.run_steps(3);
    h.get_by_label("New site").click();
    h.run_steps(3);
    h.get_by_label("Advanced").click();
    h.run_steps(2);
    h.get_by_label("Use synchronized browsing").click();
    h.get_all_by_label("Directory comparison")
        .last()
        .unwrap()
        .click();
    h.step();
    h.get_by_label("Save").click();
    h.run_steps(2);
    let sites = ferry::sites::SiteStore::open(config.path());
    let stored = sites.tree().sites();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].site.sync_browsing && stored[0].site.directory_comparison);
}

#[test]
fn synchronized_browsing_offers_a_remote_folder_whose_listing_failed() {
    let server = Server::plain();
    std::fs::write(server.path("top.txt"), b"t").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(local.path().join("a/b")).unwrap();
    let root = local.path().canonicalize().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "both listings", |a| {
        remote_has("top.txt")(a) && local_has("a")(a)
    });
    h.get_by_label("Synchronized browsing").click();
    h.run_steps(3);
    // Two levels down at once, typed in the local path bar: the server lacks both.
    let deep = root.join("a/b").display().to_string();
    let bar = egui::accesskit::Role::TextInput;
    h.get_by_role_and_label(bar, "Local site").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(bar, "Local site").type_text(&deep);
    h.step();
    h.key_press(egui::Key::Enter);
    create_missing(&mut h, "/a/b");
    run_until(&mut h, "the remote folders made and entered", |a| {
        a.remote().path == "/a/b" && !a.remote().loading && a.remote().error.is_none()
    });
    assert!(server.path("a/b").is_dir());
    assert_eq!(app(&h).local.path, deep);
}
