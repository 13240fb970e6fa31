//! Running one job of the queue: on the connection it was given or a new one (once more on a
//! fresh one when a reused connection was dropped while idle), and reporting how it ended. A
//! download still being put on the disk when its connection is free again ends later, in a
//! task of its own ([`Outcome::Finishing`]).

use std::sync::atomic::Ordering;

use tokio::sync::oneshot;

use super::JobDone;
use super::env::QueueEnv;
use crate::api::{Direction, TransferId, TransferState};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::wirelog::LogCtx;
use crate::engine::transfer::{Done, Job, JobEnv, Outcome, Refused, run_job};

/// An entry of `folder` whose name was refused: queued as the folder's child and failed at
/// once with the reason.
fn report_refused(env: &QueueEnv, folder: &Job, entry: Refused) {
    let id = TransferId(env.ctx.ids.fetch_add(1, Ordering::Relaxed));
    let queued = TransferState::Queued {
        direction: folder.direction,
        local: folder.local.clone(),
        remote: entry.remote,
        size: None,
        is_dir: false,
        parent: Some(folder.id),
    };
    env.report(id, queued);
    let error = EngineError::Invalid(entry.reason).report();
    env.report(id, TransferState::Failed(error));
}

/// Runs one job on `conn` (or a new connection), reports how it ended, and returns the
/// connection if it can be reused, with the jobs of a directory's contents.
pub(super) async fn run_one(
    env: QueueEnv,
    job: Job,
    conn: Option<Connection>,
    others: usize,
    log: LogCtx,
    mut cancel: oneshot::Receiver<()>,
) -> JobDone {
    let (result, conn) = attempt(&env, &job, conn, &log, &mut cancel).await;
    if let Err(error) = &result
        && conn.is_none()
        && is_connection_limit(error, others > 0)
    {
        let report = error.report();
        return JobDone {
            id: job.id,
            conn: None,
            children: Vec::new(),
            limited: Some((job, report)),
            requeue: None,
            finishing: None,
        };
    }
    let (children, finishing) = report(&env, &job, &log, result);
    JobDone {
        id: job.id,
        conn,
        children,
        limited: None,
        requeue: None,
        finishing,
    }
}

/// Logs and reports how `job` ended; a directory's expansion gives the jobs of its contents. A
/// job whose file is still being put on the disk ends in a task of its own, returned.
fn report(
    env: &QueueEnv,
    job: &Job,
    log: &LogCtx,
    result: EngineResult<Outcome>,
) -> (Vec<Job>, Option<Finishing>) {
    let children = match result {
        Ok(Outcome::Finished(done)) => {
            log.status(format!(
                "{} {} ({} bytes in {:.1} s)",
                match job.direction {
                    Direction::Download => "Downloaded",
                    Direction::Upload => "Uploaded",
                },
                job.remote,
                done.bytes,
                done.elapsed.as_secs_f64()
            ));
            env.report(job.id, done.state());
            Vec::new()
        }
        Ok(Outcome::Finishing(finishing)) => {
            let (env, job, log) = (env.clone(), job.clone(), log.clone());
            let ended = async move {
                let result = finishing.wait().await.map(Outcome::Finished);
                report(&env, &job, &log, result);
            };
            return (Vec::new(), Some(Box::pin(ended)));
        }
        Ok(Outcome::Skipped(reason)) => {
            log.status(format!("Skipped {}: {reason}", job.remote));
            env.report(job.id, TransferState::Skipped { reason });
            Vec::new()
        }
        Ok(Outcome::Expanded(children, refused)) => {
            for entry in refused {
                report_refused(env, job, entry);
            }
            env.report(job.id, Done::default().state());
            children
        }
        Err(error) => {
            log.error(format!("Transfer of {} failed: {error}", job.remote));
            env.report(job.id, TransferState::Failed(error.report()));
            Vec::new()
        }
    };
    (children, None)
}

/// The end of a job whose file was still being put on the disk when its connection was free:
/// the file put there, then the job reported. The queue runs it on a task of its own.
pub(super) type Finishing = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Runs `job` until it ends or is cancelled: on `conn` when it is usable, else on a new
/// connection, and once more on a new one when a reused connection turns out to have been
/// closed by the server while idle, or when auto mode's known way stopped working. Returns the result and the connection if it is reusable.
async fn attempt(
    env: &QueueEnv,
    job: &Job,
    mut conn: Option<Connection>,
    log: &LogCtx,
    cancel: &mut oneshot::Receiver<()>,
) -> (EngineResult<Outcome>, Option<Connection>) {
    let reused = conn.is_some();
    let mut attempt = 0;
    let mut started_over = false;
    loop {
        attempt += 1;
        let mut current = match conn.take() {
            Some(conn) if !conn.is_broken() => conn,
            _ => {
                tokio::select! {
                    result = env.ctx.connect(log) => match result {
                        Ok(conn) => conn,
                        Err(error) => return (Err(error), None),
                    },
                    _ = &mut *cancel => return (Err(EngineError::Cancelled), None),
                }
            }
        };
        env.ctx.lend_learned(&mut current);
        let outcome = {
            let fut = run_job(&mut current, job, env);
            tokio::pin!(fut);
            tokio::select! {
                result = &mut fut => Some(result),
                _ = &mut *cancel => None,
            }
        };
        let forgot = env.ctx.collect_learned(&mut current);
        match outcome {
            None => {
                current.ctl.abort().await;
                return (Err(EngineError::Cancelled), None);
            }
            // A reused connection the server dropped while idle: once more on a fresh one.
            Some(Err(EngineError::Lost(_))) if reused && attempt == 1 => {
                log.status("The idle connection was closed by the server; reconnecting");
            }
            // Auto mode's known way stopped working: once more, from passive, on a fresh one.
            Some(Err(EngineError::Data { .. })) if forgot && !started_over => {
                started_over = true;
                log.status("Trying again on a new connection");
            }
            Some(result) => {
                let reusable = Some(current).filter(|c| !c.is_broken());
                return (result, reusable);
            }
        }
    }
}

/// Whether `error` says the server takes no more connections: `421` to the greeting, or (when
/// `others_open`) a connect refused or reset because of that.
pub(super) fn is_connection_limit(error: &EngineError, others_open: bool) -> bool {
    match error {
        EngineError::Refused { code: 421, .. } => true,
        EngineError::Connect { .. } | EngineError::Lost(_) => others_open,
        _ => false,
    }
}
