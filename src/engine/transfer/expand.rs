//! Directories in the queue: a remote folder becomes a local one plus a job per entry (names
//! from the server checked first), a local folder becomes a remote one plus a job per entry.
//! Entries the worker's transfer filter hides (the filters enabled on that side, with "apply
//! to transfers") are left out, with a line in the log.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::api::filter::{FilterSet, TransferFilterSet};
use crate::api::{Direction, Entry, EntryKind, RemoteTime, TimePrecision, TransferFilter};
use crate::common::paths::{join_remote, local_path_for};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ops::list_dir;

use super::{Job, Outcome, Refused, local_err};

/// Directory trees deeper than this are not followed (symlink loops).
const MAX_DEPTH: usize = 64;

/// The worker's transfer filter, shared with every session: a job takes the one in force
/// when it is queued, and the jobs its folder expands into keep it.
#[derive(Debug, Clone, Default)]
pub struct FilterCell(Arc<RwLock<Option<Arc<TransferFilterSet>>>>);

impl FilterCell {
    pub fn set(&self, filter: Option<TransferFilter>) {
        let compiled = filter
            .map(|f| TransferFilterSet::new(&f))
            .filter(|f| !(f.local.is_empty() && f.remote.is_empty()))
            .map(Arc::new);
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = compiled;
    }

    pub fn get(&self) -> Option<Arc<TransferFilterSet>> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Whether the job's filter for `side` hides `entry`.
fn hidden(job: &Job, side: fn(&TransferFilterSet) -> &FilterSet, entry: &Entry) -> bool {
    job.filter.as_deref().is_some_and(|f| side(f).hides(entry))
}

/// A local file or folder as a listing entry, for the filters.
fn local_entry(name: &str, meta: &std::fs::Metadata) -> Entry {
    let kind = if meta.is_dir() {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    let mut entry = Entry::new(name, kind, name);
    entry.size = meta.is_file().then_some(meta.len());
    entry.modified = meta.modified().ok().map(|t| RemoteTime {
        time: chrono::DateTime::<chrono::Local>::from(t).naive_local(),
        precision: TimePrecision::Second,
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        let bits = "rwxrwxrwx".chars().enumerate();
        let text = bits.map(|(i, c)| if mode & (1 << (8 - i)) != 0 { c } else { '-' });
        entry.permissions = Some(text.collect());
    }
    entry
}

/// A remote directory: creates the local one and returns a job for each entry.
pub async fn expand_remote(conn: &mut Connection, job: &Job) -> EngineResult<Outcome> {
    if job.depth > MAX_DEPTH {
        return Err(EngineError::Protocol(format!(
            "{} is nested too deep",
            job.remote
        )));
    }
    let mut entries = Vec::new();
    let (dir, _) = list_dir(conn, Some(&job.remote), |_, batch| entries.extend(batch)).await?;
    let log = &conn.ctl.log;
    let new_folder = make_folder(&job.local)
        .await
        .map_err(local_err(&job.local))?;
    let mut children = Vec::new();
    let mut refused = Vec::new();
    for entry in entries {
        if hidden(job, |f| &f.remote, &entry) {
            log.status(format!("Skipped {}: hidden by a filter", entry.name));
            continue;
        }
        if entry.kind == EntryKind::Unknown {
            log.error(format!(
                "Skipped a listing line that could not be read: {:?}",
                entry.raw
            ));
            continue;
        }
        let local = match local_path_for(&job.local, &entry.name) {
            Ok(local) => local,
            Err(e) => {
                log.error(format!("{e}: it will not be transferred"));
                refused.push(Refused {
                    remote: join_remote(&dir, &entry.name),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let is_dir = match entry.kind {
            EntryKind::Dir => true,
            EntryKind::File | EntryKind::Link => false,
            _ => {
                log.status(format!("Skipped {}: not a regular file", entry.name));
                continue;
            }
        };
        children.push(Job {
            id: job.id,
            direction: Direction::Download,
            local,
            remote: join_remote(&dir, &entry.name),
            is_dir,
            ascii: job.ascii,
            depth: job.depth + 1,
            size: entry.size,
            fresh: true,
            new_folder,
            on_exists: job.on_exists,
            filter: job.filter.clone(),
        });
    }
    Ok(Outcome::Expanded(children, refused))
}

/// A local folder's entries, each with its name (`None`: not UTF-8) and its metadata (links
/// followed), read in one trip to a blocking thread.
type LocalEntry = (PathBuf, Option<String>, std::io::Result<std::fs::Metadata>);

async fn read_local_dir(dir: &Path) -> EngineResult<Vec<LocalEntry>> {
    let path = dir.to_path_buf();
    let read = tokio::task::spawn_blocking(move || {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&path)? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string);
            let meta = std::fs::metadata(&path);
            entries.push((path, name, meta));
        }
        Ok(entries)
    });
    read.await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)))
        .map_err(local_err(dir))
}

/// Makes the local folder `path` (and its parents); true when it did not exist before.
async fn make_folder(path: &Path) -> std::io::Result<bool> {
    let path = path.to_path_buf();
    let made = tokio::task::spawn_blocking(move || match std::fs::create_dir(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&path).map(|()| true)
        }
        Err(e) => Err(e),
    });
    made.await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// A local directory: creates the remote one and returns a job for each entry.
pub async fn expand_local(ctl: &mut Control, job: &Job) -> EngineResult<Outcome> {
    if job.depth > MAX_DEPTH {
        return Err(EngineError::Invalid(format!(
            "{} is nested too deep",
            job.local.display()
        )));
    }
    let entries = read_local_dir(&job.local).await?;
    let reply = ctl.cmd_final(&format!("MKD {}", job.remote)).await?;
    let created = reply.is_success();
    if !created {
        // It may exist already; a CWD tells.
        let back = ctl.cwd.clone();
        let exists = ctl
            .cmd_final(&format!("CWD {}", job.remote))
            .await?
            .is_success();
        ctl.cwd(&back).await?;
        if !exists {
            return Err(reply.refused("MKD"));
        }
    }
    let mut children = Vec::new();
    for (path, name, meta) in entries {
        let Some(name) = name else {
            ctl.log.error(format!(
                "Skipped {}: the name is not valid UTF-8",
                path.display()
            ));
            continue;
        };
        let meta = meta.map_err(local_err(&path))?;
        if !(meta.is_dir() || meta.is_file()) {
            ctl.log
                .status(format!("Skipped {}: not a regular file", path.display()));
            continue;
        }
        if hidden(job, |f| &f.local, &local_entry(&name, &meta)) {
            ctl.log
                .status(format!("Skipped {}: hidden by a filter", path.display()));
            continue;
        }
        children.push(Job {
            id: job.id,
            direction: Direction::Upload,
            local: path,
            remote: join_remote(&job.remote, &name),
            is_dir: meta.is_dir(),
            ascii: job.ascii,
            depth: job.depth + 1,
            size: meta.is_file().then_some(meta.len()),
            fresh: created,
            new_folder: false,
            on_exists: job.on_exists,
            filter: job.filter.clone(),
        });
    }
    children.sort_by(|a, b| a.local.cmp(&b.local));
    Ok(Outcome::Expanded(children, Vec::new()))
}
