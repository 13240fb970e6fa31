//! Owns the helpers shared by the listing tests: a fixed "now" and a one-line summary of an
//! [`Entry`] that the table-driven cases compare against.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Entry, parse_list_line, parse_mlsd_line};

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    let date = NaiveDate::from_ymd_opt(y, mo, d).expect("valid test date");
    date.and_hms_opt(h, mi, s).expect("valid test time")
}

pub(super) fn now() -> NaiveDateTime {
    dt(2026, 11, 22, 10, 0, 0)
}

/// A one-line summary of the parsed fields (raw is checked separately).
pub(super) fn show(e: &Entry) -> String {
    let mut out = format!("{:?} {:?}", e.kind, e.name);
    let opt = |label: &str, v: &Option<String>| v.as_ref().map(|v| format!(" {label}{v}"));
    out.extend(e.size.map(|s| format!(" size={s}")));
    out.extend(e.modified.map(|t| format!(" {} {:?}", t.time, t.precision)));
    out.extend(opt("", &e.permissions));
    out.extend(opt("u=", &e.owner));
    out.extend(opt("g=", &e.group));
    out.extend(opt("-> ", &e.link_target));
    out
}

pub(super) fn check_list(cases: &[(&str, &str)]) {
    for (line, expected) in cases {
        let entry = parse_list_line(line, now()).expect("an entry");
        assert_eq!(show(&entry), *expected, "line: {line:?}");
        assert_eq!(entry.raw, *line);
    }
}

pub(super) fn check_mlsd(cases: &[(&str, &str)]) {
    for (line, expected) in cases {
        let entry = parse_mlsd_line(line).expect("an entry");
        assert_eq!(show(&entry), *expected, "line: {line:?}");
        assert_eq!(entry.raw, *line);
    }
}

/// One corpus line (or two, `\n`-separated, for entries split over lines) and what it must
/// give: kind (`f` file, `d` folder, `l` link, `c` device, `o` other), exact name, size (-1:
/// none) and time (`YYYY-MM-DD[ HH:MM[:SS]]` at the precision the line has; `-` none).
pub(super) type Case = (&'static str, char, &'static str, i64, &'static str);

fn kind_letter(kind: super::EntryKind) -> char {
    use super::EntryKind::*;
    match kind {
        File => 'f',
        Dir => 'd',
        Link => 'l',
        Device => 'c',
        Other => 'o',
        Unknown => '?',
    }
}

fn time_text(e: &Entry) -> String {
    use super::TimePrecision::*;
    e.modified.map_or("-".into(), |t| {
        let format = match t.precision {
            Day => "%Y-%m-%d",
            Minute => "%Y-%m-%d %H:%M",
            Second => "%Y-%m-%d %H:%M:%S",
        };
        t.time.format(format).to_string()
    })
}

/// Runs `cases` through a [`super::ListParser`] of `server_type` (or, with `stateless`, line
/// by line through [`parse_list_line`]); returns the number right and a description of each
/// wrong one.
pub(super) fn run_corpus(
    server_type: super::ServerType,
    stateless: bool,
    cases: &[Case],
) -> (usize, Vec<String>) {
    let mut wrong = Vec::new();
    for &(text, kind, name, size, time) in cases {
        let entries: Vec<Entry> = if stateless {
            text.split('\n')
                .filter_map(|l| parse_list_line(l, now()))
                .collect()
        } else {
            let mut parser = super::ListParser::new(server_type, now());
            let mut out: Vec<Entry> = text.split('\n').flat_map(|l| parser.push(l)).collect();
            out.extend(parser.finish());
            out
        };
        let want = format!("{kind} {name:?} {size} {time}");
        let got = match entries.as_slice() {
            [e] => format!(
                "{} {:?} {} {}",
                kind_letter(e.kind),
                e.name,
                e.size.map_or(-1, |s| s as i64),
                time_text(e)
            ),
            other => format!("{} entries: {other:?}", other.len()),
        };
        if got != want {
            wrong.push(format!("{text:?}\n   want {want}\n    got {got}"));
        }
    }
    (cases.len() - wrong.len(), wrong)
}

/// Asserts that every case of a family parses right.
pub(super) fn check_corpus(server_type: super::ServerType, cases: &[Case]) {
    let (_, wrong) = run_corpus(server_type, false, cases);
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
