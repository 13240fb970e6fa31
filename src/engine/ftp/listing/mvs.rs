//! Owns parsing of IBM MVS (z/OS) LIST lines: dataset lines (`VOLUME UNIT REFERRED EXT USED
//! RECFM LRECL BLKSZ DSORG DSNAME`, partitioned `PO` datasets are folders), migrated, tape and
//! VSAM datasets, PDS member lines (with ISPF statistics, or load-module attributes), and the
//! header lines that tell which of those a listing holds.

use super::dates::short_date;
use super::tokens::{
    Token, is_digits, parse_hms, parse_u64, remote_time, rest_from, second_precision,
};
use super::{Entry, EntryKind};

/// What a header line says about the lines after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Header {
    Datasets,
    Members,
}

/// Recognises the column header lines of dataset and member listings.
pub(super) fn header(tokens: &[Token<'_>]) -> Option<Header> {
    let words: Vec<&str> = tokens.iter().take(3).map(|t| t.text).collect();
    match words.as_slice() {
        ["Volume", "Unit", ..] => Some(Header::Datasets),
        ["Name", "VV.MM", ..] | ["Name", "Size", "TTR"] => Some(Header::Members),
        _ => None,
    }
}

fn dataset(name: &str, dsorg: &str, raw: &str) -> Entry {
    let kind = if dsorg == "PO" || dsorg == "PO-E" {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    Entry::new(name, kind, raw)
}

/// `WYOSPT 3420 2003/05/21 1 200 FB 80 8053 PS MY.DATA.SET` and its relatives.
pub(super) fn parse_dataset(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let t = |i: usize| tokens.get(i).map_or("", |t| t.text);
    let single_name = |i: usize| (tokens.len() == i + 1).then(|| t(i));
    match (t(0), t(1), t(2)) {
        ("Migrated", _, _) => return Some(Entry::new(single_name(1)?, EntryKind::File, raw)),
        ("Pseudo", "Directory", _) => {
            return Some(Entry::new(single_name(2)?, EntryKind::Dir, raw));
        }
        (_, u, _) if u.eq_ignore_ascii_case("tape") => {
            return Some(Entry::new(single_name(2)?, EntryKind::File, raw));
        }
        (_, _, "VSAM") => return Some(Entry::new(single_name(3)?, EntryKind::File, raw)),
        _ if raw.contains("Not Direct Access Device") || raw.contains("Error determining") => {
            return Some(Entry::new(tokens.last()?.text, EntryKind::File, raw));
        }
        _ => {}
    }
    if t(2) != "**NONE**" && short_date(t(2), false).is_none() || !is_digits(t(3)) {
        return None;
    }
    // `used` may be glued to `ext` when it is wide.
    let recfm = if is_digits(t(4)) || t(4) == "????" || t(4) == "++++" {
        5
    } else if t(3).len() >= 6 {
        4
    } else {
        return None;
    };
    if is_digits(t(recfm)) || !is_digits(t(recfm + 1)) || !is_digits(t(recfm + 2)) {
        return None;
    }
    let name = rest_from(raw, tokens, recfm + 4)?.trim_end();
    Some(dataset(name, t(recfm + 3), raw))
}

/// `MEMBER 01.01 2003/01/21 2003/01/22 12:34 10 10 0 USER1` (ISPF statistics).
pub(super) fn parse_member(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let [
        name,
        _vvmm,
        created,
        changed,
        time,
        size,
        init,
        modified,
        _id,
    ] = tokens
    else {
        return None;
    };
    short_date(created.text, false)?;
    let date = Some(short_date(changed.text, false)?);
    let (h, m, s) = parse_hms(time.text)?;
    if !is_digits(init.text) || !is_digits(modified.text) {
        return None;
    }
    Some(Entry {
        size: Some(parse_u64(size.text)?),
        modified: remote_time(date, (h, m, s.unwrap_or(0)), second_precision(s)),
        ..Entry::new(name.text, EntryKind::File, raw)
    })
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `MEMBER 00000F00 000019 00 FO RN RU 31 ANY` (load modules: size in hex, attributes,
/// AMODE and RMODE).
pub(super) fn parse_load_module(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let n = tokens.len();
    if n < 6 || !is_hex(tokens[1].text) || !is_hex(tokens[2].text) || !is_digits(tokens[3].text) {
        return None;
    }
    let mode_ok = |t: &Token<'_>| is_digits(t.text) || t.text == "ANY";
    let attrs_ok = tokens[4..n - 2]
        .iter()
        .all(|t| t.text.bytes().all(|b| b.is_ascii_uppercase()));
    if !mode_ok(&tokens[n - 1]) || !mode_ok(&tokens[n - 2]) || !attrs_ok {
        return None;
    }
    Some(Entry {
        size: u64::from_str_radix(tokens[1].text, 16).ok(),
        ..Entry::new(tokens[0].text, EntryKind::File, raw)
    })
}

/// A member name alone on its line (a member without statistics).
pub(super) fn parse_bare_member(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    match tokens {
        [name] => Some(Entry::new(name.text, EntryKind::File, raw)),
        _ => None,
    }
}
