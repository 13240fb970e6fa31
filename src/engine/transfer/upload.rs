//! Carrying out an upload plan: STOR (with REST, or APPE where REST STREAM is missing, when
//! resuming), the bytes (converted in ASCII mode, within the speed limit), a clean end of the
//! data connection, the final reply, the size the server then holds, and its hash when the plan
//! has one (a mismatch fails the transfer; the server's copy is already written).

use std::io;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use crate::api::Direction;
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::data::{self, DataStream};

use super::ascii::{AsciiOut, LineEndings};
use super::disk::{DiskReader, Opened};
use super::hash::{self, HashCommand, Unverified};
use super::meter::Meter;
use super::plan::{RemoteTarget, TransferPlan, Verify};
use super::pump::{Pump, PumpError, PumpOptions};
use super::remote::remote_facts;
use super::throttle::Bucket;
use super::{Job, JobEnv, Outcome, local_err};

pub async fn upload(
    conn: &mut Connection,
    job: &Job,
    plan: &TransferPlan,
    target: &RemoteTarget,
    env: &impl JobEnv,
) -> EngineResult<Outcome> {
    // Opened, and its first buffer read, before anything is sent to the server.
    let disk = Opened::open(job.local.clone(), plan.offset)
        .await
        .map_err(local_err(&job.local))?;
    let (command, rest) = if plan.offset == 0 {
        (format!("STOR {}", target.path), None)
    } else if target.append {
        (format!("APPE {}", target.path), None)
    } else {
        (format!("STOR {}", target.path), Some(plan.offset))
    };
    if plan.offset > 0 {
        conn.ctl.log.status(format!(
            "Resuming the upload of {} at byte {}",
            target.path, plan.offset
        ));
    }
    if plan.ascii {
        conn.ctl.set_type(true).await?;
    }
    let result = send(conn, job, env, plan, &command, rest, disk).await;
    if plan.ascii && !conn.is_broken() {
        conn.ctl.set_type(false).await?;
    }
    let outcome = result?;
    // What was read and sent is what the server should hold (the file may have changed since
    // its size was looked at).
    let sent = match &outcome {
        Outcome::Finished(done) => Some(plan.offset + done.bytes),
        _ => None,
    };
    if let Verify::RemoteSize(planned) = plan.verify
        && let expected = sent.unwrap_or(planned)
        && let Some(facts) = remote_facts(&mut conn.ctl, &conn.listed, &target.path, false).await?
        && let Some(size) = facts.size
        && size != expected
    {
        return Err(EngineError::Broken(format!(
            "the server holds {size} bytes of {} after the upload, not {expected}",
            target.path
        )));
    }
    match plan.hash {
        Some(command) => check_hash(conn, job, command, &target.path)
            .await
            .map(|verified| outcome.verified(verified)),
        None => Ok(outcome),
    }
}

/// Compares the uploaded file's hash on the server with the local file's. The server's copy is
/// already written: a mismatch fails the transfer and says so.
async fn check_hash(
    conn: &mut Connection,
    job: &Job,
    command: HashCommand,
    remote: &str,
) -> EngineResult<Option<&'static str>> {
    let mode = conn.transfer.verify;
    match hash::verify(&mut conn.ctl, command, mode, &job.local, remote).await {
        Ok(verified) => Ok(verified),
        Err(Unverified::Mismatch(e)) => Err(EngineError::Broken(format!(
            "{e}; the server's copy is written and may be damaged"
        ))),
        Err(Unverified::Failed(e)) => Err(e),
    }
}

/// `command` with the contents of the file `disk` opened, then a clean close of the data
/// connection and the final reply. A plain connection is fed by one blocking thread that reads
/// and writes in turn ([`Pump`]); a TLS one, or a file that fit in its first buffer, from this
/// task ([`DiskReader`] reads a larger file ahead on a thread of its own).
async fn send(
    conn: &mut Connection,
    job: &Job,
    env: &impl JobEnv,
    plan: &TransferPlan,
    command: &str,
    rest: Option<u64>,
    disk: Opened,
) -> EngineResult<Outcome> {
    let stream = conn.data.open(&mut conn.ctl, command, rest).await?;
    let mut meter = Meter::start(env, job.id, plan.offset, plan.total);
    let sent = match stream {
        DataStream::Plain(socket) if disk.rest.is_some() => {
            let options = PumpOptions {
                ascii: plan.ascii,
                inactivity: conn.ctl.timeouts.inactivity,
                throttle: conn.throttle.clone(),
            };
            match Pump::start(socket, disk, options) {
                Ok(mut pump) => pump.wait(|n| meter.add(n)).await.map(drop),
                Err(e) => Err(PumpError::Write(e)),
            }
        }
        stream => {
            let inactivity = conn.ctl.timeouts.inactivity;
            let limit = conn.throttle.bucket(Direction::Upload);
            let disk = DiskReader::start(disk);
            write_from_task(disk, stream, plan.ascii, inactivity, limit, &mut meter).await
        }
    };
    if let Err(e) = sent {
        return Err(send_failed(conn, job, e).await);
    }
    data::finish(&mut conn.ctl, command).await?;
    Ok(meter.finish())
}

/// The error an upload's bytes ended with, whichever way they were sent; the data connection is
/// gone by now, and the control connection is aborted (after a failed close: marked broken).
async fn send_failed(conn: &mut Connection, job: &Job, e: PumpError) -> EngineError {
    let ctl = &mut conn.ctl;
    let timed_out = e.timed_out();
    match e {
        PumpError::Close(_) if timed_out => {
            ctl.mark_broken();
            EngineError::timeout("closing the upload", ctl.timeouts.inactivity)
        }
        PumpError::Close(e) => {
            ctl.mark_broken();
            EngineError::Broken(format!("closing the upload of {} failed: {e}", job.remote))
        }
        PumpError::Read(e) => {
            ctl.abort().await;
            EngineError::local(&job.local, e)
        }
        PumpError::Write(_) if timed_out => {
            ctl.abort().await;
            EngineError::timeout(
                format!("the upload of {} (the server took no data)", job.remote),
                ctl.timeouts.inactivity,
            )
        }
        PumpError::Write(e) => {
            ctl.abort().await;
            EngineError::Broken(format!("the upload of {} broke off: {e}", job.remote))
        }
    }
}

/// The bytes `disk` reads written from this task, each write bounded by the `inactivity`
/// timeout, then the data connection closed cleanly (the TLS path, and files of one buffer).
async fn write_from_task(
    mut disk: DiskReader,
    mut stream: DataStream,
    ascii_mode: bool,
    inactivity: Duration,
    limit: &Bucket,
    meter: &mut Meter<'_, impl JobEnv>,
) -> Result<(), PumpError> {
    let stalled = || io::Error::from(io::ErrorKind::TimedOut);
    let mut converted = Vec::new();
    let mut ascii = AsciiOut::default();
    loop {
        let buf = disk.next().await.map_err(PumpError::Read)?;
        if buf.is_empty() {
            break;
        }
        let bytes = ascii.apply(ascii_mode, &buf, &mut converted);
        timeout(inactivity, write_limited(&mut stream, bytes, limit))
            .await
            .unwrap_or_else(|_| Err(stalled()))
            .map_err(PumpError::Write)?;
        meter.add(buf.len());
        disk.recycle(buf);
    }
    timeout(inactivity, stream.close())
        .await
        .unwrap_or_else(|_| Err(stalled()))
        .map_err(PumpError::Close)
}

/// Writes `bytes` in pieces no larger than the upload limit's quantum, each after the bucket
/// allowed it (one piece without a limit).
async fn write_limited(
    stream: &mut DataStream,
    bytes: &[u8],
    limit: &Bucket,
) -> std::io::Result<()> {
    for piece in bytes.chunks(limit.quantum().max(1)) {
        stream.write_all(piece).await?;
        limit.take(piece.len()).await;
    }
    Ok(())
}
