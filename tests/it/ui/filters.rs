//! The directory listing filters driven through their dialog: a filter ticked for the remote
//! side hides its rows, marks the pane and counts what it hides; it is saved with the settings;
//! with "apply to transfers" a recursive download skips what it hides.

use super::*;

fn shown(h: &AppHarness, name: &str) -> bool {
    h.query_by_label(name).is_some()
}

/// Opens the dialog from the remote pane's button and adds a filter "contains `text`", ticked
/// for the remote side; `apply` ticks "apply to transfers"; OK.
fn add_remote_filter(h: &mut AppHarness, text: &str, apply: bool) {
    h.get_all_by_label("Filters...").nth(1).unwrap().click();
    h.run_steps(3);
    h.get_by_label("New filter").click();
    h.run_steps(2);
    h.get_by_label("Condition value 1").focus();
    h.step();
    h.get_by_label("Condition value 1").type_text(text);
    h.run_steps(2);
    h.get_by_label("Remote: New filter").click();
    if apply {
        h.get_by_label_contains("Apply to transfers").click();
    }
    h.run_steps(2);
    h.get_by_label("OK").click();
    h.run_steps(3);
}

#[test]
fn a_filter_ticked_for_the_remote_side_hides_rows_and_marks_the_pane() {
    let server = Server::plain();
    for name in ["index.html", "debug.log", "error.log"] {
        std::fs::write(server.path(name), name).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("local.log"), b"l").unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut start = start(local.path(), Some(server.site(Protocol::Ftp)));
    start.config_dir = Some(config.path().to_path_buf());
    let mut h = harness(start);
    run_until(&mut h, "the remote listing", remote_has("error.log"));
    run_until(&mut h, "the local listing", |a| {
        !a.local.entries().is_empty()
    });
    assert!(shown(&h, "debug.log") && !shown(&h, "Remote site (filtered)"));

    add_remote_filter(&mut h, ".log", false);
    assert!(shown(&h, "index.html"));
    assert!(!shown(&h, "debug.log") && !shown(&h, "error.log"));
    assert!(shown(&h, "Remote site (filtered)"));
    assert!(shown(&h, "Local site"), "the local side is not filtered");
    assert!(shown(&h, "local.log"));
    assert_eq!(app(&h).remote().hidden_by_filters(), 2);
    let status = app(&h).remote().status_line();
    assert!(status.contains("2 hidden by filters"), "{status}");

    // Saved with the settings.
    let saved = ferry::sites::SettingsStore::open(config.path());
    let filter = saved.settings().filters.filters.last().unwrap().clone();
    assert_eq!(filter.name, "New filter");
    assert!(filter.remote && !filter.local);
    assert_eq!(
        filter.conditions,
        vec![Condition::Name(NameTest::Contains, ".log".to_string())]
    );

    // Unticked again: the rows come back.
    h.get_all_by_label("Filters (on)...")
        .next()
        .unwrap()
        .click();
    h.run_steps(3);
    h.get_by_label("Remote: New filter").click();
    h.get_by_label("OK").click();
    h.run_steps(3);
    assert!(shown(&h, "debug.log") && !shown(&h, "Remote site (filtered)"));
}

#[test]
fn a_recursive_download_skips_what_the_filters_hide_when_applied_to_transfers() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("site/sub")).unwrap();
    for name in [
        "site/index.html",
        "site/debug.log",
        "site/sub/page.html",
        "site/sub/more.log",
    ] {
        std::fs::write(server.path(name), name).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the remote listing", remote_has("site"));
    add_remote_filter(&mut h, ".log", true);

    context_menu(&mut h, "site", "Download");
    let (first, last) = (
        local.path().join("site/index.html"),
        local.path().join("site/sub/page.html"),
    );
    run_until(&mut h, "the download, the .log files skipped", |a| {
        let log = a.log().text().join("\n");
        first.exists()
            && last.exists()
            && log.contains("Skipped debug.log: hidden by a filter")
            && log.contains("Skipped more.log: hidden by a filter")
    });
    assert_eq!(
        files_under(local.path()),
        ["site/index.html", "site/sub/page.html"]
    );
}
