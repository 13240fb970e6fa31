//! The pane's own rules: sort order, selection, parents, sizes and permissions.

use super::dialogs::octal_of;
use super::*;

fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
    Entry {
        name: name.to_string(),
        kind,
        size: Some(size),
        modified: None,
        permissions: None,
        owner: None,
        group: None,
        link_target: None,
        raw: name.to_string(),
    }
}

#[test]
fn directories_first_then_natural_name_order() {
    let mut pane = Pane::new(Side::Remote);
    pane.set_listing(
        "/",
        vec![
            entry("file10", EntryKind::File, 1),
            entry("zdir", EntryKind::Dir, 0),
            entry("file9", EntryKind::File, 1),
            entry("adir", EntryKind::Dir, 0),
        ],
    );
    let names: Vec<&str> = pane
        .order
        .iter()
        .map(|&i| pane.entries[i].name.as_str())
        .collect();
    assert_eq!(names, ["adir", "zdir", "file9", "file10"]);
    assert_eq!(
        pane.status_line(),
        "2 files and 2 directories. Total size: 2 bytes"
    );
}

#[test]
fn the_status_line_counts_batches_as_they_arrive_and_starts_over_with_a_new_listing() {
    let mut pane = Pane::new(Side::Remote);
    pane.begin_listing("/a");
    pane.extend(vec![
        entry("d", EntryKind::Dir, 0),
        entry("f", EntryKind::File, 1000),
    ]);
    pane.extend(vec![entry("g", EntryKind::File, 24)]);
    assert_eq!(
        pane.status_line(),
        "2 files and 1 directory. Total size: 1.0 KiB"
    );
    pane.begin_listing("/b");
    pane.extend(vec![entry("h", EntryKind::File, 5)]);
    pane.finish_listing(None);
    assert_eq!(
        pane.status_line(),
        "1 file and 0 directories. Total size: 5 bytes"
    );
}

#[test]
fn shift_and_ctrl_selection() {
    let mut pane = Pane::new(Side::Local);
    pane.set_listing(
        "/x",
        (0..5)
            .map(|i| entry(&format!("f{i}"), EntryKind::File, 1))
            .collect(),
    );
    pane.click(1, egui::Modifiers::NONE);
    pane.click(3, egui::Modifiers::SHIFT);
    assert_eq!(pane.selected.len(), 3);
    pane.click(0, egui::Modifiers::COMMAND);
    assert_eq!(pane.selected.len(), 4);
    pane.click(2, egui::Modifiers::NONE);
    assert_eq!(pane.selected_entries().len(), 1);
}

#[test]
fn a_listing_of_100000_entries_arrives_and_sorts_quickly() {
    let mut pane = Pane::new(Side::Remote);
    pane.begin_listing("/big");
    let started = std::time::Instant::now();
    for batch in 0..50 {
        pane.extend(
            (0..2000)
                .map(|i| entry(&format!("file{}", batch * 2000 + i), EntryKind::File, 1))
                .collect(),
        );
    }
    pane.finish_listing(None);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(pane.order.len(), 100_000);
    assert_eq!(pane.entries[pane.order[10]].name, "file10");
}

#[test]
fn parents_sizes_and_permissions() {
    let mut pane = Pane::new(Side::Remote);
    pane.set_listing("/a/b", Vec::new());
    assert_eq!(pane.parent().as_deref(), Some("/a"));
    pane.set_listing("/a", Vec::new());
    assert_eq!(pane.parent().as_deref(), Some("/"));
    pane.set_listing("/", Vec::new());
    assert_eq!(pane.parent(), None);
    assert_eq!(human_size(1536), "1.5 KiB");
    assert_eq!(human_size(12), "12 bytes");
    assert_eq!(octal_of("rwxr-xr-x"), Some(0o755));
}

#[test]
fn permissions_keep_special_bits_and_unknown_modes_assume_nothing() {
    use super::dialogs::{format_mode, parse_mode};
    use super::menu::common_mode;
    assert_eq!(octal_of("rwsr-sr-t"), Some(0o7755));
    assert_eq!(octal_of("rwSr-Sr-T"), Some(0o7644));
    assert_eq!(octal_of("drwxrwxrwt"), Some(0o1777));
    assert_eq!(octal_of("-rw-r--r--+"), Some(0o644));
    assert_eq!(octal_of("rwxr-xr-q"), None);
    assert_eq!(format_mode(0o4755), "4755");
    assert_eq!(format_mode(0o644), "644");
    assert_eq!(parse_mode("2775"), Some(0o2775));
    assert_eq!(parse_mode(""), None);
    assert_eq!(parse_mode("9"), None);
    let entry = |perm: Option<&str>| Entry {
        permissions: perm.map(String::from),
        ..Entry::new("x", EntryKind::Dir, "")
    };
    // A folder whose mode the listing did not give: no 644 (which would drop its x bits).
    assert_eq!(common_mode(&[entry(None)]), None);
    assert_eq!(common_mode(&[entry(Some("rwxr-sr-x"))]), Some(0o2755));
    // Two entries with different modes: no mode of one is applied to both.
    assert_eq!(
        common_mode(&[entry(Some("rwxr-xr-x")), entry(Some("rw-r--r--"))]),
        None
    );
}

#[test]
fn natural_order_compares_numbers_by_value_and_text_case_blind() {
    let mut names = vec![
        "file10.txt",
        "File9.txt",
        "file9.txt",
        "file009.txt",
        "file1.txt",
        "10",
        "9",
        "b",
        "A",
        "a2b10",
        "a2b9",
        "a2",
        "file",
        "Ärger",
        "zebra",
        "a07",
        "a7",
        "a007",
        "ab",
        "abc",
        "a b",
    ];
    names.sort_by(|a, b| {
        super::cells::natural_key(a)
            .cmp(&super::cells::natural_key(b))
            .then_with(|| a.cmp(b))
    });
    assert_eq!(
        names,
        [
            "9",
            "10",
            "A",
            "a2",
            "a2b9",
            "a2b10",
            "a007",
            "a07",
            "a7",
            "a b",
            "ab",
            "abc",
            "b",
            "file",
            "file1.txt",
            "file009.txt",
            "File9.txt",
            "file9.txt",
            "file10.txt",
            "zebra",
            "Ärger",
        ]
    );
}
