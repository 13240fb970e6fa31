//! A transfer decided before a byte moves: from the [`Facts`] and the file-exists policy (asking
//! the user when it says so) to a [`TransferPlan`] — where the bytes go, from which offset, in
//! which type, and what to check afterwards — or to skipping the file.

use std::path::PathBuf;

use crate::api::{Direction, FileFacts};
use crate::engine::connection::Listed;
use crate::engine::error::EngineResult;
use crate::engine::ftp::control::Control;

use super::exists::{Decision, free_local_name, free_remote_name, resolve_conflict};
use super::facts::Facts;
use super::hash::HashCommand;
use super::{Job, JobEnv, part_path};

/// What becomes of one file transfer.
pub enum Decided {
    Skip(String),
    Transfer(TransferPlan),
}

/// How one file is transferred.
pub struct TransferPlan {
    pub target: Target,
    /// Where the transfer starts (0: from the beginning).
    pub offset: u64,
    pub ascii: bool,
    /// The size of the whole file, when known (for progress).
    pub total: Option<u64>,
    pub verify: Verify,
    /// The hash to compare once the bytes are across (see [`super::hash`]).
    pub hash: Option<HashCommand>,
}

/// Where the bytes go.
pub enum Target {
    Local(LocalTarget),
    Remote(RemoteTarget),
}

/// A download's destination.
pub struct LocalTarget {
    /// The final name.
    pub path: PathBuf,
    /// Where the bytes go until the server confirmed the transfer and the size matched.
    pub part: PathBuf,
    /// The existing file is continued: it becomes the `.part` file first.
    pub continue_existing: bool,
}

/// An upload's destination.
pub struct RemoteTarget {
    pub path: String,
    /// A resumed upload continues with APPE: the server has no REST STREAM.
    pub append: bool,
}

/// What is checked once the server confirmed the transfer.
#[derive(Clone, Copy)]
pub enum Verify {
    /// Nothing (ASCII mode changes sizes; some sizes are unknown).
    Nothing,
    /// A download must have brought the file to this many bytes.
    Received(u64),
    /// The server must hold this many bytes after an upload (when it has SIZE).
    RemoteSize(u64),
}

/// What the file-exists policy left to do about the destination.
enum Existing {
    /// There is none.
    Absent,
    /// Write under a free "name (n)" name instead.
    Rename,
    /// Write over it from this offset (0: from the start).
    Write(u64),
}

/// Decides `job` from `facts`: the file-exists policy where the destination exists (a free
/// "name (n)" name for renaming), else resuming a `.part` file when the policy says so.
pub async fn decide(
    ctl: &mut Control,
    listed: &Listed,
    job: &Job,
    facts: Facts,
    env: &impl JobEnv,
) -> EngineResult<Decided> {
    let existing = match facts.destination {
        None => Existing::Absent,
        Some(existing) => match resolve_conflict(job, facts.source.clone(), existing, env).await? {
            Decision::Skip(reason) => return Ok(Decided::Skip(reason)),
            Decision::Rename => Existing::Rename,
            Decision::Write { offset } => Existing::Write(offset),
        },
    };
    let plan = match job.direction {
        Direction::Download => {
            let (path, offset, continue_existing) = match existing {
                Existing::Rename => (free_local_name(&job.local).await?, 0, false),
                Existing::Write(offset) => (job.local.clone(), offset, offset > 0),
                Existing::Absent => (
                    job.local.clone(),
                    resume_offset(facts.partial.as_ref(), facts.total),
                    false,
                ),
            };
            let target = LocalTarget {
                part: part_path(&path),
                path,
                continue_existing,
            };
            let verify = match facts.total {
                Some(total) if !job.ascii => Verify::Received(total),
                _ => Verify::Nothing,
            };
            plan(job, Target::Local(target), offset, facts.total, verify)
        }
        Direction::Upload => {
            let (path, offset) = match existing {
                Existing::Rename => (free_remote_name(ctl, listed, &job.remote).await?, 0),
                Existing::Write(offset) => (job.remote.clone(), offset),
                Existing::Absent => (job.remote.clone(), 0),
            };
            let append = !ctl.features.rest_stream;
            let verify = match facts.source.size {
                Some(size) if !job.ascii && ctl.features.size => Verify::RemoteSize(size),
                _ => Verify::Nothing,
            };
            let target = Target::Remote(RemoteTarget { path, append });
            plan(job, target, offset, facts.total, verify)
        }
    };
    Ok(Decided::Transfer(plan))
}

/// An ASCII transfer always starts from the beginning: offsets in converted text mean nothing.
fn plan(
    job: &Job,
    target: Target,
    offset: u64,
    total: Option<u64>,
    verify: Verify,
) -> TransferPlan {
    TransferPlan {
        target,
        offset: if job.ascii { 0 } else { offset },
        ascii: job.ascii,
        total,
        verify,
        hash: None,
    }
}

/// Where a download resumes its `.part` file: its size, unless it is longer than the source.
fn resume_offset(partial: Option<&FileFacts>, total: Option<u64>) -> u64 {
    let offset = partial.and_then(|part| part.size).unwrap_or(0);
    if total.is_some_and(|total| offset > total) {
        0
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TransferId;

    fn facts(path: &str, size: u64) -> FileFacts {
        FileFacts {
            path: path.to_string(),
            size: Some(size),
            modified: None,
        }
    }

    #[test]
    fn a_part_file_resumes_unless_it_is_longer_than_the_source() {
        assert_eq!(resume_offset(Some(&facts("f.part", 40)), Some(100)), 40);
        assert_eq!(resume_offset(Some(&facts("f.part", 40)), None), 40);
        assert_eq!(resume_offset(Some(&facts("f.part", 140)), Some(100)), 0);
        assert_eq!(resume_offset(None, Some(100)), 0);
    }

    #[test]
    fn ascii_transfers_start_from_the_beginning() {
        let mut job = Job {
            id: TransferId(1),
            direction: Direction::Upload,
            local: PathBuf::from("f"),
            remote: "/f".to_string(),
            is_dir: false,
            ascii: true,
            depth: 0,
            size: None,
            fresh: false,
            new_folder: false,
            on_exists: None,
            filter: None,
        };
        let target = || {
            Target::Remote(RemoteTarget {
                path: "/f".to_string(),
                append: false,
            })
        };
        assert_eq!(plan(&job, target(), 40, None, Verify::Nothing).offset, 0);
        job.ascii = false;
        assert_eq!(plan(&job, target(), 40, None, Verify::Nothing).offset, 40);
    }
}
