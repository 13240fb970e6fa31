//! One transfer on one connection. A file goes through three steps, in [`run_job`]: the facts
//! of both sides are gathered once ([`facts`]), a [`plan::TransferPlan`] is decided from them
//! and the file-exists policy ([`plan`], [`exists`]; the user is asked there when the policy
//! says so), and the plan is carried out ([`download`]: into `NAME.part`, renamed on success;
//! [`upload`]), with coalesced progress ([`meter`]). Directories expand into the jobs of their
//! contents ([`expand`]); ASCII conversion has its own file.

mod ascii;
mod download;
mod exists;
mod expand;
mod facts;
mod meter;
mod plan;
mod remote;
mod upload;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{Direction, ExistsAction, ExistsPolicy, Prompt, TransferId, TransferState};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};

use expand::{expand_local, expand_remote};
use facts::Facts;
use plan::{Decided, Target};

const BUFFER: usize = 256 * 1024;

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
}

/// What a finished job hands back to the queue.
pub enum Outcome {
    Finished {
        bytes: u64,
        elapsed: Duration,
    },
    Skipped(String),
    /// A directory: the jobs for its contents (ids still to be assigned).
    Expanded(Vec<Job>),
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
    match (job.direction, job.is_dir) {
        (Direction::Download, true) => return expand_remote(conn, job).await,
        (Direction::Upload, true) => return expand_local(&mut conn.ctl, job).await,
        (_, false) => {}
    }
    let facts = Facts::gather(&mut conn.ctl, job, env.policy()).await?;
    let plan = match plan::decide(&mut conn.ctl, job, facts, env).await? {
        Decided::Skip(reason) => return Ok(Outcome::Skipped(reason)),
        Decided::Transfer(plan) => plan,
    };
    match &plan.target {
        Target::Local(target) => download::download(conn, job, &plan, target, env).await,
        Target::Remote(target) => upload::upload(conn, job, &plan, target, env).await,
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
