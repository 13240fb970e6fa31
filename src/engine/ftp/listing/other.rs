//! Owns parsing of the rarer LIST shapes: AS/400 (`OWNER size date time *TYPE name`),
//! numerical unix (`0100644 uid gid size epoch name`), old VShell (`size Mon DD, YYYY HH:MM
//! name[/]`), OS/2 (`size [A] [DIR] MM-DD-YY HH:MM name`, also non-Y2K years like `103`),
//! VxWorks (`size MON-DD-YYYY HH:MM:SS name <DIR>`), Nortel wfFtp (`name size MM/DD/YY Day.
//! HH:MM:SS`), OS-9 (`0.0 YY/MM/DD HHMM d-ewrewr sector size name`), z/VM and HP NonStop.

use chrono::NaiveDate;

use super::dates::{full_year, month_number, short_date};
use super::tokens::{
    Token, epoch_time, is_digits, parse_hms, parse_num, parse_u64, remote_time, rest_from,
    second_precision,
};
use super::{Entry, EntryKind, RemoteTime, TimePrecision};

fn at(date: Option<NaiveDate>, time: &str) -> Option<RemoteTime> {
    let (h, m, s) = parse_hms(time)?;
    remote_time(date, (h, m, s.unwrap_or(0)), second_precision(s))
}

/// Drops one trailing `/` or `\` from a name, saying whether there was one.
fn dir_suffix(name: &str) -> (&str, bool) {
    match name.strip_suffix(['/', '\\']) {
        Some(stripped) if !stripped.is_empty() => (stripped, true),
        _ => (name, false),
    }
}

/// AS/400: `QSYS 77824 02/23/00 15:09:55 *DIR QSYS/`, and `*MEM FILE.FILE/MBR.MBR` lines.
pub(super) fn parse_as400(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    if let [kind, name] = tokens
        && kind.text.starts_with('*')
        && kind.text.len() > 1
    {
        let (name, dir) = dir_suffix(name.text);
        return Some(file_or_dir(name, dir, raw));
    }
    let [owner, size, date, time, object, ..] = tokens else {
        return None;
    };
    if !object.text.starts_with('*') {
        return None;
    }
    let date = Some(short_date(date.text, false)?);
    let modified = Some(at(date, time.text)?);
    let (name, slash) = dir_suffix(rest_from(raw, tokens, 5)?);
    let dir = slash || matches!(object.text, "*DIR" | "*LIB");
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified,
        owner: Some(owner.text.to_string()),
        ..file_or_dir(name, dir, raw)
    })
}

/// Numerical unix: octal mode, uid, gid, size, seconds since 1970, name.
pub(super) fn parse_numeric_unix(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [mode, uid, gid, size, epoch, ..] = tokens else {
        return None;
    };
    if !is_digits(mode.text) || !is_digits(uid.text) || !is_digits(gid.text) {
        return None;
    }
    let kind = if mode.text.as_bytes().get(1) == Some(&b'4') {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified: Some(epoch_time(epoch.text)?),
        permissions: Some(mode.text.to_string()),
        owner: Some(uid.text.to_string()),
        group: Some(gid.text.to_string()),
        ..Entry::new(rest_from(raw, tokens, 5)?, kind, raw)
    })
}

/// A size first, then old VShell's `Mon DD, YYYY HH:MM name`, or OS/2's and VxWorks's
/// attributes, one-token date, time and name.
pub(super) fn parse_size_first(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let size = parse_u64(tokens.first()?.text)?;
    let second = tokens.get(1)?.text;
    let mut entry = if month_number(second).is_some() && !is_digits(second) {
        vshell_old(raw, tokens)?
    } else {
        os2_vxworks(raw, tokens)?
    };
    entry.size = Some(size);
    Some(entry)
}

fn vshell_old(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let month = month_number(tokens.get(1)?.text)?;
    let day_text = tokens.get(2)?.text.trim_end_matches(',');
    let day = parse_num(day_text, 2)?;
    let year_text = tokens.get(3)?.text;
    let year = full_year(parse_num(year_text, 4)?, year_text.len())?;
    let date = NaiveDate::from_ymd_opt(year, month, day);
    let modified = at(date, tokens.get(4)?.text);
    let (name, dir) = dir_suffix(rest_from(raw, tokens, 5)?);
    Some(Entry {
        modified,
        ..file_or_dir(name, dir, raw)
    })
}

fn os2_vxworks(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let date_at = (1..tokens.len().min(5)).find(|&i| tokens[i].text.contains(['-', '/', '.']))?;
    let attrs = &tokens[1..date_at];
    if !attrs
        .iter()
        .all(|t| t.text.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return None;
    }
    let date = Some(short_date(tokens[date_at].text, false)?);
    let modified = Some(at(date, tokens.get(date_at + 1)?.text)?);
    let mut name = rest_from(raw, tokens, date_at + 2)?.trim_end();
    let mut dir = attrs.iter().any(|t| t.text == "DIR");
    if attrs.is_empty()
        && let Some(cut) = name.len().checked_sub(5)
        && name
            .get(cut..)
            .is_some_and(|s| s.eq_ignore_ascii_case("<DIR>"))
    {
        name = name[..cut].trim_end();
        dir = true;
    }
    if name.is_empty() {
        return None;
    }
    Some(Entry {
        modified,
        ..file_or_dir(name, dir, raw)
    })
}

/// Nortel wfFtp: `name size MM/DD/YY Weekday. HH:MM:SS`.
pub(super) fn parse_wfftp(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [name, size, date, weekday, time] = tokens else {
        return None;
    };
    if !weekday.text.ends_with('.') {
        return None;
    }
    let date = Some(short_date(date.text, false)?);
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified: Some(at(date, time.text)?),
        ..Entry::new(name.text, EntryKind::File, raw)
    })
}

/// OS-9: `owner.group YY/MM/DD HHMM attributes sector size name`.
pub(super) fn parse_os9(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [owner, date, time, attrs, _sector, size, ..] = tokens else {
        return None;
    };
    let (a, b) = owner.text.split_once('.')?;
    if !is_digits(a) || !is_digits(b) {
        return None;
    }
    let date = short_date(date.text, true)?;
    let modified = match (time.text.len(), parse_num(time.text, 4)) {
        (4, Some(hm)) => remote_time(Some(date), (hm / 100, hm % 100, 0), TimePrecision::Minute),
        _ => remote_time(Some(date), (0, 0, 0), TimePrecision::Day),
    };
    let kind = if attrs.text.starts_with('d') {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified,
        permissions: Some(attrs.text.to_string()),
        owner: Some(owner.text.to_string()),
        ..Entry::new(rest_from(raw, tokens, 6)?, kind, raw)
    })
}

/// z/VM: `NAME EXT V|F reclen records blocks YYYY-MM-DD HH:MM:SS owner`.
pub(super) fn parse_zvm(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [
        name,
        ext,
        format,
        reclen,
        records,
        blocks,
        date,
        time,
        owner,
    ] = tokens
    else {
        return None;
    };
    if !matches!(format.text, "V" | "F") || !is_digits(blocks.text) {
        return None;
    }
    let size = parse_u64(reclen.text)?.checked_mul(parse_u64(records.text)?);
    let date = Some(short_date(date.text, true)?);
    Some(Entry {
        size,
        modified: Some(at(date, time.text)?),
        owner: Some(owner.text.to_string()),
        ..Entry::new(&format!("{}.{}", name.text, ext.text), EntryKind::File, raw)
    })
}

/// HP NonStop (Guardian): `NAME code size DD-Mon-YY HH:MM:SS owner[, owner2] "perms"`.
pub(super) fn parse_hp_nonstop(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [name, code, size, date, time, rest @ ..] = tokens else {
        return None;
    };
    let (owner, perms) = match rest {
        [owner, perms] => (owner.text.to_string(), perms),
        [a, b, perms] if a.text.ends_with(',') => (format!("{} {}", a.text, b.text), perms),
        _ => return None,
    };
    if !is_digits(code.text) {
        return None;
    }
    let date = Some(short_date(date.text, false)?);
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified: Some(at(date, time.text)?),
        owner: Some(owner),
        permissions: Some(perms.text.to_string()),
        ..Entry::new(name.text, EntryKind::File, raw)
    })
}

/// A folder (`dir`) or a file named `name`, from the line `raw`.
fn file_or_dir(name: &str, dir: bool, raw: &str) -> Entry {
    let kind = if dir { EntryKind::Dir } else { EntryKind::File };
    Entry::new(name, kind, raw)
}
