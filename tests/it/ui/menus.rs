//! The context menus where there is no row: the empty space of each pane (an empty folder gets
//! a new folder), the transfer queue and the message log.

use super::*;

/// Opens the context menu at `pos` and clicks its item `item` (the last widget so named: the
/// menu is drawn over the window).
fn menu_at(h: &mut AppHarness, pos: egui::Pos2, item: &str) {
    click_at(h, pos, egui::PointerButton::Secondary, 1);
    h.run_steps(2);
    h.get_all_by_label(item)
        .last()
        .unwrap_or_else(|| panic!("no menu item {item:?}"))
        .click();
    h.run_steps(2);
}

#[test]
fn an_empty_remote_folder_gets_a_new_folder_from_its_empty_space() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    assert!(app(&h).remote().entries().is_empty(), "an empty folder");
    click_at(
        &mut h,
        egui::pos2(960.0, 500.0),
        egui::PointerButton::Secondary,
        1,
    );
    h.run_steps(2);
    assert!(h.query_by_label("Upload here...").is_some());
    assert!(h.query_by_label("Refresh").is_some());
    h.get_by_label("Create directory").click();
    h.run_steps(2);
    type_into_dialog(&mut h, "fresh");
    run_until(&mut h, "the new folder listed", remote_has("fresh"));
    assert!(server.path("fresh").is_dir());
}

#[test]
fn an_empty_local_folder_gets_a_new_folder_from_its_empty_space() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    menu_at(&mut h, egui::pos2(320.0, 500.0), "Create directory");
    type_into_dialog(&mut h, "made here");
    let made = local.path().join("made here");
    run_until(&mut h, "the local folder listed", |a| {
        a.local.entries().iter().any(|e| e.name == "made here")
    });
    assert!(made.is_dir());
}

#[test]
fn the_queue_has_context_menus_on_its_rows_and_its_empty_space() {
    let server = Server::plain();
    std::fs::write(server.path("one.txt"), b"1").unwrap();
    std::fs::write(server.path("two.txt"), b"2").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("two.txt"));
    double_click(&mut h, "one.txt");
    let one = local.path().join("one.txt");
    run_until(&mut h, "one downloaded", |a| {
        one.exists() && a.queue().len() == 1
    });
    h.run_steps(10);
    run_until(&mut h, "the listing again", remote_has("two.txt"));
    double_click(&mut h, "two.txt");
    let both = [one, local.path().join("two.txt")];
    run_until(&mut h, "both downloaded", |_| {
        both.iter().all(|p| p.exists())
    });
    assert_eq!(app(&h).queue().len(), 2);
    h.run_steps(5);
    h.get_by_label("Successful transfers (2)").click();
    h.run_steps(3);
    // One row through its own menu, the rest through the queue's empty space.
    let row = h
        .get_all_by_label(&both[0].display().to_string())
        .next()
        .expect("the row of one.txt")
        .rect()
        .center();
    menu_at(&mut h, row, "Remove");
    assert_eq!(app(&h).queue().len(), 1);
    menu_at(&mut h, egui::pos2(640.0, 820.0), "Remove all");
    assert!(app(&h).queue().is_empty());
}

#[test]
fn the_log_has_a_context_menu() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    assert!(!app(&h).log().is_empty());
    // The toolbar has its own "Copy all" and "Clear": the menu adds a second of each.
    click_at(
        &mut h,
        egui::pos2(1200.0, 120.0),
        egui::PointerButton::Secondary,
        1,
    );
    h.run_steps(2);
    assert_eq!(h.get_all_by_label("Copy all").count(), 2, "the log's menu");
    let clear: Vec<_> = h.get_all_by_label("Clear").collect();
    assert_eq!(clear.len(), 2, "the log's menu");
    clear[1].click();
    h.run_steps(2);
    assert!(app(&h).log().is_empty());
}
