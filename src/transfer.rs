//! One transfer on one connection: a file download into `NAME.part` renamed on success, an
//! upload, resume (REST, or APPE where REST STREAM is missing), the file-exists policy, ASCII
//! line-ending conversion, coalesced progress, and the expansion of a directory into the
//! transfers of its contents.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio::time::timeout;

use crate::api::{
    DataMode, Direction, EntryKind, ExistsAction, ExistsPolicy, FileFacts, Prompt, TransferId,
    TransferState,
};
use crate::control::Control;
use crate::error::{EngineError, EngineResult};
use crate::ops::{list_dir, parse_mdtm};
use crate::paths::{check_remote_name, join_remote};

const BUFFER: usize = 256 * 1024;
/// Progress events per transfer are at least this far apart.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Directory trees deeper than this are not followed (symlink loops).
const MAX_DEPTH: usize = 64;
/// Names tried for the "rename" action before giving up.
const MAX_RENAME_TRIES: u32 = 1000;

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
pub async fn run_job(
    ctl: &mut Control,
    mode: DataMode,
    job: &Job,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
    match (job.direction, job.is_dir) {
        (Direction::Download, false) => download(ctl, mode, job, env).await,
        (Direction::Upload, false) => upload(ctl, mode, job, env).await,
        (Direction::Download, true) => expand_remote(ctl, mode, job).await,
        (Direction::Upload, true) => expand_local(ctl, job).await,
    }
}

/// What to do about an existing destination.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// Write from `offset` (0: from the start).
    Write {
        offset: u64,
    },
    Rename,
    Skip(String),
}

fn action_for(policy: ExistsPolicy) -> Option<ExistsAction> {
    Some(match policy {
        ExistsPolicy::Ask => return None,
        ExistsPolicy::Overwrite => ExistsAction::Overwrite,
        ExistsPolicy::OverwriteIfNewer => ExistsAction::OverwriteIfNewer,
        ExistsPolicy::OverwriteIfSizeDiffers => ExistsAction::OverwriteIfSizeDiffers,
        ExistsPolicy::Resume => ExistsAction::Resume,
        ExistsPolicy::Rename => ExistsAction::Rename,
        ExistsPolicy::Skip => ExistsAction::Skip,
    })
}

fn policy_for(action: ExistsAction) -> Option<ExistsPolicy> {
    Some(match action {
        ExistsAction::Overwrite => ExistsPolicy::Overwrite,
        ExistsAction::OverwriteIfNewer => ExistsPolicy::OverwriteIfNewer,
        ExistsAction::OverwriteIfSizeDiffers => ExistsPolicy::OverwriteIfSizeDiffers,
        ExistsAction::Resume => ExistsPolicy::Resume,
        ExistsAction::Rename => ExistsPolicy::Rename,
        ExistsAction::Skip => ExistsPolicy::Skip,
        ExistsAction::Cancel => return None,
    })
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
async fn resolve_conflict(
    job: &Job,
    source: FileFacts,
    destination: FileFacts,
    env: &impl JobEnv,
) -> EngineResult<Decision> {
    let action = match action_for(env.policy()) {
        Some(action) => action,
        None => {
            let prompt = Prompt::FileExists {
                transfer: job.id,
                direction: job.direction,
                source: source.clone(),
                destination: destination.clone(),
            };
            let (action, for_all) = env.ask(prompt).await.ok_or(EngineError::Cancelled)?;
            if for_all && let Some(policy) = policy_for(action) {
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

fn part_path(local: &Path) -> PathBuf {
    let mut name = local.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    local.with_file_name(name)
}

async fn local_facts(path: &Path) -> Option<FileFacts> {
    let meta = tokio::fs::metadata(path).await.ok()?;
    Some(FileFacts {
        path: path.display().to_string(),
        size: Some(meta.len()),
        modified: meta.modified().ok(),
    })
}

/// SIZE and (when the policy needs it) MDTM of a remote file; `None` when it does not exist.
async fn remote_facts(
    ctl: &mut Control,
    path: &str,
    want_time: bool,
) -> EngineResult<Option<FileFacts>> {
    let reply = ctl.cmd_final(&format!("SIZE {path}")).await?;
    let size = match reply.code {
        213 => reply.message().trim().parse().ok(),
        550 => return Ok(None),
        _ => None,
    };
    let mut modified = None;
    if want_time {
        let reply = ctl.cmd_final(&format!("MDTM {path}")).await?;
        if reply.code == 213 {
            modified = parse_mdtm(&reply.message()).map(|t| SystemTime::from(t.time.and_utc()));
        }
    }
    Ok(Some(FileFacts {
        path: path.to_string(),
        size,
        modified,
    }))
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

/// Converts CRLF to the local line ending in an ASCII download, across buffer boundaries.
#[derive(Default)]
struct AsciiIn {
    pending_cr: bool,
}

impl AsciiIn {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for &b in input {
            if self.pending_cr {
                self.pending_cr = false;
                if b != b'\n' {
                    out.push(b'\r');
                }
            }
            if b == b'\r' && cfg!(not(windows)) {
                self.pending_cr = true;
            } else {
                out.push(b);
            }
        }
    }
}

/// Converts local line endings to CRLF in an ASCII upload.
#[derive(Default)]
struct AsciiOut {
    last_cr: bool,
}

impl AsciiOut {
    fn convert(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        for &b in input {
            if b == b'\n' && !self.last_cr {
                out.push(b'\r');
            }
            self.last_cr = b == b'\r';
            out.push(b);
        }
    }
}

fn local_err(path: &Path) -> impl FnOnce(std::io::Error) -> EngineError + '_ {
    move |e| EngineError::local(path, e)
}

async fn download(
    ctl: &mut Control,
    mode: DataMode,
    job: &Job,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
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
    let result = receive(
        ctl, mode, job, env, &command, &mut file, &part, offset, total,
    )
    .await;
    if job.ascii && !ctl.is_broken() {
        ctl.set_type(false).await?;
    }
    let meter = result?;
    drop(file);
    tokio::fs::rename(&part, &target)
        .await
        .map_err(local_err(&target))?;
    Ok(meter)
}

#[allow(clippy::too_many_arguments)]
async fn receive(
    ctl: &mut Control,
    mode: DataMode,
    job: &Job,
    env: &impl JobEnv,
    command: &str,
    file: &mut tokio::fs::File,
    part: &Path,
    offset: u64,
    total: Option<u64>,
) -> EngineResult<Outcome> {
    let mut data = ctl.open_data(mode, command, Some(offset)).await?;
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
                return Err(EngineError::Data {
                    mode: "transfer",
                    detail: format!("the download of {} broke off: {e}", job.remote),
                });
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            break;
        }
        let bytes = if job.ascii {
            ascii.convert(&buf[..n], &mut converted);
            &converted[..]
        } else {
            &buf[..n]
        };
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
        return Err(EngineError::Data {
            mode: "transfer",
            detail: format!(
                "the download of {} ended after {} of {total} bytes",
                job.remote, meter.done
            ),
        });
    }
    Ok(meter.finish())
}

async fn free_local_name(path: &Path) -> EngineResult<PathBuf> {
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

async fn free_remote_name(ctl: &mut Control, path: &str) -> EngineResult<String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    for n in 1..=MAX_RENAME_TRIES {
        let candidate = format!("{dir}/{}", numbered_name(name, n));
        if remote_facts(ctl, &candidate, false).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(EngineError::RemoteExists(path.to_string()))
}

async fn upload(
    ctl: &mut Control,
    mode: DataMode,
    job: &Job,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
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
        mode,
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
        return Err(EngineError::Data {
            mode: "transfer",
            detail: format!(
                "the server holds {size} bytes of {target} after the upload, not {expected}"
            ),
        });
    }
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
async fn send(
    ctl: &mut Control,
    mode: DataMode,
    job: &Job,
    env: &impl JobEnv,
    command: &str,
    rest: Option<u64>,
    file: &mut tokio::fs::File,
    offset: u64,
    total: Option<u64>,
) -> EngineResult<Outcome> {
    let mut data = ctl.open_data(mode, command, rest).await?;
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
        let bytes = if job.ascii {
            ascii.convert(&buf[..n], &mut converted);
            &converted[..]
        } else {
            &buf[..n]
        };
        match timeout(ctl.timeouts.inactivity, data.write_all(bytes)).await {
            Ok(Ok(())) => meter.add(n),
            Ok(Err(e)) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::Data {
                    mode: "transfer",
                    detail: format!("the upload of {} broke off: {e}", job.remote),
                });
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
            return Err(EngineError::Data {
                mode: "transfer",
                detail: format!("closing the upload of {} failed: {e}", job.remote),
            });
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

/// A remote directory: creates the local one and returns a job for each entry.
async fn expand_remote(ctl: &mut Control, mode: DataMode, job: &Job) -> EngineResult<Outcome> {
    if job.depth > MAX_DEPTH {
        return Err(EngineError::Protocol(format!(
            "{} is nested too deep",
            job.remote
        )));
    }
    let mut entries = Vec::new();
    let (dir, _) = list_dir(ctl, mode, Some(&job.remote), |_, batch| {
        entries.extend(batch)
    })
    .await?;
    tokio::fs::create_dir_all(&job.local)
        .await
        .map_err(local_err(&job.local))?;
    let mut children = Vec::new();
    for entry in entries {
        if entry.kind == EntryKind::Unknown {
            ctl.log.error(format!(
                "Skipped a listing line that could not be read: {:?}",
                entry.raw
            ));
            continue;
        }
        if let Err(e) = check_remote_name(&entry.name) {
            ctl.log.error(format!("{e}"));
            continue;
        }
        let is_dir = match entry.kind {
            EntryKind::Dir => true,
            EntryKind::File | EntryKind::Link => false,
            _ => {
                ctl.log
                    .status(format!("Skipped {}: not a regular file", entry.name));
                continue;
            }
        };
        children.push(Job {
            id: job.id,
            direction: Direction::Download,
            local: job.local.join(&entry.name),
            remote: join_remote(&dir, &entry.name),
            is_dir,
            ascii: job.ascii,
            depth: job.depth + 1,
            size: entry.size,
        });
    }
    Ok(Outcome::Expanded(children))
}

/// A local directory: creates the remote one and returns a job for each entry.
async fn expand_local(ctl: &mut Control, job: &Job) -> EngineResult<Outcome> {
    if job.depth > MAX_DEPTH {
        return Err(EngineError::Invalid(format!(
            "{} is nested too deep",
            job.local.display()
        )));
    }
    let mut reader = tokio::fs::read_dir(&job.local)
        .await
        .map_err(local_err(&job.local))?;
    let reply = ctl.cmd_final(&format!("MKD {}", job.remote)).await?;
    if !reply.is_success() {
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
    while let Some(entry) = reader.next_entry().await.map_err(local_err(&job.local))? {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            ctl.log.error(format!(
                "Skipped {}: the name is not valid UTF-8",
                path.display()
            ));
            continue;
        };
        let meta = tokio::fs::metadata(&path).await.map_err(local_err(&path))?;
        if !(meta.is_dir() || meta.is_file()) {
            ctl.log
                .status(format!("Skipped {}: not a regular file", path.display()));
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
        });
    }
    children.sort_by(|a, b| a.local.cmp(&b.local));
    Ok(Outcome::Expanded(children))
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn ascii_conversion_across_buffers() {
        let mut inbound = AsciiIn::default();
        let mut out = Vec::new();
        let mut all = Vec::new();
        for chunk in [&b"a\r"[..], b"\nb\r", b"c\r\n"] {
            inbound.convert(chunk, &mut out);
            all.extend_from_slice(&out);
        }
        if cfg!(not(windows)) {
            assert_eq!(all, b"a\nb\rc\n");
        }
        let mut outbound = AsciiOut::default();
        outbound.convert(b"a\nb\r\nc", &mut out);
        assert_eq!(out, b"a\r\nb\r\nc");
    }
}
