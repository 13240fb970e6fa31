//! The panes' quick filter: typing narrows the rows shown at once (substring or glob, case
//! switch), the status line says how many are hidden, and hidden rows are not acted on.

use super::*;

fn shown(h: &AppHarness, name: &str) -> bool {
    h.query_by_label(name).is_some()
}

#[test]
fn the_quick_filter_narrows_the_remote_rows_and_says_what_it_hides() {
    let server = Server::plain();
    for name in ["notes.txt", "README.TXT", "photo.jpg", "song.mp3"] {
        std::fs::write(server.path(name), name).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the remote listing", remote_has("song.mp3"));

    // The remote pane's box is the second one (the local pane comes first).
    let boxes = h.get_all_by_label("Quick filter").count();
    assert_eq!(boxes, 2);
    h.get_all_by_label("Quick filter").nth(1).unwrap().focus();
    h.step();
    h.get_all_by_label("Quick filter")
        .nth(1)
        .unwrap()
        .type_text("*.txt");
    h.run_steps(2);
    assert!(shown(&h, "notes.txt") && shown(&h, "README.TXT"));
    assert!(!shown(&h, "photo.jpg") && !shown(&h, "song.mp3"));
    assert!(
        app(&h).remote().status_line().contains("filter hides 2"),
        "{}",
        app(&h).remote().status_line()
    );

    // Case on: the upper-case name no longer matches.
    h.get_all_by_label("Match case").nth(1).unwrap().click();
    h.run_steps(2);
    assert!(shown(&h, "notes.txt") && !shown(&h, "README.TXT"));

    // Select all acts on what is shown only.
    h.key_press(egui::Key::Escape);
    h.step();
    let row = remote_row(&h, "notes.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(2);
    let selected: Vec<String> = app(&h)
        .remote()
        .selected_entries()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(selected, vec!["notes.txt".to_string()]);
}
