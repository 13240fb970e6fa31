//! The menu bar: each item that does something is clicked and what it did is checked (tabs,
//! import and export of FileZilla files, the log and the queue shown and hidden, the queue paused
//! and started, disconnect and reconnect, a custom command's reply in the log, About, Quit), the
//! shortcuts do the same, and the window title names the site and the transfers under way.

use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::kittest::NodeT;
use ferry::app::{FileChooser, SiteFileJob};

use super::speed_limits::{app_with_a_download_limit, limit_toggled};
use super::*;

/// Opens the menu `menu` of the menu bar and clicks its item `item`.
fn menu(h: &mut AppHarness, menu: &str, item: &str) {
    h.get_by_role_and_label(Role::Button, menu).click();
    h.run_steps(2);
    let items: Vec<_> = h
        .get_all_by_label(item)
        .filter(|n| {
            matches!(
                n.accesskit_node().role(),
                Role::MenuItem | Role::MenuItemCheckBox
            )
        })
        .collect();
    assert_eq!(items.len(), 1, "the item {item:?} in the {menu} menu");
    items[0].click();
    h.run_steps(2);
}

fn logged(app: &FerryApp, needle: &str) -> bool {
    app.log().text().iter().any(|l| l.contains(needle))
}

#[test]
fn tabs_open_and_close_from_the_file_menu_and_the_keyboard() {
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), None));
    h.step();
    menu(&mut h, "File", "New tab");
    assert_eq!(app(&h).tabs().len(), 2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::T);
    h.run_steps(2);
    assert_eq!(app(&h).tabs().len(), 3);
    menu(&mut h, "File", "Close tab");
    assert_eq!(app(&h).tabs().len(), 2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::W);
    h.run_steps(2);
    assert_eq!(app(&h).tabs().len(), 1);
}

#[test]
fn sites_are_imported_from_a_filezilla_file_and_exported_to_one() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let exported = local.path().join("exported.xml");
    let fixture = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/filezilla/sitemanager.xml"
    ));
    let mut h = harness(AppStart {
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..AppStart::default()
    });
    h.step();
    // The file dialog's choice, given as a path.
    let target = exported.clone();
    let chooser: FileChooser = Arc::new(move |job| match job {
        SiteFileJob::Import => Some(fixture.clone()),
        SiteFileJob::Export => Some(target.clone()),
    });
    h.state_mut()
        .as_mut()
        .unwrap()
        .set_site_file_chooser(chooser);

    menu(&mut h, "File", "Import sites...");
    run_until(&mut h, "the import reported", |a| {
        logged(a, "Imported from")
    });
    let sites = ferry::sites::SiteStore::open(config.path());
    let hosts: Vec<String> = sites
        .tree()
        .sites()
        .iter()
        .map(|s| s.site.host.clone())
        .collect();
    assert!(hosts.iter().any(|h| h == "ftp.acme.example"), "{hosts:?}");
    menu(&mut h, "File", "Export sites...");
    run_until(&mut h, "the export reported", |a| logged(a, "Exported"));
    let written = std::fs::read_to_string(&exported).unwrap();
    assert!(
        written.contains("<Host>ftp.acme.example</Host>"),
        "{written}"
    );
    assert!(!written.contains("<Pass"), "no passwords are exported");

    // The Site Manager shows them.
    menu(&mut h, "File", "Site Manager...");
    h.run_steps(5);
    assert!(h.query_by_label_contains("Acme Web").is_some());
}

#[test]
fn a_custom_command_is_sent_and_its_reply_shows_in_the_log() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    menu(&mut h, "Server", "Enter custom command...");
    h.run_steps(3);
    h.get_by_label("Command:").type_text("SYST");
    h.step();
    h.get_by_label("OK").click();
    run_until(&mut h, "the reply in the log", |a| {
        a.log()
            .text()
            .iter()
            .any(|l| l.starts_with("Response:") && l.contains("215"))
    });
    assert!(
        app(&h).log().text().iter().any(|l| l == "Command:\tSYST"),
        "{:#?}",
        app(&h).log().text()
    );
}

#[test]
fn the_server_menu_disconnects_and_reconnects_to_the_same_folder() {
    let server = Server::plain();
    std::fs::create_dir(server.path("www")).unwrap();
    std::fs::write(server.path("www/index.html"), b"hi").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    double_click(&mut h, "www");
    run_until(&mut h, "inside www", remote_has("index.html"));

    menu(&mut h, "Server", "Disconnect");
    run_until(&mut h, "disconnected", |a| !a.is_connected());
    menu(&mut h, "Server", "Reconnect");
    run_until(&mut h, "back in www", |a| {
        a.is_connected() && a.remote().path == "/www" && !a.remote().loading
    });
    assert_eq!(app(&h).tabs().len(), 1, "the same tab");

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    run_until(&mut h, "disconnected by Ctrl+D", |a| !a.is_connected());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    run_until(&mut h, "reconnected by Ctrl+R", |a| {
        a.is_connected() && remote_has("index.html")(a)
    });
}

#[test]
fn the_view_menu_hides_and_shows_the_log_and_the_queue() {
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), None));
    h.step();
    let log_shown = |h: &AppHarness| h.query_by_label("Filter the message log").is_some();
    let queue_shown = |h: &AppHarness| h.query_by_label("Parallel:").is_some();
    assert!(log_shown(&h) && queue_shown(&h));
    menu(&mut h, "View", "Message log");
    assert!(!log_shown(&h) && queue_shown(&h));
    menu(&mut h, "View", "Transfer queue");
    assert!(!log_shown(&h) && !queue_shown(&h));
    menu(&mut h, "View", "Message log");
    menu(&mut h, "View", "Transfer queue");
    assert!(log_shown(&h) && queue_shown(&h));
}

#[test]
fn the_transfer_menu_pauses_and_processes_the_queue_and_the_title_shows_progress() {
    let server = Server::plain();
    std::fs::write(server.path("big.bin"), pattern(300_000, 1)).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    assert_eq!(app(&h).window_title(), "Ferry — ferry@127.0.0.1");
    assert_eq!(
        h.root().accesskit_node().label().as_deref(),
        Some("Ferry — ferry@127.0.0.1"),
        "the window is named for screen readers"
    );

    menu(&mut h, "Transfer", "Pause queue");
    assert!(app(&h).queue().paused);
    context_menu(&mut h, "big.bin", "Download");
    run_until(&mut h, "queued", |a| a.queue().len() == 1);
    run_until(&mut h, "the title shows the waiting transfer", |a| {
        a.window_title() == "Ferry — ferry@127.0.0.1 — 0% (0 of 1)"
    });

    menu(&mut h, "Transfer", "Process queue");
    assert!(!app(&h).queue().paused);
    let file = local.path().join("big.bin");
    run_until(&mut h, "downloaded", |a| {
        file.metadata().is_ok_and(|m| m.len() == 300_000) && a.queue().counts().0 == 0
    });
    run_until(&mut h, "the title without progress", |a| {
        a.window_title() == "Ferry — ferry@127.0.0.1"
    });
}

#[test]
fn about_shows_the_version_and_quit_closes_the_window() {
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), None));
    h.step();
    menu(&mut h, "Help", "About Ferry");
    h.run_steps(3);
    let version = format!("Ferry {}", env!("CARGO_PKG_VERSION"));
    assert!(h.query_by_label(&version).is_some());
    assert!(h.query_by_label_contains("renderers:").is_some());

    // Quit, in a window of its own (it closes it).
    drop(h);
    let mut h = harness(start(local.path(), None));
    h.step();
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::MenuItem, "Quit").click();
    h.step();
    let closing = h.output().viewport_output.values().any(|v| {
        v.commands
            .iter()
            .any(|c| matches!(c, egui::ViewportCommand::Close))
    });
    assert!(closing, "Quit asks the window to close");
}

#[test]
fn the_transfer_menu_toggles_the_speed_limits_and_edit_opens_settings() {
    let local = tempfile::tempdir().unwrap();
    let (mut h, _config) = app_with_a_download_limit(local.path());
    // The status bar's toggle shows the state the worker was given.
    assert_eq!(limit_toggled(&h), "Some(True)");
    menu(&mut h, "Transfer", "Speed limits");
    assert_eq!(limit_toggled(&h), "Some(False)");
    menu(&mut h, "Transfer", "Speed limits");
    assert_eq!(limit_toggled(&h), "Some(True)");

    menu(&mut h, "Edit", "Settings...");
    h.run_steps(5);
    assert!(h.query_by_label("Simultaneous transfers:").is_some());
    // Its spin buttons have names.
    let spin = h.get_by_label("Log lines kept:");
    assert_eq!(spin.accesskit_node().role(), Role::SpinButton);
}

/// Without a file dialog (or when it is cancelled) the file's path is typed instead.
#[test]
fn without_a_file_dialog_the_path_to_import_is_typed() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut h = harness(AppStart {
        local_dir: Some(local.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..AppStart::default()
    });
    h.step();
    let no_dialog: FileChooser = Arc::new(|_| None);
    h.state_mut()
        .as_mut()
        .unwrap()
        .set_site_file_chooser(no_dialog);
    menu(&mut h, "File", "Import sites...");
    for _ in 0..100 {
        h.step();
        if h.query_by_label("FileZilla site manager file:").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(3);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/filezilla/sitemanager.xml"
    );
    h.get_by_label("FileZilla site manager file:")
        .type_text(fixture);
    h.step();
    h.get_by_label("OK").click();
    run_until(&mut h, "the import reported", |a| {
        logged(a, "Imported from")
    });
    let sites = ferry::sites::SiteStore::open(config.path());
    assert!(
        sites
            .tree()
            .sites()
            .iter()
            .any(|s| s.site.host == "ftp.acme.example")
    );
}

/// The shortcuts of the View, Server and Bookmarks menus do what their items do: Ctrl+O and
/// Ctrl+Y switch comparison and synchronized browsing, Ctrl+I opens the filters, F3 the
/// search, Ctrl+B "New bookmark"; and the View menu's items switch the same states.
#[test]
fn the_view_server_and_bookmark_shortcuts_do_what_their_items_do() {
    let server = Server::plain();
    std::fs::create_dir(server.path("sub")).unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir(local.path().join("sub")).unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the local listing", |a| !a.local.loading);
    let command = egui::Modifiers::COMMAND;

    h.key_press_modifiers(command, egui::Key::O);
    h.run_steps(2);
    assert!(app(&h).comparing(), "Ctrl+O: comparison on");
    menu(&mut h, "View", "Directory comparison");
    assert!(!app(&h).comparing(), "View → Directory comparison: off");

    h.key_press_modifiers(command, egui::Key::Y);
    h.run_steps(2);
    assert!(app(&h).syncing(), "Ctrl+Y: synchronized browsing on");
    menu(&mut h, "View", "Synchronized browsing");
    assert!(!app(&h).syncing(), "View → Synchronized browsing: off");

    assert!(h.query_by_label("Directory listing filters").is_none());
    h.key_press_modifiers(command, egui::Key::I);
    h.run_steps(3);
    assert!(
        h.query_by_label("Directory listing filters").is_some(),
        "Ctrl+I"
    );

    assert!(!app(&h).search_window().open);
    h.key_press(egui::Key::F3);
    h.run_steps(3);
    assert!(app(&h).search_window().open, "F3");

    assert!(h.query_by_label("New bookmark").is_none());
    h.key_press_modifiers(command, egui::Key::B);
    h.run_steps(3);
    assert!(h.query_by_label("New bookmark").is_some(), "Ctrl+B");
}
