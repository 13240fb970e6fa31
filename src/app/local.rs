//! The local side's file system work: listing a folder and creating, renaming and deleting,
//! each on a short-lived thread so a slow disk or a huge folder never freezes the window.
//! Results come back over a channel and wake the UI.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::api::{Entry, EntryKind, RemoteTime, TimePrecision};

/// What a finished local job reports.
#[derive(Debug)]
pub enum LocalResult {
    /// The folder listed last asked for (listings overtaken by a later one are dropped: each
    /// runs on a thread of its own, and they can end in any order).
    Listed {
        path: String,
        result: Result<Vec<Entry>, String>,
    },
    /// A change (mkdir, rename, delete) in `dir`, which should be listed again.
    Changed { dir: String, error: Option<String> },
    /// The folder chosen in the system's dialog (`None`: cancelled, or no dialog available).
    Picked(Option<PathBuf>),
    /// The files chosen to upload ("Upload here..."; `None`: cancelled, or no dialog).
    PickedFiles(Option<Vec<PathBuf>>),
}

pub struct LocalFs {
    tx: Sender<(u64, LocalResult)>,
    rx: Receiver<(u64, LocalResult)>,
    wake: Option<egui::Context>,
    /// The number of the listing asked for last; each result carries the listing number
    /// current when its job began.
    listing: AtomicU64,
}

impl Default for LocalFs {
    fn default() -> Self {
        let (tx, rx) = channel();
        LocalFs {
            tx,
            rx,
            wake: None,
            listing: AtomicU64::new(0),
        }
    }
}

impl LocalFs {
    pub fn set_waker(&mut self, ctx: &egui::Context) {
        self.wake = Some(ctx.clone());
    }

    fn spawn(&self, job: impl FnOnce() -> LocalResult + Send + 'static) {
        let tx = self.tx.clone();
        let wake = self.wake.clone();
        let listing = self.listing.load(Ordering::SeqCst);
        std::thread::spawn(move || {
            let _ = tx.send((listing, job()));
            if let Some(ctx) = wake {
                ctx.request_repaint();
            }
        });
    }

    pub fn list(&self, path: String) {
        self.listing.fetch_add(1, Ordering::SeqCst);
        self.spawn(move || {
            let result = list_dir(Path::new(&path));
            let path = crate::common::local_path::canonical(&path);
            LocalResult::Listed { path, result }
        });
    }

    pub fn mkdir(&self, path: String) {
        let dir = parent_of(&path);
        self.spawn(move || LocalResult::Changed {
            dir,
            error: std::fs::create_dir(&path)
                .err()
                .map(|e| format!("{path}: {e}")),
        });
    }

    pub fn rename(&self, from: String, to: String) {
        let dir = parent_of(&from);
        self.spawn(move || {
            let error = if Path::new(&to).exists() {
                Some(format!("{to} already exists"))
            } else {
                std::fs::rename(&from, &to)
                    .err()
                    .map(|e| format!("{from}: {e}"))
            };
            LocalResult::Changed { dir, error }
        });
    }

    pub fn delete(&self, paths: Vec<PathBuf>, dir: String) {
        self.spawn(move || {
            let errors: Vec<String> = paths
                .iter()
                .filter_map(|path| {
                    let result = match std::fs::symlink_metadata(path) {
                        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
                        Ok(_) => std::fs::remove_file(path),
                        Err(e) => Err(e),
                    };
                    result.err().map(|e| format!("{}: {e}", path.display()))
                })
                .collect();
            LocalResult::Changed {
                dir,
                error: (!errors.is_empty()).then(|| errors.join("; ")),
            }
        });
    }

    /// Opens the system's folder dialog off the UI thread (rfd; it blocks while open).
    pub fn pick_folder(&self, start: String) {
        self.spawn(move || {
            LocalResult::Picked(rfd::FileDialog::new().set_directory(start).pick_folder())
        })
    }

    /// Opens the system's dialog for files to upload, off the UI thread.
    pub fn pick_files(&self, start: String) {
        self.spawn(move || {
            LocalResult::PickedFiles(rfd::FileDialog::new().set_directory(start).pick_files())
        })
    }

    pub fn poll(&self) -> Vec<LocalResult> {
        let latest = self.listing.load(Ordering::SeqCst);
        self.rx
            .try_iter()
            .filter(|(listing, result)| {
                *listing == latest || !matches!(result, LocalResult::Listed { .. })
            })
            .map(|(_, result)| result)
            .collect()
    }
}

fn parent_of(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| path.to_string())
}

/// A local folder as entries, like a remote listing.
pub fn list_dir(path: &Path) -> Result<Vec<Entry>, String> {
    let reader = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for item in reader {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy().into_owned();
        let link = std::fs::symlink_metadata(item.path()).is_ok_and(|m| m.file_type().is_symlink());
        let meta =
            std::fs::metadata(item.path()).or_else(|_| std::fs::symlink_metadata(item.path()));
        let Ok(meta) = meta else { continue };
        let kind = if meta.is_dir() {
            EntryKind::Dir
        } else if link {
            EntryKind::Link
        } else if meta.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        let modified = meta.modified().ok().map(|t| {
            let local: chrono::DateTime<chrono::Local> = t.into();
            RemoteTime {
                time: local.naive_local(),
                precision: TimePrecision::Second,
            }
        });
        entries.push(Entry {
            raw: name.clone(),
            name,
            kind,
            size: meta.is_file().then_some(meta.len()),
            modified,
            permissions: permissions(&meta),
            owner: None,
            group: None,
            link_target: if link {
                std::fs::read_link(item.path())
                    .ok()
                    .map(|t| t.display().to_string())
            } else {
                None
            },
        });
    }
    Ok(entries)
}

#[cfg(unix)]
fn permissions(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    let bits = "rwxrwxrwx";
    Some(
        bits.chars()
            .enumerate()
            .map(|(i, c)| if mode & (1 << (8 - i)) != 0 { c } else { '-' })
            .collect(),
    )
}

#[cfg(not(unix))]
fn permissions(meta: &std::fs::Metadata) -> Option<String> {
    Some(
        if meta.permissions().readonly() {
            "read-only"
        } else {
            "read-write"
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_folders_list_like_remote_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"abc").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut entries = list_dir(dir.path()).unwrap();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(entries.len(), 2);
        assert_eq!(
            (entries[0].kind, entries[0].size),
            (EntryKind::File, Some(3))
        );
        assert_eq!(entries[1].kind, EntryKind::Dir);
        assert!(list_dir(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn a_listing_overtaken_by_a_later_one_is_dropped_whichever_ends_first() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let fs = LocalFs::default();
        fs.list(first.path().display().to_string());
        fs.list(second.path().display().to_string());
        fs.mkdir(second.path().join("made").display().to_string());
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        // Three jobs ran; two results come back.
        while got.len() < 2 && std::time::Instant::now() < deadline {
            got.extend(fs.poll());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        got.extend(fs.poll());
        let listed: Vec<&String> = got
            .iter()
            .filter_map(|r| match r {
                LocalResult::Listed { path, .. } => Some(path),
                _ => None,
            })
            .collect();
        let second = crate::common::local_path::canonical(&second.path().display().to_string());
        assert_eq!(listed, [&second], "{got:?}");
        assert_eq!(got.len(), 2, "{got:?}");
    }
}
