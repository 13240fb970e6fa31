//! One transfer on one connection. A file goes through three steps, in [`run_job`]: the facts
//! of both sides are gathered once ([`facts`]), a [`plan::TransferPlan`] is decided from them
//! and the file-exists policy ([`plan`], [`exists`]; the user is asked there when the policy
//! says so), and the plan is carried out ([`download`]: into `NAME.part`, renamed on success;
//! [`upload`]; the local file is read or written on a thread of its own, [`disk`]), with
//! coalesced progress ([`meter`]) and the worker's speed limits ([`throttle`]). Directories expand into the jobs of their
//! contents ([`expand`]); ASCII conversion has its own file.

mod ascii;
mod disk;
mod download;
mod exists;
mod expand;
mod facts;
mod meter;
mod plan;
mod remote;
mod target;
mod throttle;
mod upload;

pub use target::local_path;
pub use throttle::Throttle;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{
    Direction, Entry, EntryKind, ExistsAction, ExistsPolicy, Prompt, TransferId, TransferState,
};
use crate::engine::connection::{Connection, Listed};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ops::list_dir;

use expand::{expand_local, expand_remote};
use facts::Facts;
use plan::{Decided, Target};

/// One unit of queued work.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: TransferId,
    pub direction: Direction,
    pub local: PathBuf,
    /// Absolute.
    pub remote: String,
    pub is_dir: bool,
    pub ascii: bool,
    pub depth: usize,
    pub size: Option<u64>,
    /// The job came from expanding its folder just now, which already told what a probe
    /// would: a download's size is the listing's, and an upload goes into a folder that
    /// expansion created, where nothing exists yet. No SIZE is sent for it.
    pub fresh: bool,
    /// The request's own file-exists policy (its children inherit it); `None`: the queue's.
    pub on_exists: Option<ExistsPolicy>,
}

impl Job {
    /// The file-exists policy for this job: its own, else the queue's.
    fn policy(&self, env: &impl JobEnv) -> ExistsPolicy {
        self.on_exists.unwrap_or_else(|| env.policy())
    }
}

/// What a finished job hands back to the queue.
pub enum Outcome {
    Finished {
        bytes: u64,
        elapsed: Duration,
    },
    Skipped(String),
    /// A directory: the jobs for its contents (ids still to be assigned), and the entries
    /// refused because their names cannot be made a local path (see [`Refused`]).
    Expanded(Vec<Job>, Vec<Refused>),
}

/// An entry of a remote folder that is not transferred because its name is not a plain file
/// name on every OS Ferry ships for: it ends as a failed transfer of its own, so the queue
/// shows it and the command line's exit status counts it.
#[derive(Debug, Clone)]
pub struct Refused {
    pub remote: String,
    pub reason: String,
}

/// What the job needs from the queue around it.
pub trait JobEnv {
    fn report(&self, id: TransferId, state: TransferState);
    /// The current file-exists policy of the queue.
    fn policy(&self) -> ExistsPolicy;
    /// Asks the user; `None` when nobody can answer (the session is closing).
    fn ask(
        &self,
        prompt: Prompt,
    ) -> impl std::future::Future<Output = Option<(ExistsAction, bool)>> + Send;
    /// Remembers an action answered "for all".
    fn set_policy(&self, policy: ExistsPolicy);
}

/// Runs `job` on `conn`: a directory expands; a file is looked at, decided, then transferred.
pub async fn run_job(conn: &mut Connection, job: &Job, env: &impl JobEnv) -> EngineResult<Outcome> {
    if job.direction == Direction::Upload {
        // A name the server's character set cannot carry is refused before anything is sent.
        conn.ctl.codec.encode(&job.remote).map_err(|e| {
            EngineError::Invalid(format!("the name {:?} cannot be sent: {e}", job.remote))
        })?;
    }
    match (job.direction, job.is_dir) {
        (Direction::Download, true) => return expand_remote(conn, job).await,
        (Direction::Upload, true) => return expand_local(&mut conn.ctl, job).await,
        (_, false) => {}
    }
    if job.direction == Direction::Upload && !remote::can_probe(&conn.ctl) {
        list_destination_folder(conn, &job.remote).await;
    }
    let facts = Facts::gather(&mut conn.ctl, &conn.listed, job, job.policy(env)).await?;
    let plan = match plan::decide(&mut conn.ctl, &conn.listed, job, facts, env).await? {
        Decided::Skip(reason) => return Ok(Outcome::Skipped(reason)),
        Decided::Transfer(plan) => plan,
    };
    match &plan.target {
        Target::Local(target) => download::download(conn, job, &plan, target, env).await,
        Target::Remote(target) => {
            let outcome = upload::upload(conn, job, &plan, target, env).await?;
            remember_uploaded(&mut conn.listed, &target.path);
            Ok(outcome)
        }
    }
}

/// Lists the folder an upload goes into, once per folder, for a server that cannot say
/// whether a file exists; a folder that cannot be listed leaves existence unknown.
async fn list_destination_folder(conn: &mut Connection, remote: &str) {
    let Some((dir, _)) = remote.rsplit_once('/') else {
        return;
    };
    let dir = if dir.is_empty() { "/" } else { dir };
    if remote::listed_in(&conn.listed, remote).is_some() {
        return;
    }
    let mut entries = Vec::new();
    match list_dir(conn, Some(dir), |_, batch| entries.extend(batch)).await {
        Ok(_) => conn.listed = Some((dir.to_string(), entries)),
        Err(e) => conn.ctl.log.status(format!(
            "Could not list {dir} to see what exists there: {e}"
        )),
    }
}

/// An uploaded file joins the folder's listing, when one is kept.
fn remember_uploaded(listed: &mut Listed, path: &str) {
    let known = remote::listed_in(listed, path).is_some();
    if let (true, Some((_, entries))) = (known, listed) {
        let name = path.rsplit('/').next().unwrap_or(path);
        if !entries.iter().any(|e| e.name == name) {
            entries.push(Entry::new(name, EntryKind::File, name));
        }
    }
}

/// Where a download's bytes go until it is complete: `NAME.part` beside `NAME`.
fn part_path(local: &Path) -> PathBuf {
    let mut name = local.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    local.with_file_name(name)
}

fn local_err(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |e| EngineError::local(path, e)
}
