//! Counting a transfer's bytes and reporting its progress, coalesced to at most one event every
//! [`PROGRESS_EVERY`].

use std::time::{Duration, Instant};

use crate::api::{TransferId, TransferState};

use super::{Done, JobEnv, Outcome};

/// Progress events per transfer are at least this far apart.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Counts bytes and reports progress at most every [`PROGRESS_EVERY`].
pub struct Meter<'a, E: JobEnv> {
    env: &'a E,
    id: TransferId,
    total: Option<u64>,
    /// Bytes of the file done, the resumed offset included.
    pub done: u64,
    start: Instant,
    last: Instant,
    moved: u64,
}

impl<'a, E: JobEnv> Meter<'a, E> {
    pub fn start(env: &'a E, id: TransferId, offset: u64, total: Option<u64>) -> Self {
        env.report(id, TransferState::Started { offset, total });
        let now = Instant::now();
        Meter {
            env,
            id,
            total,
            done: offset,
            start: now,
            last: now,
            moved: 0,
        }
    }

    pub fn add(&mut self, n: usize) {
        self.done += n as u64;
        self.moved += n as u64;
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            let secs = self.start.elapsed().as_secs_f64().max(0.001);
            self.env.report(
                self.id,
                TransferState::Progress {
                    done: self.done,
                    total: self.total,
                    bytes_per_sec: (self.moved as f64 / secs) as u64,
                },
            );
        }
    }

    pub fn finish(&self) -> Outcome {
        Outcome::Finished(self.done())
    }

    /// What moved, and in how long.
    pub fn done(&self) -> Done {
        Done {
            bytes: self.moved,
            elapsed: self.start.elapsed(),
            verified: None,
        }
    }
}
