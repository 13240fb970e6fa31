//! Owns parsing of DOS/IIS style LIST lines (`11-21-26  12:30PM  <DIR>  name`): the date and
//! 12/24-hour time columns, the `<DIR>`/junction/symlink markers or a size, and the name.

use chrono::NaiveDate;

use super::tokens::{Hms, Token, parse_hms, parse_num, parse_u64, remote_time, second_precision};
use super::{Entry, EntryKind};

/// `MM-DD-YY`, `MM-DD-YYYY`, `YYYY-MM-DD` (also with `/`), and the European `DD.MM.YYYY` and
/// `YYYY.MM.DD`; two-digit years 70-99 are 19xx.
fn parse_dos_date(text: &str) -> Option<(i32, u32, u32)> {
    let sep = ['/', '.', '-'].into_iter().find(|c| text.contains(*c))?;
    let mut parts = text.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if a.len() == 4 {
        return Some((parse_num(a, 4)? as i32, parse_num(b, 2)?, parse_num(c, 2)?));
    }
    let (mut month, mut day) = (parse_num(a, 2)?, parse_num(b, 2)?);
    if sep == '.' || (month > 12 && day <= 12) {
        (month, day) = (day, month);
    }
    let year = match (c.len(), parse_num(c, 4)?) {
        (2, y) if y >= 70 => 1900 + y,
        (2, y) => 2000 + y,
        (4, y) => y,
        _ => return None,
    };
    Some((year as i32, month, day))
}

/// Splits an `AM`/`PM` suffix off (`Some(true)` for PM).
fn split_meridiem(text: &str) -> (&str, Option<bool>) {
    let Some(cut) = text.len().checked_sub(2) else {
        return (text, None);
    };
    match text.as_bytes().get(cut..) {
        Some(s) if s.eq_ignore_ascii_case(b"AM") => (&text[..cut], Some(false)),
        Some(s) if s.eq_ignore_ascii_case(b"PM") => (&text[..cut], Some(true)),
        _ => (text, None),
    }
}

/// The time at token 1 (`12:30PM`, `12:30 PM` or `13:30`); returns it and the next token index.
fn parse_dos_time(tokens: &[Token<'_>]) -> Option<(Hms, usize)> {
    let (clock, mut pm) = split_meridiem(tokens.get(1)?.text);
    let mut next = 2;
    if pm.is_none()
        && let Some(("", Some(later))) = tokens.get(2).map(|t| split_meridiem(t.text))
    {
        pm = Some(later);
        next = 3;
    }
    let (hour, minute, second) = parse_hms(clock)?;
    let hour = match pm {
        None => hour,
        Some(_) if hour == 0 || hour > 12 => return None,
        Some(is_pm) => hour % 12 + if is_pm { 12 } else { 0 },
    };
    Some(((hour, minute, second), next))
}

/// Parses a DOS/IIS line; None when the line is not one.
pub(super) fn parse(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let (y, m, d) = parse_dos_date(tokens.first()?.text)?;
    let ((hour, minute, second), next) = parse_dos_time(tokens)?;
    let marker = tokens.get(next)?.text;
    let (kind, size) = match marker.to_ascii_uppercase().as_str() {
        "<DIR>" => (EntryKind::Dir, None),
        "<JUNCTION>" | "<SYMLINK>" | "<SYMLINKD>" => (EntryKind::Link, None),
        // Thousands separated by `,` (or `.` in European locales): sizes are whole bytes.
        _ if marker
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.') =>
        {
            (
                EntryKind::File,
                Some(parse_u64(&marker.replace([',', '.'], ""))?),
            )
        }
        _ => return None,
    };
    let name_field = &raw[tokens.get(next + 1)?.start..];
    // `dir` shows link targets as `name [target]`.
    let (name, link_target) = match name_field
        .strip_suffix(']')
        .and_then(|n| n.rsplit_once(" ["))
    {
        Some((name, target)) if kind == EntryKind::Link => (name, Some(target.to_string())),
        _ => (name_field, None),
    };
    let date = NaiveDate::from_ymd_opt(y, m, d);
    let hms = (hour, minute, second.unwrap_or(0));
    Some(Entry {
        size,
        modified: remote_time(date, hms, second_precision(second)),
        link_target,
        ..Entry::new(name, kind, raw)
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::ftp::listing::test_support::check_list;

    #[rustfmt::skip]
    const DOS: &[(&str, &str)] = &[
        ("11-21-26  12:30PM       <DIR>          Folder Name", r#"Dir "Folder Name" 2026-11-21 12:30:00 Minute"#),
        ("11-21-26  01:05AM                 1024 file.txt", r#"File "file.txt" size=1024 2026-11-21 01:05:00 Minute"#),
        ("11-21-2026  13:30       1024 file.txt", r#"File "file.txt" size=1024 2026-11-21 13:30:00 Minute"#),
        ("2026-11-21  13:30  <DIR>  dir", r#"Dir "dir" 2026-11-21 13:30:00 Minute"#),
        ("01-02-98  12:15AM  1,024 old.txt", r#"File "old.txt" size=1024 1998-01-02 00:15:00 Minute"#),
        (r"11/21/2026  01:05 PM  <JUNCTION>  Docs [C:\x]", r#"Link "Docs" 2026-11-21 13:05:00 Minute -> C:\x"#),
    ];

    #[test]
    fn dos_iis_lines() {
        check_list(DOS);
    }
}
