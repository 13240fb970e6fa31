//! The desktop app driven like a user would, with egui_kittest, against the in-process server:
//! quick-connect, browsing, double-click download, drag-and-drop upload from the OS, the context
//! menu's directory operations, and the dialogs answering the worker's prompts.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use ferry::app::{AppStart, FerryApp};
use ferry::demo::server::ServerTls;
use ferry::*;

use crate::support::*;

mod snapshots;

type AppHarness = Harness<'static, Option<FerryApp>>;

/// The window size and frame pace every UI test uses.
fn builder() -> egui_kittest::HarnessBuilder<Option<FerryApp>> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        .with_step_dt(1.0 / 60.0)
}

/// The app, started on its first frame, in a harness from `builder`.
fn build(builder: egui_kittest::HarnessBuilder<Option<FerryApp>>, start: AppStart) -> AppHarness {
    builder.build_ui_state(
        move |ui, app: &mut Option<FerryApp>| {
            app.get_or_insert_with(|| {
                FerryApp::new(ui.ctx(), None, start.clone()).expect("the app starts")
            })
            .frame(ui);
        },
        None,
    )
}

fn harness(start: AppStart) -> AppHarness {
    build(builder(), start)
}

fn start(local: &Path, connect: Option<Site>) -> AppStart {
    AppStart {
        connect,
        local_dir: Some(local.to_path_buf()),
        config_dir: None,
        keyring: None,
        open_site: None,
    }
}

/// Steps the UI until `done` holds (the worker answers asynchronously), 20 s at most.
fn run_until(h: &mut AppHarness, what: &str, done: impl Fn(&FerryApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.step();
        if h.state().as_ref().is_some_and(&done) {
            // Let the layout settle (new windows size themselves over a few frames).
            h.run_steps(3);
            return;
        }
        if Instant::now() > deadline {
            let app = h.state().as_ref();
            let log = app.map(|a| a.log().text()).unwrap_or_default();
            let remote = app.map(|a| {
                (
                    a.remote().path.clone(),
                    a.remote().loading,
                    a.remote().error.clone(),
                )
            });
            panic!("UI never reached: {what}; remote pane {remote:?}; log: {log:#?}");
        }
        std::thread::sleep(Duration::from_millis(15));
    }
}

fn app(h: &AppHarness) -> &FerryApp {
    h.state().as_ref().expect("the app started")
}

fn remote_has(name: &str) -> impl Fn(&FerryApp) -> bool + '_ {
    move |app| !app.remote().loading && app.remote().entries().iter().any(|e| e.name == name)
}

/// Where the remote pane's row named `label` is (the right half of the window).
fn remote_row(h: &AppHarness, label: &str) -> egui::Pos2 {
    let centers: Vec<egui::Pos2> = h
        .get_all_by_label(label)
        .map(|node| node.rect().center())
        .filter(|center| center.x > 640.0)
        .collect();
    assert_eq!(centers.len(), 1, "remote rows named {label:?}: {centers:?}");
    centers[0]
}

/// Presses and releases `button` at `pos` `times` times, a frame apart (as a person would).
fn click_at(h: &mut AppHarness, pos: egui::Pos2, button: egui::PointerButton, times: usize) {
    h.event(egui::Event::PointerMoved(pos));
    h.step();
    for _ in 0..times {
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos,
                button,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.step();
    }
}

/// A double-click on a remote row, after resting the pointer on it a moment as a person does.
fn double_click(h: &mut AppHarness, label: &str) {
    let pos = remote_row(h, label);
    h.event(egui::Event::PointerMoved(pos));
    h.run_steps(10);
    click_at(h, pos, egui::PointerButton::Primary, 2);
}

fn connected_app(server: &Server, local: &Path) -> AppHarness {
    let mut h = harness(start(local, Some(server.site(Protocol::Ftp))));
    run_until(&mut h, "connected with the listing shown", |a| {
        a.is_connected() && !a.remote().loading
    });
    h
}

#[test]
fn quick_connect_browse_and_download_by_double_click() {
    let server = Server::plain();
    std::fs::create_dir(server.path("folder")).unwrap();
    let data = pattern(300_000, 8);
    std::fs::write(server.path("folder/inner.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), None));
    h.step();
    let port = server.server.addr().port().to_string();
    for (label, text) in [
        ("Host:", "127.0.0.1"),
        ("Username:", USER),
        ("Password:", PASSWORD),
        ("Port:", port.as_str()),
    ] {
        h.get_by_label(label).focus();
        h.step();
        h.get_by_label(label).type_text(text);
        h.step();
    }
    h.get_by_label("Quickconnect").click();
    run_until(&mut h, "the remote listing", remote_has("folder"));
    // The port field still has the keyboard focus; a person's next click goes to the list.
    h.key_press(egui::Key::Escape);
    h.step();

    double_click(&mut h, "folder");
    run_until(&mut h, "inside folder", |a| {
        a.remote().path == "/folder" && !a.remote().loading
    });
    run_until(&mut h, "inner.bin listed", remote_has("inner.bin"));

    double_click(&mut h, "inner.bin");
    let target = local.path().join("inner.bin");
    run_until(&mut h, "the download", |_| target.exists());
    assert_eq!(sha256_file(&target), sha256(&data));

    // The breadcrumb leads back to the root.
    let root = remote_row(&h, "/");
    click_at(&mut h, root, egui::PointerButton::Primary, 1);
    run_until(&mut h, "back at the root", remote_has("folder"));
    assert_eq!(app(&h).remote().path, "/");

    assert_eq!(app(&h).mode_in_use(), "auto (passive in use)");
    let log = app(&h).log().text();
    assert!(
        log.iter().any(|l| l == "Command:\tPASS ********"),
        "{log:#?}"
    );
    assert!(log.iter().any(|l| l.starts_with("Response:\t230")));
    assert!(!log.iter().any(|l| l.contains("s3cret")));
}

/// A file dragged in from the OS file manager.
#[derive(Debug)]
struct OsFile(PathBuf);

impl egui::DroppedFile for OsFile {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn files_dropped_from_the_os_upload_into_the_remote_folder() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let data = pattern(123_456, 2);
    let dropped = outside.path().join("dropped.bin");
    std::fs::write(&dropped, &data).unwrap();
    std::fs::create_dir_all(outside.path().join("folder/sub")).unwrap();
    std::fs::write(outside.path().join("folder/sub/deep.txt"), b"deep").unwrap();
    let mut h = connected_app(&server, local.path());

    h.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some(dropped.clone()),
        ..Default::default()
    });
    h.run_steps(2);
    assert!(
        app(&h).remote().drop_highlight,
        "no drop highlight while hovering"
    );
    h.input_mut().hovered_files.clear();
    h.input_mut().dropped_files.push(Arc::new(OsFile(dropped)));
    h.input_mut()
        .dropped_files
        .push(Arc::new(OsFile(outside.path().join("folder"))));
    h.step();
    let uploaded = server.path("dropped.bin");
    let deep = server.path("folder/sub/deep.txt");
    run_until(&mut h, "the upload", |_| {
        std::fs::read(&uploaded).is_ok_and(|b| b.len() == data.len()) && deep.exists()
    });
    assert_eq!(sha256_file(&uploaded), sha256(&data));
    run_until(&mut h, "the refreshed listing", remote_has("dropped.bin"));
    assert!(!app(&h).remote().drop_highlight);
}

fn context_menu(h: &mut AppHarness, row: &str, item: &str) {
    let pos = remote_row(h, row);
    click_at(h, pos, egui::PointerButton::Secondary, 1);
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(2);
}

/// Replaces the text of the open dialog (its field has the keyboard focus) and presses OK.
fn type_into_dialog(h: &mut AppHarness, text: &str) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    let focused: Vec<_> = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .filter(|n| n.is_focused())
        .collect();
    assert_eq!(focused.len(), 1, "one focused field in the dialog");
    focused[0].type_text(text);
    h.step();
    h.get_by_label("OK").click();
    h.run_steps(2);
}

#[test]
fn create_rename_and_delete_through_the_context_menu() {
    let server = Server::plain();
    std::fs::write(server.path("existing.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("existing.txt"));

    context_menu(&mut h, "existing.txt", "Create directory");
    type_into_dialog(&mut h, "made by menu");
    run_until(&mut h, "the new folder listed", remote_has("made by menu"));
    assert!(server.path("made by menu").is_dir());

    context_menu(&mut h, "existing.txt", "Rename");
    type_into_dialog(&mut h, "renamed.txt");
    run_until(&mut h, "the renamed file listed", remote_has("renamed.txt"));
    assert!(server.path("renamed.txt").is_file() && !server.path("existing.txt").exists());

    context_menu(&mut h, "renamed.txt", "Delete");
    for _ in 0..10 {
        if h.query_by_label("Confirm deletion").is_some() {
            break;
        }
        h.step();
    }
    h.get_by_label("Delete").click();
    let gone = server.path("renamed.txt");
    run_until(&mut h, "the deletion", |a| {
        !gone.exists() && !a.remote().entries().iter().any(|e| e.name == "renamed.txt")
    });
}

#[test]
fn the_file_exists_dialog_offers_the_actions_and_obeys() {
    let server = Server::plain();
    std::fs::write(server.path("same.txt"), b"from the server").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("same.txt"), b"local").unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("same.txt"));
    double_click(&mut h, "same.txt");
    run_until(&mut h, "the dialog", |a| a.prompts_waiting() == 1);
    for action in [
        "Overwrite",
        "Resume",
        "Rename",
        "Skip",
        "Overwrite if source newer",
        "Overwrite if size differs",
    ] {
        assert!(h.query_by_label(action).is_some(), "{action} missing");
    }
    h.get_by_label("Rename").click();
    h.run_steps(2);
    h.get_by_label("OK").click();
    let renamed = local.path().join("same (1).txt");
    run_until(&mut h, "the renamed download", |a| {
        a.prompts_waiting() == 0 && renamed.exists()
    });
    assert_eq!(std::fs::read(&renamed).unwrap(), b"from the server");
    assert_eq!(
        std::fs::read(local.path().join("same.txt")).unwrap(),
        b"local"
    );
}

#[test]
fn the_certificate_dialog_shows_the_fingerprint_and_trusts() {
    let server = Server::start(ServerTls::Explicit);
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(
        local.path(),
        Some(server.site(Protocol::ExplicitTls)),
    ));
    run_until(&mut h, "the certificate dialog", |a| {
        a.prompts_waiting() == 1
    });
    assert!(
        h.query_by_label(&server.fingerprint()).is_some(),
        "fingerprint not shown"
    );
    assert!(
        h.query_all_by_label_contains("self-signed")
            .next()
            .is_some()
    );
    h.get_by_label("Trust").click();
    run_until(&mut h, "connected over TLS", |a| {
        a.is_connected() && !a.remote().loading
    });
    assert!(app(&h).log().text().iter().any(|l| l == "Command:\tPROT P"));
}

#[test]
fn dragging_rows_between_the_panes_downloads_and_uploads() {
    let server = Server::plain();
    let data = pattern(77_777, 5);
    std::fs::write(server.path("dragged.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("going up.txt"), b"up we go").unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("dragged.bin"));

    // Remote row onto the local pane.
    let from = remote_row(&h, "dragged.bin");
    drag(&mut h, from, egui::pos2(300.0, 500.0));
    let target = local.path().join("dragged.bin");
    run_until(&mut h, "the dragged download", |_| target.exists());
    assert_eq!(sha256_file(&target), sha256(&data));

    // Local row onto the remote pane.
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().iter().any(|e| e.name == "going up.txt")
    });
    let from = h.get_by_label("going up.txt").rect().center();
    drag(&mut h, from, egui::pos2(950.0, 500.0));
    let uploaded = server.path("going up.txt");
    run_until(&mut h, "the dragged upload", |_| uploaded.exists());
    assert_eq!(std::fs::read(uploaded).unwrap(), b"up we go");
}

/// Presses at `from`, moves in steps to `to`, releases there.
fn drag(h: &mut AppHarness, from: egui::Pos2, to: egui::Pos2) {
    h.event(egui::Event::PointerMoved(from));
    h.run_steps(5);
    h.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    for i in 1..=10 {
        h.event(egui::Event::PointerMoved(
            from + (to - from) * (i as f32 / 10.0),
        ));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(2);
}

#[test]
fn keyboard_shortcuts_act_on_the_pane_under_the_pointer() {
    let server = Server::plain();
    std::fs::create_dir(server.path("sub")).unwrap();
    std::fs::write(server.path("a.txt"), b"a").unwrap();
    std::fs::write(server.path("b.txt"), b"b").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("b.txt"));

    let row = remote_row(&h, "a.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    assert_eq!(app(&h).remote().selected_entries().len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(2);
    assert_eq!(
        app(&h).remote().selected_entries().len(),
        3,
        "Ctrl+A selects everything"
    );

    double_click(&mut h, "sub");
    run_until(&mut h, "inside sub", |a| {
        a.remote().path == "/sub" && !a.remote().loading
    });
    h.key_press(egui::Key::Backspace);
    run_until(&mut h, "back up with Backspace", |a| {
        a.remote().path == "/" && !a.remote().loading
    });
    h.key_press(egui::Key::F5);
    run_until(&mut h, "refreshed with F5", |a| {
        !a.remote().loading && a.remote().entries().len() == 3
    });
}

#[test]
fn the_password_dialog_answers_an_ask_for_password_site() {
    let server = Server::plain();
    std::fs::write(server.path("behind a password.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;
    let mut h = harness(start(local.path(), Some(site)));
    run_until(&mut h, "the password dialog", |a| a.prompts_waiting() == 1);
    let label = format!("Password for {USER}@127.0.0.1:");
    // The field has the keyboard focus: typing and Enter answer.
    h.get_by_label(&label).type_text(PASSWORD);
    h.step();
    h.key_press(egui::Key::Enter);
    run_until(&mut h, "connected", remote_has("behind a password.txt"));
    assert_eq!(app(&h).prompts_waiting(), 0);
    let log = app(&h).log().text();
    assert!(
        log.iter().any(|l| l == "Command:\tPASS ********"),
        "{log:#?}"
    );
    assert!(!log.iter().any(|l| l.contains(PASSWORD)));
}

/// Empties a focused text field the way a person would.
fn clear_field(h: &mut AppHarness, label: &str) {
    h.get_by_label(label).focus();
    h.step();
    for _ in 0..40 {
        h.key_press(egui::Key::Backspace);
    }
    h.step();
}

#[test]
fn a_second_connection_opens_its_own_tab_with_its_own_log_and_listing() {
    let first = Server::plain();
    std::fs::write(first.path("on the first.txt"), b"1").unwrap();
    let second = Server::plain();
    std::fs::write(second.path("on the second.txt"), b"2").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&first, local.path());
    run_until(&mut h, "first listing", remote_has("on the first.txt"));

    let port = second.server.addr().port().to_string();
    clear_field(&mut h, "Port:");
    h.get_by_label("Port:").type_text(&port);
    clear_field(&mut h, "Password:");
    h.get_by_label("Password:").type_text(PASSWORD);
    h.step();
    h.get_by_label("Quickconnect").click();
    run_until(&mut h, "second listing", remote_has("on the second.txt"));
    assert_eq!(app(&h).tabs().len(), 2);
    let first_port = format!(":{}", first.server.addr().port());
    let second_port = format!(":{port}");
    let log = app(&h).log().text();
    assert!(log.iter().any(|l| l.contains(&second_port)), "{log:#?}");
    assert!(!log.iter().any(|l| l.contains(&first_port)), "{log:#?}");
    assert!(app(&h).tabs()[0].connected, "the first tab stays connected");

    // The first tab brings back its own listing and log.
    h.key_press(egui::Key::Escape);
    h.get_all_by_label_contains("ferry@127.0.0.1")
        .next()
        .expect("a tab")
        .click();
    run_until(&mut h, "first tab shown", remote_has("on the first.txt"));
    assert!(app(&h).log().text().iter().any(|l| l.contains(&first_port)));

    // Closing it leaves the second connection.
    h.get_all_by_label("×")
        .next()
        .expect("a close button")
        .click();
    run_until(&mut h, "one tab left", |a| a.tabs().len() == 1);
    run_until(&mut h, "second tab shown", remote_has("on the second.txt"));
    assert!(app(&h).is_connected());
}

/// The left edge of the remote pane: where the user put the split between the panes.
fn remote_pane_left(h: &AppHarness) -> f32 {
    // The remote table's "Name" header starts a margin right of the split.
    h.get_all_by_label_contains("Name")
        .map(|node| node.rect().left())
        .fold(f32::MIN, f32::max)
}

#[test]
fn the_pane_split_and_column_widths_survive_a_restart() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    let before = remote_pane_left(&h);
    // The split sits between the panes; drag it 80 points to the left.
    let y = 450.0;
    let from = egui::pos2(before - 8.0, y);
    drag(&mut h, from, egui::pos2(before - 88.0, y));
    h.run_steps(3);
    let moved = remote_pane_left(&h);
    assert!(
        (moved - (before - 80.0)).abs() < 10.0,
        "the split did not move: {before} -> {moved}"
    );
    // And the remote table's Name column made narrower by its header's edge.
    let size_header = |h: &AppHarness| {
        h.get_all_by_label("Size")
            .map(|node| node.rect())
            .max_by(|a, b| a.left().total_cmp(&b.left()))
            .expect("a Size header")
    };
    let header = size_header(&h);
    let edge = egui::pos2(header.left() - 4.0, header.center().y);
    drag(&mut h, edge, edge - egui::vec2(60.0, 0.0));
    h.run_steps(3);
    let narrowed = size_header(&h).left();
    assert!(
        (narrowed - (header.left() - 60.0)).abs() < 10.0,
        "the column did not narrow: {} -> {narrowed}",
        header.left()
    );
    // What eframe writes to its storage on exit, and reads back on the next start.
    let saved = h
        .ctx
        .memory(|m| ron::to_string(m).expect("memory serializes"));
    drop(h);

    let mut h = connected_app(&server, local.path());
    h.ctx
        .memory_mut(|m| *m = ron::from_str(&saved).expect("memory restores"));
    h.run_steps(3);
    let restored = remote_pane_left(&h);
    assert!(
        (restored - moved).abs() < 2.0,
        "the split came back at {restored}, not {moved}"
    );
    let column = size_header(&h).left();
    assert!(
        (column - narrowed).abs() < 2.0,
        "the column came back at {column}, not {narrowed}"
    );
}

#[test]
fn add_to_queue_holds_the_transfers_until_the_queue_resumes() {
    let server = Server::plain();
    let data = pattern(123_456, 9);
    std::fs::write(server.path("later.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("later.bin"));
    context_menu(&mut h, "later.bin", "Add to queue");
    run_until(&mut h, "queued", |a| a.queue().len() == 1);
    h.run_steps(30);
    let target = local.path().join("later.bin");
    assert!(!target.exists(), "an added transfer must wait");
    h.get_by_label("Resume queue").click();
    run_until(&mut h, "the download", |_| target.exists());
    assert_eq!(sha256_file(&target), sha256(&data));
}

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
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
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
