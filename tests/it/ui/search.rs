//! The "Search remote files" window against the in-process server: results stream in from the
//! folders below the remote folder shown, a download from the results lands in the local pane's
//! folder, "Open containing folder" takes the remote pane there with the entry selected, and a
//! delete asks first.

use super::*;

/// A server tree with matches at several depths, connected, with the search window open.
fn searching(server: &Server, local: &Path) -> AppHarness {
    for dir in ["top/a", "top/b/c"] {
        std::fs::create_dir_all(server.path(dir)).unwrap();
    }
    for (file, text) in [
        ("top/a/hit-one.txt", "one"),
        ("top/b/c/hit-two.txt", "second hit"),
        ("top/other.bin", "not this"),
    ] {
        std::fs::write(server.path(file), text).unwrap();
    }
    let mut h = connected_app(server, local);
    run_until(&mut h, "the remote listing", remote_has("top"));
    h.get_by_label("Search...").click();
    h.run_steps(3);
    h.get_by_label("Name:").focus();
    h.step();
    h.get_by_label("Name:").type_text("HIT-*");
    h.run_steps(2);
    h.get_by_label("Search").click();
    run_until(&mut h, "the search results", |a| {
        let search = a.search_window();
        !search.is_running() && search.results().len() == 2
    });
    h
}

/// The result row named `name` (inside the search window, below its buttons).
fn result_row(h: &AppHarness, name: &str) -> egui::Pos2 {
    let window = h.get_by_label("Search remote files").rect();
    let rows: Vec<egui::Pos2> = h
        .get_all_by_label(name)
        .map(|n| n.rect().center())
        .filter(|p| p.y > window.top())
        .collect();
    assert_eq!(rows.len(), 1, "result rows named {name}: {rows:?}");
    rows[0]
}

#[test]
fn search_results_stream_in_and_download_from_them() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = searching(&server, local.path());
    let search = app(&h).search_window();
    let mut found: Vec<String> = search.results().iter().map(|f| f.path()).collect();
    found.sort();
    assert_eq!(found, ["/top/a/hit-one.txt", "/top/b/c/hit-two.txt"]);
    assert!(search.status().contains("2 found"), "{}", search.status());

    let row = result_row(&h, "hit-two.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    h.run_steps(2);
    h.get_by_label("Download").click();
    let target = local.path().join("hit-two.txt");
    run_until(&mut h, "the download from the results", |_| {
        std::fs::read(&target).is_ok_and(|b| b == b"second hit")
    });
    assert!(!local.path().join("hit-one.txt").exists());
}

#[test]
fn open_containing_folder_navigates_and_delete_asks_first() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut h = searching(&server, local.path());

    let row = result_row(&h, "hit-two.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    h.run_steps(2);
    h.get_by_label("Open containing folder").click();
    run_until(&mut h, "the containing folder", |a| {
        a.remote().path == "/top/b/c" && !a.remote().loading
    });
    h.run_steps(3);
    let selected: Vec<String> = app(&h)
        .remote()
        .selected_entries()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(selected, ["hit-two.txt"]);

    let row = result_row(&h, "hit-one.txt");
    click_at(&mut h, row, egui::PointerButton::Primary, 1);
    h.run_steps(2);
    h.get_by_label("Delete").click();
    h.run_steps(2);
    assert!(server.path("top/a/hit-one.txt").exists(), "deleted unasked");
    h.get_by_label("Yes, delete").click();
    let gone = server.path("top/a/hit-one.txt");
    run_until(&mut h, "the delete", |a| {
        !gone.exists() && a.search_window().results().len() == 1
    });
    assert!(server.path("top/b/c/hit-two.txt").exists());
}

#[test]
fn stop_ends_a_running_search_and_keeps_what_it_found() {
    let server = Server::plain();
    for i in 0..120 {
        let dir = format!("wide/d{i:03}");
        std::fs::create_dir_all(server.path(&dir)).unwrap();
        std::fs::write(server.path(&format!("{dir}/hit.txt")), b"x").unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the remote listing", remote_has("wide"));
    h.get_by_label("Search...").click();
    h.run_steps(3);
    h.get_by_label("Search").click();
    run_until(&mut h, "the first results", |a| {
        !a.search_window().results().is_empty()
    });
    h.get_by_label("Stop").click();
    run_until(&mut h, "the search stopped", |a| {
        !a.search_window().is_running()
    });
    let search = app(&h).search_window();
    assert!(
        search.status().starts_with("Search stopped"),
        "{}",
        search.status()
    );
    let found = search.results().len();
    assert!((1..240).contains(&found), "{found} found");
    // The connection goes on: the same search again runs to its end.
    h.get_by_label("Search").click();
    run_until(&mut h, "the second search", |a| {
        let search = a.search_window();
        !search.is_running() && search.status().starts_with("Search finished")
    });
    assert_eq!(app(&h).search_window().results().len(), 241);
}
