//! Segmented downloads: one large file over several connections at once (lftp's `pget -n`).
//! The file's remaining bytes are cut into ranges; each connection (the job's own and those the
//! queue lends, [`Lent`]; the job's own starts while the others log in) takes ranges in turn
//! and, with none left, half of the largest rest of another's ([`ranges`]); it sends `REST` +
//! `RETR`, reads only its range into the preallocated `NAME.part` (positioned writes), then
//! closes the data connection and reads the server's reply (`426` or `226`), which keeps the control connection in step.
//! What each range has on disk is kept in a sidecar, `NAME.part.segments`, written atomically
//! now and then: a resumed download continues every range where it stopped. The sidecar goes
//! once the `.part` is complete, checked and renamed.
//!
//! When it is on ([`count`]): only when asked for (a count above 1 in Settings or
//! `--segments N`). One TCP stream over a long link stays far below the bandwidth (its window
//! fills before the acknowledgements come back); several streams add up. On a short link one
//! stream is as fast. It is off by default until resuming a segmented download after the
//! process was killed is proven (a kill -9 test of `ferry mirror` saw a resumed segmented
//! download end 1 MiB short, and the size check caught it).

use std::fs::File;
use std::future::Future;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::{self, DataStream};

use super::disk::CHUNK;
use super::download::prepare_part;
use super::meter::Meter;
use super::plan::{LocalTarget, TransferPlan};
use super::{Job, JobEnv, Outcome, local_err};

mod ranges;
use ranges::{Range, Ranges, decode, sidecar_path, split};

/// No segment is smaller than this (more connections would cost more than they bring).
const MIN_SEGMENT: u64 = 256 << 10;
/// A buffer goes to the disk when it is full or held bytes this long.
const HOLD_AT_MOST: Duration = Duration::from_millis(200);

/// Connections the queue lent to one download; their places in the queue are given back when
/// this is dropped (the download ended, failed or was cancelled).
pub struct Lent {
    pub conns: Vec<Connection>,
    release: Option<Box<dyn FnOnce() + Send>>,
}

impl Lent {
    pub fn new(conns: Vec<Connection>, release: impl FnOnce() + Send + 'static) -> Lent {
        Lent {
            conns,
            release: Some(Box::new(release)),
        }
    }

    pub fn none() -> Lent {
        Lent {
            conns: Vec::new(),
            release: None,
        }
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}

/// How many connections a download of `total` bytes is split over: the site's count (`None`:
/// 1, not segmented), within the `slots` the queue has for it (its own included) and no
/// segment under [`MIN_SEGMENT`].
pub fn count(setting: Option<usize>, total: u64, slots: usize) -> usize {
    let wanted = setting.unwrap_or(1);
    let by_size = usize::try_from(total / MIN_SEGMENT).unwrap_or(usize::MAX);
    wanted.min(slots).min(by_size).max(1)
}

/// The ranges to download `job` in when it is segmented; `None` takes the ordinary path. A
/// sidecar left by an interrupted segmented download is continued when the plan resumes and
/// the size still matches; a download starting over forgets it.
pub fn prepare(
    ctl: &Control,
    job: &Job,
    plan: &TransferPlan,
    target: &LocalTarget,
    env: &impl JobEnv,
) -> Option<Vec<Range>> {
    // A segmented download is not hash-checked before its rename: where the server offers a
    // hash, the file comes over one connection and is checked.
    if plan.hash.is_some() {
        return None;
    }
    let total = plan.total?;
    if total < 2 * MIN_SEGMENT {
        // Never segmented, so never a sidecar: small files cost no look at the disk.
        return None;
    }
    let sidecar = sidecar_path(&target.part);
    let recorded = std::fs::read_to_string(&sidecar).ok().map(|t| decode(&t));
    if plan.offset == 0 || plan.ascii {
        if recorded.is_some() {
            let _ = std::fs::remove_file(&sidecar);
        }
        if plan.ascii {
            return None;
        }
    }
    let possible = !job.ascii && ctl.features.rest_stream;
    match recorded {
        Some(Some((recorded_total, ranges))) if plan.offset > 0 && possible => {
            if recorded_total == total {
                return Some(ranges);
            }
            // The file changed since: the `.part` has holes nothing records. Start over.
            return Some(split(
                0,
                total,
                count(env.segments(), total, env.room() + 1),
            ));
        }
        Some(_) if plan.offset > 0 => return Some(split(0, total, 1)),
        _ => {}
    }
    let n = count(
        env.segments(),
        total - plan.offset.min(total),
        env.room() + 1,
    );
    (n > 1 && possible).then(|| split(plan.offset, total, n))
}

/// What the connections of one segmented download share.
struct Shared {
    command: String,
    part: PathBuf,
    total: u64,
    ranges: Ranges,
    /// Bytes received and not yet counted by the meter.
    received: AtomicU64,
    failed: AtomicBool,
}

impl Shared {
    fn what(&self) -> String {
        format!(
            "a segment of the download of {}",
            self.command.trim_start_matches("RETR ")
        )
    }
}

/// Downloads `job` in `ranges` on `conn` and the connections the queue lends: into the
/// preallocated `.part`, then the size check and the rename; the sidecar goes last.
pub async fn download(
    conn: &mut Connection,
    job: &Job,
    plan: &TransferPlan,
    target: &LocalTarget,
    ranges: Vec<Range>,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
    prepare_part(target).await?;
    let total = plan.total.unwrap_or_default();
    let shared = Arc::new(Shared {
        command: format!("RETR {}", job.remote),
        part: target.part.clone(),
        total,
        ranges: Ranges::new(total, sidecar_path(&target.part), ranges),
        received: AtomicU64::new(0),
        failed: AtomicBool::new(false),
    });
    // The sidecar exists before the `.part` grows to its full size: a `.part` with holes is
    // never there without the record of them.
    let sidecar = shared.ranges.sidecar();
    shared.ranges.save().map_err(local_err(sidecar))?;
    preallocate(&target.part, total).await?;
    let (ranges_left, resumed) = shared.ranges.summary();
    let mut meter = Meter::start(env, job.id, resumed, Some(total));
    let log = conn.ctl.log.clone();
    // Failed or cancelled (this future dropped): the sidecar says what is on disk.
    let mut saving = SaveOnDrop(Some(&shared.ranges));
    let lending = async {
        let lent = env.borrow(ranges_left.saturating_sub(1)).await;
        log.status(format!(
            "Downloading {} in {ranges_left} segment{} over {} connection{}",
            job.remote,
            if ranges_left == 1 { "" } else { "s" },
            lent.conns.len() + 1,
            if lent.conns.is_empty() { "" } else { "s" },
        ));
        lent
    };
    run_all(conn, lending, &shared, &mut meter).await?;
    saving.0 = None;
    finish(&shared, target, &meter).await?;
    Ok(meter.finish())
}
/// Writes the sidecar when dropped, unless emptied first.
struct SaveOnDrop<'a>(Option<&'a Ranges>);

impl Drop for SaveOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(ranges) = self.0 {
            let _ = ranges.save();
        }
    }
}

/// The `.part` file at the size of the whole file (sparse where nothing arrived yet).
async fn preallocate(part: &Path, total: u64) -> EngineResult<()> {
    let file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(part)
        .await
        .map_err(local_err(part))?;
    file.set_len(total).await.map_err(local_err(part))
}

/// Every range complete and the `.part` of the expected size, flushed to the disk: renamed to
/// the final name, then the sidecar removed.
async fn finish<E: JobEnv>(
    shared: &Shared,
    target: &LocalTarget,
    meter: &Meter<'_, E>,
) -> EngineResult<()> {
    let part = target.part.clone();
    let size = tokio::task::spawn_blocking(move || {
        let file = File::options().write(true).open(&part)?;
        file.sync_all()?;
        file.metadata().map(|m| m.len())
    })
    .await
    .map_err(|e| EngineError::local(&target.part, std::io::Error::other(e)))?
    .map_err(local_err(&target.part))?;
    if !shared.ranges.complete() || size != shared.total || meter.done != shared.total {
        return Err(EngineError::Broken(format!(
            "the segmented download of {} ended with {} of {} bytes",
            shared.command.trim_start_matches("RETR "),
            meter.done,
            shared.total
        )));
    }
    tokio::fs::rename(&target.part, &target.path)
        .await
        .map_err(local_err(&target.path))?;
    let _ = tokio::fs::remove_file(shared.ranges.sidecar()).await;
    Ok(())
}

/// Runs a worker on `conn` at once and one on each connection `lending` brings (tasks of their
/// own, ended when this is dropped), counting progress as it comes. The lent connections say
/// goodbye after.
async fn run_all<E: JobEnv>(
    conn: &mut Connection,
    lending: impl Future<Output = Lent>,
    shared: &Arc<Shared>,
    meter: &mut Meter<'_, E>,
) -> EngineResult<()> {
    let others = async {
        let mut lent = lending.await;
        let mut set = JoinSet::new();
        for mut c in std::mem::take(&mut lent.conns) {
            let shared = Arc::clone(shared);
            let log = c.ctl.log.clone();
            set.spawn(log.scope(async move {
                let result = worker(&mut c, &shared).await;
                (result, c)
            }));
        }
        let mut result = Ok(());
        while let Some(joined) = set.join_next().await {
            let (ended, c) =
                joined.map_err(|e| EngineError::Broken(format!("a segment's task ended: {e}")))?;
            result = result.and(ended);
            if !c.is_broken() {
                tokio::spawn(c.ctl.quit());
            }
        }
        result
    };
    let work = async { tokio::join!(worker(conn, shared), others) };
    tokio::pin!(work);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let (own, others) = loop {
        tokio::select! {
            ended = &mut work => break ended,
            _ = tick.tick() => meter.add(take_received(shared)),
        }
    };
    meter.add(take_received(shared));
    own.and(others)
}

fn take_received(shared: &Shared) -> usize {
    usize::try_from(shared.received.swap(0, Ordering::Relaxed)).unwrap_or(usize::MAX)
}

/// Takes ranges in turn and downloads each, until none is left or another connection failed.
async fn worker(conn: &mut Connection, shared: &Shared) -> EngineResult<()> {
    let part = shared.part.clone();
    let open = tokio::task::spawn_blocking(move || File::options().write(true).open(part));
    let mut file = Some(
        open.await
            .map_err(|e| EngineError::local(&shared.part, std::io::Error::other(e)))?
            .map_err(local_err(&shared.part))?,
    );
    while !shared.failed.load(Ordering::Relaxed)
        && let Some(i) = shared.ranges.claim()
    {
        if let Err(e) = segment(conn, shared, i, &mut file).await {
            shared.failed.store(true, Ordering::Relaxed);
            return Err(e);
        }
    }
    Ok(())
}

/// Range `i`: `REST` + `RETR`, its bytes only, then the data connection closed and the
/// server's reply read.
async fn segment(
    conn: &mut Connection,
    shared: &Shared,
    i: usize,
    file: &mut Option<File>,
) -> EngineResult<()> {
    let (start, end, done) = shared.ranges.range(i);
    let from = start + done;
    if from >= end {
        return Ok(());
    }
    let rest = (from > 0).then_some(from);
    let mut stream = conn.data.open(&mut conn.ctl, &shared.command, rest).await?;
    let inactivity = conn.ctl.timeouts.inactivity;
    match receive(&mut stream, shared, i, inactivity, file).await {
        Ok(()) => {
            end_early(&mut conn.ctl, stream).await;
            Ok(())
        }
        Err(e) => {
            data::abort(&mut conn.ctl, stream).await;
            Err(e)
        }
    }
}

/// The range's bytes are in: the data connection closes, and the server's reply to that (`426`,
/// or `226` when it had sent everything already) keeps the control connection in step. No
/// reply in time: the connection is not used again.
async fn end_early(ctl: &mut Control, stream: DataStream) {
    drop(stream);
    if ctl
        .read_reply("waiting for the end of a segment")
        .await
        .is_err()
    {
        ctl.mark_broken();
    }
}

/// Reads range `i` from `stream` into `file` at its place until the range (which a split may
/// shorten meanwhile) is complete, marking what is on disk.
async fn receive(
    stream: &mut DataStream,
    shared: &Shared,
    i: usize,
    inactivity: Duration,
    file: &mut Option<File>,
) -> EngineResult<()> {
    let (start, _, done) = shared.ranges.range(i);
    let mut at = start + done;
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0;
    let mut held_since = Instant::now();
    loop {
        let want = shared.ranges.reserve(i, at + filled as u64, CHUNK - filled);
        if want == 0 {
            if filled > 0 {
                write_at(file, at, &mut buf, filled, &shared.part).await?;
                shared.ranges.mark(i, at + filled as u64 - start);
            }
            return Ok(());
        }
        let n = match timeout(inactivity, stream.read(&mut buf[filled..filled + want])).await {
            Err(_) => return Err(EngineError::timeout(shared.what(), inactivity)),
            Ok(Err(e)) => return Err(EngineError::Broken(format!("{}: {e}", shared.what()))),
            Ok(Ok(0)) => {
                return Err(EngineError::Broken(format!(
                    "{} ended early, at byte {}",
                    shared.what(),
                    at + filled as u64
                )));
            }
            Ok(Ok(n)) => n,
        };
        filled += n;
        shared.received.fetch_add(n as u64, Ordering::Relaxed);
        if filled == CHUNK || held_since.elapsed() >= HOLD_AT_MOST {
            write_at(file, at, &mut buf, filled, &shared.part).await?;
            at += filled as u64;
            filled = 0;
            held_since = Instant::now();
            shared.ranges.mark(i, at - start);
        }
    }
}

/// Writes `buf[..len]` at `at` on a blocking thread (the file and the buffer go there and come
/// back).
async fn write_at(
    file: &mut Option<File>,
    at: u64,
    buf: &mut Vec<u8>,
    len: usize,
    part: &Path,
) -> EngineResult<()> {
    let (Some(mut f), bytes) = (file.take(), std::mem::take(buf)) else {
        return Err(EngineError::local(
            part,
            std::io::Error::other("file closed"),
        ));
    };
    let (f, mut bytes, written) = tokio::task::spawn_blocking(move || {
        let written = f
            .seek(SeekFrom::Start(at))
            .and_then(|_| f.write_all(&bytes[..len]));
        (f, bytes, written)
    })
    .await
    .map_err(|e| EngineError::local(part, std::io::Error::other(e)))?;
    *file = Some(f);
    bytes.resize(CHUNK, 0);
    *buf = bytes;
    written.map_err(local_err(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_only_when_asked_and_within_the_slots() {
        assert_eq!(count(None, 1 << 30, 10), 1);
        assert_eq!(count(Some(1), 1 << 30, 10), 1);
        assert_eq!(count(Some(8), 1 << 30, 4), 4);
        assert_eq!(count(Some(8), MIN_SEGMENT * 3, 10), 3);
        assert_eq!(count(Some(4), 10, 10), 1);
    }
}
