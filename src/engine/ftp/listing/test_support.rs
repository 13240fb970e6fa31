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
