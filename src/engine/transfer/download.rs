//! Carrying out a download plan: the `.part` file (continued or new), RETR with REST, the bytes
//! (converted in ASCII mode; written by a disk thread of its own; within the speed limit), the
//! final reply and the size check, the hash check when the plan has one, then the rename to the
//! final name. An empty `.part` left by a failure is removed, and so is one whose hash does not
//! match (the old file stays).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::time::timeout;

use crate::api::Direction;
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::data::{self, DataStream};

use super::ascii::{AsciiIn, LineEndings};
use super::disk::{CHUNK, DiskWriter, FlushError, PartFile};
use super::facts::local_facts;
use super::hash::{self, Unverified};
use super::meter::Meter;
use super::plan::{LocalTarget, TransferPlan, Verify};
use super::throttle::Bucket;
use super::{Done, Finishing, Job, JobEnv, Outcome, local_err};

pub async fn download(
    conn: &mut Connection,
    job: &Job,
    plan: &TransferPlan,
    target: &LocalTarget,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
    if plan.offset > 0 && plan.total == Some(plan.offset) && !target.continue_existing {
        // The `.part` file holds the whole file already (the app stopped between the last
        // byte and the rename): nothing to fetch again.
        conn.ctl
            .log
            .status(format!("{} arrived whole before; finishing it", job.remote));
        tokio::fs::rename(&target.part, &target.path)
            .await
            .map_err(local_err(&target.path))?;
        return Ok(Outcome::Finished(Done {
            bytes: 0,
            elapsed: std::time::Duration::ZERO,
            verified: None,
        }));
    }
    if target.continue_existing {
        continue_existing(target).await?;
    }
    if plan.offset > 0 {
        conn.ctl
            .log
            .status(format!("Resuming {} at byte {}", job.remote, plan.offset));
    }
    if plan.ascii {
        conn.ctl.set_type(true).await?;
    }
    // Without a hash to check first, the disk thread renames the file as it finishes it; with
    // nothing else to do on the file either, the connection goes on meanwhile.
    let rename_to = plan.hash.is_none().then(|| target.path.clone());
    let defer = rename_to.is_some() && !conn.transfer.preserve_times;
    let result = receive(conn, job, env, plan, target, (rename_to, defer)).await;
    if plan.ascii && !conn.is_broken() {
        conn.ctl.set_type(false).await?;
    }
    if result.is_err() && plan.offset == 0 {
        // Nothing to resume from an empty partial file: don't leave it behind.
        if local_facts(&target.part).await.and_then(|f| f.size) == Some(0) {
            let _ = tokio::fs::remove_file(&target.part).await;
        }
    }
    let mut outcome = result?;
    if let Some(command) = plan.hash {
        let mode = conn.transfer.verify;
        match hash::verify(&mut conn.ctl, command, mode, &target.part, &job.remote).await {
            Ok(verified) => outcome = outcome.verified(verified),
            Err(Unverified::Mismatch(e)) => {
                // The old file stays; the bad copy goes, so a retry starts afresh.
                let _ = tokio::fs::remove_file(&target.part).await;
                return Err(e);
            }
            Err(Unverified::Failed(e)) => return Err(e),
        }
        tokio::fs::rename(&target.part, &target.path)
            .await
            .map_err(local_err(&target.path))?;
    }
    Ok(outcome)
}

/// Where a download's bytes go, made ready: an existing file that is continued becomes the
/// `.part` file, and the destination's folder exists. The segmented download uses it; a
/// download on one connection makes the folder when it opens the file ([`PartFile`]).
pub(super) async fn prepare_part(target: &LocalTarget) -> EngineResult<()> {
    if target.continue_existing {
        continue_existing(target).await?;
    }
    if let Some(dir) = target.path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(local_err(dir))?;
    }
    Ok(())
}

/// The existing file that a resumed download continues becomes its `.part` file.
async fn continue_existing(target: &LocalTarget) -> EngineResult<()> {
    tokio::fs::rename(&target.path, &target.part)
        .await
        .map_err(local_err(&target.path))
}

/// RETR into the `.part` file, each read bounded by the inactivity timeout, the file written
/// by a thread of its own ([`DiskWriter`]); then the final reply and the plan's size check, and
/// the file on the disk (renamed to `rename_to` when given and all went well; when `defer`
/// says so, later, on a task of the queue's: [`Outcome::Finishing`]).
async fn receive(
    conn: &mut Connection,
    job: &Job,
    env: &impl JobEnv,
    plan: &TransferPlan,
    target: &LocalTarget,
    (rename_to, defer): (Option<PathBuf>, bool),
) -> EngineResult<Outcome> {
    let command = format!("RETR {}", job.remote);
    let ctl = &mut conn.ctl;
    let part = &target.part;
    let mut stream = conn.data.open(ctl, &command, Some(plan.offset)).await?;
    let mut meter = Meter::start(env, job.id, plan.offset, plan.total);
    let mut disk = DiskWriter::start(PartFile {
        path: part.clone(),
        offset: plan.offset,
    });
    let limit = conn.throttle.bucket(Direction::Download);
    let pumped = pump(
        &mut stream,
        &mut disk,
        plan.ascii,
        (&mut meter, limit),
        ctl.timeouts.inactivity,
    )
    .await;
    let last = match pumped {
        Ok(last) => last,
        Err(stopped) => {
            // Whatever arrived is on the disk before going on: a `.part` to resume.
            let _ = disk.finish(Vec::new(), None).await;
            data::abort(ctl, stream).await;
            return Err(match stopped {
                Pumped::Disk(e) => EngineError::local(part, e),
                Pumped::Idle => EngineError::timeout(
                    format!("the download of {} (no data arrived)", job.remote),
                    ctl.timeouts.inactivity,
                ),
                Pumped::Broken(e) => {
                    EngineError::Broken(format!("the download of {} broke off: {e}", job.remote))
                }
            });
        }
    };
    drop(stream);
    let mut complete = data::finish(ctl, &command).await.map(drop);
    if let (Ok(()), Verify::Received(total)) = (&complete, plan.verify)
        && meter.done != total
    {
        complete = Err(EngineError::Broken(format!(
            "the download of {} ended after {} of {total} bytes",
            job.remote, meter.done
        )));
    }
    let rename_to = rename_to.filter(|_| complete.is_ok());
    let flush = disk.finish(last, rename_to);
    let (part, path) = (part.clone(), target.path.clone());
    let flushed = async move {
        flush.await.map_err(|e| match e {
            FlushError::Write(e) => EngineError::local(part, e),
            FlushError::Rename(e) => EngineError::local(path, e),
        })
    };
    if defer && complete.is_ok() {
        let done = meter.done();
        let finishing = async move { flushed.await.map(|()| done) };
        return Ok(Outcome::Finishing(Finishing(Box::pin(finishing))));
    }
    flushed.await?;
    complete?;
    Ok(meter.finish())
}

/// Why the bytes stopped before the end of the stream.
enum Pumped {
    Idle,
    Broken(std::io::Error),
    Disk(std::io::Error),
}

/// A buffer goes to the disk when it is full, or when it held bytes this long: on a slow link
/// the `.part` file (what a resume starts from) stays close behind what arrived.
const HOLD_AT_MOST: Duration = Duration::from_millis(200);

/// Moves the stream's bytes (converted in ASCII mode) to the disk thread until the stream ends,
/// keeping to the download speed limit (reads no larger than its quantum); the last buffer,
/// not yet handed over, is returned.
async fn pump<E: JobEnv>(
    stream: &mut DataStream,
    disk: &mut DiskWriter,
    ascii_mode: bool,
    (meter, limit): (&mut Meter<'_, E>, &Bucket),
    inactivity: Duration,
) -> Result<Vec<u8>, Pumped> {
    let mut buf = disk.buffer().await;
    let mut raw = if ascii_mode {
        vec![0u8; CHUNK / 4]
    } else {
        Vec::new()
    };
    let mut converted = Vec::new();
    let mut ascii = AsciiIn::default();
    let mut held_since = Instant::now();
    loop {
        let quantum = limit.quantum();
        let read = async {
            if ascii_mode {
                let room = raw.len().min(quantum);
                stream.read(&mut raw[..room]).await
            } else {
                (&mut *stream).take(quantum as u64).read_buf(&mut buf).await
            }
        };
        let n = match timeout(inactivity, read).await {
            Err(_) => return Err(Pumped::Idle),
            // TLS without close_notify: the final reply and the size check tell success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => return Err(Pumped::Broken(e)),
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            break;
        }
        if ascii_mode {
            buf.extend_from_slice(ascii.apply(true, &raw[..n], &mut converted));
        }
        meter.add(n);
        limit.take(n).await;
        if buf.len() >= CHUNK || held_since.elapsed() >= HOLD_AT_MOST {
            let next = disk.buffer().await;
            let full = std::mem::replace(&mut buf, next);
            disk.write(full).await.map_err(Pumped::Disk)?;
            held_since = Instant::now();
        }
    }
    if ascii_mode {
        buf.extend_from_slice(ascii.finish());
    }
    Ok(buf)
}
