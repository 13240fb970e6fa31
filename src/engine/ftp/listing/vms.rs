//! Owns parsing of VMS LIST lines (`NAME.EXT;3  2/4  29-JAN-2003 03:26:00  [GRP,OWNER]
//! (RWED,RWED,RE,)`): the versioned name (`^` escapes removed, `;version` dropped, `.DIR`
//! entries are folders named without `.DIR`), the size in 512-byte blocks (`used/allocated`
//! counts the used ones; unit suffixes are bytes), the date and time, owner and protection.

use super::dates::short_date;
use super::tokens::{Token, parse_hms, parse_size, remote_time, second_precision};
use super::{Entry, EntryKind, TimePrecision};

// `version`, `is_lone_name` and `versioned` serve `ListParser`, which only the tests use until
// the engine switches to it.
/// The name token's parts: the shown name, the kind, and the version.
struct VmsName {
    name: String,
    kind: EntryKind,
    version: String,
}

fn split_name(token: &str) -> Option<VmsName> {
    let (base, version) = token.rsplit_once(';')?;
    if base.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unescaped = unescape(base);
    let (name, kind) = match unescaped.strip_suffix(".DIR") {
        Some(dir) if !dir.is_empty() => (dir.to_string(), EntryKind::Dir),
        _ => (unescaped, EntryKind::File),
    };
    Some(VmsName {
        name,
        kind,
        version: version.to_string(),
    })
}

/// `^` escapes the next character (`A^.B.TXT` is the file `A.B.TXT`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// A lone `NAME.EXT;1` line: the first half of an entry split over two lines.
pub(super) fn is_lone_name(tokens: &[Token<'_>]) -> bool {
    tokens.len() == 1 && split_name(tokens[0].text).is_some_and(|n| !n.version.is_empty())
}

/// The name with its version, for telling apart two versions of one file.
pub(super) fn versioned(raw: &str, name: &str) -> Option<String> {
    let first = raw.split_whitespace().next()?;
    Some(format!("{name};{}", split_name(first)?.version))
}

/// `used/allocated` (or a plain block count, or a size with a unit).
fn vms_size(text: &str) -> Option<u64> {
    let used = text.split_once('/').map_or(text, |(u, _)| u);
    parse_size(used, 512)
}

fn bracketed(text: &str, open: char, close: char) -> Option<&str> {
    text.strip_prefix(open)?.strip_suffix(close)
}

/// Parses a VMS line; None when the line is not one.
pub(super) fn parse(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let vms = split_name(tokens.first()?.text)?;
    let mut entry = Entry::new(&vms.name, vms.kind, raw);
    let mut i = 1;
    if let Some(owner) = bracketed(tokens.get(i)?.text, '[', ']') {
        entry.owner = Some(owner.to_string());
        i += 1;
    }
    let mut date = short_date(tokens.get(i)?.text, false);
    if date.is_none() {
        entry.size = Some(vms_size(tokens.get(i)?.text)?);
        i += 1;
        date = Some(short_date(tokens.get(i)?.text, false)?);
    }
    i += 1;
    entry.modified = remote_time(date, (0, 0, 0), TimePrecision::Day);
    if let Some((h, m, s)) = tokens.get(i).and_then(|t| parse_hms(t.text)) {
        entry.modified = remote_time(date, (h, m, s.unwrap_or(0)), second_precision(s));
        i += 1;
    }
    if entry.size.is_none()
        && let Some(size) = tokens.get(i).and_then(|t| vms_size(t.text))
    {
        entry.size = Some(size);
        i += 1;
    }
    for token in tokens.get(i..).unwrap_or_default() {
        if let Some(owner) = bracketed(token.text, '[', ']') {
            entry.owner = Some(owner.to_string());
        } else if let Some(prot) = bracketed(token.text, '(', ')') {
            entry.permissions = Some(prot.to_string());
        } else {
            return None;
        }
    }
    Some(entry)
}
