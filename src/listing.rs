//! Owns parsing of FTP directory listings (LIST in unix `ls -l` and DOS/IIS styles, and RFC 3659
//! MLSD) into plain [`Entry`] values, plus [`LineSplitter`], a memory-bounded line splitter for
//! listing data arriving in chunks. Nothing here panics on any input and no line is dropped:
//! a line no format recognises comes back as an [`EntryKind::Unknown`] entry.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

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
    fn new(name: &str, kind: EntryKind, raw: &str) -> Self {
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
    fn unknown(raw: &str) -> Self {
        Entry::new(raw.trim(), EntryKind::Unknown, raw)
    }
}

/// Parse one line of a LIST reply. `now` is the current UTC time, used for unix dates without a
/// year: such a date lying more than one day in the future is taken to be from an earlier year.
/// Returns None only for lines that are not entries at all: empty lines and the "total 1234"
/// header. `.` and `..` lines are returned like any other entry.
pub fn parse_list_line(line: &str, now: NaiveDateTime) -> Option<Entry> {
    let raw = strip_eol(line);
    let tokens = tokenize(raw);
    match tokens.as_slice() {
        [] => return None,
        [first, second]
            if first.text.eq_ignore_ascii_case("total")
                && second.text.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            return None;
        }
        _ => {}
    }
    let entry = parse_unix(raw, &tokens, now)
        .or_else(|| parse_dos(raw, &tokens))
        .unwrap_or_else(|| Entry::unknown(raw));
    Some(entry)
}

/// Parse one line of an MLSD reply (`fact=value;fact=value; name`). Returns None for empty lines
/// and for the `.`/`..` (type=cdir/pdir) entries; an unparseable line yields an Unknown entry.
/// An entry without a `type` fact has kind [`EntryKind::Unknown`].
pub fn parse_mlsd_line(line: &str) -> Option<Entry> {
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

/// Splits listing data arriving in arbitrary chunks into lines (on `\n`, dropping a trailing
/// `\r`, decoding lossily as UTF-8). Only the incomplete tail is buffered, and never more than
/// `max_line` bytes of it: a longer line is cut to `max_line` bytes, the rest of it up to the
/// next `\n` is discarded, and the cut line is still yielded.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    max_line: usize,
    truncated: bool,
}

impl LineSplitter {
    pub fn new(max_line: usize) -> Self {
        LineSplitter {
            buf: Vec::new(),
            max_line,
            truncated: false,
        }
    }

    /// Feed one chunk; every line it completes is appended to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<String>) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
            self.append(&rest[..pos]);
            self.emit(out);
            rest = &rest[pos + 1..];
        }
        self.append(rest);
    }

    /// End of data: yield the last line if it was not terminated.
    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.buf.is_empty() || self.truncated {
            self.emit(out);
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = self.max_line.saturating_sub(self.buf.len());
        let take = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..take]);
        self.truncated |= take < bytes.len();
    }

    fn emit(&mut self, out: &mut Vec<String>) {
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.truncated {
            // Do not leave half a character where the line was cut.
            if let Err(e) = std::str::from_utf8(&self.buf)
                && e.error_len().is_none()
            {
                self.buf.truncate(e.valid_up_to());
            }
        }
        let line = match std::str::from_utf8(&self.buf) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(&self.buf).into_owned(),
        };
        out.push(line);
        self.buf.clear();
        self.truncated = false;
    }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

/// A whitespace-separated word of a line, with its byte span so names keep their spaces.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn strip_eol(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    // Splitting only at ASCII bytes always lands on char boundaries.
    let bytes = line.as_bytes();
    for i in 0..=bytes.len() {
        let blank = bytes.get(i).is_none_or(|&b| b == b' ' || b == b'\t');
        match (blank, start) {
            (true, Some(s)) => {
                tokens.push(Token {
                    text: &line[s..i],
                    start: s,
                    end: i,
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    tokens
}

/// Digits only (no sign), at most `max_len` of them.
fn parse_num(s: &str, max_len: usize) -> Option<u32> {
    let ok = !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

fn parse_u64(s: &str) -> Option<u64> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

// ---------------------------------------------------------------------------------------------
// Dates and times

/// Hour, minute and (when the server sent them) seconds.
type Hms = (u32, u32, Option<u32>);

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

/// `H:MM`, `HH:MM:SS` or `HH:MM:SS.fraction` (the fraction is ignored).
fn parse_hms(text: &str) -> Option<Hms> {
    let mut parts = text.split(':');
    let hour = parse_num(parts.next()?, 2).filter(|h| *h < 24)?;
    let minute = parse_num(parts.next()?, 2).filter(|m| *m < 60)?;
    let second = match parts.next() {
        None => None,
        Some(s) => {
            let whole = s.split_once('.').map_or(s, |(w, _)| w);
            Some(parse_num(whole, 2).filter(|s| *s < 60)?)
        }
    };
    parts.next().is_none().then_some((hour, minute, second))
}

fn parse_clock_or_year(text: &str) -> Option<Clock> {
    if text.len() == 4 {
        return parse_num(text, 4).map(|y| Clock::Year(y as i32));
    }
    parse_hms(text).map(Clock::Time)
}

fn remote_time(
    date: Option<NaiveDate>,
    hms: (u32, u32, u32),
    p: TimePrecision,
) -> Option<RemoteTime> {
    let time = date?.and_hms_opt(hms.0, hms.1, hms.2)?;
    Some(RemoteTime { time, precision: p })
}

fn second_precision(seconds: Option<u32>) -> TimePrecision {
    if seconds.is_some() {
        TimePrecision::Second
    } else {
        TimePrecision::Minute
    }
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

// ---------------------------------------------------------------------------------------------
// Unix `ls -l` style

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

fn parse_unix(raw: &str, tokens: &[Token<'_>], now: NaiveDateTime) -> Option<Entry> {
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

// ---------------------------------------------------------------------------------------------
// DOS / IIS style

/// `MM-DD-YY`, `MM-DD-YYYY`, `YYYY-MM-DD` (also with `/`); two-digit years 70-99 are 19xx.
fn parse_dos_date(text: &str) -> Option<(i32, u32, u32)> {
    let sep = if text.contains('/') { '/' } else { '-' };
    let mut parts = text.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if a.len() == 4 {
        return Some((parse_num(a, 4)? as i32, parse_num(b, 2)?, parse_num(c, 2)?));
    }
    let (mut month, mut day) = (parse_num(a, 2)?, parse_num(b, 2)?);
    if month > 12 && day <= 12 {
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

fn parse_dos(raw: &str, tokens: &[Token<'_>]) -> Option<Entry> {
    let (y, m, d) = parse_dos_date(tokens.first()?.text)?;
    let ((hour, minute, second), next) = parse_dos_time(tokens)?;
    let marker = tokens.get(next)?.text;
    let (kind, size) = match marker.to_ascii_uppercase().as_str() {
        "<DIR>" => (EntryKind::Dir, None),
        "<JUNCTION>" | "<SYMLINK>" | "<SYMLINKD>" => (EntryKind::Link, None),
        _ if marker.bytes().all(|b| b.is_ascii_digit() || b == b',') => {
            (EntryKind::File, Some(parse_u64(&marker.replace(',', ""))?))
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

// ---------------------------------------------------------------------------------------------
// MLSD helpers

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
    use super::*;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        let date = NaiveDate::from_ymd_opt(y, mo, d).expect("valid test date");
        date.and_hms_opt(h, mi, s).expect("valid test time")
    }

    fn now() -> NaiveDateTime {
        dt(2026, 11, 22, 10, 0, 0)
    }

    /// A one-line summary of the parsed fields (raw is checked separately).
    fn show(e: &Entry) -> String {
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

    fn check_list(cases: &[(&str, &str)]) {
        for (line, expected) in cases {
            let entry = parse_list_line(line, now()).expect("an entry");
            assert_eq!(show(&entry), *expected, "line: {line:?}");
            assert_eq!(entry.raw, *line);
        }
    }

    fn check_mlsd(cases: &[(&str, &str)]) {
        for (line, expected) in cases {
            let entry = parse_mlsd_line(line).expect("an entry");
            assert_eq!(show(&entry), *expected, "line: {line:?}");
            assert_eq!(entry.raw, *line);
        }
    }

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

    #[rustfmt::skip]
    const DOS: &[(&str, &str)] = &[
        ("11-21-26  12:30PM       <DIR>          Folder Name", r#"Dir "Folder Name" 2026-11-21 12:30:00 Minute"#),
        ("11-21-26  01:05AM                 1024 file.txt", r#"File "file.txt" size=1024 2026-11-21 01:05:00 Minute"#),
        ("11-21-2026  13:30       1024 file.txt", r#"File "file.txt" size=1024 2026-11-21 13:30:00 Minute"#),
        ("2026-11-21  13:30  <DIR>  dir", r#"Dir "dir" 2026-11-21 13:30:00 Minute"#),
        ("01-02-98  12:15AM  1,024 old.txt", r#"File "old.txt" size=1024 1998-01-02 00:15:00 Minute"#),
        (r"11/21/2026  01:05 PM  <JUNCTION>  Docs [C:\x]", r#"Link "Docs" 2026-11-21 13:05:00 Minute -> C:\x"#),
    ];

    #[rustfmt::skip]
    const UNKNOWN_OR_BEST_EFFORT: &[(&str, &str)] = &[
        ("garbage that is not a listing", r#"Unknown "garbage that is not a listing""#),
        ("  padded junk ", r#"Unknown "padded junk""#),
        ("total 42 more", r#"Unknown "total 42 more""#),
        ("-rw-r--r-- 1 u g 1 Nov 21 12:30", r#"Unknown "-rw-r--r-- 1 u g 1 Nov 21 12:30""#),
        ("11-21-26  12:30PM  big file.txt", r#"Unknown "11-21-26  12:30PM  big file.txt""#),
        ("lrwxrwxrwx 1 u g 1 Jan 1 2020  -> x", r#"Unknown "lrwxrwxrwx 1 u g 1 Jan 1 2020  -> x""#),
        // Impossible dates and sizes still give the entry, just without those fields.
        ("-rw-r--r-- 1 u g 1 Feb 30 12:00 x", r#"File "x" size=1 rw-r--r-- u=u g=g"#),
        ("-rw-r--r-- 1 u g notanumber Nov 21 12:30 x", r#"File "x" 2026-11-21 12:30:00 Minute rw-r--r-- u=u g=g"#),
    ];

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

    #[test]
    fn dos_iis_lines() {
        check_list(DOS);
    }

    #[test]
    fn unparseable_lines_are_kept() {
        check_list(UNKNOWN_OR_BEST_EFFORT);
        let long = "a".repeat(100 * 1024);
        let entry = parse_list_line(&long, now()).expect("an entry");
        assert_eq!(
            (entry.kind, entry.name.len()),
            (EntryKind::Unknown, long.len())
        );
        let entry = parse_mlsd_line(&long).expect("an entry");
        assert_eq!(
            (entry.kind, entry.name.len()),
            (EntryKind::Unknown, long.len())
        );
    }

    #[test]
    fn mlsd_lines() {
        check_mlsd(MLSD);
    }

    #[test]
    fn non_entries_are_none() {
        for line in ["", " \t", "\r\n", "total 42", "TOTAL 0"] {
            assert_eq!(parse_list_line(line, now()), None, "{line:?}");
        }
        for line in [
            "",
            "\r\n",
            "type=cdir;perm=el; .",
            "type=pdir;perm=el; ..",
            "type=cdir; /home",
            "x=1; ..",
        ] {
            assert_eq!(parse_mlsd_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn raw_excludes_line_ending() {
        let line = "-rw-r--r-- 1 u g 1 Nov 21 12:30 x\r\n";
        assert_eq!(
            parse_list_line(line, now()).map(|e| e.raw),
            Some(line[..line.len() - 2].into())
        );
        assert_eq!(
            parse_mlsd_line("type=file; f\r\n").map(|e| e.raw),
            Some("type=file; f".into())
        );
    }

    fn split(chunks: &[&[u8]], max_line: usize) -> Vec<String> {
        let mut splitter = LineSplitter::new(max_line);
        let mut out = Vec::new();
        for chunk in chunks {
            splitter.push(chunk, &mut out);
        }
        splitter.finish(&mut out);
        out
    }

    #[test]
    fn splitter_handles_split_crlf_and_utf8() {
        let out = split(
            &[b"one\r", b"\ntw", b"o\r\n\xc3", b"\xa9t\xc3", b"\xa9\r\n"],
            100,
        );
        assert_eq!(out, ["one", "two", "été"]);
        assert_eq!(split(&[b"a\n\nb\r\n"], 100), ["a", "", "b"]);
        assert_eq!(split(&[b"bad \xff byte\n"], 100), ["bad \u{fffd} byte"]);
    }

    #[test]
    fn splitter_truncates_long_lines() {
        let long = vec![b'x'; 10_000];
        let out = split(&[b"start\n", &long, &long, b"\r\nnext\n"], 64);
        assert_eq!(
            out,
            ["start".to_string(), "x".repeat(64), "next".to_string()]
        );
        // A cut through a multi-byte char does not leave half of it.
        assert_eq!(split(&["é".repeat(40).as_bytes(), b"\n"], 5), ["éé"]);
        let mut splitter = LineSplitter::new(16);
        let mut out = Vec::new();
        for _ in 0..1000 {
            splitter.push(&long, &mut out);
        }
        assert!(out.is_empty() && splitter.buf.capacity() <= 64);
    }

    #[test]
    fn splitter_finish_flushes_tail() {
        assert_eq!(split(&[b"a\nlast"], 100), ["a", "last"]);
        assert_eq!(split(&[b"a\n"], 100), ["a"]);
        assert!(split(&[], 100).is_empty());
    }

    #[test]
    fn splitter_million_lines_small_chunks() {
        let data = b"-rw-r--r-- 1 ftp ftp 1024 Nov 21 12:30 file.txt\r\n".repeat(1_000_000);
        let mut splitter = LineSplitter::new(64 * 1024);
        let (mut out, mut count) = (Vec::new(), 0);
        for chunk in data.chunks(61) {
            splitter.push(chunk, &mut out);
            count += out.len();
            out.clear();
        }
        splitter.finish(&mut out);
        assert_eq!(count + out.len(), 1_000_000);
    }

    #[test]
    fn random_input_never_panics() {
        #[rustfmt::skip]
        const WORDS: &[&str] = &[
            "-rw-r--r--", "drwxr-xr-x.", "lrwxrwxrwx", "crw-rw-rw-", "1", "1,", "0", "root", "Nov", "Feb",
            "déc.", "30", "29", "12:30", "25:61", "2020", "2024-03-05", "14:07:33.5", "+0100", "->", " -> ",
            "<DIR>", "11-21-26", "12:30PM", "PM", "1,024", "type=file;", "type=OS.unix=slink:", "size=;",
            "modify=2026;", "unix.mode=7777;", ";", "=", " ", "  ", "\t", "\r", "é", "日本", "total",
            "99999999999999999999",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let mut splitter = LineSplitter::new(32);
        let mut lines = Vec::new();
        for i in 0..5000 {
            let line = if i % 3 == 0 {
                let bytes: Vec<u8> = (0..next(80)).map(|_| next(256) as u8).collect();
                splitter.push(&bytes, &mut lines);
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                let words: Vec<&str> = (0..next(14)).map(|_| WORDS[next(WORDS.len())]).collect();
                words.join(if next(2) == 0 { " " } else { "" })
            };
            let stripped = line.trim_end_matches(['\r', '\n']);
            let listed = parse_list_line(&line, now());
            for entry in [listed.clone(), parse_mlsd_line(&line)]
                .into_iter()
                .flatten()
            {
                assert_eq!(entry.raw, stripped);
            }
            let skippable =
                stripped.trim().is_empty() || stripped.trim_start().starts_with("total");
            assert!(listed.is_some() || skippable, "dropped {line:?}");
        }
        splitter.finish(&mut lines);
        assert!(lines.iter().all(|l| l.chars().count() <= 32));
    }
}
