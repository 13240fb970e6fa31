//! Owns the choice of listing shape per line ([`ServerType`] and the detection order) and
//! [`ListParser`], the stateful LIST parser: VMS entries split over two lines, MVS listings
//! whose header tells the shape, two versions of one VMS file, and the site's timezone offset.

use std::collections::HashSet;

use chrono::{NaiveDateTime, TimeDelta};

use super::tokens::{Token, strip_eol, tokenize};
use super::{Entry, EntryKind, TimePrecision, dos, eplf, mlsd, mvs, other, unix, vms};
use crate::api::ServerType;

/// The listing shapes, in the order auto detection tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Mlsd,
    Unix,
    Dos,
    Eplf,
    Vms,
    NumericUnix,
    SizeFirst,
    As400,
    WfFtp,
    MvsDataset,
    MvsMember,
    MvsLoadModule,
    Os9,
    ZVm,
    HpNonStop,
    MvsBareMember,
}

const AUTO: &[Family] = &[
    Family::Mlsd,
    Family::Unix,
    Family::Dos,
    Family::Eplf,
    Family::Vms,
    Family::NumericUnix,
    Family::SizeFirst,
    Family::As400,
    Family::WfFtp,
    Family::MvsDataset,
    Family::MvsMember,
    Family::MvsLoadModule,
    Family::Os9,
    // Tried last: their shapes are strict enough to take no line another family reads.
    Family::ZVm,
    Family::HpNonStop,
];

/// The shapes a server type setting tries before the automatic ones.
fn preferred(server_type: ServerType) -> &'static [Family] {
    match server_type {
        ServerType::Auto => &[],
        ServerType::Unix | ServerType::Cygwin => &[Family::Unix],
        ServerType::Dos | ServerType::DosFwdSlashes | ServerType::DosVirtual => &[Family::Dos],
        ServerType::Vms => &[Family::Vms],
        ServerType::Mvs => &[
            Family::MvsDataset,
            Family::MvsMember,
            Family::MvsLoadModule,
            Family::MvsBareMember,
        ],
        ServerType::VxWorks => &[Family::SizeFirst],
        ServerType::ZVm => &[Family::ZVm],
        ServerType::HpNonStop => &[Family::HpNonStop],
    }
}

impl Family {
    /// Whether the shape's times are UTC by definition (not shifted by the site's offset).
    fn is_utc(self) -> bool {
        matches!(self, Family::Mlsd | Family::Eplf | Family::NumericUnix)
    }
}

/// What one line turned out to be.
pub(super) enum Parsed {
    /// Not an entry: empty, `total 12`, a `.`/`..` MLSD fact line, a column header.
    Skip,
    Entry(Entry, Family),
}

fn try_family(f: Family, raw: &str, tokens: &[Token<'_>], now: NaiveDateTime) -> Option<Parsed> {
    let entry = match f {
        Family::Mlsd => {
            return mlsd::parse_in_list(raw)
                .map(|e| e.map_or(Parsed::Skip, |e| Parsed::Entry(e, f)));
        }
        Family::Unix => unix::parse(raw, tokens, now),
        Family::Dos => dos::parse(raw, tokens),
        Family::Eplf => eplf::parse(raw),
        Family::Vms => vms::parse(raw, tokens),
        Family::NumericUnix => other::parse_numeric_unix(raw, tokens),
        Family::SizeFirst => other::parse_size_first(raw, tokens),
        Family::As400 => other::parse_as400(raw, tokens),
        Family::WfFtp => other::parse_wfftp(raw, tokens),
        Family::MvsDataset => mvs::parse_dataset(raw, tokens),
        Family::MvsMember => mvs::parse_member(raw, tokens),
        Family::MvsLoadModule => mvs::parse_load_module(raw, tokens),
        Family::Os9 => other::parse_os9(raw, tokens),
        Family::ZVm => other::parse_zvm(raw, tokens),
        Family::HpNonStop => other::parse_hp_nonstop(raw, tokens),
        Family::MvsBareMember => mvs::parse_bare_member(raw, tokens),
    }?;
    Some(Parsed::Entry(entry, f))
}

/// Parses one line (without its line ending): the preferred shapes first, then auto
/// detection; a line nothing reads comes back as an [`EntryKind::Unknown`] entry.
pub(super) fn parse_line(raw: &str, preferred: &[Family], now: NaiveDateTime) -> Parsed {
    let tokens = tokenize(raw);
    match tokens.as_slice() {
        [] => return Parsed::Skip,
        [first, second]
            if is_total_word(first.text)
                && second.text.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            return Parsed::Skip;
        }
        _ if is_vms_summary(&tokens) || mvs::header(&tokens).is_some() => return Parsed::Skip,
        _ => {}
    }
    preferred
        .iter()
        .chain(AUTO)
        .find_map(|&f| try_family(f, raw, &tokens, now))
        .unwrap_or_else(|| Parsed::Entry(Entry::unknown(raw), Family::Unix))
}

/// The word `ls -l` puts before the block count, in the languages of its translations.
pub(super) fn is_total_word(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "total",
        "insgesamt",
        "итого",
        "合計",
        "合计",
        "总用量",
        "總用量",
        "합계",
        "razem",
        "összesen",
        "totaal",
        "totalt",
        "yhteensä",
        "celkem",
        "toplam",
        "всього",
        "sammanlagt",
    ];
    let word = word.trim_end_matches(':');
    WORDS
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word) || *w == word.to_lowercase())
}

/// VMS's `Directory DISK$USER:[NAME]` header and `Total of 3 files, 12/36 blocks.` trailer.
fn is_vms_summary(tokens: &[Token<'_>]) -> bool {
    match tokens {
        [dir, path] => dir.text == "Directory" && path.text.ends_with(']'),
        [total, of, count, ..] => {
            total.text == "Total"
                && of.text == "of"
                && count.text.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// A LIST parser for one listing: feed it every line with [`ListParser::push`], then call
/// [`ListParser::finish`]. It never drops a line: each comes back as an entry (Unknown with
/// the raw text when nothing reads it), except empty lines, `total` lines, column headers and
/// `.`/`..` fact lines.
#[derive(Debug)]
pub struct ListParser {
    server_type: ServerType,
    now: NaiveDateTime,
    tz_offset: TimeDelta,
    /// The first half of a VMS entry split over two lines.
    pending: Option<String>,
    /// VMS names given so far, so a second version of a file keeps its `;version`.
    vms_names: HashSet<String>,
    /// A member-list header was seen: bare names are PDS members.
    members: bool,
}

impl ListParser {
    /// `now` is the current UTC time (for dates sent without a year).
    pub fn new(server_type: ServerType, now: NaiveDateTime) -> Self {
        ListParser {
            server_type,
            now,
            tz_offset: TimeDelta::zero(),
            pending: None,
            vms_names: HashSet::new(),
            members: false,
        }
    }

    /// The site's timezone offset in minutes, added to LIST times (the server's local time).
    /// Times that are UTC by definition (MLSD facts, EPLF and epoch times) and dates without
    /// a time of day are left alone.
    pub fn with_timezone_offset(mut self, minutes: i32) -> Self {
        self.tz_offset = TimeDelta::minutes(i64::from(minutes));
        self
    }

    /// One line of the listing (a line ending is ignored); returns the entries it completes.
    pub fn push(&mut self, line: &str) -> Vec<Entry> {
        let raw = strip_eol(line);
        let mut out = Vec::new();
        if let Some(first) = self.pending.take() {
            let joined = format!("{first} {}", raw.trim_start());
            let tokens = tokenize(&joined);
            match vms::parse(&joined, &tokens) {
                Some(entry) => {
                    self.emit(entry, Family::Vms, &mut out);
                    return out;
                }
                None => out.push(Entry::unknown(&first)),
            }
        }
        let tokens = tokenize(raw);
        if let Some(header) = mvs::header(&tokens) {
            self.members = header == mvs::Header::Members;
        }
        if vms::is_lone_name(&tokens) && self.server_type != ServerType::Mvs && !self.members {
            self.pending = Some(raw.to_string());
            return out;
        }
        let mut preferred = preferred(self.server_type);
        if self.members {
            preferred = &[
                Family::MvsMember,
                Family::MvsLoadModule,
                Family::MvsBareMember,
            ];
        }
        if let Parsed::Entry(entry, family) = parse_line(raw, preferred, self.now) {
            self.emit(entry, family, &mut out);
        }
        out
    }

    /// End of the listing: a dangling first half comes back as an Unknown entry.
    pub fn finish(&mut self) -> Vec<Entry> {
        self.pending
            .take()
            .map(|p| Entry::unknown(&p))
            .into_iter()
            .collect()
    }

    fn emit(&mut self, mut entry: Entry, family: Family, out: &mut Vec<Entry>) {
        if !family.is_utc()
            && let Some(t) = entry.modified.as_mut()
            && t.precision != TimePrecision::Day
        {
            t.time = t.time.checked_add_signed(self.tz_offset).unwrap_or(t.time);
        }
        if family == Family::Vms
            && entry.kind != EntryKind::Unknown
            && !self.vms_names.insert(entry.name.clone())
            && let Some(versioned) = vms::versioned(&entry.raw, &entry.name)
        {
            entry.name = versioned;
        }
        out.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::{ListParser, ServerType};
    use crate::engine::ftp::listing::test_support::now;

    fn names_and_times(parser: &mut ListParser, lines: &[&str]) -> Vec<(String, String)> {
        let mut entries: Vec<_> = lines.iter().flat_map(|l| parser.push(l)).collect();
        entries.extend(parser.finish());
        let time = |e: &super::Entry| e.modified.map_or("-".into(), |t| t.time.to_string());
        entries.iter().map(|e| (e.name.clone(), time(e))).collect()
    }

    #[test]
    fn timezone_offset_shifts_list_times_only() {
        let mut parser = ListParser::new(ServerType::Auto, now()).with_timezone_offset(-90);
        let got = names_and_times(
            &mut parser,
            &[
                "-rw-r--r-- 1 u g 1 Jan 02 2020 day-only",
                "-rw-r--r-- 1 u g 1 Nov 21 00:30 local",
                "type=file;modify=20200102030405; utc",
                "+i1.2,m1100000000,r,\tepoch",
            ],
        );
        let want = [
            ("day-only", "2020-01-02 00:00:00"),
            ("local", "2026-11-20 23:00:00"),
            ("utc", "2020-01-02 03:04:05"),
            ("epoch", "2004-11-09 11:33:20"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn vms_versions_and_split_entries() {
        let mut parser = ListParser::new(ServerType::Vms, now());
        let got = names_and_times(
            &mut parser,
            &[
                "Directory DISK$USER:[ME]",
                "",
                "DATA.TXT;2  1  2-JAN-2003 10:00",
                "DATA.TXT;1  1  1-JAN-2003 10:00",
                "SPLIT_ACROSS_TWO_LINES.TXT;1",
                "  3/6  3-JAN-2003 10:00:00  [ME]  (RWED,RWED,,)",
                "DANGLING.TXT;1",
                "Total of 4 files, 5/10 blocks.",
                "LAST.TXT;1",
            ],
        );
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "DATA.TXT",
                "DATA.TXT;1",
                "SPLIT_ACROSS_TWO_LINES.TXT",
                "DANGLING.TXT;1",
                "LAST.TXT;1"
            ]
        );
    }
}
