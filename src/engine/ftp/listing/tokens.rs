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

/// `H:MM`, `HH:MM:SS` or `HH:MM:SS.fraction` (the fraction is ignored).
pub(super) fn parse_hms(text: &str) -> Option<Hms> {
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

pub(super) fn remote_time(
    date: Option<NaiveDate>,
    hms: (u32, u32, u32),
    p: TimePrecision,
) -> Option<RemoteTime> {
    let time = date?.and_hms_opt(hms.0, hms.1, hms.2)?;
    Some(RemoteTime { time, precision: p })
}

pub(super) fn second_precision(seconds: Option<u32>) -> TimePrecision {
    if seconds.is_some() {
        TimePrecision::Second
    } else {
        TimePrecision::Minute
    }
}
