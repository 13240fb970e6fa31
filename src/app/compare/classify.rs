//! The comparison itself, pure: each entry of the two folders gets a [`Class`] (only on this
//! side, newer, older, different, identical) by name, in one pass over a map of the other side,
//! so 100,000 entries take milliseconds, computed once per listing and never per frame. Times
//! are compared at the coarser precision of the two (a day-precision time is never "newer" by
//! minutes), and only when they differ by more than the threshold.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::api::{Entry, EntryKind, RemoteTime, TimePrecision};

/// What comparison says about one entry, seen from its own side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// The same name on the other side, and nothing the chosen mode sees differs.
    Identical,
    /// No entry of that name on the other side.
    OnlyHere,
    /// Modified later than the other side's (beyond the threshold).
    Newer,
    /// Modified earlier than the other side's.
    Older,
    /// A different size, or a file on one side and a folder on the other.
    Different,
}

/// What is compared (FileZilla's "compare file size" / "compare modification time").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompareMode {
    Size,
    Time,
    #[default]
    SizeAndTime,
}

impl CompareMode {
    pub const ALL: [CompareMode; 3] = [
        CompareMode::Size,
        CompareMode::Time,
        CompareMode::SizeAndTime,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CompareMode::Size => "Size",
            CompareMode::Time => "Modification time",
            CompareMode::SizeAndTime => "Size and time",
        }
    }
}

/// How to compare, and whether identical entries are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareOptions {
    pub mode: CompareMode,
    /// Times closer than this are the same (FileZilla's default: 1 minute).
    pub threshold_minutes: u32,
    pub hide_identical: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            mode: CompareMode::default(),
            threshold_minutes: 1,
            hide_identical: false,
        }
    }
}

/// Each side's classes, by entry index (the order of the panes' `entries()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    pub local: Vec<Class>,
    pub remote: Vec<Class>,
}

/// A modification time in UTC with what the server (or disk) told of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub utc: NaiveDateTime,
    pub precision: TimePrecision,
}

impl Stamp {
    /// A remote time as listed (taken as UTC: MLSD's is; LIST times are already shifted by the
    /// site's timezone offset).
    pub fn remote(time: RemoteTime) -> Stamp {
        Stamp {
            utc: time.time,
            precision: time.precision,
        }
    }
}

fn rank(precision: TimePrecision) -> u8 {
    match precision {
        TimePrecision::Day => 0,
        TimePrecision::Minute => 1,
        TimePrecision::Second => 2,
    }
}

/// Which of two times is later, at the coarser precision of the two and beyond the threshold;
/// `Equal` when that cannot be told.
pub fn newer(a: Stamp, b: Stamp, threshold_minutes: u32) -> Ordering {
    let coarser = if rank(a.precision) <= rank(b.precision) {
        a.precision
    } else {
        b.precision
    };
    let threshold = i64::from(threshold_minutes);
    match coarser {
        TimePrecision::Day => a.utc.date().cmp(&b.utc.date()),
        TimePrecision::Minute => {
            let minutes = |t: NaiveDateTime| t.and_utc().timestamp().div_euclid(60);
            let diff = minutes(a.utc) - minutes(b.utc);
            beyond(diff, threshold)
        }
        TimePrecision::Second => {
            let diff = (a.utc - b.utc).num_seconds();
            beyond(diff, threshold * 60)
        }
    }
}

fn beyond(diff: i64, threshold: i64) -> Ordering {
    if diff.abs() > threshold {
        diff.cmp(&0)
    } else {
        Ordering::Equal
    }
}

/// One entry against its namesake on the other side, from the first one's side.
fn classify(
    here: &Entry,
    here_time: Option<Stamp>,
    there: &Entry,
    there_time: Option<Stamp>,
    options: &CompareOptions,
) -> Class {
    let here_dir = here.kind == EntryKind::Dir;
    if here_dir != (there.kind == EntryKind::Dir) {
        return Class::Different;
    }
    if here_dir {
        return Class::Identical;
    }
    let sizes = matches!(options.mode, CompareMode::Size | CompareMode::SizeAndTime);
    if sizes
        && let (Some(a), Some(b)) = (here.size, there.size)
        && a != b
    {
        return Class::Different;
    }
    let times = matches!(options.mode, CompareMode::Time | CompareMode::SizeAndTime);
    if times && let (Some(a), Some(b)) = (here_time, there_time) {
        match newer(a, b, options.threshold_minutes) {
            Ordering::Greater => return Class::Newer,
            Ordering::Less => return Class::Older,
            Ordering::Equal => {}
        }
    }
    Class::Identical
}

/// Compares two listings; `local_time` turns a local entry's time into a [`Stamp`] (the app
/// converts the local clock to UTC).
pub fn compare(
    local: &[Entry],
    remote: &[Entry],
    options: &CompareOptions,
    local_time: impl Fn(RemoteTime) -> Stamp,
) -> Compared {
    let local_stamps: Vec<Option<Stamp>> =
        local.iter().map(|e| e.modified.map(&local_time)).collect();
    let by_name: HashMap<&str, usize> = remote
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.as_str(), i))
        .collect();
    let mut remote_classes = vec![Class::OnlyHere; remote.len()];
    let local_classes = local
        .iter()
        .zip(&local_stamps)
        .map(|(entry, &stamp)| {
            let Some(&j) = by_name.get(entry.name.as_str()) else {
                return Class::OnlyHere;
            };
            let there = &remote[j];
            let there_time = there.modified.map(Stamp::remote);
            remote_classes[j] = classify(there, there_time, entry, stamp, options);
            classify(entry, stamp, there, there_time, options)
        })
        .collect();
    Compared {
        local: local_classes,
        remote: remote_classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str, precision: TimePrecision) -> RemoteTime {
        RemoteTime {
            time: NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap(),
            precision,
        }
    }

    fn file(name: &str, size: u64, modified: Option<RemoteTime>) -> Entry {
        Entry {
            size: Some(size),
            modified,
            ..Entry::new(name, EntryKind::File, name)
        }
    }

    fn run(local: &[Entry], remote: &[Entry], options: CompareOptions) -> Compared {
        compare(local, remote, &options, Stamp::remote)
    }

    const SECOND: TimePrecision = TimePrecision::Second;

    #[test]
    fn each_class_by_size_and_time() {
        let t = |s: &str| Some(time(s, SECOND));
        let local = [
            file("same.txt", 5, t("2026-06-01 10:00:00")),
            file("bigger.txt", 9, t("2026-06-01 10:00:00")),
            file("newer.txt", 5, t("2026-06-02 10:00:00")),
            file("local-only.txt", 1, None),
            Entry::new("docs", EntryKind::Dir, "docs"),
            file("kind", 1, None),
        ];
        let remote = [
            file("newer.txt", 5, t("2026-06-01 10:00:00")),
            file("same.txt", 5, t("2026-06-01 10:00:30")),
            file("bigger.txt", 5, t("2026-06-01 10:00:00")),
            Entry::new("docs", EntryKind::Dir, "docs"),
            Entry::new("kind", EntryKind::Dir, "kind"),
            file("remote-only.txt", 1, None),
        ];
        let both = run(&local, &remote, CompareOptions::default());
        use Class::*;
        assert_eq!(
            both.local,
            [Identical, Different, Newer, OnlyHere, Identical, Different]
        );
        assert_eq!(
            both.remote,
            [Older, Identical, Different, Identical, Different, OnlyHere]
        );
        let sizes = CompareOptions {
            mode: CompareMode::Size,
            ..CompareOptions::default()
        };
        assert_eq!(run(&local, &remote, sizes).local[2], Identical);
        let times = CompareOptions {
            mode: CompareMode::Time,
            ..CompareOptions::default()
        };
        assert_eq!(run(&local, &remote, times).local[1], Identical);
        assert_eq!(run(&local, &remote, times).local[2], Newer);
    }

    #[test]
    fn the_threshold_and_the_coarser_precision_decide_newer() {
        let at = |s: &str, p| Stamp::remote(time(s, p));
        let a = at("2026-06-01 10:05:00", SECOND);
        let b = at("2026-06-01 10:00:00", SECOND);
        assert_eq!(newer(a, b, 1), Ordering::Greater);
        assert_eq!(newer(b, a, 1), Ordering::Less);
        assert_eq!(newer(a, b, 5), Ordering::Equal, "5 minutes is not beyond 5");
        assert_eq!(newer(a, b, 4), Ordering::Greater);
        // 40 seconds apart with second precision: within the 1-minute threshold.
        let c = at("2026-06-01 10:00:40", SECOND);
        assert_eq!(newer(c, b, 1), Ordering::Equal);
        assert_eq!(newer(c, b, 0), Ordering::Greater);
        // A day-precision time is never newer by minutes or hours, only by days.
        let day = at("2026-06-01 00:00:00", TimePrecision::Day);
        let evening = at("2026-06-01 23:59:00", TimePrecision::Minute);
        assert_eq!(newer(evening, day, 0), Ordering::Equal);
        assert_eq!(newer(day, evening, 0), Ordering::Equal);
        let next_day = at("2026-06-02 00:01:00", TimePrecision::Minute);
        assert_eq!(newer(next_day, day, 0), Ordering::Greater);
        // Minute precision: seconds of the finer side do not count.
        let minute = at("2026-06-01 10:00:00", TimePrecision::Minute);
        let seconds = at("2026-06-01 10:00:59", SECOND);
        assert_eq!(newer(seconds, minute, 0), Ordering::Equal);
    }

    #[test]
    fn a_hundred_thousand_entries_compare_at_once() {
        let local: Vec<Entry> = (0..100_000)
            .map(|i| file(&format!("file{i}"), i, None))
            .collect();
        let remote: Vec<Entry> = (0..100_000)
            .map(|i| file(&format!("file{}", i + 50_000), i + 50_000, None))
            .collect();
        let started = std::time::Instant::now();
        let compared = run(&local, &remote, CompareOptions::default());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let only = |c: &[Class]| c.iter().filter(|c| **c == Class::OnlyHere).count();
        assert_eq!(
            (only(&compared.local), only(&compared.remote)),
            (50_000, 50_000)
        );
        assert_eq!(compared.local[60_000], Class::Identical);
    }
}
