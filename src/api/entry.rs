//! Directory entries as the boundary carries them: what a listing line says about one remote
//! object. The engine's listing parsers produce them; front ends show them.

use chrono::NaiveDateTime;

/// What kind of object a listing entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    Link,
    Device,
    /// Pipes, sockets, doors and MLSD types this module does not know.
    Other,
    /// The line could not be parsed (or an MLSD line carried no `type` fact).
    Unknown,
}

/// How much of a [`RemoteTime`] the server actually told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePrecision {
    Day,
    Minute,
    Second,
}

/// A modification time as sent by the server. LIST times are in the server's local time zone
/// (unknown to us); MLSD times are UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteTime {
    pub time: NaiveDateTime,
    pub precision: TimePrecision,
}

/// One entry of a directory listing. Names are exactly as the server sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    pub size: Option<u64>,
    pub modified: Option<RemoteTime>,
    /// `rwxr-xr-x` style (unix listings and MLSD `unix.mode`), else the MLSD `perm` fact.
    pub permissions: Option<String>,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub link_target: Option<String>,
    /// The line as received, without CR/LF.
    pub raw: String,
}

impl Entry {
    /// An entry with only a name, a kind and the raw line; the parsers fill in the rest.
    pub fn new(name: &str, kind: EntryKind, raw: &str) -> Self {
        Entry {
            name: name.to_string(),
            kind,
            size: None,
            modified: None,
            permissions: None,
            owner: None,
            group: None,
            link_target: None,
            raw: raw.to_string(),
        }
    }

    /// The entry for a line nothing could parse: its name is the whole trimmed line.
    pub fn unknown(raw: &str) -> Self {
        Entry::new(raw.trim(), EntryKind::Unknown, raw)
    }
}
