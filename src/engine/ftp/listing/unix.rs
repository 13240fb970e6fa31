//! Owns parsing of unix `ls -l` style LIST lines and their relatives: the mode column (also
//! NetWare's `d [RWCEAFMS]` and Connect:Enterprise's `-C--E-----FTP`), optional link-count,
//! owner and group columns, sizes (with unit suffixes, or glued to the group name) or device
//! numbers, the date columns (see `dates`), lines without any date, then the name and the
//! symlink target.

use chrono::NaiveDateTime;

use super::dates::{DateSpan, find_date};
use super::tokens::{Token, epoch_time, is_digits, parse_size, parse_u64, rest_from};
use super::{Entry, EntryKind};

/// `-rw-r--r--`, optionally followed by ACL/xattr/SELinux markers (`+`, `.`, `@`).
fn parse_mode(text: &str) -> Option<(EntryKind, String)> {
    let bytes = text.as_bytes();
    let kind = mode_kind(*bytes.first()?)?;
    let perms = bytes.get(1..10)?;
    let markers = &bytes[10..];
    let perms_ok = perms.iter().all(|b| b"rwxsStTlL-".contains(b));
    let markers_ok = markers.len() <= 2 && markers.iter().all(|b| b"+.@".contains(b));
    (perms_ok && markers_ok).then(|| (kind, text[1..10].to_string()))
}

fn mode_kind(first: u8) -> Option<EntryKind> {
    Some(match first {
        b'-' => EntryKind::File,
        b'd' => EntryKind::Dir,
        b'l' => EntryKind::Link,
        b'c' | b'b' => EntryKind::Device,
        b'p' | b's' | b'D' | b'P' | b'n' => EntryKind::Other,
        _ => return None,
    })
}

/// NetWare: `d [RWCEAFMS]` (type and rights in two tokens).
fn netware_mode(tokens: &[Token<'_>]) -> Option<(EntryKind, String)> {
    let kind = match tokens.first()?.text {
        "d" => EntryKind::Dir,
        "-" => EntryKind::File,
        _ => return None,
    };
    let rights = tokens.get(1)?.text.strip_prefix('[')?.strip_suffix(']')?;
    Some((kind, rights.to_string()))
}

/// Connect:Enterprise and similar: a ten-or-more character flag word like `-C--E-----FTP`.
fn flag_word_mode(text: &str) -> Option<EntryKind> {
    let ok = text.len() >= 10 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then(|| mode_kind(*text.as_bytes().first()?))
        .flatten()
        .filter(|k| matches!(k, EntryKind::File | EntryKind::Dir))
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

/// The size at the end of `fields` (popping it), also when glued to the group (`other531`).
fn take_size(fields: &mut Vec<&str>) -> Option<u64> {
    let last = *fields.last()?;
    if let Some(size) = parse_size(last, 1) {
        fields.pop();
        return Some(size);
    }
    let cut = last.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if cut == 0 || cut == last.len() {
        return None;
    }
    let size = parse_u64(&last[cut..])?;
    *fields.last_mut()? = &last[..cut];
    Some(size)
}

/// Splits `name -> target` for links and drops an `ls -F` type marker (`/`, `*`, `|`).
fn name_and_target(field: &str, kind: EntryKind) -> (&str, Option<String>) {
    let (name, target) = match field.split_once(" -> ") {
        Some((name, target)) if kind == EntryKind::Link => (name, Some(target.to_string())),
        _ => (field, None),
    };
    let name = match name.strip_suffix(['/', '*', '|']) {
        Some(stripped) if !stripped.is_empty() && target.is_none() => stripped,
        _ => name,
    };
    (name, target)
}

/// What the mode column(s) said: kind, permissions and where the other columns start.
struct Mode {
    kind: EntryKind,
    permissions: Option<String>,
    from: usize,
    /// NetWare pads the columns after the date too.
    netware: bool,
}

/// Parses a unix-like line; None when the line is not one.
pub(super) fn parse(raw: &str, tokens: &[Token<'_>], now: NaiveDateTime) -> Option<Entry> {
    let first = tokens.first()?.text;
    let second = tokens.get(1).map(|t| t.text);
    let mode = if let Some((kind, p)) = parse_mode(first) {
        Mode {
            kind,
            permissions: Some(p),
            from: 1,
            netware: false,
        }
    } else if let Some((kind, p)) = netware_mode(tokens) {
        Mode {
            kind,
            permissions: Some(p),
            from: 2,
            netware: true,
        }
    } else if let Some((kind, p)) = second.filter(|_| is_digits(first)).and_then(parse_mode) {
        // `ls -i` (inode) or `ls -s` (blocks) put a number before the mode.
        Mode {
            kind,
            permissions: Some(p),
            from: 2,
            netware: false,
        }
    } else {
        let kind = flag_word_mode(first)?;
        Mode {
            kind,
            permissions: None,
            from: 1,
            netware: false,
        }
    };
    match find_date(tokens, mode.from, now) {
        Some(date) => with_date(raw, tokens, &mode, date),
        None => without_date(raw, tokens, &mode),
    }
}

fn with_date(raw: &str, tokens: &[Token<'_>], mode: &Mode, date: DateSpan) -> Option<Entry> {
    let last_date_token = tokens.get(date.next - 1)?;
    // The name is everything after the date and exactly one separator (`ls` pads the columns
    // before it, never after it); NetWare pads after the date too.
    let name_field = if mode.netware {
        rest_from(raw, tokens, date.next)
    } else {
        raw.get(last_date_token.end + 1..)
    }
    .filter(|n| !n.is_empty())?;
    let mut fields: Vec<&str> = tokens
        .get(mode.from..date.first)?
        .iter()
        .map(|t| t.text)
        .collect();
    let size = if mode.kind == EntryKind::Device {
        drop_device_numbers(&mut fields);
        None
    } else {
        take_size(&mut fields)
    };
    let (owner, group) = owner_group(&fields);
    let (name, link_target) = name_and_target(name_field, mode.kind);
    if name.is_empty() || name.starts_with(" -> ") {
        return None;
    }
    Some(Entry {
        size,
        modified: date.time,
        permissions: mode.permissions.clone(),
        owner,
        group,
        link_target,
        ..Entry::new(name, mode.kind, raw)
    })
}

/// `ls -l` without any date (some embedded servers), or with seconds since 1970 in place of
/// the date: `[links] owner [group] size [epoch] name`.
fn without_date(raw: &str, tokens: &[Token<'_>], mode: &Mode) -> Option<Entry> {
    let n = tokens.len();
    let sized = |s: &usize| *s + 1 < n && parse_size(tokens[*s].text, 1).is_some();
    let candidates = || (mode.from + 1..=mode.from + 3).rev().filter(sized);
    let epoch = |s: usize| {
        let t = tokens.get(s + 1).map(|t| t.text)?;
        (is_digits(t) && (9..=10).contains(&t.len()) && s + 2 < n).then(|| epoch_time(t))?
    };
    let (s, time) = match candidates().find_map(|s| epoch(s).map(|t| (s, t))) {
        Some((s, t)) => (s, Some(t)),
        None => (candidates().next()?, None),
    };
    let name_field = rest_from(raw, tokens, if time.is_some() { s + 2 } else { s + 1 })?;
    let (name, link_target) = name_and_target(name_field, mode.kind);
    let fields: Vec<&str> = tokens[mode.from..s].iter().map(|t| t.text).collect();
    let (owner, group) = owner_group(&fields);
    Some(Entry {
        size: parse_size(tokens[s].text, 1),
        modified: time,
        permissions: mode.permissions.clone(),
        owner,
        group,
        link_target,
        ..Entry::new(name, mode.kind, raw)
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
