//! `--progress` on `get`, `put` and `mirror`: one live line per running transfer and a total
//! line (files and bytes) on a terminal's stderr, drawn by `indicatif` from the engine's
//! transfer events (already coalesced to a few a second). Without a terminal there is nothing
//! to draw: [`Progress::on_terminal`] is `None` and the command prints only its result.

use std::collections::HashMap;
use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::{Direction, TransferId, TransferState};

/// The lines on the terminal and what they add up.
pub(super) struct Progress {
    multi: MultiProgress,
    total: ProgressBar,
    /// The line of each running transfer.
    bars: HashMap<TransferId, ProgressBar>,
    /// Each queued file: its name for its line, its size as far as known, its bytes so far.
    files: HashMap<TransferId, File>,
    /// Files that ended (transferred, skipped or failed).
    ended: u64,
}

struct File {
    name: String,
    size: Option<u64>,
    done: u64,
}

/// A transfer: its name, bytes, speed, time left, and a bar as wide as the terminal allows.
const FILE_TEMPLATE: &str =
    "{prefix:20!} {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12} {eta:>4} [{wide_bar}]";
/// The total: bytes of every file queued, the speed, and files ended of files queued.
const TOTAL_TEMPLATE: &str =
    "{prefix:20!} {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12} {msg} [{wide_bar}]";

impl Progress {
    /// Lines on stderr when it is a terminal; `None` without one.
    pub(super) fn on_terminal() -> Option<Progress> {
        std::io::stderr()
            .is_terminal()
            .then(|| Progress::new(ProgressDrawTarget::stderr()))
    }

    fn new(target: ProgressDrawTarget) -> Progress {
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(ProgressBar::new(0));
        total.set_style(style(TOTAL_TEMPLATE));
        total.set_prefix("total");
        Progress {
            multi,
            total,
            bars: HashMap::new(),
            files: HashMap::new(),
            ended: 0,
        }
    }

    /// Runs `print` (a log line, a question) with the lines out of its way.
    pub(super) fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.multi.suspend(print)
    }

    /// Follows one transfer's state.
    pub(super) fn transfer(&mut self, id: TransferId, state: &TransferState) {
        match state {
            TransferState::Queued {
                is_dir: false,
                direction,
                local,
                remote,
                size,
                ..
            } => {
                let name = match direction {
                    Direction::Download => remote.rsplit('/').next().unwrap_or(remote).to_string(),
                    Direction::Upload => local
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                };
                self.files.insert(
                    id,
                    File {
                        name,
                        size: *size,
                        done: 0,
                    },
                );
            }
            TransferState::Started { offset, total } => self.started(id, *offset, *total),
            TransferState::Progress { done, total, .. } => {
                if let Some(file) = self.files.get_mut(&id) {
                    file.done = *done;
                    file.size = total.or(file.size);
                }
                if let Some(bar) = self.bars.get(&id) {
                    if let Some(total) = total {
                        bar.set_length(*total);
                    }
                    bar.set_position(*done);
                }
            }
            TransferState::Finished { bytes, .. } => {
                if let Some(file) = self.files.get_mut(&id) {
                    file.done = file.size.unwrap_or(*bytes).max(*bytes);
                    file.size = Some(file.done);
                }
                self.ended(id);
            }
            TransferState::Skipped { .. } | TransferState::Failed(_) => self.ended(id),
            TransferState::Queued { .. } => return,
        }
        self.update_total();
    }

    fn started(&mut self, id: TransferId, offset: u64, total: Option<u64>) {
        let Some(file) = self.files.get_mut(&id) else {
            return;
        };
        file.size = total.or(file.size);
        file.done = offset;
        let bar = self
            .multi
            .insert_before(&self.total, ProgressBar::new(file.size.unwrap_or(0)));
        bar.set_style(style(FILE_TEMPLATE));
        bar.set_prefix(file.name.clone());
        bar.set_position(offset);
        self.bars.insert(id, bar);
    }

    fn ended(&mut self, id: TransferId) {
        if self.files.contains_key(&id) {
            self.ended += 1;
        }
        if let Some(bar) = self.bars.remove(&id) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    fn update_total(&self) {
        let size: u64 = self.files.values().filter_map(|f| f.size).sum();
        let done: u64 = self.files.values().map(|f| f.done).sum();
        self.total.set_length(size.max(done));
        self.total.set_position(done);
        self.total
            .set_message(format!("{}/{} files", self.ended, self.files.len()));
    }

    /// The transfers are over: the total line stays as it ended, the others are gone.
    pub(super) fn finish(&mut self) {
        for (_, bar) in self.bars.drain() {
            bar.finish_and_clear();
        }
        self.update_total();
        self.total.finish();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("the progress templates are valid")
        .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_total_adds_up_files_and_bytes() {
        let mut progress = Progress::new(ProgressDrawTarget::hidden());
        for (n, size) in [(1, Some(100)), (2, None)] {
            let queued = TransferState::Queued {
                direction: Direction::Upload,
                local: PathBuf::from(format!("/tmp/f{n}")),
                remote: format!("/f{n}"),
                size,
                is_dir: false,
                parent: None,
            };
            progress.transfer(TransferId(n), &queued);
        }
        let started = |total| TransferState::Started { offset: 0, total };
        progress.transfer(TransferId(1), &started(Some(100)));
        progress.transfer(TransferId(2), &started(Some(50)));
        assert_eq!(progress.bars.len(), 2);
        assert_eq!(progress.total.length(), Some(150));
        let finished = TransferState::Finished {
            bytes: 100,
            elapsed: Duration::ZERO,
            verified: None,
        };
        progress.transfer(TransferId(1), &finished);
        assert_eq!(progress.bars.len(), 1);
        assert_eq!(progress.total.position(), 100);
        assert_eq!(progress.total.message(), "1/2 files");
        progress.finish();
        assert!(progress.bars.is_empty());
    }
}
