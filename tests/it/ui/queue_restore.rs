//! The queue panel's order and the queue restored from the journal: waiting rows moved up and
//! down, a journal written before the start shown paused and processed byte-exact, a broken
//! journal reported and kept.

use ferry::journal::{Item, ItemState, SiteRef, Way, journal_path};

use super::*;

/// Right-clicks the queue row whose remote path is `remote` and picks `item` in its menu.
fn queue_menu(h: &mut AppHarness, remote: &str, item: &str) {
    let centers: Vec<egui::Pos2> = h
        .get_all_by_label(remote)
        .map(|node| node.rect().center())
        .filter(|center| center.y > 600.0)
        .collect();
    assert_eq!(centers.len(), 1, "queue rows for {remote}: {centers:?}");
    click_at(h, centers[0], egui::PointerButton::Secondary, 1);
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(2);
}

#[test]
fn waiting_rows_move_up_and_down_and_run_in_that_order() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(server.path(&format!("{name}.bin")), pattern(50_000, 1)).unwrap();
    }
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("c.bin"));
    for name in ["a.bin", "b.bin", "c.bin"] {
        context_menu(&mut h, name, "Add to queue");
    }
    run_until(&mut h, "three waiting", |a| a.queue().waiting().len() == 3);
    let order = |h: &AppHarness| app(h).queue().waiting();
    assert_eq!(order(&h), ["/a.bin", "/b.bin", "/c.bin"]);
    queue_menu(&mut h, "/c.bin", "Move to top");
    assert_eq!(order(&h), ["/c.bin", "/a.bin", "/b.bin"]);
    queue_menu(&mut h, "/c.bin", "Move down");
    assert_eq!(order(&h), ["/a.bin", "/c.bin", "/b.bin"]);
    queue_menu(&mut h, "/a.bin", "Move to bottom");
    assert_eq!(order(&h), ["/c.bin", "/b.bin", "/a.bin"]);
    queue_menu(&mut h, "/b.bin", "Move up");
    assert_eq!(order(&h), ["/b.bin", "/c.bin", "/a.bin"]);
    h.get_by_label("Resume queue").click();
    let done = |name: &str| local.path().join(name);
    run_until(&mut h, "every download", |_| {
        ["a.bin", "b.bin", "c.bin"].iter().all(|n| done(n).exists())
    });
    // The engine ran them in the order shown (two at once): the one moved to the bottom last.
    let log = app(&h).log().text().join("\n");
    let at = |name: &str| {
        log.find(&format!("RETR {name}"))
            .or(log.find(&format!("RETR /{name}")))
    };
    let (a, b, c) = (at("a.bin"), at("b.bin"), at("c.bin"));
    assert!(b.is_some() && c.is_some() && b < a && c < a, "{log}");
}

/// Clicks the queue panel's button `label` (the log has buttons of the same name).
fn queue_button(h: &mut AppHarness, label: &str) {
    let buttons: Vec<_> = h
        .get_all_by_label(label)
        .filter(|n| n.rect().center().y > 600.0)
        .collect();
    assert_eq!(buttons.len(), 1, "queue buttons {label:?}");
    buttons[0].click();
    h.step();
}

fn journal_item(server: &Server, way: Way, local: &Path, remote: &str) -> Item {
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    Item {
        direction: way,
        local: local.to_path_buf(),
        remote: remote.to_string(),
        ascii: false,
        recursive: false,
        site: SiteRef::quick(&site),
        state: ItemState::InProgress,
    }
}

fn answer_password(h: &mut AppHarness) {
    run_until(h, "the password asked for", |a| a.prompts_waiting() == 1);
    let field: Vec<_> = h
        .get_all_by_role(egui::accesskit::Role::PasswordInput)
        .filter(|n| n.rect().center().y > 100.0)
        .collect();
    assert_eq!(field.len(), 1, "the dialog's password field");
    field[0].focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::PasswordInput)
        .find(|n| n.is_focused())
        .expect("the field focused")
        .type_text(PASSWORD);
    h.step();
    h.get_by_label("OK").click();
    h.step();
}

#[test]
fn a_journal_from_the_last_run_shows_paused_and_processes_byte_exact() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let big = pattern(3 * 1024 * 1024 + 3, 21);
    std::fs::write(server.path("down.bin"), &big).unwrap();
    std::fs::write(server.path("whole.bin"), &big).unwrap();
    std::fs::write(local.path().join("down.bin.part"), &big[..1_234_567]).unwrap();
    std::fs::write(local.path().join("up.bin"), &big).unwrap();
    std::fs::write(server.path("up.bin"), &big[..999_999]).unwrap();
    let at = |name: &str| local.path().join(name);
    let items = vec![
        journal_item(&server, Way::Download, &at("down.bin"), "/down.bin"),
        journal_item(&server, Way::Download, &at("whole.bin"), "/whole.bin"),
        journal_item(&server, Way::Upload, &at("up.bin"), "/up.bin"),
    ];
    let path = journal_path(data.path());
    ferry::journal::save(&path, &items).unwrap();

    let mut h = harness(AppStart {
        data_dir: Some(data.path().to_path_buf()),
        ..start(local.path(), None)
    });
    h.run_steps(3);
    assert_eq!(
        app(&h).queue().waiting(),
        ["/down.bin", "/whole.bin", "/up.bin"]
    );
    assert!(
        h.query_by_label("Resume queue").is_some(),
        "the queue starts paused"
    );
    queue_button(&mut h, "Process queue");
    answer_password(&mut h);
    run_until(&mut h, "every file transferred", |_| {
        std::fs::read(at("down.bin")).is_ok_and(|b| b == big)
            && std::fs::read(at("whole.bin")).is_ok_and(|b| b == big)
            && std::fs::read(server.path("up.bin")).is_ok_and(|b| b.len() == big.len())
    });
    assert_eq!(std::fs::read(server.path("up.bin")).unwrap(), big);
    assert!(!at("down.bin.part").exists());
    // Resumed, not restarted: the log names the offsets.
    let log = app(&h).log().text().join("\n");
    assert!(log.contains("REST 1234567"), "{log}");
    assert!(log.contains("REST 999999") || log.contains("APPE"), "{log}");
    run_until(&mut h, "the journal emptied", |_| !path.exists());
    assert!(h.query_by_label("Process queue").is_none());
}

#[test]
fn a_saved_sites_transfers_continue_with_the_keyrings_password() {
    let server = Server::plain();
    let (local, config, data) = (tempdir(), tempdir(), tempdir());
    let mut sites = ferry::sites::SiteStore::open(config.path());
    let folder = sites.add_folder(None, "Work").unwrap();
    let mut entry = ferry::sites::SiteEntry::new("Box");
    entry.host = "127.0.0.1".to_string();
    entry.port = Some(server.server.addr().port());
    entry.user = USER.to_string();
    entry.protocol = ferry::sites::SiteProtocol::Ftp;
    let id = sites.add_site(Some(&folder), entry).unwrap();
    let keyring = ferry::sites::Keyring::in_memory();
    keyring.set(&id, &Secret::new(PASSWORD)).unwrap();
    let data_bytes = pattern(2 * 1024 * 1024, 5);
    std::fs::write(server.path("saved.bin"), &data_bytes).unwrap();
    let target = local.path().join("saved.bin");
    std::fs::write(local.path().join("saved.bin.part"), &data_bytes[..500_000]).unwrap();
    let mut item = journal_item(&server, Way::Download, &target, "/saved.bin");
    item.site = SiteRef::Saved {
        path: "Work/Box".to_string(),
    };
    let path = journal_path(data.path());
    ferry::journal::save(&path, &[item]).unwrap();
    let mut h = harness(AppStart {
        data_dir: Some(data.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(keyring),
        ..start(local.path(), None)
    });
    h.run_steps(3);
    queue_button(&mut h, "Process queue");
    run_until(&mut h, "the download", |_| {
        std::fs::read(&target).is_ok_and(|b| b == data_bytes)
    });
    assert_eq!(app(&h).prompts_waiting(), 0, "no password asked");
    assert_eq!(app(&h).tab().label, "Box");
    let log = app(&h).log().text().join("\n");
    assert!(log.contains("REST 500000"), "{log}");
    run_until(&mut h, "the journal emptied", |_| !path.exists());
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn clear_drops_the_restored_rows_and_the_journal() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let path = journal_path(data.path());
    let item = journal_item(&server, Way::Download, &local.path().join("x"), "/x");
    ferry::journal::save(&path, &[item]).unwrap();
    let mut h = harness(AppStart {
        data_dir: Some(data.path().to_path_buf()),
        ..start(local.path(), None)
    });
    h.run_steps(3);
    assert_eq!(app(&h).queue().waiting(), ["/x"]);
    queue_button(&mut h, "Clear");
    run_until(&mut h, "the journal removed", |a| {
        a.queue().is_empty() && !path.exists()
    });
}

#[test]
fn a_broken_journal_is_reported_and_kept() {
    let local = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let path = journal_path(data.path());
    std::fs::write(&path, b"{\"version\": 1, \"items\": [{\"dir").unwrap();
    let mut h = harness(AppStart {
        data_dir: Some(data.path().to_path_buf()),
        ..start(local.path(), None)
    });
    h.run_steps(3);
    let log = app(&h).log().text().join("\n");
    assert!(
        log.contains("could not be read") && log.contains("queue.json.broken-"),
        "{log}"
    );
    assert!(app(&h).queue().is_empty());
    let kept: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(kept.len(), 1);
    let kept = data.path().join(&kept[0]);
    assert_eq!(
        std::fs::read(kept).unwrap(),
        b"{\"version\": 1, \"items\": [{\"dir"
    );
}
