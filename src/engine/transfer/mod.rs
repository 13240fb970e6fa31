//! One transfer on one connection: a file download into `NAME.part` renamed on success, an
//! upload, resume (REST, or APPE where REST STREAM is missing), and coalesced progress. The
//! file-exists policy, ASCII conversion and directory expansion have their own files.

mod ascii;
mod exists;
mod expand;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio::time::timeout;

use crate::api::{
    Direction, ExistsAction, ExistsPolicy, FileFacts, Prompt, TransferId, TransferState,
};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;

use ascii::{AsciiIn, AsciiOut, LineEndings};
use exists::{
    Decision, free_local_name, free_remote_name, local_facts, remote_facts, resolve_conflict,
};
use expand::{expand_local, expand_remote};

const BUFFER: usize = 256 * 1024;
/// Progress events per transfer are at least this far apart.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

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

/// Runs `job` on `ctl`.
pub async fn run_job(ctl: &mut Control, job: &Job, env: &impl JobEnv) -> EngineResult<Outcome> {
    match (job.direction, job.is_dir) {
        (Direction::Download, false) => download(ctl, job, env).await,
        (Direction::Upload, false) => upload(ctl, job, env).await,
        (Direction::Download, true) => expand_remote(ctl, job).await,
        (Direction::Upload, true) => expand_local(ctl, job).await,
    }
}

fn part_path(local: &Path) -> PathBuf {
    let mut name = local.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    local.with_file_name(name)
}

/// Counts bytes and reports progress at most every [`PROGRESS_EVERY`].
struct Meter<'a, E: JobEnv> {
    env: &'a E,
    id: TransferId,
    total: Option<u64>,
    done: u64,
    start: Instant,
    last: Instant,
    moved: u64,
}

impl<'a, E: JobEnv> Meter<'a, E> {
    fn start(env: &'a E, id: TransferId, offset: u64, total: Option<u64>) -> Self {
        env.report(id, TransferState::Started { offset, total });
        let now = Instant::now();
        Meter {
            env,
            id,
            total,
            done: offset,
            start: now,
            last: now,
            moved: 0,
        }
    }

    fn add(&mut self, n: usize) {
        self.done += n as u64;
        self.moved += n as u64;
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            let secs = self.start.elapsed().as_secs_f64().max(0.001);
            self.env.report(
                self.id,
                TransferState::Progress {
                    done: self.done,
                    total: self.total,
                    bytes_per_sec: (self.moved as f64 / secs) as u64,
                },
            );
        }
    }

    fn finish(&self) -> Outcome {
        Outcome::Finished {
            bytes: self.moved,
            elapsed: self.start.elapsed(),
        }
    }
}

fn local_err(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |e| EngineError::local(path, e)
}

async fn download(ctl: &mut Control, job: &Job, env: &impl JobEnv) -> EngineResult<Outcome> {
    let mut target = job.local.clone();
    let policy_needs_time = matches!(
        env.policy(),
        ExistsPolicy::OverwriteIfNewer | ExistsPolicy::Ask
    );
    let existing = local_facts(&target).await;
    let remote = remote_facts(ctl, &job.remote, existing.is_some() && policy_needs_time).await?;
    let total = remote.as_ref().and_then(|r| r.size).or(job.size);
    let source = remote.unwrap_or(FileFacts {
        path: job.remote.clone(),
        size: total,
        modified: None,
    });
    let mut offset = 0;
    let mut resume_part = matches!(env.policy(), ExistsPolicy::Resume);
    if let Some(existing) = existing {
        match resolve_conflict(job, source.clone(), existing, env).await? {
            Decision::Skip(reason) => return Ok(Outcome::Skipped(reason)),
            Decision::Rename => target = free_local_name(&target).await?,
            Decision::Write { offset: 0 } => resume_part = false,
            Decision::Write { offset: from } => {
                // Continue the existing file: it becomes the partial download.
                tokio::fs::rename(&target, part_path(&target))
                    .await
                    .map_err(local_err(&target))?;
                offset = from;
                resume_part = false;
            }
        }
    }
    let part = part_path(&target);
    if resume_part && let Some(facts) = local_facts(&part).await {
        offset = facts.size.unwrap_or(0);
        if total.is_some_and(|t| offset > t) {
            offset = 0;
        }
    }
    if job.ascii {
        offset = 0;
    }
    if let Some(dir) = target.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(local_err(dir))?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(offset == 0)
        .open(&part)
        .await
        .map_err(local_err(&part))?;
    if offset > 0 {
        file.set_len(offset).await.map_err(local_err(&part))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(local_err(&part))?;
        ctl.log
            .status(format!("Resuming {} at byte {offset}", job.remote));
    }
    if job.ascii {
        ctl.set_type(true).await?;
    }
    let command = format!("RETR {}", job.remote);
    let result = receive(ctl, job, env, &command, &mut file, &part, offset, total).await;
    if job.ascii && !ctl.is_broken() {
        ctl.set_type(false).await?;
    }
    drop(file);
    if result.is_err() && offset == 0 {
        // Nothing to resume from an empty partial file: don't leave it behind.
        if local_facts(&part).await.and_then(|f| f.size) == Some(0) {
            let _ = tokio::fs::remove_file(&part).await;
        }
    }
    let meter = result?;
    tokio::fs::rename(&part, &target)
        .await
        .map_err(local_err(&target))?;
    Ok(meter)
}

#[allow(clippy::too_many_arguments)]
async fn receive(
    ctl: &mut Control,
    job: &Job,
    env: &impl JobEnv,
    command: &str,
    file: &mut tokio::fs::File,
    part: &Path,
    offset: u64,
    total: Option<u64>,
) -> EngineResult<Outcome> {
    let mut data = ctl.open_data(command, Some(offset)).await?;
    let mut meter = Meter::start(env, job.id, offset, total);
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut buf = vec![0u8; BUFFER];
    let mut converted = Vec::new();
    let mut ascii = AsciiIn::default();
    loop {
        let n = match timeout(ctl.timeouts.inactivity, data.read(&mut buf)).await {
            Err(_) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::timeout(
                    format!("the download of {} (no data arrived)", job.remote),
                    ctl.timeouts.inactivity,
                ));
            }
            // TLS without close_notify: the final reply and the size check tell success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::Broken(format!(
                    "the download of {} broke off: {e}",
                    job.remote
                )));
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            break;
        }
        let bytes = ascii.apply(job.ascii, &buf[..n], &mut converted);
        if let Err(e) = writer.write_all(bytes).await {
            ctl.abort(Some(data)).await;
            return Err(EngineError::local(part, e));
        }
        meter.add(n);
    }
    drop(data);
    writer.flush().await.map_err(local_err(part))?;
    writer.get_mut().sync_all().await.map_err(local_err(part))?;
    ctl.finish_transfer(command).await?;
    if !job.ascii
        && let Some(total) = total
        && meter.done != total
    {
        return Err(EngineError::Broken(format!(
            "the download of {} ended after {} of {total} bytes",
            job.remote, meter.done
        )));
    }
    Ok(meter.finish())
}

async fn upload(ctl: &mut Control, job: &Job, env: &impl JobEnv) -> EngineResult<Outcome> {
    let source = local_facts(&job.local).await.ok_or_else(|| {
        EngineError::local(
            &job.local,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        )
    })?;
    let mut target = job.remote.clone();
    let needs_time = matches!(
        env.policy(),
        ExistsPolicy::OverwriteIfNewer | ExistsPolicy::Ask
    );
    let mut offset = 0;
    if let Some(existing) = remote_facts(ctl, &target, needs_time).await? {
        match resolve_conflict(job, source.clone(), existing, env).await? {
            Decision::Skip(reason) => return Ok(Outcome::Skipped(reason)),
            Decision::Rename => target = free_remote_name(ctl, &target).await?,
            Decision::Write { offset: from } => offset = if job.ascii { 0 } else { from },
        }
    }
    let mut file = tokio::fs::File::open(&job.local)
        .await
        .map_err(local_err(&job.local))?;
    let (command, rest) = if offset == 0 {
        (format!("STOR {target}"), None)
    } else if ctl.features.rest_stream {
        (format!("STOR {target}"), Some(offset))
    } else {
        (format!("APPE {target}"), None)
    };
    if offset > 0 {
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(local_err(&job.local))?;
        ctl.log
            .status(format!("Resuming the upload of {target} at byte {offset}"));
    }
    if job.ascii {
        ctl.set_type(true).await?;
    }
    let result = send(
        ctl,
        job,
        env,
        &command,
        rest,
        &mut file,
        offset,
        source.size,
    )
    .await;
    if job.ascii && !ctl.is_broken() {
        ctl.set_type(false).await?;
    }
    let outcome = result?;
    if !job.ascii
        && ctl.features.size
        && let Some(expected) = source.size
        && let Some(facts) = remote_facts(ctl, &target, false).await?
        && let Some(size) = facts.size
        && size != expected
    {
        return Err(EngineError::Broken(format!(
            "the server holds {size} bytes of {target} after the upload, not {expected}"
        )));
    }
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
async fn send(
    ctl: &mut Control,
    job: &Job,
    env: &impl JobEnv,
    command: &str,
    rest: Option<u64>,
    file: &mut tokio::fs::File,
    offset: u64,
    total: Option<u64>,
) -> EngineResult<Outcome> {
    let mut data = ctl.open_data(command, rest).await?;
    let mut meter = Meter::start(env, job.id, offset, total);
    let mut buf = vec![0u8; BUFFER];
    let mut converted = Vec::new();
    let mut ascii = AsciiOut::default();
    loop {
        let n = match file.read(&mut buf).await {
            Ok(n) => n,
            Err(e) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::local(&job.local, e));
            }
        };
        if n == 0 {
            break;
        }
        let bytes = ascii.apply(job.ascii, &buf[..n], &mut converted);
        match timeout(ctl.timeouts.inactivity, data.write_all(bytes)).await {
            Ok(Ok(())) => meter.add(n),
            Ok(Err(e)) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::Broken(format!(
                    "the upload of {} broke off: {e}",
                    job.remote
                )));
            }
            Err(_) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::timeout(
                    format!("the upload of {} (the server took no data)", job.remote),
                    ctl.timeouts.inactivity,
                ));
            }
        }
    }
    match timeout(ctl.timeouts.inactivity, data.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            ctl.mark_broken();
            return Err(EngineError::Broken(format!(
                "closing the upload of {} failed: {e}",
                job.remote
            )));
        }
        Err(_) => {
            ctl.mark_broken();
            return Err(EngineError::timeout(
                "closing the upload",
                ctl.timeouts.inactivity,
            ));
        }
    }
    ctl.finish_transfer(command).await?;
    Ok(meter.finish())
}
