//! Owns parsing of unix `ls -l` style LIST lines: mode column, optional link-count/owner/group
//! columns, size or device numbers, and the date columns (month names in several languages,
//! year inference for dates without a year, ISO and `--full-time` dates), then the name and
//! symlink target.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use super::tokens::{Hms, Token, parse_hms, parse_num, parse_u64, remote_time, second_precision};
use super::{Entry, EntryKind, RemoteTime, TimePrecision};

/// The column after month and day in unix listings: a clock time, or a year.
#[derive(Debug, Clone, Copy)]
enum Clock {
    Time(Hms),
    Year(i32),
}

/// Month abbreviations: English, then German, French, Dutch, Spanish and Italian ones.
#[rustfmt::skip]
const MONTHS: &[(&str, u32)] = &[
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("mär", 3), ("mai", 5), ("okt", 10), ("dez", 12),
    ("janv", 1), ("févr", 2), ("fév", 2), ("mars", 3), ("avr", 4), ("juin", 6),
    ("juil", 7), ("août", 8), ("aoû", 8), ("sept", 9), ("déc", 12),
    ("mrt", 3), ("mei", 5), ("ene", 1), ("abr", 4), ("ago", 8), ("dic", 12),
    ("gen", 1), ("mag", 5), ("giu", 6), ("lug", 7), ("set", 9), ("ott", 10),
];

fn month_number(text: &str) -> Option<u32> {
    let text = text.strip_suffix('.').unwrap_or(text);
    if text.chars().count() > 4 {
        return None;
    }
    let lower = text.to_lowercase();
    MONTHS
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|&(_, n)| n)
}

fn parse_clock_or_year(text: &str) -> Option<Clock> {
    if text.len() == 4 {
        return parse_num(text, 4).map(|y| Clock::Year(y as i32));
    }
    parse_hms(text).map(Clock::Time)
}

/// Resolves a unix date; without a year the most recent one not more than a day ahead of `now`
/// is chosen (looking back far enough to find a leap year for Feb 29).
fn resolve_unix_date(month: u32, day: u32, clock: Clock, now: NaiveDateTime) -> Option<RemoteTime> {
    match clock {
        Clock::Year(year) => remote_time(
            NaiveDate::from_ymd_opt(year, month, day),
            (0, 0, 0),
            TimePrecision::Day,
        ),
        Clock::Time((h, m, s)) => {
            let limit = now.checked_add_signed(TimeDelta::days(1)).unwrap_or(now);
            let precision = second_precision(s);
            (0..8)
                .filter_map(|back| {
                    let date = NaiveDate::from_ymd_opt(now.year() - back, month, day);
                    remote_time(date, (h, m, s.unwrap_or(0)), precision)
                })
                .find(|t| t.time <= limit)
        }
    }
}

/// `YYYY-MM-DD`.
fn parse_iso_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    Some((parse_num(y, 4)? as i32, parse_num(m, 2)?, parse_num(d, 2)?))
}

fn is_tz_offset(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 5 && (b[0] == b'+' || b[0] == b'-') && b[1..].iter().all(u8::is_ascii_digit)
}

/// The date columns found in a unix line: token indices `first..next`, and the parsed time
/// (None when the columns look like a date but name an impossible one, like Feb 30).
struct DateSpan {
    first: usize,
    next: usize,
    time: Option<RemoteTime>,
}

/// `-rw-r--r--`, optionally followed by ACL/xattr/SELinux markers (`+`, `.`, `@`).
fn parse_mode(text: &str) -> Option<(EntryKind, String)> {
    let bytes = text.as_bytes();
    let kind = match *bytes.first()? {
        b'-' => EntryKind::File,
        b'd' => EntryKind::Dir,
        b'l' => EntryKind::Link,
        b'c' | b'b' => EntryKind::Device,
        b'p' | b's' | b'D' | b'P' | b'n' => EntryKind::Other,
        _ => return None,
    };
    let perms = bytes.get(1..10)?;
    let markers = &bytes[10..];
    let perms_ok = perms.iter().all(|b| b"rwxsStTlL-".contains(b));
    let markers_ok = markers.len() <= 2 && markers.iter().all(|b| b"+.@".contains(b));
    (perms_ok && markers_ok).then(|| (kind, text[1..10].to_string()))
}

/// `Nov 21 12:30` / `Jan 05 2021` at token `i` (or `21 Nov 12:30` when `month_first` is false).
fn month_day_at(
    tokens: &[Token<'_>],
    i: usize,
    month_first: bool,
    now: NaiveDateTime,
) -> Option<DateSpan> {
    let (mi, di) = if month_first { (i, i + 1) } else { (i + 1, i) };
    let month = month_number(tokens.get(mi)?.text)?;
    let day = parse_num(tokens.get(di)?.text, 2).filter(|d| (1..=31).contains(d))?;
    let clock = parse_clock_or_year(tokens.get(i + 2)?.text)?;
    let time = resolve_unix_date(month, day, clock, now);
    Some(DateSpan {
        first: i,
        next: i + 3,
        time,
    })
}

/// `2024-03-05`, optionally followed by `14:07[:33[.frac]]` and a `+0100` offset.
fn iso_at(tokens: &[Token<'_>], i: usize) -> Option<DateSpan> {
    let (y, m, d) = parse_iso_date(tokens.get(i)?.text)?;
    let date = NaiveDate::from_ymd_opt(y, m, d);
    let Some((h, mi, s)) = tokens.get(i + 1).and_then(|t| parse_hms(t.text)) else {
        let time = remote_time(date, (0, 0, 0), TimePrecision::Day);
        return Some(DateSpan {
            first: i,
            next: i + 1,
            time,
        });
    };
    let has_tz = tokens.get(i + 2).is_some_and(|t| is_tz_offset(t.text));
    let time = remote_time(date, (h, mi, s.unwrap_or(0)), second_precision(s));
    Some(DateSpan {
        first: i,
        next: if has_tz { i + 3 } else { i + 2 },
        time,
    })
}

/// Locates the date columns instead of counting fields, so missing link-count or group columns
/// do not matter. The leftmost match wins (names may contain dates); scanning starts at the
/// fourth token so an owner called "jan" is not mistaken for a month. Day-before-month is only
/// tried when nothing else matched, as it could swallow the size column.
fn find_unix_date(tokens: &[Token<'_>], now: NaiveDateTime) -> Option<DateSpan> {
    let order = || (3..tokens.len()).chain(1..tokens.len().min(3));
    order()
        .find_map(|i| month_day_at(tokens, i, true, now).or_else(|| iso_at(tokens, i)))
        .or_else(|| order().find_map(|i| month_day_at(tokens, i, false, now)))
}

/// Removes `major, minor` (or `major,minor`) from the end of a device line's fields.
fn drop_device_numbers(fields: &mut Vec<&str>) {
    match fields.last() {
        Some(last) if last.contains(',') => {
            fields.pop();
        }
        Some(last) if parse_u64(last).is_some() => {
            fields.pop();
            if fields.last().is_some_and(|f| f.ends_with(',')) {
                fields.pop();
            }
        }
        _ => {}
    }
}

/// Owner and group from the columns between mode and size: `[links] owner [group]`.
fn owner_group(fields: &[&str]) -> (Option<String>, Option<String>) {
    let own = |s: &&str| Some(s.to_string());
    match fields {
        [] => (None, None),
        [owner] => (own(owner), None),
        [links, owner] if parse_u64(links).is_some() => (own(owner), None),
        [owner, group] | [_, owner, group, ..] => (own(owner), own(group)),
    }
}

/// Parses a unix `ls -l` line; None when the line is not one.
pub(super) fn parse(raw: &str, tokens: &[Token<'_>], now: NaiveDateTime) -> Option<Entry> {
    let (kind, permissions) = parse_mode(tokens.first()?.text)?;
    let date = find_unix_date(tokens, now)?;
    let last_date_token = tokens.get(date.next - 1)?;
    // The name is everything after the date and exactly one separator.
    let name_field = raw
        .get(last_date_token.end + 1..)
        .filter(|n| !n.is_empty())?;
    let mut fields: Vec<&str> = tokens.get(1..date.first)?.iter().map(|t| t.text).collect();
    let size = if kind == EntryKind::Device {
        drop_device_numbers(&mut fields);
        None
    } else {
        let size = fields.last().and_then(|f| parse_u64(f));
        if size.is_some() {
            fields.pop();
        }
        size
    };
    let (owner, group) = owner_group(&fields);
    let (name, link_target) = match name_field.split_once(" -> ") {
        Some((name, target)) if kind == EntryKind::Link => (name, Some(target.to_string())),
        _ => (name_field, None),
    };
    if name.is_empty() {
        return None;
    }
    Some(Entry {
        size,
        modified: date.time,
        permissions: Some(permissions),
        owner,
        group,
        link_target,
        ..Entry::new(name, kind, raw)
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::ftp::listing::test_support::check_list;

    #[rustfmt::skip]
    const UNIX_BASIC: &[(&str, &str)] = &[
        ("-rw-r--r--    1 1000     1000         1024 Nov 21 12:30 file.txt",
         r#"File "file.txt" size=1024 2026-11-21 12:30:00 Minute rw-r--r-- u=1000 g=1000"#),
        ("drwxr-xr-x    2 0        0            4096 Jan 05  2021 dir",
         r#"Dir "dir" size=4096 2021-01-05 00:00:00 Day rwxr-xr-x u=0 g=0"#),
        // Year inference: more than a day ahead of now means last year; Feb 29 finds a leap year.
        ("-rw-r--r-- 1 u g 1 Dec 25 12:00 x", r#"File "x" size=1 2025-12-25 12:00:00 Minute rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 Nov 23 09:00 x", r#"File "x" size=1 2026-11-23 09:00:00 Minute rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 Feb 29 09:00 x", r#"File "x" size=1 2024-02-29 09:00:00 Minute rw-r--r-- u=u g=g"#),
        // Names keep their inner, trailing and (beyond the one separator) leading spaces.
        ("-rw-r--r-- 1 u g 5 Mar  1 2020 my file name.txt",
         r#"File "my file name.txt" size=5 2020-03-01 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 5 Mar  1 2020 a  b  ", r#"File "a  b  " size=5 2020-03-01 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 5 Mar  1 2020  lead", r#"File " lead" size=5 2020-03-01 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 5 Nov 21 12:30 Dec 01 2020 x",
         r#"File "Dec 01 2020 x" size=5 2026-11-21 12:30:00 Minute rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 5368709120 Nov 21 12:30 big.iso",
         r#"File "big.iso" size=5368709120 2026-11-21 12:30:00 Minute rw-r--r-- u=u g=g"#),
    ];

    #[rustfmt::skip]
    const UNIX_MARKERS_AND_SPECIAL_FILES: &[(&str, &str)] = &[
        ("-rw-r--r--+ 1 user staff 10 Jan 1 2020 acl", r#"File "acl" size=10 2020-01-01 00:00:00 Day rw-r--r-- u=user g=staff"#),
        ("drwxr-xr-x. 2 user staff 10 Jan 1 2020 se", r#"Dir "se" size=10 2020-01-01 00:00:00 Day rwxr-xr-x u=user g=staff"#),
        ("-rw-r--r--@ 1 user staff 10 Jan 1 2020 x", r#"File "x" size=10 2020-01-01 00:00:00 Day rw-r--r-- u=user g=staff"#),
        ("lrwxrwxrwx 1 root root 7 Jan 1 2020 bin -> usr/bin",
         r#"Link "bin" size=7 2020-01-01 00:00:00 Day rwxrwxrwx u=root g=root -> usr/bin"#),
        ("lrwxrwxrwx 1 root root 7 Jan 1 2020 a -> b -> c",
         r#"Link "a" size=7 2020-01-01 00:00:00 Day rwxrwxrwx u=root g=root -> b -> c"#),
        ("-rw-r--r-- 1 u g 1 Jan 1 2020 a -> b", r#"File "a -> b" size=1 2020-01-01 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("crw-rw-rw- 1 root root 1, 3 Nov 21 12:30 null",
         r#"Device "null" 2026-11-21 12:30:00 Minute rw-rw-rw- u=root g=root"#),
        ("brw-rw---- 1 root disk 8, 0 Nov 21 12:30 sda",
         r#"Device "sda" 2026-11-21 12:30:00 Minute rw-rw---- u=root g=disk"#),
        ("crw--w---- 1 root tty 4,1 Nov 21 12:30 tty1", r#"Device "tty1" 2026-11-21 12:30:00 Minute rw--w---- u=root g=tty"#),
        ("prw-r--r-- 1 root root 0 Jan 1 2020 fifo", r#"Other "fifo" size=0 2020-01-01 00:00:00 Day rw-r--r-- u=root g=root"#),
        ("srwxrwxrwx 1 root root 0 Jan 1 2020 sock", r#"Other "sock" size=0 2020-01-01 00:00:00 Day rwxrwxrwx u=root g=root"#),
        ("drwxrwxrwt 9 root root 0 Jan 1 2020 tmp", r#"Dir "tmp" size=0 2020-01-01 00:00:00 Day rwxrwxrwt u=root g=root"#),
        ("-rwsr-xr-x 1 root root 0 Jan 1 2020 su", r#"File "su" size=0 2020-01-01 00:00:00 Day rwsr-xr-x u=root g=root"#),
        ("-rwS------ 1 root root 0 Jan 1 2020 s", r#"File "s" size=0 2020-01-01 00:00:00 Day rwS------ u=root g=root"#),
    ];

    #[rustfmt::skip]
    const UNIX_VARIANTS: &[(&str, &str)] = &[
        // No group column, no link-count column, an owner named like a month.
        ("-rw-r--r-- 1 user 1234 Nov 21 12:30 file", r#"File "file" size=1234 2026-11-21 12:30:00 Minute rw-r--r-- u=user"#),
        ("-rw-r--r-- user group 1234 Nov 21 12:30 f", r#"File "f" size=1234 2026-11-21 12:30:00 Minute rw-r--r-- u=user g=group"#),
        ("-rw-r--r-- 1 jan 12 1234 Nov 21 12:30 f", r#"File "f" size=1234 2026-11-21 12:30:00 Minute rw-r--r-- u=jan g=12"#),
        // ISO dates, with minutes, without time, and `ls --full-time` style.
        ("-rw-r--r-- 1 u g 1234 2024-03-05 14:07 a b", r#"File "a b" size=1234 2024-03-05 14:07:00 Minute rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1234 2024-03-05 file", r#"File "file" size=1234 2024-03-05 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 2024-03-05 14:07:33.123456789 +0100 f",
         r#"File "f" size=1 2024-03-05 14:07:33 Second rw-r--r-- u=u g=g"#),
        // Localized month names, and day-before-month.
        ("-rw-r--r-- 1 u g 1 Mai 3 2020 x", r#"File "x" size=1 2020-05-03 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 Okt 3 2020 x", r#"File "x" size=1 2020-10-03 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 Dez 3 2020 x", r#"File "x" size=1 2020-12-03 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 déc. 3 2020 x", r#"File "x" size=1 2020-12-03 00:00:00 Day rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g 1 3 Okt 2020 x", r#"File "x" size=1 2020-10-03 00:00:00 Day rw-r--r-- u=u g=g"#),
    ];

    #[test]
    fn unix_basic_lines() {
        check_list(UNIX_BASIC);
    }

    #[test]
    fn unix_markers_links_devices_and_special_bits() {
        check_list(UNIX_MARKERS_AND_SPECIAL_FILES);
    }

    #[test]
    fn unix_missing_columns_iso_dates_and_localized_months() {
        check_list(UNIX_VARIANTS);
    }
}
