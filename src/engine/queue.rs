//! A session's transfer queue: runs up to N transfers at once, each on its own connection
//! (reused from one transfer to the next), expands directories into the transfers of their
//! contents, holds the queue's file-exists policy, and cancels queued or running transfers.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::api::{
    Answer, Direction, Event, ExistsAction, ExistsPolicy, MAX_PARALLEL, Prompt, TransferId,
    TransferRequest, TransferState,
};
use crate::common::paths::resolve_remote;
use crate::engine::error::EngineError;
use crate::engine::ftp::control::Control;
use crate::engine::session::SessionCtx;
use crate::engine::transfer::{Job, JobEnv, Outcome, run_job};

/// What the worker sends a queue.
pub enum QueueMsg {
    Enqueue(Vec<TransferRequest>),
    Cancel(TransferId),
    SetParallel(usize),
    SetPaused(bool),
    Shutdown,
}

/// A finished job coming back to the queue.
struct JobDone {
    id: TransferId,
    conn: Option<Control>,
    children: Vec<Job>,
}

/// What a running job sees of its queue.
#[derive(Clone)]
struct QueueEnv {
    ctx: Arc<SessionCtx>,
    policy: Arc<Mutex<ExistsPolicy>>,
}

impl JobEnv for QueueEnv {
    fn report(&self, id: TransferId, state: TransferState) {
        self.ctx.events.send(Event::Transfer {
            session: self.ctx.id,
            id,
            state,
        });
    }

    fn policy(&self) -> ExistsPolicy {
        *self.policy.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn ask(&self, prompt: Prompt) -> Option<(ExistsAction, bool)> {
        match self.ctx.prompts.ask(self.ctx.id, prompt).await? {
            Answer::FileExists { action, for_all } => Some((action, for_all)),
            Answer::Certificate(_) | Answer::Password(_) => None,
        }
    }

    fn set_policy(&self, policy: ExistsPolicy) {
        *self.policy.lock().unwrap_or_else(|e| e.into_inner()) = policy;
    }
}

fn clamp_parallel(n: usize) -> usize {
    n.clamp(1, MAX_PARALLEL)
}

/// Runs the queue of one session until it is shut down.
pub async fn run(ctx: Arc<SessionCtx>, mut rx: mpsc::UnboundedReceiver<QueueMsg>) {
    let env = QueueEnv {
        ctx: Arc::clone(&ctx),
        policy: Arc::new(Mutex::new(ctx.site.on_exists)),
    };
    let mut parallel = clamp_parallel(ctx.site.parallel);
    let mut pending: VecDeque<Job> = VecDeque::new();
    let mut running: HashMap<TransferId, oneshot::Sender<()>> = HashMap::new();
    let mut idle: Vec<Control> = Vec::new();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<JobDone>();
    let mut next_connection = 1u32;
    let mut busy = false;
    let mut paused = false;
    loop {
        while !paused
            && running.len() < parallel
            && let Some(job) = pending.pop_front()
        {
            let (cancel_tx, cancel_rx) = oneshot::channel();
            running.insert(job.id, cancel_tx);
            let conn = idle.pop();
            let log = match &conn {
                Some(c) => c.log.clone(),
                None => {
                    next_connection += 1;
                    ctx.log(next_connection - 1)
                }
            };
            let done = done_tx.clone();
            let env = env.clone();
            tokio::spawn(log.clone().scope(async move {
                let id = job.id;
                let (conn, children) = run_one(env, job, conn, log, cancel_rx).await;
                let _ = done.send(JobDone { id, conn, children });
            }));
            busy = true;
        }
        if busy && running.is_empty() && (pending.is_empty() || paused) {
            busy = false;
            ctx.events.send(Event::QueueIdle { session: ctx.id });
        }
        tokio::select! {
            msg = rx.recv() => match msg {
                None | Some(QueueMsg::Shutdown) => break,
                Some(QueueMsg::Enqueue(requests)) => {
                    let cwd = ctx.cwd();
                    for request in requests {
                        let job = Job {
                            id: request.id,
                            direction: request.direction,
                            local: request.local,
                            remote: resolve_remote(&cwd, &request.remote),
                            is_dir: request.recursive,
                            ascii: request.ascii,
                            depth: 0,
                            size: None,
                        };
                        announce(&env, &job, None);
                        pending.push_back(job);
                    }
                }
                Some(QueueMsg::Cancel(id)) => {
                    if let Some(at) = pending.iter().position(|job| job.id == id) {
                        pending.remove(at);
                        env.report(id, TransferState::Failed(EngineError::Cancelled.report()));
                    } else if let Some(cancel) = running.remove(&id) {
                        let _ = cancel.send(());
                    }
                }
                Some(QueueMsg::SetParallel(n)) => parallel = clamp_parallel(n),
                Some(QueueMsg::SetPaused(p)) => paused = p,
            },
            Some(done) = done_rx.recv() => {
                running.remove(&done.id);
                if let Some(conn) = done.conn {
                    if idle.len() < parallel {
                        idle.push(conn);
                    } else {
                        tokio::spawn(conn.quit());
                    }
                }
                for mut child in done.children {
                    child.id = TransferId(ctx.ids.fetch_add(1, Ordering::Relaxed));
                    announce(&env, &child, Some(done.id));
                    pending.push_back(child);
                }
            }
        }
    }
    // Closing: cancel what runs, wait a little for it to stop, say goodbye on idle connections.
    for (_, cancel) in running.drain() {
        let _ = cancel.send(());
    }
    drop(done_tx);
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(done) = done_rx.recv().await {
            if let Some(conn) = done.conn {
                conn.quit().await;
            }
        }
    })
    .await;
    for conn in idle {
        conn.quit().await;
    }
}

fn announce(env: &QueueEnv, job: &Job, parent: Option<TransferId>) {
    env.report(
        job.id,
        TransferState::Queued {
            direction: job.direction,
            local: job.local.clone(),
            remote: job.remote.clone(),
            size: job.size,
            is_dir: job.is_dir,
            parent,
        },
    );
}

/// Runs one job on `conn` (or a new connection), reports how it ended, and returns the
/// connection if it can be reused, with the jobs of a directory's contents.
async fn run_one(
    env: QueueEnv,
    job: Job,
    conn: Option<Control>,
    log: crate::engine::ftp::wirelog::LogCtx,
    mut cancel: oneshot::Receiver<()>,
) -> (Option<Control>, Vec<Job>) {
    let reused = conn.is_some();
    let mut conn = conn;
    let mut attempt = 0;
    let result = loop {
        attempt += 1;
        let mut ctl = match conn.take() {
            Some(ctl) if !ctl.is_broken() => ctl,
            _ => {
                let connecting = env.ctx.connect(&log);
                tokio::select! {
                    result = connecting => match result {
                        Ok(ctl) => ctl,
                        Err(error) => break Err(error),
                    },
                    _ = &mut cancel => break Err(EngineError::Cancelled),
                }
            }
        };
        let outcome = {
            let fut = run_job(&mut ctl, &job, &env);
            tokio::pin!(fut);
            tokio::select! {
                result = &mut fut => Some(result),
                _ = &mut cancel => None,
            }
        };
        match outcome {
            None => {
                ctl.abort(None).await;
                break Err(EngineError::Cancelled);
            }
            // A reused connection the server dropped while idle: once more on a fresh one.
            Some(Err(EngineError::Lost(_))) if reused && attempt == 1 => {
                log.status("The idle connection was closed by the server; reconnecting");
                continue;
            }
            Some(result) => {
                conn = Some(ctl).filter(|c| !c.is_broken());
                break result;
            }
        }
    };
    let children = match result {
        Ok(Outcome::Finished { bytes, elapsed }) => {
            log.status(format!(
                "{} {} ({bytes} bytes in {:.1} s)",
                match job.direction {
                    Direction::Download => "Downloaded",
                    Direction::Upload => "Uploaded",
                },
                job.remote,
                elapsed.as_secs_f64()
            ));
            env.report(job.id, TransferState::Finished { bytes, elapsed });
            Vec::new()
        }
        Ok(Outcome::Skipped(reason)) => {
            log.status(format!("Skipped {}: {reason}", job.remote));
            env.report(job.id, TransferState::Skipped { reason });
            Vec::new()
        }
        Ok(Outcome::Expanded(children)) => {
            env.report(
                job.id,
                TransferState::Finished {
                    bytes: 0,
                    elapsed: Duration::ZERO,
                },
            );
            children
        }
        Err(error) => {
            log.error(format!("Transfer of {} failed: {error}", job.remote));
            env.report(job.id, TransferState::Failed(error.report()));
            Vec::new()
        }
    };
    (conn, children)
}
