//! Carrying out a download plan: the `.part` file (continued or new), RETR with REST, the bytes
//! (converted in ASCII mode), the final reply and the size check, then the rename to the final
//! name. An empty `.part` left by a failure is removed.

use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio::time::timeout;

use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::data;

use super::ascii::{AsciiIn, LineEndings};
use super::facts::local_facts;
use super::meter::Meter;
use super::plan::{LocalTarget, TransferPlan, Verify};
use super::{BUFFER, Job, JobEnv, Outcome, local_err};

pub async fn download(
    conn: &mut Connection,
    job: &Job,
    plan: &TransferPlan,
    target: &LocalTarget,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
    if target.continue_existing {
        tokio::fs::rename(&target.path, &target.part)
            .await
            .map_err(local_err(&target.path))?;
    }
    if let Some(dir) = target.path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(local_err(dir))?;
    }
    let mut file = open_part(&target.part, plan.offset).await?;
    if plan.offset > 0 {
        conn.ctl
            .log
            .status(format!("Resuming {} at byte {}", job.remote, plan.offset));
    }
    if plan.ascii {
        conn.ctl.set_type(true).await?;
    }
    let result = receive(conn, job, env, plan, &mut file, &target.part).await;
    if plan.ascii && !conn.is_broken() {
        conn.ctl.set_type(false).await?;
    }
    drop(file);
    if result.is_err() && plan.offset == 0 {
        // Nothing to resume from an empty partial file: don't leave it behind.
        if local_facts(&target.part).await.and_then(|f| f.size) == Some(0) {
            let _ = tokio::fs::remove_file(&target.part).await;
        }
    }
    let outcome = result?;
    tokio::fs::rename(&target.part, &target.path)
        .await
        .map_err(local_err(&target.path))?;
    Ok(outcome)
}

/// The `.part` file, emptied when starting over, cut to `offset` and positioned there when
/// resuming.
async fn open_part(part: &Path, offset: u64) -> EngineResult<tokio::fs::File> {
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(offset == 0)
        .open(part)
        .await
        .map_err(local_err(part))?;
    if offset > 0 {
        file.set_len(offset).await.map_err(local_err(part))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(local_err(part))?;
    }
    Ok(file)
}

/// RETR into `file`, each read bounded by the inactivity timeout; then the final reply and
/// the plan's size check.
async fn receive(
    conn: &mut Connection,
    job: &Job,
    env: &impl JobEnv,
    plan: &TransferPlan,
    file: &mut tokio::fs::File,
    part: &Path,
) -> EngineResult<Outcome> {
    let command = format!("RETR {}", job.remote);
    let ctl = &mut conn.ctl;
    let mut stream = conn.data.open(ctl, &command, Some(plan.offset)).await?;
    let mut meter = Meter::start(env, job.id, plan.offset, plan.total);
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let mut buf = vec![0u8; BUFFER];
    let mut converted = Vec::new();
    let mut ascii = AsciiIn::default();
    loop {
        let n = match timeout(ctl.timeouts.inactivity, stream.read(&mut buf)).await {
            Err(_) => {
                data::abort(ctl, stream).await;
                return Err(EngineError::timeout(
                    format!("the download of {} (no data arrived)", job.remote),
                    ctl.timeouts.inactivity,
                ));
            }
            // TLS without close_notify: the final reply and the size check tell success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => {
                data::abort(ctl, stream).await;
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
        let bytes = ascii.apply(plan.ascii, &buf[..n], &mut converted);
        if let Err(e) = writer.write_all(bytes).await {
            data::abort(ctl, stream).await;
            return Err(EngineError::local(part, e));
        }
        meter.add(n);
    }
    drop(stream);
    if plan.ascii {
        writer
            .write_all(ascii.finish())
            .await
            .map_err(local_err(part))?;
    }
    writer.flush().await.map_err(local_err(part))?;
    writer.get_mut().sync_all().await.map_err(local_err(part))?;
    data::finish(ctl, &command).await?;
    if let Verify::Received(total) = plan.verify
        && meter.done != total
    {
        return Err(EngineError::Broken(format!(
            "the download of {} ended after {} of {total} bytes",
            job.remote, meter.done
        )));
    }
    Ok(meter.finish())
}
