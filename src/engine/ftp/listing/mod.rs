//! Owns parsing of FTP directory listings (LIST in every shape FileZilla reads, and RFC 3659
//! MLSD) into plain [`Entry`] values, plus [`LineSplitter`], a memory-bounded line splitter for
//! listing data arriving in chunks. Nothing here panics on any input and no line is dropped:
//! a line no format recognises comes back as an [`EntryKind::Unknown`] entry.
//!
//! Layout: the public types and entry points live here; [`ListParser`] and [`ServerType`] (the
//! per-line choice of shape) in `parser`; each listing family has its own submodule (`unix`
//! with NetWare and Connect:Enterprise, `dos`, `vms`, `mvs`, `eplf`, `mlsd`, and `other` for
//! AS/400, OS/2, VShell, VxWorks, wfFtp, OS-9, z/VM, HP NonStop), sharing the tokenizer and
//! number helpers of `tokens` and the date forms of `dates`; `splitter` holds [`LineSplitter`].
//!
//! Names, as decided (FileZilla's choices where it has one):
//! - Unix: the name starts one space after the date (so leading spaces survive; NetWare pads
//!   there, so it starts at the next word); inner and trailing spaces are kept; a link's
//!   ` -> target` goes to `link_target`; one `ls -F` marker (`/`, `*`, `|`) is dropped.
//! - VMS: `^` escapes are removed and `;version` dropped (`NAME.EXT`); `.DIR` entries are
//!   folders named without `.DIR`. [`ListParser`] keeps the version on a later entry whose
//!   name would collide with an earlier one (VMS lists the newest version first, which gets
//!   the plain name). Sizes count 512-byte blocks (`used/allocated`: the used ones).
//! - AS/400, VShell, OS/2: a trailing `/` (or `\`) marks a folder and is dropped; AS/400 names
//!   are otherwise kept whole (`FILE.FILE/MBR.MBR`).
//! - MVS: dataset names are kept as sent, `PO` datasets are folders, sizes are unknown (the
//!   listing gives tracks, not bytes); member sizes are the listing's (records, or load
//!   module bytes).

#[cfg(test)]
mod corpus_other;
#[cfg(test)]
mod corpus_unix;
mod dates;
mod dos;
mod eplf;
#[cfg(test)]
mod fuzz;
mod mlsd;
mod mvs;
mod other;
mod parser;
mod splitter;
#[cfg(test)]
mod test_support;
mod tokens;
mod unix;
mod vms;

#[cfg(test)]
use crate::api::ServerType;
pub use parser::ListParser;
pub use splitter::LineSplitter;

#[cfg(test)]
use chrono::NaiveDateTime;

pub use crate::api::{Entry, EntryKind, RemoteTime, TimePrecision};

#[cfg(test)]
use parser::Parsed;

/// Parse one line of a LIST reply. `now` is the current UTC time, used for unix dates without a
/// year: such a date lying more than one day in the future is taken to be from an earlier year.
/// Returns None only for lines that are not entries at all: empty lines, the "total 1234"
/// header (also in `ls`'s translations: `insgesamt 12`, `итого 8`...), column headers (VMS, MVS) and MLSD-style `.`/`..` lines. `.` and `..` lines are returned like any other entry.
/// Every shape is tried ([`ServerType::Auto`]); a VMS entry split over two lines and bare MVS
/// member names need [`ListParser`], which also applies a site's timezone offset.
#[cfg(test)]
pub fn parse_list_line(line: &str, now: NaiveDateTime) -> Option<Entry> {
    match parser::parse_line(tokens::strip_eol(line), &[], now) {
        Parsed::Skip => None,
        Parsed::Entry(entry, _) => Some(entry),
    }
}

/// Parse one line of an MLSD reply (`fact=value;fact=value; name`). Returns None for empty lines
/// and for the `.`/`..` (type=cdir/pdir) entries; an unparseable line yields an Unknown entry.
/// An entry without a `type` fact has kind [`EntryKind::Unknown`].
pub fn parse_mlsd_line(line: &str) -> Option<Entry> {
    mlsd::parse(line)
}

#[cfg(test)]
mod tests {
    use super::test_support::{check_list, now};
    use super::*;

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
    fn non_entries_are_none() {
        for line in [
            "",
            " \t",
            "\r\n",
            "total 42",
            "TOTAL 0",
            "insgesamt 12",
            "итого 8",
            "合計 16",
            "总用量 4",
            "total 1,5M",
        ] {
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
        let mut splitter = LineSplitter::new(
            32,
            crate::engine::ftp::charset::Codec::new(&crate::api::Charset::Utf8),
        );
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
