//! Owns the helpers shared by the listing formats: the whitespace tokenizer (tokens keep their
//! byte spans), digit-only number parsing, and clock-time parsing into [`RemoteTime`].

use chrono::NaiveDate;

use super::{RemoteTime, TimePrecision};

/// A whitespace-separated word of a line, with its byte span so names keep their spaces.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn strip_eol(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

pub(super) fn tokenize(line: &str) -> Vec<Token<'_>> {
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
pub(super) fn parse_num(s: &str, max_len: usize) -> Option<u32> {
    let ok = !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

pub(super) fn parse_u64(s: &str) -> Option<u64> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

/// Hour, minute and (when the server sent them) seconds.
pub(super) type Hms = (u32, u32, Option<u32>);

/// `H:MM`, `HH:MM:SS` or `HH:MM:SS.fraction` (the fraction is ignored). `24:00` (the
/// alternative midnight some servers send) is accepted; [`remote_time`] rolls it over.
pub(super) fn parse_hms(text: &str) -> Option<Hms> {
    let mut parts = text.split(':');
    let hour = parse_num(parts.next()?, 2).filter(|h| *h <= 24)?;
    let minute = parse_num(parts.next()?, 2).filter(|m| *m < 60 && (hour < 24 || *m == 0))?;
    let second = match parts.next() {
        None => None,
        Some(s) => {
            let whole = s.split_once('.').map_or(s, |(w, _)| w);
            Some(parse_num(whole, 2).filter(|s| *s < 60)?)
        }
    };
    parts.next().is_none().then_some((hour, minute, second))
}

pub(super) fn remote_time(
    date: Option<NaiveDate>,
    hms: (u32, u32, u32),
    p: TimePrecision,
) -> Option<RemoteTime> {
    let time = if hms.0 == 24 {
        date?.succ_opt()?.and_hms_opt(0, 0, hms.2)?
    } else {
        date?.and_hms_opt(hms.0, hms.1, hms.2)?
    };
    Some(RemoteTime { time, precision: p })
}

pub(super) fn second_precision(seconds: Option<u32>) -> TimePrecision {
    if seconds.is_some() {
        TimePrecision::Second
    } else {
        TimePrecision::Minute
    }
}

/// A size column: plain digits, or a number with a unit suffix as some servers send it
/// (`33.5k`, `2M`, `1.2G`, `512B`; units are powers of 1024). A plain number is multiplied by
/// `block` (VMS sizes count 512-byte blocks).
pub(super) fn parse_size(text: &str, block: u64) -> Option<u64> {
    if let Some(n) = parse_u64(text) {
        return n.checked_mul(block);
    }
    let body = text.strip_suffix(['B', 'b']).unwrap_or(text);
    let (number, unit) = match body.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&body[..i], c.to_ascii_lowercase()),
        _ => (body, 'b'),
    };
    let shift = match unit {
        'b' => 0,
        'k' => 10,
        'm' => 20,
        'g' => 30,
        't' => 40,
        _ => return None,
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let whole = parse_u64(whole)?;
    if !frac.is_empty() && parse_u64(frac).is_none() || frac.len() > 6 {
        return None;
    }
    let scale = 10u64.pow(frac.len() as u32);
    let frac = if frac.is_empty() { 0 } else { parse_u64(frac)? };
    let total = whole.checked_mul(scale)?.checked_add(frac)?;
    ((u128::from(total) << shift) / u128::from(scale))
        .try_into()
        .ok()
}

/// Digits only.
pub(super) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The rest of the line from token `i` on (None when there is no such token).
pub(super) fn rest_from<'a>(raw: &'a str, tokens: &[Token<'_>], i: usize) -> Option<&'a str> {
    raw.get(tokens.get(i)?.start..)
}

/// Seconds since 1970 as a UTC time.
pub(super) fn epoch_time(text: &str) -> Option<RemoteTime> {
    let secs = i64::try_from(parse_u64(text)?).ok()?;
    let time = chrono::DateTime::from_timestamp(secs, 0)?.naive_utc();
    Some(RemoteTime {
        time,
        precision: TimePrecision::Second,
    })
}
