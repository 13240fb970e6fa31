//! View / edit in place, driven as a user would against the in-process server: "Edit" on a
//! remote file downloads it into the run's private folder and starts the editor set for `.txt`
//! in Settings, a real separate process (a shell script written here) that appends a line and
//! exits; the save is seen by the file watcher, the upload question is answered, and the
//! server's file gains the line byte for byte. The conflict path changes the server's file
//! between the download and the save, and each answer (overwrite, keep both, discard) is
//! checked on the server. The double-click setting and the clean exit are covered too.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use ferry::app::{EditState, EditedFile};
use ferry::sites::{DoubleClick, FileAssociation, Settings, SettingsStore};

use super::*;

const ORIGINAL: &[u8] = b"line one\r\nline two\n\x00binary tail\xff";
const ADDED: &[u8] = b"added by the editor\n";

/// An editor for `.txt`: a script that appends [`ADDED`] to its argument and exits. With
/// `wait_for_go`, it first waits (10 s at most) for a file `go-NAME` next to itself, so a test
/// can change the server's copy between the download and the save.
fn fake_editor(dir: &Path, wait_for_go: bool) -> PathBuf {
    let script = dir.join("fake editor.sh");
    let wait = if wait_for_go {
        "go=\"$(dirname \"$0\")/go-$(basename \"$1\")\"\n\
         i=0; while [ ! -e \"$go\" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
    } else {
        ""
    };
    let body = format!("#!/bin/sh\n{wait}printf 'added by the editor\\n' >> \"$1\"\n");
    std::fs::write(&script, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

/// Settings with `editor` for `.txt` (its path quoted: it holds a space) and this double-click.
/// Transfers are binary: an edited file travels like any other transfer of it, and Auto would
/// send `.txt` as ASCII (line endings converted).
fn config_with(editor: &Path, double_click: DoubleClick) -> tempfile::TempDir {
    let config = tempfile::tempdir().unwrap();
    let settings = Settings {
        transfer_type: ferry::api::TransferType::Binary,
        remote_double_click: double_click,
        file_associations: vec![FileAssociation {
            extension: "txt".to_string(),
            command: format!("'{}' %f", editor.display()),
        }],
        ..Default::default()
    };
    SettingsStore::open(config.path()).save(settings).unwrap();
    config
}

fn edit_app(server: &Server, local: &Path, config: &Path) -> AppHarness {
    let mut h = harness(AppStart {
        config_dir: Some(config.to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..start(local, Some(server.site(Protocol::Ftp)))
    });
    run_until(&mut h, "connected with the listing shown", |a| {
        a.is_connected() && !a.remote().loading
    });
    h
}

fn edited<'a>(app: &'a FerryApp, name: &str) -> Option<&'a EditedFile> {
    app.edited_files().iter().find(|f| f.name == name)
}

fn state_of(name: &str, state: EditState) -> impl Fn(&FerryApp) -> bool + '_ {
    move |app| edited(app, name).is_some_and(|f| f.state == state)
}

/// Steps until a widget labelled `label` shows (a question), 20 s at most.
fn until_shown(h: &mut AppHarness, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label(label).is_none() {
        assert!(Instant::now() < deadline, "never shown: {label}");
        h.step();
        std::thread::sleep(Duration::from_millis(15));
    }
    h.run_steps(2);
}

/// A remote row's context menu, then its item `item` (picked below the window's top, where a
/// menu bar may have an item of the same name).
fn remote_menu(h: &mut AppHarness, row: &str, item: &str) {
    let pos = remote_row(h, row);
    click_at(h, pos, egui::PointerButton::Secondary, 1);
    h.run_steps(2);
    let node = h
        .get_all_by_label(item)
        .find(|n| n.rect().top() > 60.0)
        .unwrap_or_else(|| panic!("no menu item {item}"));
    node.click();
    h.run_steps(2);
}

fn server_has(path: PathBuf, bytes: Vec<u8>) -> impl Fn(&FerryApp) -> bool {
    move |_| std::fs::read(&path).is_ok_and(|b| b == bytes)
}

fn with_added(bytes: &[u8]) -> Vec<u8> {
    [bytes, ADDED].concat()
}

#[test]
fn an_edited_file_goes_back_to_the_server_byte_exact() {
    let server = Server::plain();
    std::fs::write(server.path("page.txt"), ORIGINAL).unwrap();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config_with(&fake_editor(tools.path(), false), DoubleClick::Transfer);
    let mut h = edit_app(&server, local.path(), config.path());
    run_until(&mut h, "the listing", remote_has("page.txt"));

    remote_menu(&mut h, "page.txt", "Edit");
    until_shown(&mut h, "File changed");
    let copy = edited(app(&h), "page.txt").unwrap().local.clone();
    assert_eq!(std::fs::read(&copy).unwrap(), with_added(ORIGINAL));
    assert_eq!(edited(app(&h), "page.txt").unwrap().remote, "/page.txt");
    assert!(
        std::fs::read_dir(local.path()).unwrap().next().is_none(),
        "nothing lands in the local folder"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let folder = app(&h).edit_folder().unwrap();
        assert!(copy.starts_with(&folder) && folder.starts_with(std::env::temp_dir()));
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    h.get_by_label("Always upload this file without asking")
        .click();
    h.get_by_label("Upload").click();
    let once = with_added(ORIGINAL);
    run_until(
        &mut h,
        "the upload",
        server_has(server.path("page.txt"), once.clone()),
    );
    run_until(
        &mut h,
        "uploaded",
        state_of("page.txt", EditState::Uploaded),
    );

    // Opened again from the Edited files window and saved again: uploaded without a question.
    h.get_by_label("Edited files: 1").click();
    h.run_steps(3);
    assert!(
        h.query_by_label("/page.txt").is_some(),
        "the window lists it"
    );
    h.get_by_label("Open again").click();
    let twice = with_added(&once);
    run_until(
        &mut h,
        "the second upload",
        server_has(server.path("page.txt"), twice),
    );
    run_until(
        &mut h,
        "uploaded again",
        state_of("page.txt", EditState::Uploaded),
    );
    assert!(h.query_by_label("File changed").is_none());

    // A clean exit removes the copies.
    let folder = app(&h).edit_folder().unwrap();
    let mut state = h.state_mut().take().unwrap();
    eframe::App::on_exit(&mut state, None);
    assert!(!folder.exists(), "the temporary folder is removed on exit");
}

/// Edits `c.txt` with an editor that saves only once the test says so; the server's copy is
/// changed in between, then the upload is asked for: the conflict question shows.
fn conflict(server: &Server, tools: &Path, local: &Path, config: &Path) -> AppHarness {
    std::fs::write(server.path("c.txt"), ORIGINAL).unwrap();
    let mut h = edit_app(server, local, config);
    run_until(&mut h, "the listing", remote_has("c.txt"));
    remote_menu(&mut h, "c.txt", "Edit");
    run_until(&mut h, "opened", state_of("c.txt", EditState::Opened));
    std::fs::write(
        server.path("c.txt"),
        b"changed on the server in between, a different size\n",
    )
    .unwrap();
    std::fs::write(tools.join("go-c.txt"), b"").unwrap();
    until_shown(&mut h, "File changed");
    h.get_by_label("Upload").click();
    until_shown(&mut h, "The file changed on the server");
    assert!(app(&h).edited_files()[0].conflict.is_some());
    h
}

#[test]
fn a_conflict_overwritten_puts_the_edited_copy_on_the_server() {
    let server = Server::plain();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config_with(&fake_editor(tools.path(), true), DoubleClick::Transfer);
    let mut h = conflict(&server, tools.path(), local.path(), config.path());
    h.get_by_label("Overwrite").click();
    let edited_copy = with_added(ORIGINAL);
    run_until(
        &mut h,
        "overwritten",
        server_has(server.path("c.txt"), edited_copy),
    );
    run_until(&mut h, "uploaded", state_of("c.txt", EditState::Uploaded));
}

#[test]
fn a_conflict_kept_both_uploads_the_copy_under_a_free_name() {
    let server = Server::plain();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config_with(&fake_editor(tools.path(), true), DoubleClick::Transfer);
    let mut h = conflict(&server, tools.path(), local.path(), config.path());
    h.get_by_label("Keep both").click();
    let copy = server.path("c (1).txt");
    run_until(&mut h, "the copy", server_has(copy, with_added(ORIGINAL)));
    run_until(&mut h, "uploaded", state_of("c.txt", EditState::Uploaded));
    assert_eq!(
        std::fs::read(server.path("c.txt")).unwrap(),
        b"changed on the server in between, a different size\n"
    );
}

#[test]
fn a_conflict_discarded_leaves_the_server_alone_and_removes_the_copy() {
    let server = Server::plain();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config_with(&fake_editor(tools.path(), true), DoubleClick::Transfer);
    let mut h = conflict(&server, tools.path(), local.path(), config.path());
    let copy = app(&h).edited_files()[0].local.clone();
    h.get_by_label("Discard my changes").click();
    run_until(&mut h, "forgotten", |a| a.edited_files().is_empty());
    assert!(!copy.exists(), "the discarded copy is removed");
    h.run_steps(20);
    assert_eq!(
        std::fs::read(server.path("c.txt")).unwrap(),
        b"changed on the server in between, a different size\n"
    );
    assert!(!server.path("c (1).txt").exists());
}

#[test]
fn double_click_follows_the_setting() {
    let server = Server::plain();
    std::fs::write(server.path("page.txt"), ORIGINAL).unwrap();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config_with(&fake_editor(tools.path(), false), DoubleClick::ViewEdit);
    let mut h = edit_app(&server, local.path(), config.path());
    run_until(&mut h, "the listing", remote_has("page.txt"));
    double_click(&mut h, "page.txt");
    until_shown(&mut h, "File changed");
    h.get_by_label("Not now").click();
    run_until(
        &mut h,
        "modified",
        state_of("page.txt", EditState::Modified),
    );
    assert!(!local.path().join("page.txt").exists(), "not downloaded");
    assert_eq!(std::fs::read(server.path("page.txt")).unwrap(), ORIGINAL);

    // Edit again: the same copy opens again, nothing is downloaded over the unsaved change.
    remote_menu(&mut h, "page.txt", "Edit");
    until_shown(&mut h, "File changed");
    h.get_by_label("Not now").click();
    assert_eq!(app(&h).edited_files().len(), 1);
    let copy = &app(&h).edited_files()[0].local;
    assert_eq!(
        std::fs::read(copy).unwrap(),
        with_added(&with_added(ORIGINAL))
    );

    // "View": opened, not watched; nothing is asked after the viewer wrote to it.
    run_until(&mut h, "the refreshed listing", |a| !a.remote().loading);
    remote_menu(&mut h, "page.txt", "View");
    run_until(&mut h, "viewed", |a| a.edited_files().len() == 2);
    run_until(&mut h, "opened", |a| {
        a.edited_files()[1].state == EditState::Opened
    });
    h.run_steps(60);
    assert!(h.query_by_label("File changed").is_none());
    assert_eq!(app(&h).edited_files()[1].state, EditState::Opened);
}

#[test]
fn enter_follows_the_setting_and_nothing_does_nothing() {
    let server = Server::plain();
    std::fs::write(server.path("page.txt"), ORIGINAL).unwrap();
    let (local, tools) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let editor = fake_editor(tools.path(), false);
    let config = config_with(&editor, DoubleClick::ViewEdit);
    let mut h = edit_app(&server, local.path(), config.path());
    run_until(&mut h, "the listing", remote_has("page.txt"));
    let row = remote_row(&h, "page.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    h.key_press(egui::Key::Enter);
    until_shown(&mut h, "File changed");
    assert_eq!(app(&h).edited_files().len(), 1);
    drop(h);

    let config = config_with(&editor, DoubleClick::Nothing);
    let mut h = edit_app(&server, local.path(), config.path());
    run_until(&mut h, "the listing", remote_has("page.txt"));
    double_click(&mut h, "page.txt");
    h.key_press(egui::Key::Enter);
    // A second for anything the worker would have done to show.
    for _ in 0..60 {
        h.step();
        std::thread::sleep(Duration::from_millis(15));
    }
    assert!(app(&h).edited_files().is_empty());
    assert_eq!(app(&h).queue().len(), 0, "nothing transferred");
    assert!(!local.path().join("page.txt").exists());
}
