//! The filter conditions, each kind, and how they combine.

use super::*;
use crate::api::{RemoteTime, TimePrecision};

fn file(name: &str, size: u64, day: &str, permissions: &str) -> Entry {
    let mut entry = Entry::new(name, EntryKind::File, name);
    entry.size = Some(size);
    entry.modified = Some(RemoteTime {
        time: chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 30, 0)
            .unwrap(),
        precision: TimePrecision::Minute,
    });
    entry.permissions = Some(permissions.to_string());
    entry
}

fn dir(name: &str) -> Entry {
    Entry::new(name, EntryKind::Dir, name)
}

fn filter(mode: MatchMode, conditions: Vec<Condition>) -> CompiledFilter {
    Filter {
        conditions,
        mode,
        ..Filter::default()
    }
    .compile()
    .unwrap()
}

fn one(condition: Condition) -> CompiledFilter {
    filter(MatchMode::All, vec![condition])
}

fn name(test: NameTest, value: &str) -> Condition {
    Condition::Name(test, value.to_string())
}

#[test]
fn name_conditions() {
    let e = file("Report.TXT", 10, "2026-01-01", "rw-r--r--");
    assert!(one(name(NameTest::Contains, "port")).matches(&e));
    assert!(!one(name(NameTest::NotContains, "port")).matches(&e));
    assert!(one(name(NameTest::NotContains, "zip")).matches(&e));
    assert!(one(name(NameTest::Is, "report.txt")).matches(&e));
    assert!(!one(name(NameTest::Is, "report")).matches(&e));
    assert!(one(name(NameTest::BeginsWith, "rep")).matches(&e));
    assert!(one(name(NameTest::EndsWith, ".txt")).matches(&e));
    assert!(!one(name(NameTest::EndsWith, ".zip")).matches(&e));
    assert!(one(name(NameTest::Regex, r"^r.*\.txt$")).matches(&e));
    assert!(!one(name(NameTest::Regex, r"^x")).matches(&e));
    assert!(one(name(NameTest::Glob, "*.txt")).matches(&e));
    assert!(!one(name(NameTest::Glob, "*.tx")).matches(&e));
}

#[test]
fn case_sensitive_names() {
    let e = file("Report.TXT", 10, "2026-01-01", "rw-r--r--");
    let sensitive = |c: Condition| {
        Filter {
            conditions: vec![c],
            case_sensitive: true,
            ..Filter::default()
        }
        .compile()
        .unwrap()
    };
    assert!(!sensitive(name(NameTest::EndsWith, ".txt")).matches(&e));
    assert!(sensitive(name(NameTest::EndsWith, ".TXT")).matches(&e));
    assert!(!sensitive(name(NameTest::Regex, "report")).matches(&e));
    assert!(!sensitive(name(NameTest::Glob, "*.txt")).matches(&e));
}

#[test]
fn size_conditions() {
    let e = file("a", 100, "2026-01-01", "rw-r--r--");
    assert!(one(Condition::Size(Compare::Greater, 99)).matches(&e));
    assert!(!one(Condition::Size(Compare::Greater, 100)).matches(&e));
    assert!(one(Condition::Size(Compare::Equal, 100)).matches(&e));
    assert!(one(Condition::Size(Compare::Less, 101)).matches(&e));
    assert!(!one(Condition::Size(Compare::Less, 100)).matches(&e));
    // A folder has no size to compare.
    assert!(!one(Condition::Size(Compare::Less, 1000)).matches(&dir("d")));
}

#[test]
fn date_conditions() {
    let e = file("a", 1, "2026-03-15", "rw-r--r--");
    let date = |c, d: &str| one(Condition::Date(c, d.to_string()));
    assert!(date(Compare::Less, "2026-03-16").matches(&e));
    assert!(!date(Compare::Less, "2026-03-15").matches(&e));
    assert!(date(Compare::Equal, "2026-03-15").matches(&e));
    assert!(date(Compare::Greater, "2026-03-14").matches(&e));
    assert!(!date(Compare::Greater, "2026-03-15").matches(&e));
    let bad = Filter {
        conditions: vec![Condition::Date(Compare::Less, "last week".to_string())],
        ..Filter::default()
    };
    assert!(matches!(bad.compile(), Err(FilterError::Date(_))));
}

#[test]
fn permission_conditions() {
    let e = file("a", 1, "2026-01-01", "rwxr-x---");
    let bit = |b: u8, set| one(Condition::Permission(Permission(b), set));
    assert!(bit(8, true).matches(&e), "owner read");
    assert!(bit(6, true).matches(&e), "owner execute");
    assert!(bit(4, false).matches(&e), "group write unset");
    assert!(bit(0, false).matches(&e), "other execute unset");
    assert!(!bit(3, false).matches(&e), "group execute is set");
    // With the type letter of a LIST line, and an MLSD perm fact that says nothing of bits.
    assert!(bit(8, true).matches(&file("b", 1, "2026-01-01", "-r--------")));
    assert!(!bit(8, true).matches(&file("c", 1, "2026-01-01", "adfrw")));
    assert!(!bit(8, false).matches(&file("c", 1, "2026-01-01", "adfrw")));
    assert_eq!(Permission(7).label(), "owner write");
    assert_eq!(Permission(0).label(), "other execute");
}

#[test]
fn all_any_none_and_not_all() {
    let e = file("notes.txt", 50, "2026-01-01", "rw-r--r--");
    let yes = name(NameTest::EndsWith, ".txt");
    let no = Condition::Size(Compare::Greater, 1000);
    let two = || vec![yes.clone(), no.clone()];
    assert!(!filter(MatchMode::All, two()).matches(&e));
    assert!(filter(MatchMode::All, vec![yes.clone(), yes.clone()]).matches(&e));
    assert!(filter(MatchMode::Any, two()).matches(&e));
    assert!(!filter(MatchMode::Any, vec![no.clone()]).matches(&e));
    assert!(!filter(MatchMode::None, two()).matches(&e));
    assert!(filter(MatchMode::None, vec![no.clone()]).matches(&e));
    assert!(filter(MatchMode::NotAll, two()).matches(&e));
    assert!(!filter(MatchMode::NotAll, vec![yes.clone()]).matches(&e));
    // No conditions: nothing matches.
    assert!(!filter(MatchMode::None, vec![]).matches(&e));
}

#[test]
fn files_folders_and_sets() {
    let only_files = Filter {
        conditions: vec![name(NameTest::BeginsWith, ".")],
        folders: false,
        ..Filter::default()
    };
    let f = only_files.compile().unwrap();
    assert!(f.matches(&file(".env", 1, "2026-01-01", "rw-------")));
    assert!(!f.matches(&dir(".git")));
    let bad_regex = Filter {
        conditions: vec![name(NameTest::Regex, "(")],
        ..Filter::default()
    };
    assert!(matches!(bad_regex.compile(), Err(FilterError::Regex(..))));
    let set = FilterSet::new([&only_files, &bad_regex]);
    assert!(set.hides(&file(".env", 1, "2026-01-01", "rw-------")));
    assert!(!set.hides(&file("env", 1, "2026-01-01", "rw-------")));
}

#[test]
fn old_settings_without_new_fields_load() {
    let filter: Filter = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
    assert_eq!(filter.name, "x");
    assert!(filter.files && filter.folders && !filter.local);
}
