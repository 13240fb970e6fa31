//! Owns the dates of LIST lines: month names in many languages (with and without trailing dots
//! and commas, and the CJK month marks), single-token numeric dates (`2003-10-14`, `14.10.2003`,
//! `01-jun-99`, `2003年10月14日`), the multi-token shapes unix-like listings use (BSD `ls -lT`
//! too), and year inference for dates sent without a year.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use super::tokens::{Hms, Token, is_digits, parse_hms, parse_num, remote_time, second_precision};
use super::{RemoteTime, TimePrecision};

/// Month names and abbreviations, lower case: English, German (and Austrian), French, Spanish,
/// Italian, Dutch, Portuguese, Swedish/Danish/Norwegian, Hungarian, Polish, Czech, Finnish,
/// Turkish, Lithuanian, Russian (nominative and genitive).
#[rustfmt::skip]
const MONTHS: &[(&str, u32)] = &[
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6), ("jul", 7),
    ("aug", 8), ("sep", 9), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("june", 6), ("july", 7),
    ("august", 8), ("september", 9), ("october", 10), ("november", 11), ("december", 12),
    ("januar", 1), ("jänner", 1), ("jän", 1), ("februar", 2), ("feber", 2), ("märz", 3),
    ("mär", 3), ("mrz", 3), ("mai", 5), ("juni", 6), ("juli", 7), ("okt", 10), ("oktober", 10),
    ("dez", 12), ("dezember", 12),
    ("janv", 1), ("janvier", 1), ("fév", 2), ("févr", 2), ("fev", 2), ("fevr", 2),
    ("février", 2), ("mars", 3), ("mrs", 3), ("avr", 4), ("avril", 4), ("juin", 6),
    ("juil", 7), ("juillet", 7), ("août", 8), ("aoû", 8), ("aout", 8), ("septembre", 9),
    ("octobre", 10), ("novembre", 11), ("déc", 12), ("décembre", 12),
    ("ene", 1), ("enero", 1), ("febrero", 2), ("marzo", 3), ("abr", 4), ("abril", 4),
    ("mayo", 5), ("junio", 6), ("julio", 7), ("ago", 8), ("agosto", 8), ("septiembre", 9),
    ("setiembre", 9), ("octubre", 10), ("noviembre", 11), ("dic", 12), ("diciembre", 12),
    ("gen", 1), ("gennaio", 1), ("febbraio", 2), ("aprile", 4), ("mag", 5), ("maggio", 5),
    ("giu", 6), ("giugno", 6), ("lug", 7), ("luglio", 7), ("set", 9), ("settembre", 9),
    ("ott", 10), ("ottobre", 10), ("dicembre", 12),
    ("januari", 1), ("februari", 2), ("maart", 3), ("mrt", 3), ("mei", 5), ("augustus", 8),
    ("janeiro", 1), ("fevereiro", 2), ("março", 3), ("maio", 5), ("junho", 6), ("julho", 7),
    ("setembro", 9), ("out", 10), ("outubro", 10), ("novembro", 11), ("dezembro", 12),
    ("maj", 5), ("augusti", 8), ("des", 12),
    ("január", 1), ("febr", 2), ("február", 2), ("márc", 3), ("március", 3), ("ápr", 4),
    ("április", 4), ("máj", 5), ("május", 5), ("jún", 6), ("június", 6), ("júl", 7),
    ("július", 7), ("szept", 9), ("szeptember", 9), ("október", 10),
    ("sty", 1), ("lut", 2), ("kwi", 4), ("cze", 6), ("lip", 7), ("sie", 8), ("wrz", 9),
    ("paź", 10), ("paz", 10), ("lis", 11), ("gru", 12), ("styczeń", 1), ("luty", 2),
    ("marzec", 3), ("kwiecień", 4), ("czerwiec", 6), ("lipiec", 7), ("sierpień", 8),
    ("wrzesień", 9), ("październik", 10), ("listopad", 11), ("grudzień", 12),
    ("led", 1), ("úno", 2), ("bře", 3), ("dub", 4), ("kvě", 5), ("čen", 6), ("čec", 7),
    ("srp", 8), ("zář", 9), ("říj", 10), ("pro", 12),
    ("tammi", 1), ("helmi", 2), ("maalis", 3), ("huhti", 4), ("touko", 5), ("kesä", 6),
    ("heinä", 7), ("elo", 8), ("syys", 9), ("loka", 10), ("marras", 11), ("joulu", 12),
    ("oca", 1), ("şub", 2), ("nis", 4), ("haz", 6), ("tem", 7), ("ağu", 8), ("eyl", 9),
    ("eki", 10), ("kas", 11), ("ara", 12),
    ("sau", 1), ("vas", 2), ("kov", 3), ("bal", 4), ("geg", 5), ("bir", 6), ("lie", 7),
    ("rgp", 8), ("rgs", 9), ("spa", 10), ("lap", 11), ("grd", 12), ("avg", 8),
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("май", 5), ("мая", 5), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("сент", 9), ("окт", 10), ("ноя", 11), ("нояб", 11),
    ("дек", 12), ("января", 1), ("февраля", 2), ("марта", 3), ("апреля", 4), ("июня", 6),
    ("июля", 7), ("августа", 8), ("сентября", 9), ("октября", 10), ("ноября", 11),
    ("декабря", 12), ("январь", 1), ("февраль", 2), ("март", 3), ("апрель", 4), ("июнь", 6),
    ("июль", 7), ("август", 8), ("сентябрь", 9), ("октябрь", 10), ("ноябрь", 11),
    ("декабрь", 12),
];

/// CJK year/month/day marks.
const YEAR_MARKS: &[char] = &['年', '년'];
const MONTH_MARKS: &[char] = &['月', '월'];
const DAY_MARKS: &[char] = &['日', '일'];

/// A month name (any case, trailing `.`/`,` ignored) or a CJK month (`10月`, `10월`).
pub(super) fn month_number(text: &str) -> Option<u32> {
    let text = text.trim_end_matches(['.', ',']);
    if let Some(n) = text.strip_suffix(MONTH_MARKS) {
        return parse_num(n.trim(), 2).filter(|m| (1..=12).contains(m));
    }
    if text.chars().count() > 11 || text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == lower).map(|&(_, m)| m)
}

/// A day of month, allowing a trailing `.`, `,` or CJK day mark.
fn day_number(text: &str) -> Option<u32> {
    let text = text
        .trim_end_matches(['.', ','])
        .trim_end_matches(DAY_MARKS);
    parse_num(text, 2).filter(|d| (1..=31).contains(d))
}

/// A four-digit year, allowing a trailing `.`, `,` or CJK year mark.
fn year_number(text: &str) -> Option<i32> {
    let text = text
        .trim_end_matches(['.', ','])
        .trim_end_matches(YEAR_MARKS);
    (text.len() == 4)
        .then(|| parse_num(text, 4))
        .flatten()
        .map(|y| y as i32)
}

/// Two-digit years 50-99 are 19xx, others 20xx; three-digit years (`103`) count from 1900.
pub(super) fn full_year(y: u32, digits: usize) -> Option<i32> {
    let y = y as i32;
    match digits {
        1 | 2 if y < 50 => Some(2000 + y),
        1 | 2 => Some(1900 + y),
        3 => Some(1900 + y),
        4 => Some(y),
        _ => None,
    }
}

/// A date in one token: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `DD.MM.YYYY`, `DD-MM-YYYY`,
/// `MM-DD-YY[YY]`, `MM/DD/YY[YY]`, `DD-mon-YY[YY]`, `mon-DD-YY`, and the CJK
/// `2003年10月14日`. With `year_first`, two-digit leading fields are years (`YY/MM/DD`).
pub(super) fn short_date(text: &str, year_first: bool) -> Option<NaiveDate> {
    if let Some(date) = cjk_date(text) {
        return Some(date);
    }
    let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let mut parts = text.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.is_empty() || b.is_empty() || c.is_empty() {
        return None;
    }
    let (y, m, d) = if a.len() == 4 || (year_first && a.len() == 2) {
        let y = full_year(parse_num(a, 4)?, a.len())?;
        (y, month_field(b)?, parse_num(c, 2)?)
    } else if let Some(m) = month_number(a).filter(|_| !is_digits(a)) {
        (full_year(parse_num(c, 4)?, c.len())?, m, parse_num(b, 2)?)
    } else {
        let first = parse_num(a, 2)?;
        let y = full_year(parse_num(c, 4)?, c.len())?;
        match month_number(b).filter(|_| !is_digits(b)) {
            Some(m) => (y, m, first),
            None => {
                let second = parse_num(b, 2)?;
                let day_first = sep == '.' || first > 12;
                if day_first {
                    (y, second, first)
                } else {
                    (y, first, second)
                }
            }
        }
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_field(text: &str) -> Option<u32> {
    parse_num(text, 2).or_else(|| month_number(text))
}

/// `2003年10月14日` (or with 년/월/일).
fn cjk_date(text: &str) -> Option<NaiveDate> {
    let (y, rest) = text.split_once(YEAR_MARKS)?;
    let (m, rest) = rest.split_once(MONTH_MARKS)?;
    let d = rest.trim_end_matches(DAY_MARKS);
    NaiveDate::from_ymd_opt(parse_num(y, 4)? as i32, parse_num(m, 2)?, parse_num(d, 2)?)
}

/// The column after month and day: a clock time, or a year.
#[derive(Debug, Clone, Copy)]
enum Clock {
    Time(Hms),
    Year(i32),
}

fn clock_or_year(text: &str) -> Option<Clock> {
    year_number(text)
        .map(Clock::Year)
        .or_else(|| parse_hms(text).map(Clock::Time))
}

/// The date columns found in a line: token indices `first..next`, and the parsed time (None
/// when the columns look like a date but name an impossible one, like Feb 30).
pub(super) struct DateSpan {
    pub(super) first: usize,
    pub(super) next: usize,
    pub(super) time: Option<RemoteTime>,
}

/// Without a year, the most recent year putting the date no more than a day ahead of `now`
/// (looking back far enough to find a leap year for Feb 29).
fn resolve(month: u32, day: u32, hms: Hms, now: NaiveDateTime) -> Option<RemoteTime> {
    let limit = now.checked_add_signed(TimeDelta::days(1)).unwrap_or(now);
    let (h, m, s) = hms;
    (0..8)
        .filter_map(|back| {
            let date = NaiveDate::from_ymd_opt(now.year() - back, month, day);
            remote_time(date, (h, m, s.unwrap_or(0)), second_precision(s))
        })
        .find(|t| t.time <= limit)
}

/// Date plus an optional time at `tokens[i]`; the span ends after what was used.
fn dated(tokens: &[Token<'_>], first: usize, i: usize, date: Option<NaiveDate>) -> DateSpan {
    match tokens.get(i).and_then(|t| parse_hms(t.text)) {
        Some((h, m, s)) => DateSpan {
            first,
            next: if tokens.get(i + 1).is_some_and(|t| is_tz_offset(t.text)) {
                i + 2
            } else {
                i + 1
            },
            time: remote_time(date, (h, m, s.unwrap_or(0)), second_precision(s)),
        },
        None => DateSpan {
            first,
            next: i,
            time: remote_time(date, (0, 0, 0), TimePrecision::Day),
        },
    }
}

fn is_tz_offset(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 5 && (b[0] == b'+' || b[0] == b'-') && b[1..].iter().all(u8::is_ascii_digit)
}

/// Month, day and clock-or-year from token `i` on; when the day ended with a comma
/// (`Mon DD, YYYY HH:MM`) a time after the year is taken too, and a year after a time with
/// seconds (`ls -lT`).
fn month_day_clock(
    tokens: &[Token<'_>],
    first: usize,
    (month, day): (u32, u32),
    i: usize,
    now: NaiveDateTime,
) -> Option<DateSpan> {
    let comma = tokens.get(i - 1).is_some_and(|t| t.text.ends_with(','));
    match clock_or_year(tokens.get(i)?.text)? {
        Clock::Year(y) if comma => Some(dated(
            tokens,
            first,
            i + 1,
            NaiveDate::from_ymd_opt(y, month, day),
        )),
        Clock::Year(y) => Some(DateSpan {
            first,
            next: i + 1,
            time: remote_time(
                NaiveDate::from_ymd_opt(y, month, day),
                (0, 0, 0),
                TimePrecision::Day,
            ),
        }),
        // BSD `ls -lT`: `Mon DD HH:MM:SS YYYY`, the year after a time with seconds.
        Clock::Time((h, m, Some(s)))
            if let Some(y) = tokens.get(i + 1).and_then(|t| year_number(t.text)) =>
        {
            Some(DateSpan {
                first,
                next: i + 2,
                time: remote_time(
                    NaiveDate::from_ymd_opt(y, month, day),
                    (h, m, s),
                    TimePrecision::Second,
                ),
            })
        }
        Clock::Time(hms) => Some(DateSpan {
            first,
            next: i + 1,
            time: resolve(month, day, hms, now),
        }),
    }
}

/// The shapes that cannot be confused with a size column: a named (or CJK) month first, a
/// one-token date, `MM-DD` followed by a year or time, a marked year first (`2003.`, `2003年`).
fn strict_at(tokens: &[Token<'_>], i: usize, now: NaiveDateTime) -> Option<DateSpan> {
    let t = tokens.get(i)?.text;
    if let Some(month) = month_number(t).filter(|_| !is_digits(t)) {
        let day = day_number(tokens.get(i + 1)?.text)?;
        return month_day_clock(tokens, i, (month, day), i + 2, now);
    }
    if let Some(date) = short_date(t, false) {
        return Some(dated(tokens, i, i + 1, Some(date)));
    }
    if let Some((m, d)) = t.split_once(['-', '/']) {
        let month = parse_num(m, 2).filter(|m| (1..=12).contains(m))?;
        let day = day_number(d)?;
        return month_day_clock(tokens, i, (month, day), i + 1, now);
    }
    let marked = t.ends_with('.') || t.ends_with(YEAR_MARKS);
    let year = year_number(t).filter(|_| marked)?;
    let month = month_field(tokens.get(i + 1)?.text.trim_end_matches(['.', ',']))?;
    let day = day_number(tokens.get(i + 2)?.text)?;
    Some(dated(
        tokens,
        i,
        i + 3,
        NaiveDate::from_ymd_opt(year, month, day),
    ))
}

/// The shapes that could swallow a size column: an unmarked year first (`2003 Oct 12`,
/// `2005 3 13`), day before month (`2. Okt. 2003`, `26. Juli, 20:10`, `21 Nov 12:30`) and
/// numeric month and day (`3 29 03:26`).
fn loose_at(tokens: &[Token<'_>], i: usize, now: NaiveDateTime) -> Option<DateSpan> {
    let t = tokens.get(i)?.text;
    let next = tokens.get(i + 1)?.text;
    if let Some(year) = year_number(t).filter(|y| (1900..2100).contains(y)) {
        let month = month_field(next.trim_end_matches(['.', ',']))?;
        let day = day_number(tokens.get(i + 2)?.text)?;
        let date = NaiveDate::from_ymd_opt(year, month, day);
        return Some(DateSpan {
            first: i,
            next: i + 3,
            time: remote_time(date, (0, 0, 0), TimePrecision::Day),
        });
    }
    if let Some(month) = month_number(next).filter(|_| !is_digits(next)) {
        let day = day_number(t)?;
        return month_day_clock(tokens, i, (month, day), i + 2, now);
    }
    let month = parse_num(t, 2).filter(|m| (1..=12).contains(m))?;
    let day = parse_num(next, 2).filter(|d| (1..=31).contains(d))?;
    month_day_clock(tokens, i, (month, day), i + 2, now)
}

/// Locates the date columns of a unix-like line instead of counting fields, so missing
/// link-count or group columns do not matter. The leftmost match wins (names may contain
/// dates); scanning starts two tokens after `from` so an owner called "jan" is not taken for a
/// month. The loose shapes are only tried when no strict one matched.
pub(super) fn find_date(tokens: &[Token<'_>], from: usize, now: NaiveDateTime) -> Option<DateSpan> {
    let n = tokens.len();
    let order = || (from + 2..n).chain(from..n.min(from + 2));
    order()
        .find_map(|i| strict_at(tokens, i, now))
        .or_else(|| order().find_map(|i| loose_at(tokens, i, now)))
}
