//! The worker's speed limits: one token bucket for all downloads and one for all uploads,
//! shared by every transfer of every session, changeable while transfers run. The transfer
//! loops take tokens for what they moved and sleep (on their own task: no thread hop) while
//! the bucket is in debt; the burst a full bucket allows is bounded to [`BURST`] of the rate.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::api::{Direction, SpeedLimits};

use super::disk::CHUNK;

/// How much of a second's worth of bytes a full bucket holds: the largest burst.
const BURST: f64 = 0.1;

/// The longest single sleep: a changed limit takes effect at least this soon.
const LONGEST_WAIT: Duration = Duration::from_millis(100);

/// Both directions' buckets.
#[derive(Debug, Default)]
pub struct Throttle {
    download: Bucket,
    upload: Bucket,
}

impl Throttle {
    /// Sets both limits; takes effect for the transfers running now.
    pub fn set(&self, limits: SpeedLimits) {
        self.download.set(limits.download);
        self.upload.set(limits.upload);
    }

    pub fn bucket(&self, direction: Direction) -> &Bucket {
        match direction {
            Direction::Download => &self.download,
            Direction::Upload => &self.upload,
        }
    }
}

/// A token bucket in bytes; a rate of 0 means no limit.
#[derive(Debug, Default)]
pub struct Bucket {
    rate: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Bytes that may go now; negative: the debt still to wait for.
    tokens: f64,
    last: Instant,
}

impl Default for State {
    fn default() -> Self {
        State {
            tokens: 0.0,
            last: Instant::now(),
        }
    }
}

impl Bucket {
    fn set(&self, rate: Option<u64>) {
        let rate = rate.unwrap_or(0);
        if self.rate.swap(rate, Ordering::Relaxed) != rate {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            *state = State::default();
        }
    }

    fn rate(&self) -> u64 {
        self.rate.load(Ordering::Relaxed)
    }

    /// The most bytes one read or write should move under the limit (a twentieth of a
    /// second's worth, at least 4 KiB); [`CHUNK`] without a limit.
    pub fn quantum(&self) -> usize {
        match self.rate() {
            0 => CHUNK,
            rate => ((rate / 20) as usize).clamp(4096, CHUNK),
        }
    }

    /// Counts `n` bytes moved, then waits while the bucket is in debt.
    pub async fn take(&self, n: usize) {
        let mut first = Some(n);
        loop {
            let wait = self.account(first.take().unwrap_or(0));
            match wait {
                None => return,
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// [`Bucket::take`] for a blocking thread (a pumped upload): sleeps the thread instead.
    pub fn take_blocking(&self, n: usize) {
        let mut first = Some(n);
        while let Some(wait) = self.account(first.take().unwrap_or(0)) {
            std::thread::sleep(wait);
        }
    }

    /// Refills the bucket for the time passed, takes `n` tokens, and says how long to wait
    /// before looking again (`None`: go on).
    fn account(&self, n: usize) -> Option<Duration> {
        let rate = self.rate();
        if rate == 0 {
            return None;
        }
        let rate = rate as f64;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let passed = now.duration_since(state.last).as_secs_f64();
        state.last = now;
        let capacity = (rate * BURST).max(4096.0);
        state.tokens = (state.tokens + passed * rate).min(capacity) - n as f64;
        if state.tokens >= 0.0 {
            return None;
        }
        Some(Duration::from_secs_f64(-state.tokens / rate).min(LONGEST_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_never_waits() {
        let bucket = Bucket::default();
        assert_eq!(bucket.account(usize::MAX / 2), None);
        assert_eq!(bucket.quantum(), CHUNK);
    }

    #[test]
    fn debt_is_waited_for_in_short_sleeps() {
        let throttle = Throttle::default();
        throttle.set(SpeedLimits {
            download: Some(1000),
            upload: None,
        });
        let bucket = throttle.bucket(Direction::Download);
        assert_eq!(bucket.quantum(), 4096);
        assert_eq!(bucket.account(5000), Some(LONGEST_WAIT));
        assert_eq!(throttle.bucket(Direction::Upload).account(5000), None);
    }

    #[tokio::test]
    async fn the_rate_holds_over_time() {
        let bucket = Bucket::default();
        bucket.set(Some(1_000_000));
        let start = Instant::now();
        for _ in 0..30 {
            bucket.take(10_000).await;
        }
        // 300 kB at 1 MB/s: 0.3 s (the bucket starts empty: no first burst).
        let secs = start.elapsed().as_secs_f64();
        assert!((0.28..=0.6).contains(&secs), "{secs}");
    }
}
