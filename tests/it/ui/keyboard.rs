//! The panes without a mouse, through what a screen reader sees (AccessKit): a row is found by
//! its name in the "Remote files" table, the arrow keys (and Home/End, Shift) move the selection
//! that the rows report, Enter opens a folder or downloads a file, Backspace goes up, Tab moves
//! to the other pane; the top bar fits one row.

use egui::accesskit::Role;
use egui_kittest::kittest::NodeT;

use super::*;

/// The names of the rows the remote table reports selected.
fn selected_rows(h: &AppHarness) -> Vec<String> {
    let table = h.get_by_role_and_label(Role::Table, "Remote files");
    table
        .accesskit_node()
        .children()
        .filter(|row| row.role() == Role::Row && row.is_selected() == Some(true))
        .filter_map(|row| row.label())
        .collect()
}

fn press(h: &mut AppHarness, key: egui::Key, modifiers: egui::Modifiers) {
    h.key_press_modifiers(modifiers, key);
    h.run_steps(2);
}

#[test]
fn rows_are_found_selected_and_opened_from_the_keyboard() {
    let server = Server::plain();
    std::fs::create_dir(server.path("sub")).unwrap();
    std::fs::write(server.path("sub/inner.txt"), b"inner").unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(server.path(name), name).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("c.txt"));

    // Found by name, as a row of the remote table, with its cells.
    let row = h.get_by_role_and_label(Role::Row, "a.txt");
    assert_eq!(row.accesskit_node().is_selected(), Some(false));
    assert_eq!(
        row.accesskit_node().parent().map(|p| p.role()),
        Some(Role::Table)
    );
    let cells = row
        .accesskit_node()
        .children()
        .filter(|c| c.role() == Role::Cell)
        .count();
    assert_eq!(cells, 6, "name, size, type, modified, permissions, owner");

    // A click gives the pane the focus; then only keys.
    let pos = remote_row(&h, "a.txt");
    click_at(&mut h, pos, egui::PointerButton::Primary, 1);
    h.run_steps(2);
    assert_eq!(selected_rows(&h), ["a.txt"]);
    press(&mut h, egui::Key::ArrowDown, egui::Modifiers::NONE);
    assert_eq!(selected_rows(&h), ["b.txt"]);
    press(&mut h, egui::Key::ArrowDown, egui::Modifiers::SHIFT);
    assert_eq!(selected_rows(&h), ["b.txt", "c.txt"]);
    press(&mut h, egui::Key::End, egui::Modifiers::NONE);
    assert_eq!(selected_rows(&h), ["c.txt"]);
    press(&mut h, egui::Key::Home, egui::Modifiers::NONE);
    assert_eq!(selected_rows(&h), ["sub"], "folders come first");

    // Enter opens the folder, Backspace goes back up.
    press(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    run_until(&mut h, "inside sub", remote_has("inner.txt"));
    assert_eq!(app(&h).remote().path, "/sub");
    press(&mut h, egui::Key::ArrowDown, egui::Modifiers::NONE);
    assert_eq!(selected_rows(&h), ["inner.txt"]);
    // Enter on a file downloads it, as a double-click does.
    press(&mut h, egui::Key::Enter, egui::Modifiers::NONE);
    let file = local.path().join("inner.txt");
    run_until(&mut h, "downloaded", |_| {
        std::fs::read(&file).is_ok_and(|b| b == b"inner")
    });
    press(&mut h, egui::Key::Backspace, egui::Modifiers::NONE);
    run_until(&mut h, "back at the top", |a| {
        a.remote().path == "/" && !a.remote().loading
    });
}

#[test]
fn tab_moves_the_keyboard_between_the_panes() {
    let server = Server::plain();
    std::fs::write(server.path("remote.txt"), b"r").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("local.txt"), b"l").unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 1
    });

    let pos = remote_row(&h, "remote.txt");
    click_at(&mut h, pos, egui::PointerButton::Primary, 1);
    h.run_steps(2);
    assert!(app(&h).remote().has_focus(&h.ctx));
    press(&mut h, egui::Key::Tab, egui::Modifiers::NONE);
    assert!(
        app(&h).local.has_focus(&h.ctx),
        "Tab moves to the local pane"
    );
    assert!(!app(&h).remote().has_focus(&h.ctx));
    press(&mut h, egui::Key::ArrowDown, egui::Modifiers::NONE);
    let local_row = h.get_by_role_and_label(Role::Row, "local.txt");
    assert_eq!(local_row.accesskit_node().is_selected(), Some(true));
    // The remote selection stays as it was.
    assert_eq!(selected_rows(&h), ["remote.txt"]);
    press(&mut h, egui::Key::Tab, egui::Modifiers::NONE);
    assert!(app(&h).remote().has_focus(&h.ctx), "and back");
}

#[test]
fn glyph_buttons_have_names_and_the_top_bar_fits_one_row() {
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(local.path(), None));
    h.step();
    for name in [
        "Back",
        "Forward",
        "Parent directory",
        "Home directory",
        "Refresh folder",
        "Choose a folder",
    ] {
        assert!(
            h.query_all_by_label(name)
                .any(|n| n.accesskit_node().role() == Role::Button),
            "a button named {name:?}"
        );
    }
    assert!(h.query_by_label("Refresh both sides").is_some());

    // One row: the bar's widgets share a line, inside the 1280 points of the window.
    let port = h.get_by_label("Port:");
    let row = port.rect().center().y;
    for label in [
        "Site Manager",
        "Host:",
        "Quickconnect",
        "Recent",
        "Disconnect",
    ] {
        let rect = h.get_by_label(label).rect();
        assert!(
            (rect.center().y - row).abs() < 4.0 && rect.right() <= 1280.0,
            "{label} at {rect:?}, the row at y={row}"
        );
    }
    let refresh = h.get_by_label("Refresh both sides").rect();
    assert!(refresh.right() <= 1280.0 && (refresh.center().y - row).abs() < 4.0);
    // A five-digit port shows whole.
    h.get_by_label("Port:").type_text("65535");
    h.run_steps(2);
    let digits = h.ctx.fonts_mut(|f| {
        f.layout_no_wrap(
            "65535".to_string(),
            egui::FontId::proportional(
                egui::Style::default().text_styles[&egui::TextStyle::Body].size,
            ),
            egui::Color32::WHITE,
        )
        .size()
        .x
    });
    assert!(h.get_by_label("Port:").rect().width() > digits + 4.0);
}
