//! Watching the copies being edited: one debounced notify watcher over each copy's own folder
//! (editors that save by writing a new file and renaming it over the old one replace the file,
//! so the folder is what is watched). Changed paths come back on a channel and wake the window;
//! whether the copy itself changed is decided by its [`Stamp`], so swap files and a touch that
//! changes nothing are not saves.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, SystemTime};

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

/// How long a copy must be quiet before a change counts as a save (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(300);

/// A copy's size and modification time: a save changes one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    /// The copy's stamp now; `None` when it is not there (mid-save by rename, or deleted).
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            size: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

pub struct FileWatch {
    /// Made at the first watch (most runs edit nothing).
    debouncer: Option<Debouncer<RecommendedWatcher>>,
    sender: Sender<PathBuf>,
    changed: Receiver<PathBuf>,
    waker: egui::Context,
}

impl FileWatch {
    pub fn new(waker: &egui::Context) -> FileWatch {
        let (sender, changed) = channel();
        FileWatch {
            debouncer: None,
            sender,
            changed,
            waker: waker.clone(),
        }
    }

    /// Starts watching `folder` (not its subfolders).
    pub fn watch(&mut self, folder: &Path) -> notify_debouncer_mini::notify::Result<()> {
        let debouncer = match &mut self.debouncer {
            Some(debouncer) => debouncer,
            None => {
                let sender = self.sender.clone();
                let waker = self.waker.clone();
                let handler = move |result: DebounceEventResult| {
                    // An error of the watcher itself (a queue overflow) loses events: the next
                    // save of the copy is seen again.
                    for event in result.unwrap_or_default() {
                        let _ = sender.send(event.path);
                    }
                    waker.request_repaint();
                };
                self.debouncer.insert(new_debouncer(DEBOUNCE, handler)?)
            }
        };
        debouncer
            .watcher()
            .watch(folder, RecursiveMode::NonRecursive)
    }

    /// Stops watching `folder` (its copy is removed, or was never edited).
    pub fn unwatch(&mut self, folder: &Path) {
        if let Some(debouncer) = &mut self.debouncer {
            // Not watched (a view, or the watch failed): nothing to stop.
            let _ = debouncer.watcher().unwatch(folder);
        }
    }

    /// The paths that changed since the last call.
    pub fn changed(&self) -> Vec<PathBuf> {
        self.changed.try_iter().collect()
    }
}
