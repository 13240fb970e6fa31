//! Owns the property tests of the LIST parsers: random lines, and corpus lines mutated at
//! random, never panic, never hang, and every line comes back as an entry (keeping its raw
//! text) unless it is one of the few non-entry lines; nothing grows beyond the input.

use proptest::prelude::*;

use super::corpus_unix::{UNIX, UNIX_DATES, UNIX_LOCALIZED, UNIX_SHAPES};
use super::test_support::{Case, now};
use super::{ListParser, ServerType, parse_list_line};

fn corpus_lines() -> Vec<&'static str> {
    let families: &[&[Case]] = &[UNIX, UNIX_DATES, UNIX_LOCALIZED, UNIX_SHAPES];
    let mut lines: Vec<&str> = families
        .iter()
        .flat_map(|f| f.iter().map(|c| c.0))
        .collect();
    lines.extend([
        "04-27-00  12:09PM       <DIR>          Some Folder",
        "+i8388621.44468,m839956783,r,s10376,\tRFC EPLF.TXT",
        "README.TXT;1   2/4  29-JAN-2003 03:26:00  [SYSTEM,ADMIN]  (RWED,RWED,RE,)",
        "LONG.DIR;1",
        "36611      A    04-23-103   10:57  OS2 first.file",
        "bootimage.exe       1014196  06/03/04  Thur.   10:20:03",
        "0.0      03/01/07 1408  d-ewrewr     4c   1024 SYS",
        "QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/",
        "WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PO  USER.SRC.PDS",
        "LOADMOD1  00000F00  000019        00 FO             RN RU            31    ANY",
        "MEMBER1   01.01 2003/01/21 2003/01/22 12:34    10    10     0 USER1",
        " Name     VV.MM   Created       Changed      Size  Init   Mod   Id",
        "24.12.2019  18:30         1.234.567 dotted size.zip",
        "PROFILE  EXEC     V         65         20          1 2003-01-29 03:26:00 OWNER1",
        "BIGFILE          180    1048576 02-Jan-09 08:00:00 OPS.ADMIN \"nunu\"",
    ]);
    lines
}

/// A corpus line with a few random edits: a span deleted, or a random string inserted.
fn mutated_line() -> impl Strategy<Value = String> {
    let lines = corpus_lines();
    let edits = prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, ".{0,4}"), 0..5);
    (prop::sample::select(lines), edits).prop_map(|(line, edits)| {
        let mut chars: Vec<char> = line.chars().collect();
        for (at, len, insert) in edits {
            let i = at.index(chars.len() + 1);
            let end = (i + len).min(chars.len());
            if len % 2 == 0 {
                chars.drain(i..end);
            } else {
                chars.splice(i..i, insert.chars());
            }
        }
        chars.into_iter().collect()
    })
}

/// What the parsers may answer with "no entry": blank lines, `total` (in any of its
/// languages), column headers, the VMS header and trailer, and MLSD-style `.`/`..` lines.
fn may_skip(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    first.is_empty()
        || super::parser::is_total_word(first)
        || ["Directory", "Volume", "Name"].contains(&first)
        || line.contains('=')
}

fn check_line(line: &str) -> Result<(), TestCaseError> {
    let stripped = line.trim_end_matches(['\r', '\n']);
    match parse_list_line(line, now()) {
        Some(entry) => {
            prop_assert_eq!(&entry.raw, stripped);
            prop_assert!(entry.name.len() <= stripped.len());
        }
        None => prop_assert!(may_skip(stripped), "dropped {:?}", line),
    }
    Ok(())
}

/// All lines of a listing through one [`ListParser`]: every line that is not skippable
/// is found in some entry's raw text, and no entry is larger than two input lines.
fn check_listing(server_type: ServerType, lines: &[String]) -> Result<(), TestCaseError> {
    let mut parser = ListParser::new(server_type, now()).with_timezone_offset(-90);
    let mut entries = Vec::new();
    for line in lines {
        entries.extend(parser.push(line));
    }
    entries.extend(parser.finish());
    let longest = lines.iter().map(String::len).max().unwrap_or(0);
    for line in lines {
        let wanted = line.trim_end_matches(['\r', '\n']).trim_start();
        let found = entries.iter().any(|e| e.raw.contains(wanted));
        prop_assert!(found || may_skip(wanted), "dropped {:?}", line);
    }
    for entry in &entries {
        prop_assert!(entry.raw.len() <= 2 * longest + 1);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_lines_give_an_entry_or_a_known_skip(line in "\\PC{0,120}") {
        check_line(&line)?;
    }

    #[test]
    fn mutated_corpus_lines_give_an_entry_or_a_known_skip(line in mutated_line()) {
        check_line(&line)?;
    }

    #[test]
    fn listings_through_list_parser_lose_no_line(
        lines in prop::collection::vec(prop_oneof![mutated_line(), "[ -~]{0,60}"], 1..12),
        server in prop::sample::select(&ServerType::ALL[..]),
    ) {
        check_listing(server, &lines)?;
    }
}
