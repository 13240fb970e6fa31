//! Owns parsing of RFC 3659 MLSD lines (`fact=value;fact=value; name`): the `type`, size,
//! `modify`, permission and unix owner/group/mode facts.

use chrono::NaiveDate;

use super::tokens::{parse_u64, remote_time, strip_eol};
use super::{Entry, EntryKind, RemoteTime, TimePrecision};

/// Parses one MLSD line; see [`super::parse_mlsd_line`].
pub(super) fn parse(line: &str) -> Option<Entry> {
    let raw = strip_eol(line);
    if raw.trim().is_empty() {
        return None;
    }
    // Facts end with "; " (a bare leading space means no facts); the name is the rest.
    let split = match raw.strip_prefix(' ') {
        Some(name) => Some(("", name)),
        None => raw.split_once("; ").or_else(|| raw.split_once(' ')),
    };
    let Some((facts, name)) = split else {
        return Some(Entry::unknown(raw));
    };
    if name.is_empty() {
        return Some(Entry::unknown(raw));
    }
    if name == "." || name == ".." {
        return None;
    }
    let mut entry = Entry::new(name, EntryKind::Unknown, raw);
    let (mut size, mut sizd, mut perm, mut mode) = (None, None, None, None);
    let (mut uid, mut gid) = (None, None);
    for fact in facts.split(';').filter(|f| !f.is_empty()) {
        let Some((key, value)) = fact.split_once('=') else {
            return Some(Entry::unknown(raw));
        };
        match key.to_ascii_lowercase().as_str() {
            "type" => {
                let (kind, target) = mlsd_type(value)?;
                entry.kind = kind;
                entry.link_target = target;
            }
            "size" => size = parse_u64(value),
            "sizd" => sizd = parse_u64(value),
            "modify" => entry.modified = parse_mlsd_time(value),
            "perm" => perm = Some(value),
            "unix.mode" => mode = Some(value),
            "unix.owner" | "unix.ownername" => entry.owner = Some(value.to_string()),
            "unix.group" | "unix.groupname" => entry.group = Some(value.to_string()),
            "unix.uid" => uid = Some(value),
            "unix.gid" => gid = Some(value),
            _ => {}
        }
    }
    entry.size = size.or(sizd);
    entry.owner = entry.owner.or(uid.map(str::to_string));
    entry.group = entry.group.or(gid.map(str::to_string));
    entry.permissions = mode
        .and_then(render_octal_mode)
        .or(perm.map(str::to_string))
        .or(mode.map(str::to_string));
    Some(entry)
}

/// An MLSD-style line sent in answer to LIST: None when the line does not look like one (every
/// fact `name=value;`, then a space and the name), `Some(None)` for `.`/`..` (cdir/pdir).
/// An entry without a `type` fact is taken to be a file.
pub(super) fn parse_in_list(raw: &str) -> Option<Option<Entry>> {
    let (facts, name) = raw.split_once("; ")?;
    let valid = |f: &str| {
        f.split_once('=')
            .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))
    };
    if name.is_empty() || facts.is_empty() || !facts.split(';').all(valid) {
        return None;
    }
    Some(parse(raw).map(|mut e| {
        if e.kind == EntryKind::Unknown {
            e.kind = EntryKind::File;
        }
        e
    }))
}

/// MLSD `modify`: `YYYYMMDDHHMMSS[.sss]` (UTC); 12 and 8 digit forms are accepted too.
fn parse_mlsd_time(value: &str) -> Option<RemoteTime> {
    let digits = value.split_once('.').map_or(value, |(w, _)| w);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field =
        |range: std::ops::Range<usize>| digits.get(range).and_then(|s| s.parse::<u32>().ok());
    let precision = match digits.len() {
        14 => TimePrecision::Second,
        12 => TimePrecision::Minute,
        8 => TimePrecision::Day,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(field(0..4)? as i32, field(4..6)?, field(6..8)?);
    let hms = (
        field(8..10).unwrap_or(0),
        field(10..12).unwrap_or(0),
        field(12..14).unwrap_or(0),
    );
    remote_time(date, hms, precision)
}

/// The kind (and symlink target) of an MLSD `type` value; None for `cdir`/`pdir`.
fn mlsd_type(value: &str) -> Option<(EntryKind, Option<String>)> {
    let lower = value.to_ascii_lowercase();
    let kind = match lower.as_str() {
        "file" => EntryKind::File,
        "dir" => EntryKind::Dir,
        "cdir" | "pdir" => return None,
        t if t.starts_with("os.unix=slink") => {
            let target = value
                .split_once(':')
                .map(|(_, t)| t)
                .filter(|t| !t.is_empty());
            return Some((EntryKind::Link, target.map(str::to_string)));
        }
        t if t.starts_with("os.unix=symlink") || t == "os.unix=link" => EntryKind::Link,
        t if t.starts_with("os.unix=blk") || t.starts_with("os.unix=chr") => EntryKind::Device,
        _ => EntryKind::Other,
    };
    Some((kind, None))
}

/// `0644` -> `rw-r--r--`, including setuid/setgid/sticky letters.
fn render_octal_mode(text: &str) -> Option<String> {
    let octal = |b: u8| (b'0'..=b'7').contains(&b);
    if text.is_empty() || text.len() > 7 || !text.bytes().all(octal) {
        return None;
    }
    let mode = u32::from_str_radix(text, 8).ok()?;
    let mut out = String::with_capacity(9);
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(match (mode & special != 0, bits & 1 != 0) {
            (true, true) => letter,
            (true, false) => letter.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::engine::ftp::listing::test_support::check_mlsd;

    #[rustfmt::skip]
    const MLSD: &[(&str, &str)] = &[
        ("type=file;size=1024;modify=20261121123000;perm=adfrw;unix.mode=0644;unix.owner=ftp;unix.group=ftp; file.txt",
         r#"File "file.txt" size=1024 2026-11-21 12:30:00 Second rw-r--r-- u=ftp g=ftp"#),
        ("type=dir;sizd=4096;modify=20261121123000.123;perm=flcdmpe; my dir",
         r#"Dir "my dir" size=4096 2026-11-21 12:30:00 Second flcdmpe"#),
        ("type=OS.unix=symlink;size=7; link", r#"Link "link" size=7"#),
        ("type=OS.unix=slink:/Target Dir;modify=20261121; link", r#"Link "link" 2026-11-21 00:00:00 Day -> /Target Dir"#),
        ("Type=File;Size=5;UNIX.mode=4755; Mixed", r#"File "Mixed" size=5 rwsr-xr-x"#),
        ("type=file;unix.mode=1777;unix.uid=1000;unix.gid=100; t", r#"File "t" rwxrwxrwt u=1000 g=100"#),
        ("type=file;unix.mode=bad; m", r#"File "m" bad"#),
        ("type=file;size=3; a;b c.txt ", r#"File "a;b c.txt " size=3"#),
        (" bare name", r#"Unknown "bare name""#),
        ("type=OS.unix=chr-1/3; null", r#"Device "null""#),
        ("type=OS.unix=fifo; pipe", r#"Other "pipe""#),
        ("type=file;modify=20261131120000; bad date", r#"File "bad date""#),
        ("garbage_without_space", r#"Unknown "garbage_without_space""#),
        ("not facts at all", r#"Unknown "not facts at all""#),
        ("type=file;size=1;", r#"Unknown "type=file;size=1;""#),
    ];

    #[test]
    fn mlsd_lines() {
        check_mlsd(MLSD);
    }
}
