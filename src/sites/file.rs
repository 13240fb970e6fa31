//! Versioned JSON files on disk: reading with errors that name the path and line, refusing
//! newer versions, the lock that serialises writers across processes, atomic replacement
//! with the previous version kept as `NAME.bak`, and the stamp that tells a file changed.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use super::settings::SettingsError;
use super::tree::EditError;
use crate::common::atomic_file::{Prepared, temp_files};

/// The format version this Ferry writes and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;

/// How long a writer waits for another one to finish.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Why a file could not be read or changed. A file that cannot be read is never overwritten:
/// every change is refused with the same error until the file is fixed (or moved away).
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// Not valid JSON, or a field of the wrong type.
    #[error("{} line {line}, column {column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{} has format version {found}, from a newer Ferry (this one reads version {FORMAT_VERSION}); it is left as it is",
        path.display()
    )]
    FutureVersion { path: PathBuf, found: u64 },
    /// Valid JSON that breaks a rule (no version, a bad name, a value out of range).
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error("cannot save {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error("{} is being saved by another Ferry for more than {} s; try again", path.display(), LOCK_WAIT.as_secs())]
    Busy { path: PathBuf },
    /// The edit itself was refused; nothing was written.
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

impl StoreError {
    /// Whether this is about the file on disk (which then stays untouched) rather than about
    /// the edit asked for.
    pub fn is_unreadable_file(&self) -> bool {
        matches!(
            self,
            StoreError::Syntax { .. }
                | StoreError::FutureVersion { .. }
                | StoreError::Invalid { .. }
                | StoreError::Read { .. }
        )
    }
}

/// A value kept in a versioned JSON file.
pub trait Document: Clone + Default + Sized {
    /// The file's name in the config folder, e.g. `sites.json`.
    const FILE_NAME: &'static str;
    /// The lock file's name beside it, e.g. `sites.lock`.
    const LOCK_NAME: &'static str;
    /// Reads the whole file (`{"version": 1, ...}`).
    fn from_json(text: &str) -> serde_json::Result<Self>;
    /// The whole file, pretty-printed, ending with a newline.
    fn to_json(&self) -> String;
    /// Rules beyond the JSON's shape.
    fn check(&self) -> Result<(), String>;
}

/// What identifies one version of a file: an atomic replacement always changes it (a new
/// inode on Unix; the time and length elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: u64,
}

pub(crate) fn stamp(path: &Path) -> std::io::Result<Option<Stamp>> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(&meta),
        })),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// A file read from disk: the value, the bytes it came from (for the backup) and its stamp.
pub(crate) struct Loaded<D> {
    pub value: D,
    pub bytes: Option<Vec<u8>>,
    pub stamp: Option<Stamp>,
}

/// Reads `path`; a missing file is the default value.
pub(crate) fn read<D: Document>(path: &Path) -> Result<Loaded<D>, StoreError> {
    let read_error = |source| StoreError::Read {
        path: path.to_path_buf(),
        source: Arc::new(source),
    };
    let stamp = stamp(path).map_err(read_error)?;
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Ok(Loaded {
                value: D::default(),
                bytes: None,
                stamp: None,
            });
        }
        Err(e) => return Err(read_error(e)),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        StoreError::Syntax {
            path: path.to_path_buf(),
            line,
            column: before.len()
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1,
            message: "the file is not UTF-8 text".to_string(),
        }
    })?;
    let value = parse::<D>(path, text)?;
    value.check().map_err(|message| StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(Loaded {
        value,
        bytes: Some(bytes),
        stamp,
    })
}

fn parse<D: Document>(path: &Path, text: &str) -> Result<D, StoreError> {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<u64>,
    }
    let syntax = |e: serde_json::Error| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        StoreError::Syntax {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: message
                .strip_suffix(&suffix)
                .unwrap_or(&message)
                .to_string(),
        }
    };
    let probe: Probe = serde_json::from_str(text).map_err(syntax)?;
    match probe.version {
        None => Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: "no \"version\" field: this is not a file Ferry wrote".to_string(),
        }),
        Some(0) => Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: "format version 0 does not exist".to_string(),
        }),
        Some(found) if found > FORMAT_VERSION => Err(StoreError::FutureVersion {
            path: path.to_path_buf(),
            found,
        }),
        Some(_) => D::from_json(text).map_err(syntax),
    }
}

/// Held while a writer reads, changes and replaces a file; other processes wait for it.
pub(crate) struct WriteLock {
    _file: File,
}

impl WriteLock {
    pub fn acquire(lock_path: &Path, for_path: &Path) -> Result<WriteLock, StoreError> {
        let write_error = |source| StoreError::Write {
            path: for_path.to_path_buf(),
            source: Arc::new(source),
        };
        if let Some(dir) = lock_path.parent() {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path)
            .map_err(write_error)?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Busy {
                        path: for_path.to_path_buf(),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(write_error(e)),
            }
        }
    }
}

/// The backup beside `path`: `NAME.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Replaces `path` with `new` (under the write lock): the current content `old` goes to
/// `NAME.bak` first, temporary files a crash left behind are removed. Returns the new stamp.
pub(crate) fn replace(
    path: &Path,
    old: Option<&[u8]>,
    new: &[u8],
) -> Result<Option<Stamp>, StoreError> {
    let write_error = |source| StoreError::Write {
        path: path.to_path_buf(),
        source: Arc::new(source),
    };
    let backup = backup_path(path);
    for stale in temp_files(path).into_iter().chain(temp_files(&backup)) {
        let _ = std::fs::remove_file(stale);
    }
    if let Some(old) = old {
        Prepared::write(&backup, old)
            .and_then(Prepared::commit)
            .map_err(write_error)?;
    }
    Prepared::write(path, new)
        .and_then(Prepared::commit)
        .map_err(write_error)?;
    stamp(path).map_err(write_error)
}
