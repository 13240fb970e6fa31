//! The file-exists policy: the decision for each action (overwrite, newer, size, resume,
//! rename, skip, cancel) given the facts of both sides, asking the user when the policy says
//! so, and free "name (n)" names for renaming.

use std::path::{Path, PathBuf};

use crate::api::{Direction, ExistsAction, FileFacts, Prompt};
use crate::engine::connection::Listed;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;

use super::remote::{listed_in, remote_facts};
use super::{Job, JobEnv};

/// Names tried for the "rename" action before giving up.
const MAX_RENAME_TRIES: u32 = 1000;

/// What to do about an existing destination.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Write from `offset` (0: from the start).
    Write {
        offset: u64,
    },
    Rename,
    Skip(String),
}

fn decide(
    action: ExistsAction,
    source: &FileFacts,
    destination: &FileFacts,
) -> EngineResult<Decision> {
    Ok(match action {
        ExistsAction::Overwrite => Decision::Write { offset: 0 },
        ExistsAction::OverwriteIfNewer => match (source.modified, destination.modified) {
            (Some(src), Some(dst)) if src <= dst => {
                Decision::Skip("the destination is not older than the source".to_string())
            }
            _ => Decision::Write { offset: 0 },
        },
        ExistsAction::OverwriteIfSizeDiffers => match (source.size, destination.size) {
            (Some(src), Some(dst)) if src == dst => {
                Decision::Skip("the destination has the same size".to_string())
            }
            _ => Decision::Write { offset: 0 },
        },
        ExistsAction::Resume => match (source.size, destination.size) {
            (Some(src), Some(dst)) if dst == src => {
                Decision::Skip("the destination is already complete".to_string())
            }
            (Some(src), Some(dst)) if dst > src => Decision::Skip(
                "the destination is larger than the source, so it cannot be resumed".to_string(),
            ),
            (_, Some(dst)) => Decision::Write { offset: dst },
            (_, None) => Decision::Write { offset: 0 },
        },
        ExistsAction::Rename => Decision::Rename,
        ExistsAction::Skip => Decision::Skip("the destination exists".to_string()),
        ExistsAction::Cancel => {
            return Err(EngineError::Invalid(format!(
                "{} exists; choose an action for existing files",
                destination.path
            )));
        }
    })
}

/// Applies the queue's policy, asking when it says so.
pub async fn resolve_conflict(
    job: &Job,
    source: FileFacts,
    destination: FileFacts,
    env: &impl JobEnv,
) -> EngineResult<Decision> {
    let action = match job.policy(env).action() {
        Some(action) => action,
        None => {
            let prompt = Prompt::FileExists {
                transfer: job.id,
                direction: job.direction,
                source: source.clone(),
                destination: destination.clone(),
            };
            let (action, for_all) = env.ask(prompt).await.ok_or(EngineError::Cancelled)?;
            if for_all && let Some(policy) = action.policy() {
                env.set_policy(policy);
            }
            action
        }
    };
    if action == ExistsAction::Cancel {
        return Err(match job.direction {
            Direction::Download => EngineError::LocalExists(job.local.clone()),
            Direction::Upload => EngineError::RemoteExists(job.remote.clone()),
        });
    }
    decide(action, &source, &destination)
}

/// `name (1).ext`, `name (2).ext`, ... for the "rename" action.
fn numbered_name(name: &str, n: u32) -> String {
    match name.rfind('.').filter(|&dot| dot > 0) {
        Some(dot) => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        None => format!("{name} ({n})"),
    }
}

pub async fn free_local_name(path: &Path) -> EngineResult<PathBuf> {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    for n in 1..=MAX_RENAME_TRIES {
        let candidate = path.with_file_name(numbered_name(&name, n));
        if tokio::fs::symlink_metadata(&candidate).await.is_err() {
            return Ok(candidate);
        }
    }
    Err(EngineError::LocalExists(path.to_path_buf()))
}

/// The first free `name (n)`: from the folder's listing when there is one (no probes), else
/// asking the server about each.
pub async fn free_remote_name(
    ctl: &mut Control,
    listed: &Listed,
    path: &str,
) -> EngineResult<String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    if let Some(entries) = listed_in(listed, path) {
        let taken = |candidate: &str| entries.iter().any(|e| e.name == candidate);
        let n = (1..)
            .find(|&n| !taken(&numbered_name(name, n)))
            .unwrap_or(1);
        return Ok(format!("{dir}/{}", numbered_name(name, n)));
    }
    for n in 1..=MAX_RENAME_TRIES {
        let candidate = format!("{dir}/{}", numbered_name(name, n));
        if remote_facts(ctl, listed, &candidate, false)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Err(EngineError::RemoteExists(path.to_string()))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn facts(size: u64, secs: u64) -> FileFacts {
        FileFacts {
            path: "x".to_string(),
            size: Some(size),
            modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs)),
        }
    }

    #[test]
    fn exists_actions_decide() {
        let d = |a, s, t| decide(a, &s, &t).unwrap();
        assert_eq!(
            d(ExistsAction::Overwrite, facts(1, 1), facts(2, 2)),
            Decision::Write { offset: 0 }
        );
        assert!(matches!(
            d(ExistsAction::OverwriteIfNewer, facts(1, 1), facts(2, 2)),
            Decision::Skip(_)
        ));
        assert_eq!(
            d(ExistsAction::OverwriteIfNewer, facts(1, 3), facts(2, 2)),
            Decision::Write { offset: 0 }
        );
        assert!(matches!(
            d(
                ExistsAction::OverwriteIfSizeDiffers,
                facts(2, 1),
                facts(2, 9)
            ),
            Decision::Skip(_)
        ));
        assert_eq!(
            d(ExistsAction::Resume, facts(10, 1), facts(4, 1)),
            Decision::Write { offset: 4 }
        );
        assert!(matches!(
            d(ExistsAction::Resume, facts(10, 1), facts(10, 1)),
            Decision::Skip(_)
        ));
        assert!(matches!(
            d(ExistsAction::Resume, facts(10, 1), facts(12, 1)),
            Decision::Skip(_)
        ));
        assert_eq!(
            d(ExistsAction::Rename, facts(1, 1), facts(1, 1)),
            Decision::Rename
        );
        assert!(decide(ExistsAction::Cancel, &facts(1, 1), &facts(1, 1)).is_err());
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered_name("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered_name("README", 2), "README (2)");
        assert_eq!(numbered_name(".bashrc", 1), ".bashrc (1)");
    }
}
