//! Journal writes off the caller's thread, for a front end whose thread must not wait on the
//! disk (the app's UI thread): a thread that writes the newest snapshot it was sent (older
//! ones still waiting are skipped), one at a time and in order, and reports failures back.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use super::Item;
use super::file::save;

/// The writing thread of one journal.
pub struct Writer {
    snapshots: Option<Sender<Vec<Item>>>,
    problems: Receiver<String>,
    /// Closed when the thread ends.
    ended: Receiver<()>,
}

impl Writer {
    /// Starts the thread writing to `path`.
    pub fn start(path: PathBuf) -> std::io::Result<Writer> {
        let (snapshots, incoming) = channel::<Vec<Item>>();
        let (report, problems) = channel();
        let (alive, ended) = channel::<()>();
        std::thread::Builder::new()
            .name("ferry-journal".to_string())
            .spawn(move || {
                // Dropped when the thread ends: `finish` waits for that.
                let _alive = alive;
                while let Ok(mut items) = incoming.recv() {
                    // Only the newest state matters.
                    while let Ok(newer) = incoming.try_recv() {
                        items = newer;
                    }
                    if let Err(e) = save(&path, &items) {
                        let shown = path.display();
                        let _ = report
                            .send(format!("Could not save the transfer queue to {shown}: {e}"));
                    }
                }
            })?;
        Ok(Writer {
            snapshots: Some(snapshots),
            problems,
            ended,
        })
    }

    /// Queues a snapshot to write.
    pub fn write(&self, items: Vec<Item>) {
        if let Some(snapshots) = &self.snapshots {
            let _ = snapshots.send(items);
        }
    }

    /// A write that failed since the last call, for the user.
    pub fn problem(&self) -> Option<String> {
        self.problems.try_recv().ok()
    }

    /// Writes what is queued and stops the thread, waiting at most `within`.
    pub fn finish(&mut self, within: Duration) {
        self.snapshots = None;
        let _ = self.ended.recv_timeout(within);
    }
}
