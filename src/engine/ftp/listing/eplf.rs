//! Owns parsing of EPLF lines (`+i8388621.29609,m824255902,/,\tname`): comma-separated facts
//! (`/` folder, `r` file, `s` size, `m` seconds since 1970, `up` permissions), a tab, the name.

use super::tokens::{epoch_time, parse_u64};
use super::{Entry, EntryKind};

/// Parses an EPLF line; None when the line is not one.
pub(super) fn parse(raw: &str) -> Option<Entry> {
    let (facts, name) = raw.strip_prefix('+')?.split_once('\t')?;
    if name.is_empty() || facts.contains(' ') {
        return None;
    }
    let mut entry = Entry::new(name, EntryKind::File, raw);
    for fact in facts.split(',') {
        let mut chars = fact.chars();
        match chars.next() {
            Some('/') => entry.kind = EntryKind::Dir,
            Some('s') => entry.size = parse_u64(chars.as_str()),
            Some('m') => entry.modified = epoch_time(chars.as_str()),
            Some('u') => {
                entry.permissions = chars.as_str().strip_prefix('p').map(str::to_string);
            }
            _ => {}
        }
    }
    Some(entry)
}
