//! Browsing the remote side: quick-connect, double-click into folders and download, the
//! breadcrumb, keyboard shortcuts, connection tabs, and the pane split and column widths kept
//! across a restart.

use super::*;

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

    quick_connect_to(&mut h, &second);
    run_until(&mut h, "second listing", remote_has("on the second.txt"));
    assert_eq!(app(&h).tabs().len(), 2);
    let first_port = format!(":{}", first.server.addr().port());
    let second_port = format!(":{}", second.server.addr().port());
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
    h.get_all_by_label_contains("Close the tab")
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

/// The queue is one for all tabs: paused, a tab opened later does not start its transfers
/// (before, a new tab's queue ran while the button still said "Resume").
#[test]
fn a_tab_opened_while_the_queue_is_paused_holds_its_transfers() {
    let first = Server::plain();
    let second = Server::plain();
    std::fs::write(second.path("held.txt"), b"held").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&first, local.path());
    h.get_by_label("Pause queue").click();
    h.run_steps(2);
    assert!(app(&h).queue().paused);

    quick_connect_to(&mut h, &second);
    run_until(&mut h, "second listing", remote_has("held.txt"));
    double_click(&mut h, "held.txt");
    run_until(&mut h, "queued", |a| a.queue().len() == 1);
    h.run_steps(60);
    let target = local.path().join("held.txt");
    assert!(
        !target.exists(),
        "a paused queue transferred in the new tab"
    );
    h.get_by_label("Resume queue").click();
    run_until(&mut h, "the download after resuming", |_| target.exists());
}

/// Quick-connects (the bar keeps host and user) to `server` on its port, opening a new tab
/// when the current one is connected.
fn quick_connect_to(h: &mut AppHarness, server: &Server) {
    let port = server.server.addr().port().to_string();
    clear_field(h, "Port:");
    h.get_by_label("Port:").type_text(&port);
    clear_field(h, "Password:");
    h.get_by_label("Password:").type_text(PASSWORD);
    h.step();
    h.get_by_label("Quickconnect").click();
}
