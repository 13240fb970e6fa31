//! What a transfer needs to know before it is decided, fetched once: the source (size, and the
//! time when the file-exists policy may compare times), the destination if it exists, and a
//! `.part` file an earlier download left to resume from.

use std::path::Path;

use crate::api::{Direction, ExistsPolicy, FileFacts};
use crate::engine::connection::Listed;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;

use super::remote::remote_facts;
use super::{Job, part_path};

/// Both sides of one file transfer.
pub struct Facts {
    /// The file to transfer (without SIZE, a download's source has the listing's size).
    pub source: FileFacts,
    /// How many bytes the whole file has, when known.
    pub total: Option<u64>,
    /// The destination, when it exists already.
    pub destination: Option<FileFacts>,
    /// A download under the resume policy: the `.part` file an earlier attempt left.
    pub partial: Option<FileFacts>,
}

impl Facts {
    /// Looks at both sides of `job`. Remote times (MDTM) are fetched only when `policy` may
    /// compare them, and nothing is asked of the server that the folder's expansion told
    /// ([`Job::fresh`]), nor of a destination that is overwritten anyway (a download's is not
    /// even looked at); a missing upload source is an error.
    pub async fn gather(
        ctl: &mut Control,
        listed: &Listed,
        job: &Job,
        policy: ExistsPolicy,
    ) -> EngineResult<Facts> {
        let needs_time = matches!(policy, ExistsPolicy::OverwriteIfNewer | ExistsPolicy::Ask);
        match job.direction {
            Direction::Download => {
                // Overwritten or not, the bytes go to the `.part` file from its start and it
                // is renamed over whatever is there: nothing to look at first.
                let existing = match job.new_folder || policy == ExistsPolicy::Overwrite {
                    true => None,
                    false => local_facts(&job.local).await,
                };
                let want_time = existing.is_some() && needs_time;
                let remote = if existing.is_none() && job.fresh && job.size.is_some() {
                    None
                } else {
                    remote_facts(ctl, listed, &job.remote, want_time).await?
                };
                let total = remote.as_ref().and_then(|r| r.size).or(job.size);
                let source = remote.unwrap_or(FileFacts {
                    path: job.remote.clone(),
                    size: total,
                    modified: None,
                });
                let partial = match (&existing, policy) {
                    (None, ExistsPolicy::Resume) => local_facts(&part_path(&job.local)).await,
                    _ => None,
                };
                Ok(Facts {
                    source,
                    total,
                    destination: existing,
                    partial,
                })
            }
            Direction::Upload => {
                let source = match job.size {
                    // Its folder's expansion just looked at it; reading it says if it is gone.
                    Some(size) if job.fresh => FileFacts {
                        path: job.local.display().to_string(),
                        size: Some(size),
                        modified: None,
                    },
                    _ => local_facts(&job.local).await.ok_or_else(|| {
                        EngineError::local(
                            &job.local,
                            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
                        )
                    })?,
                };
                let destination = if !job.probes_destination(policy) {
                    None
                } else {
                    remote_facts(ctl, listed, &job.remote, needs_time).await?
                };
                Ok(Facts {
                    total: source.size,
                    source,
                    destination,
                    partial: None,
                })
            }
        }
    }
}

pub async fn local_facts(path: &Path) -> Option<FileFacts> {
    let meta = tokio::fs::metadata(path).await.ok()?;
    Some(FileFacts {
        path: path.display().to_string(),
        size: Some(meta.len()),
        modified: meta.modified().ok(),
    })
}
