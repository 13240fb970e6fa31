//! Snapshot images of the app, rendered with wgpu on Mesa's software Vulkan and compared with the
//! references in `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them): the main window
//! connected to the demo server in both themes, the queue with transfers, and each dialog.
//! What changes from run to run (ports, the TLS fingerprint) is painted over before comparing;
//! file dates and folders are fixed. `.ci/run` runs them as root after installing Mesa.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use egui_kittest::SnapshotOptions;
use egui_kittest::kittest::Queryable;
use ferry::app::{AppStart, EditState};
use ferry::demo::Demo;
use ferry::demo::server::ServerTls;
use ferry::*;

use super::{AppHarness, app, build, builder, context_menu, remote_has, run_until};
use crate::support::*;

/// 2026-06-12 14:05 UTC, and a day before it.
const DATE: u64 = 1_781_273_100;

fn dated(path: &std::path::Path, seconds: u64) {
    std::fs::File::open(path)
        .and_then(|f| f.set_modified(UNIX_EPOCH + Duration::from_secs(seconds)))
        .expect("dating a test file");
}

/// A local folder at a fixed path (it shows in the path bar) with dated files.
fn local_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferry-snapshot-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("Documents")).unwrap();
    std::fs::create_dir_all(dir.join("Pictures")).unwrap();
    std::fs::write(dir.join("notes.txt"), "Shopping list\n").unwrap();
    std::fs::write(dir.join("holiday.jpg"), pattern(250_000, 3)).unwrap();
    for (entry, age) in [
        ("Documents", 1),
        ("Pictures", 2),
        ("notes.txt", 3),
        ("holiday.jpg", 4),
    ] {
        dated(&dir.join(entry), DATE - age * 86_400);
    }
    dir
}

fn snapshot_harness(start: AppStart, theme: egui::Theme) -> AppHarness {
    let builder = builder().with_theme(theme).with_render_cursor(false).wgpu();
    build(builder, start)
}

/// Renders the window, paints over every widget whose text contains one of `varying` (and the
/// quick-connect port field), and compares with `tests/snapshots/NAME.png`.
fn snapshot(h: &mut AppHarness, name: &str, varying: &[&str]) {
    h.run_steps(4);
    let mut masks: Vec<egui::Rect> = vec![h.get_by_label("Port:").rect()];
    for needle in varying {
        masks.extend(h.query_all_by_label_contains(needle).map(|n| n.rect()));
    }
    let mut image = h.render().expect("rendering with wgpu");
    let (width, height) = image.dimensions();
    for rect in masks {
        let x0 = rect.left().max(0.0) as u32;
        let y0 = rect.top().max(0.0) as u32;
        let x1 = (rect.right().ceil() as u32).min(width);
        let y1 = (rect.bottom().ceil() as u32).min(height);
        for y in y0..y1 {
            for x in x0..x1 {
                image.put_pixel(x, y, image::Rgba([128, 0, 128, 255]));
            }
        }
    }
    egui_kittest::image_snapshot_options(&image, name, &SnapshotOptions::new());
}

/// Log lines and fields that carry the server's random ports.
const PORTS: [&str; 2] = ["127.0.0.1:", "|||"];

fn demo_window(theme: egui::Theme, name: &str) {
    let demo = Demo::start().unwrap();
    let local = local_folder(name);
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(demo.site.clone()),
            local_dir: Some(local),
            ..AppStart::default()
        },
        theme,
    );
    run_until(&mut h, "the demo listing", remote_has("big download.iso"));
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 4
    });
    snapshot(&mut h, name, &PORTS);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn main_window_connected_to_the_demo_dark() {
    demo_window(egui::Theme::Dark, "main_window_dark");
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn main_window_connected_to_the_demo_light() {
    demo_window(egui::Theme::Light, "main_window_light");
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_file_menu_open() {
    let demo = Demo::start().unwrap();
    let local = local_folder("menu_bar");
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(demo.site.clone()),
            local_dir: Some(local),
            ..AppStart::default()
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the demo listing", remote_has("big download.iso"));
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 4
    });
    // The log (with the server's random ports) hidden first, from the View menu.
    let button = egui::accesskit::Role::Button;
    h.get_by_role_and_label(button, "View").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::MenuItemCheckBox, "Message log")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(button, "File").click();
    h.run_steps(2);
    snapshot(&mut h, "menu_bar_file", &[]);
}

/// A connected window over a server holding dated sample files.
fn connected(server: &Server, name: &str) -> AppHarness {
    for (file, bytes, age) in [
        ("report.pdf", 180_000, 1),
        ("same.txt", 15, 2),
        ("site.tar.gz", 2_400_000, 3),
    ] {
        std::fs::write(server.path(file), pattern(bytes, age)).unwrap();
        dated(&server.path(file), DATE - age * 3_600);
    }
    let local = local_folder(name);
    std::fs::write(local.join("same.txt"), b"local").unwrap();
    dated(&local.join("same.txt"), DATE - 7_200);
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(server.site(Protocol::Ftp)),
            local_dir: Some(local),
            ..AppStart::default()
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the listing", remote_has("site.tar.gz"));
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 5
    });
    h
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_queue_with_transfers_waiting() {
    let server = Server::plain();
    let mut h = connected(&server, "queue");
    for row in ["report.pdf", "site.tar.gz"] {
        context_menu(&mut h, row, "Add to queue");
    }
    run_until(&mut h, "two queued", |a| a.queue().len() == 2);
    snapshot(&mut h, "queue_paused_with_transfers", &PORTS);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_dialogs() {
    let server = Server::plain();
    let mut h = connected(&server, "dialogs");

    context_menu(&mut h, "report.pdf", "Delete");
    snapshot(&mut h, "dialog_confirm_delete", &PORTS);
    h.get_by_label("Cancel").click();
    h.run_steps(2);

    context_menu(&mut h, "report.pdf", "Rename");
    snapshot(&mut h, "dialog_rename", &PORTS);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);

    context_menu(&mut h, "report.pdf", "File permissions...");
    snapshot(&mut h, "dialog_permissions", &PORTS);
    h.get_by_label("Cancel").click();
    h.run_steps(2);

    context_menu(&mut h, "same.txt", "Download");
    run_until(&mut h, "the file-exists dialog", |a| {
        a.prompts_waiting() == 1
    });
    snapshot(&mut h, "dialog_file_exists", &PORTS);
    h.get_by_label("Skip").click();
    h.get_by_label("OK").click();
    run_until(&mut h, "answered", |a| a.prompts_waiting() == 0);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_certificate_and_password_dialogs() {
    let server = Server::start(ServerTls::Explicit);
    let local = local_folder("certificate");
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(server.site(Protocol::ExplicitTls)),
            connect_path: None,
            local_dir: Some(local.clone()),
            config_dir: None,
            data_dir: None,
            keyring: None,
            open_site: None,
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the certificate dialog", |a| {
        a.prompts_waiting() == 1
    });
    let fingerprint = server.fingerprint();
    snapshot(
        &mut h,
        "dialog_certificate",
        &[PORTS[0], PORTS[1], &fingerprint],
    );
    drop(h);

    let plain = Server::plain();
    let mut site = plain.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(site),
            local_dir: Some(local),
            ..AppStart::default()
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the password dialog", |a| a.prompts_waiting() == 1);
    snapshot(&mut h, "dialog_password", &PORTS);
    assert!(app(&h).prompts_waiting() == 1);
}

/// The keyboard's focus: a frame around the remote list, the row Down moved to selected.
#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_keyboard_focus_on_the_remote_list() {
    let demo = Demo::start().unwrap();
    let local = local_folder("focus");
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(demo.site.clone()),
            local_dir: Some(local),
            ..AppStart::default()
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the demo listing", remote_has("big download.iso"));
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 4
    });
    let pos = super::remote_row(&h, "music");
    super::click_at(&mut h, pos, egui::PointerButton::Primary, 1);
    h.key_press(egui::Key::ArrowDown);
    // The pointer leaves, so that only the keyboard's work shows.
    h.event(egui::Event::PointerGone);
    snapshot(&mut h, "keyboard_focus", &PORTS);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_search_window_with_results() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("www/css")).unwrap();
    std::fs::write(server.path("www/css/site.css"), "body {}\n").unwrap();
    for (path, age) in [("www/css/site.css", 5), ("www/css", 6), ("www", 7)] {
        dated(&server.path(path), DATE - age * 3_600);
    }
    let mut h = connected(&server, "search");
    h.get_by_label("Search...").click();
    h.run_steps(3);
    h.get_by_label("Name:").focus();
    h.step();
    h.get_by_label("Name:").type_text("site");
    h.run_steps(2);
    h.get_by_label("Search").click();
    run_until(&mut h, "the search results", |a| {
        !a.search_window().is_running() && a.search_window().results().len() == 2
    });
    snapshot(&mut h, "search_window", &PORTS);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_filters_dialog() {
    let server = Server::plain();
    let mut h = connected(&server, "filters");
    h.get_all_by_label("Filters...").nth(1).unwrap().click();
    h.run_steps(3);
    h.get_by_label("Remote: Temporary and backup files").click();
    h.run_steps(2);
    snapshot(&mut h, "dialog_filters", &PORTS);
}

/// The Edited files window with a file saved but not uploaded ("Not now"), one open in an
/// editor that changed nothing, and one viewed.
#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn the_edited_files_window() {
    use ferry::sites::{FileAssociation, Settings, SettingsStore};
    let server = Server::plain();
    for (file, text) in [
        ("index.html", "<h1>Hello</h1>\n"),
        ("notes.txt", "Shopping list\n"),
        ("style.css", "body { margin: 0 }\n"),
    ] {
        std::fs::write(server.path(file), text).unwrap();
        dated(&server.path(file), DATE);
    }
    let tools = tempfile::tempdir().unwrap();
    let editor = tools.path().join("append.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf 'milk\\n' >> \"$1\"\n").unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let association = |extension: &str, command: String| FileAssociation {
        extension: extension.to_string(),
        command,
    };
    let config = tempfile::tempdir().unwrap();
    let settings = Settings {
        file_associations: vec![
            association("txt", format!("{} %f", editor.display())),
            association("html", "true".to_string()),
            association("css", "true".to_string()),
        ],
        ..Default::default()
    };
    SettingsStore::open(config.path()).save(settings).unwrap();
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(server.site(Protocol::Ftp)),
            local_dir: Some(local_folder("edited")),
            config_dir: Some(config.path().to_path_buf()),
            keyring: Some(ferry::sites::Keyring::in_memory()),
            ..AppStart::default()
        },
        egui::Theme::Dark,
    );
    run_until(&mut h, "the listing", remote_has("style.css"));
    context_menu(&mut h, "notes.txt", "Edit");
    run_until(&mut h, "saved", |a| {
        a.edited_files()
            .first()
            .is_some_and(|f| f.state == EditState::Modified)
    });
    h.run_steps(3);
    h.get_by_label("Not now").click();
    context_menu(&mut h, "index.html", "Edit");
    run_until(&mut h, "opened", |a| {
        a.edited_files()
            .get(1)
            .is_some_and(|f| f.state == EditState::Opened)
    });
    // The queue ran dry: the refresh that follows must not clear the next menu's selection.
    for _ in 0..20 {
        h.step();
        std::thread::sleep(Duration::from_millis(15));
    }
    run_until(&mut h, "the refreshed listing", |a| !a.remote().loading);
    context_menu(&mut h, "style.css", "View");
    run_until(&mut h, "all opened", |a| {
        let files = a.edited_files();
        files.len() == 3 && files[1..].iter().all(|f| f.state == EditState::Opened)
    });
    run_until(&mut h, "the refreshed listing", |a| !a.remote().loading);
    h.get_by_label("Edited files: 3").click();
    // Past the window's fade-in.
    h.run_steps(30);
    snapshot(&mut h, "edited_files", &PORTS);
}

mod compare;
