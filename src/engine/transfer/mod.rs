//! One transfer on one connection. A file goes through three steps, in [`run_job`]: the facts
//! of both sides are gathered once ([`facts`]), a [`plan::TransferPlan`] is decided from them
//! and the file-exists policy ([`plan`], [`exists`]; the user is asked there when the policy
//! says so), and the plan is carried out ([`download`]: into `NAME.part`, renamed on success;
//! [`upload`]; the local file is read or written on a thread of its own, [`disk`]), with
//! coalesced progress ([`meter`]) and the worker's speed limits ([`throttle`]); a large download
//! may be split over several connections ([`segments`]). The result is checked against the
//! server's hash ([`hash`]) and given the source's time when the site says so ([`times`]). The
//! site's transfer type decides each file's ASCII mode here. Directories expand into the jobs of
//! their contents ([`expand`]); ASCII conversion has its own file.

mod ascii;
mod disk;
mod download;
mod exists;
mod expand;
mod facts;
mod flush;
mod hash;
mod meter;
mod plan;
mod pump;
mod remote;
mod segments;
mod target;
mod throttle;
mod times;
mod upload;

pub use expand::FilterCell;
pub use segments::Lent;
pub use target::local_path;
pub use throttle::Throttle;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::api::{
    Direction, Entry, EntryKind, ExistsAction, ExistsPolicy, Prompt, TransferId, TransferOptions,
    TransferState, TransferType,
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
    /// A download into a local folder its expansion made just now: nothing is there yet to
    /// look for.
    pub new_folder: bool,
    /// The request's own file-exists policy (its children inherit it); `None`: the queue's.
    pub on_exists: Option<ExistsPolicy>,
    /// What a folder's expansion leaves out (the worker's transfer filter when it was queued).
    pub filter: Option<std::sync::Arc<crate::api::filter::TransferFilterSet>>,
}

/// A file that arrived whole.
#[derive(Debug, Default)]
pub struct Done {
    pub bytes: u64,
    pub elapsed: Duration,
    /// The hash the transfer was checked with (`SHA-256`…), when it was.
    pub verified: Option<&'static str>,
}

impl Done {
    /// The state the queue reports for it.
    pub fn state(&self) -> TransferState {
        TransferState::Finished {
            bytes: self.bytes,
            elapsed: self.elapsed,
            verified: self.verified.map(str::to_string),
        }
    }
}

impl Outcome {
    /// A finished transfer that passed the hash check `verified` names.
    fn verified(self, verified: Option<&'static str>) -> Outcome {
        match self {
            Outcome::Finished(done) => Outcome::Finished(Done { verified, ..done }),
            other => other,
        }
    }
}

impl Job {
    /// The file-exists policy for this job: its own, else the queue's.
    fn policy(&self, env: &impl JobEnv) -> ExistsPolicy {
        self.on_exists.unwrap_or_else(|| env.policy())
    }

    /// Whether an upload asks the server about its destination first: not in a folder its
    /// expansion just made ([`Job::fresh`]), nor when it overwrites whatever is there.
    fn probes_destination(&self, policy: ExistsPolicy) -> bool {
        self.direction == Direction::Upload && !self.fresh && policy != ExistsPolicy::Overwrite
    }
}

/// What a finished job hands back to the queue.
pub enum Outcome {
    Finished(Done),
    /// A download whose bytes all arrived, with the server's word on it, and whose file is
    /// still being put on the disk (flushed, then renamed) while its connection starts the
    /// next job: it ends when [`Finishing::wait`] does.
    Finishing(Finishing),
    Skipped(String),
    /// A directory: the jobs for its contents (ids still to be assigned), and the entries
    /// refused because their names cannot be made a local path (see [`Refused`]).
    Expanded(Vec<Job>, Vec<Refused>),
}

/// The rest of a download whose bytes all arrived: putting its file on the disk. The queue
/// runs it on a task of its own while the connection goes on.
pub struct Finishing(
    std::pin::Pin<Box<dyn std::future::Future<Output = EngineResult<Done>> + Send>>,
);

impl Finishing {
    pub async fn wait(self) -> EngineResult<Done> {
        self.0.await
    }
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
    /// The site's segment count for large downloads (`None`: automatic; see [`segments`]).
    fn segments(&self) -> Option<usize> {
        Some(1)
    }
    /// How many more connections the queue has room for besides the job's own.
    fn room(&self) -> usize {
        0
    }
    /// Up to `want` more connections for one job's segments: fewer when the queue has no room
    /// or the server refuses more.
    fn borrow(&self, want: usize) -> impl std::future::Future<Output = Lent> + Send {
        let _ = want;
        async { Lent::none() }
    }
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
    let job = &Job {
        ascii: job.ascii || is_ascii(&conn.transfer, &job.remote),
        ..job.clone()
    };
    let hash = hash::choose(conn.transfer.verify, &conn.ctl.features, job.ascii)?;
    let policy = job.policy(env);
    if job.probes_destination(policy) && !remote::can_probe(&conn.ctl) {
        list_destination_folder(conn, &job.remote).await;
    }
    let facts = Facts::gather(&mut conn.ctl, &conn.listed, job, policy).await?;
    let mut plan = match plan::decide(&mut conn.ctl, &conn.listed, job, facts, env).await? {
        Decided::Skip(reason) => return Ok(Outcome::Skipped(reason)),
        Decided::Transfer(plan) => plan,
    };
    plan.hash = hash;
    let preserve = conn.transfer.preserve_times;
    let (outcome, times) = match &plan.target {
        Target::Local(target) => {
            let outcome = match segments::prepare(&conn.ctl, job, &plan, target, env) {
                Some(ranges) => segments::download(conn, job, &plan, target, ranges, env).await?,
                None => download::download(conn, job, &plan, target, env).await?,
            };
            let times = match preserve {
                true => times::after_download(&mut conn.ctl, &job.remote, &target.path).await,
                false => Ok(()),
            };
            (outcome, times)
        }
        Target::Remote(target) => {
            let outcome = upload::upload(conn, job, &plan, target, env).await?;
            remember_uploaded(&mut conn.listed, &target.path);
            let times = match preserve {
                true => times::after_upload(&mut conn.ctl, &job.local, &target.path).await,
                false => Ok(()),
            };
            (outcome, times)
        }
    };
    if let Err(e) = times {
        conn.ctl.log.status(format!(
            "Could not preserve the time of {}: {e}",
            job.remote
        ));
    }
    Ok(outcome)
}

/// Whether a file goes in ASCII mode by the site's transfer type: Auto picks it for the listed
/// extensions and for extension-less dotfiles (`.bashrc`), as FileZilla does.
fn is_ascii(options: &TransferOptions, remote: &str) -> bool {
    match options.transfer_type {
        TransferType::Ascii => true,
        TransferType::Binary => false,
        TransferType::Auto => {
            let name = remote.rsplit('/').next().unwrap_or(remote);
            match name.rsplit_once('.') {
                Some(("", _)) => true,
                Some((_, extension)) => has_ascii_extension(options, extension),
                None => false,
            }
        }
    }
}

fn has_ascii_extension(options: &TransferOptions, extension: &str) -> bool {
    options
        .ascii_extensions
        .iter()
        .any(|e| e.eq_ignore_ascii_case(extension))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_ascii_by_extension_and_for_dotfiles() {
        let mut options = TransferOptions {
            transfer_type: TransferType::Auto,
            ..TransferOptions::default()
        };
        for name in ["/a.txt", "/www/INDEX.HTML", "/.htaccess", "/conf/app.json"] {
            assert!(is_ascii(&options, name), "{name}");
        }
        for name in ["/a.bin", "/photo.jpg", "/Makefile", "/.config.tar"] {
            assert!(!is_ascii(&options, name), "{name}");
        }
        options.transfer_type = TransferType::Binary;
        assert!(!is_ascii(&options, "/a.txt"));
        options.transfer_type = TransferType::Ascii;
        assert!(is_ascii(&options, "/a.bin"));
    }
}
