//! The ranges of one segmented download and their record: which bytes each range still needs,
//! which connection works on which range ([`Ranges::claim`]; a connection with nothing left
//! to take splits the largest rest of another's range, so all finish together), and the
//! sidecar `NAME.part.segments` that records what each range has on disk.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::common::atomic_file::write_atomically;

/// A range is split for an idle connection only when both halves keep at least this much.
const MIN_STEAL: u64 = 4 << 20;
/// The sidecar is written at most this often.
const SAVE_EVERY: Duration = Duration::from_millis(250);

/// One range of the file: `start..end`, of which `done` bytes from `start` are on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    start: u64,
    end: u64,
    done: u64,
}

impl Range {
    fn left(&self) -> u64 {
        self.end - self.start - self.done
    }
}

/// `from..total` cut into `n` ranges of (nearly) equal size.
pub fn split(from: u64, total: u64, n: usize) -> Vec<Range> {
    let n = n.max(1) as u64;
    let len = total.saturating_sub(from);
    (0..n)
        .map(|i| Range {
            start: from + len * i / n,
            end: from + len * (i + 1) / n,
            done: 0,
        })
        .filter(|r| r.end > r.start)
        .collect()
}

/// Where the ranges of `part` are recorded: `NAME.part.segments`.
pub fn sidecar_path(part: &Path) -> PathBuf {
    let mut name = part.file_name().unwrap_or_default().to_os_string();
    name.push(".segments");
    part.with_file_name(name)
}

const SIDECAR_HEADER: &str = "ferry-segments 1";

fn encode(total: u64, ranges: &[Range]) -> String {
    let mut text = format!("{SIDECAR_HEADER}\ntotal {total}\n");
    for r in ranges {
        text.push_str(&format!("{} {} {}\n", r.start, r.end, r.done));
    }
    text
}

/// The total and the ranges a sidecar records; `None` for anything malformed.
pub fn decode(text: &str) -> Option<(u64, Vec<Range>)> {
    let mut lines = text.lines();
    if lines.next()? != SIDECAR_HEADER {
        return None;
    }
    let total = lines.next()?.strip_prefix("total ")?.parse().ok()?;
    let mut ranges = Vec::new();
    for line in lines {
        let mut numbers = line.split(' ').map(|n| n.parse::<u64>().ok());
        let (start, end, done) = (numbers.next()??, numbers.next()??, numbers.next()??);
        if numbers.next().is_some() || start > end || end > total || done > end - start {
            return None;
        }
        ranges.push(Range { start, end, done });
    }
    Some((total, ranges))
}

/// A range as the connections share it.
struct Slot {
    range: Range,
    taken: bool,
    /// How far its connection may have read (bytes asked for, not yet on disk included): a
    /// split never gives another connection bytes below this.
    reserved: u64,
}

/// The ranges of one download, shared by its connections, and their sidecar.
pub struct Ranges {
    total: u64,
    sidecar: PathBuf,
    slots: Mutex<Vec<Slot>>,
    saved: Mutex<Instant>,
}

impl Ranges {
    pub fn new(total: u64, sidecar: PathBuf, ranges: Vec<Range>) -> Ranges {
        let slots = ranges
            .into_iter()
            .map(|range| Slot {
                range,
                taken: false,
                reserved: range.start + range.done,
            })
            .collect();
        Ranges {
            total,
            sidecar,
            slots: Mutex::new(slots),
            saved: Mutex::new(Instant::now()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn sidecar(&self) -> &Path {
        &self.sidecar
    }

    /// Ranges with bytes still to come, and the bytes on disk.
    pub fn summary(&self) -> (usize, u64) {
        let slots = self.lock();
        let left = slots.iter().filter(|s| s.range.left() > 0).count();
        (left, slots.iter().map(|s| s.range.done).sum())
    }

    /// The next range for a connection: one nobody works on, else the second half of the
    /// largest rest of another's (which then ends where this one starts); `None` when nothing
    /// is worth taking.
    pub fn claim(&self) -> Option<usize> {
        let mut slots = self.lock();
        if let Some(i) = slots.iter().position(|s| !s.taken && s.range.left() > 0) {
            slots[i].taken = true;
            return Some(i);
        }
        let (i, rest) = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.taken)
            .map(|(i, s)| (i, s.range.end.saturating_sub(s.reserved)))
            .max_by_key(|(_, rest)| *rest)?;
        if rest < 2 * MIN_STEAL {
            return None;
        }
        let at = slots[i].reserved + rest / 2;
        let end = std::mem::replace(&mut slots[i].range.end, at);
        slots.push(Slot {
            range: Range {
                start: at,
                end,
                done: 0,
            },
            taken: true,
            reserved: at,
        });
        Some(slots.len() - 1)
    }

    /// Range `i` as it is now.
    pub fn range(&self, i: usize) -> (u64, u64, u64) {
        let r = self.lock()[i].range;
        (r.start, r.end, r.done)
    }

    /// How many bytes from `at` the connection of range `i` may read now (at most `room`; 0
    /// once the range, maybe shortened by a split, is complete); reserved until read.
    pub fn reserve(&self, i: usize, at: u64, room: usize) -> usize {
        let mut slots = self.lock();
        let slot = &mut slots[i];
        let want = usize::try_from(slot.range.end.saturating_sub(at))
            .unwrap_or(usize::MAX)
            .min(room);
        slot.reserved = slot.reserved.max(at + want as u64);
        want
    }

    /// Range `i` has `done` bytes on disk; the sidecar follows now and then.
    pub fn mark(&self, i: usize, done: u64) {
        self.lock()[i].range.done = done;
        let mut saved = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        if saved.elapsed() >= SAVE_EVERY {
            *saved = Instant::now();
            let _ = self.save();
        }
    }

    pub fn save(&self) -> std::io::Result<()> {
        let ranges: Vec<Range> = self.lock().iter().map(|s| s.range).collect();
        write_atomically(&self.sidecar, encode(self.total, &ranges).as_bytes())
    }

    pub fn complete(&self) -> bool {
        self.lock().iter().all(|s| s.range.left() == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_rest_of_the_file_without_gaps() {
        let ranges = split(10, 1_000_003, 4);
        assert_eq!(ranges.len(), 4);
        assert_eq!(ranges[0].start, 10);
        assert_eq!(ranges[3].end, 1_000_003);
        assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
        assert!(split(5, 5, 4).is_empty());
    }

    #[test]
    fn the_sidecar_reads_back_and_refuses_anything_malformed() {
        let mut ranges = split(0, 1000, 3);
        ranges[1].done = 7;
        let text = encode(1000, &ranges);
        assert_eq!(decode(&text), Some((1000, ranges)));
        assert_eq!(decode("ferry-segments 1\ntotal 10\n0 20 0\n"), None);
        assert_eq!(decode("ferry-segments 1\ntotal 10\n0 5 6\n"), None);
        assert_eq!(decode("something else\n"), None);
        assert_eq!(
            sidecar_path(Path::new("/d/f.bin.part")),
            Path::new("/d/f.bin.part.segments")
        );
    }

    #[test]
    fn an_idle_connection_takes_the_second_half_of_the_largest_rest() {
        let total = 64 << 20;
        let ranges = Ranges::new(total, PathBuf::from("x"), split(0, total, 2));
        assert_eq!(ranges.claim(), Some(0));
        assert_eq!(ranges.claim(), Some(1));
        // Range 0 has read 8 MiB (reserved), range 1 nothing yet.
        assert_eq!(ranges.reserve(0, 0, 8 << 20), 8 << 20);
        assert_eq!(ranges.claim(), Some(2));
        let half = (32 << 20) + (16 << 20);
        assert_eq!(ranges.range(1), (32 << 20, half, 0));
        assert_eq!(ranges.range(2), (half, total, 0));
        // Range 0 has 24 MiB unread: split after its reserved 8 MiB.
        assert_eq!(ranges.claim(), Some(3));
        assert_eq!(ranges.range(0).1, 20 << 20);
        // Reading stops at the new end.
        assert_eq!(ranges.reserve(0, 19 << 20, 8 << 20), 1 << 20);
        // Nothing left worth splitting (every rest under 2 x 4 MiB) ends the claims.
        let small = Ranges::new(total, PathBuf::from("x"), split(0, 6 << 20, 1));
        assert_eq!(small.claim(), Some(0));
        assert_eq!(small.claim(), None);
    }
}
