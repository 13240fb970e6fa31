//! A session's transfer queue: runs up to N transfers at once, each on its own connection
//! (reused from one transfer to the next, kept alive while idle: [`Parked`]), expands directories into the transfers of their
//! contents, holds the queue's file-exists policy, and cancels queued or running transfers.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::api::{
    Direction, ErrorReport, Event, MAX_PARALLEL, QueuePlace, TransferId, TransferRequest,
    TransferState,
};
use crate::common::paths::resolve_remote;
use crate::engine::connection::Connection;
use crate::engine::error::EngineError;
use crate::engine::idle::Parked;
use crate::engine::session::SessionCtx;
use crate::engine::transfer::{Job, JobEnv, local_path};

mod ahead;
mod env;
mod run;
use ahead::{Ahead, Source};
use env::QueueEnv;
use run::{Finishing, run_one};

/// What the worker sends a queue.
pub enum QueueMsg {
    Enqueue(Vec<TransferRequest>),
    Cancel(TransferId),
    Move(TransferId, QueuePlace),
    SetParallel(usize),
    SetPaused(bool),
    /// Open connections ahead until the queue holds this many.
    WarmUp(usize),
    /// The browsing connection, once the session gives it.
    HandOver(oneshot::Receiver<Option<Connection>>),
    Shutdown,
}

/// A finished job coming back to the queue.
struct JobDone {
    id: TransferId,
    conn: Option<Connection>,
    children: Vec<Job>,
    /// The job could not get a connection of its own because the server allows no more
    /// (`421`, or a refused or reset connect while others are open): it waits for a free one.
    limited: Option<(Job, ErrorReport)>,
    /// A job to queue again after its back-off (see [`Queue::retry_later`]).
    requeue: Option<Job>,
    /// The job's file is still being put on the disk: it ends when this does, its connection
    /// is free now.
    finishing: Option<Finishing>,
}

impl JobDone {
    /// The end of a job that returns no connection and nothing to queue.
    fn ended(id: TransferId) -> JobDone {
        JobDone {
            id,
            conn: None,
            children: Vec::new(),
            limited: None,
            requeue: None,
            finishing: None,
        }
    }
}

fn clamp_parallel(n: usize) -> usize {
    n.clamp(1, MAX_PARALLEL)
}

/// The most transfer connections each server accepted (`host:port`), learned from its
/// connection-limit refusals and shared by every session of the worker: a new tab or a
/// reconnect to that server starts within the limit instead of finding it again.
#[derive(Clone, Default)]
pub struct Ceilings(Arc<Mutex<HashMap<String, usize>>>);

impl Ceilings {
    fn key(ctx: &SessionCtx) -> String {
        format!("{}:{}", ctx.site.host, ctx.site.port)
    }

    fn get(&self, ctx: &SessionCtx) -> Option<usize> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&Self::key(ctx)).copied()
    }

    fn set(&self, ctx: &SessionCtx, ceiling: usize) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(Self::key(ctx), ceiling);
    }
}

/// Runs the queue of one session until it is shut down.
pub async fn run(
    ctx: Arc<SessionCtx>,
    mut rx: mpsc::UnboundedReceiver<QueueMsg>,
    ceilings: Ceilings,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<JobDone>();
    let (ahead, mut opened) = Ahead::new();
    let mut queue = Queue {
        ceiling: ceilings.get(&ctx),
        ceilings,
        env: QueueEnv {
            ctx: Arc::clone(&ctx),
            policy: Arc::new(Mutex::new(ctx.site.on_exists)),
            slots: Arc::default(),
        },
        parallel: clamp_parallel(ctx.site.parallel),
        pending: VecDeque::new(),
        running: HashMap::new(),
        finishing: HashSet::new(),
        idle: Vec::new(),
        done_tx,
        busy: false,
        paused: false,
        ceiling_to_announce: false,
        limit_tries: HashMap::new(),
        ahead,
        ctx,
    };
    loop {
        queue.start_ready();
        tokio::select! {
            msg = rx.recv() => {
                if !queue.handle(msg.unwrap_or(QueueMsg::Shutdown)) {
                    break;
                }
            }
            Some(done) = done_rx.recv() => queue.finished(done),
            Some(conn) = opened.recv() => queue.warmed(conn),
        }
    }
    queue.close(done_rx).await;
}

/// The state of one session's queue.
struct Queue {
    ctx: Arc<SessionCtx>,
    env: QueueEnv,
    /// Transfers at once as the user set it.
    parallel: usize,
    /// The most the server accepts, once a refusal showed it (see [`Queue::lower_ceiling`]);
    /// the user's count does not raise it.
    ceiling: Option<usize>,
    ceilings: Ceilings,
    pending: VecDeque<Job>,
    /// Running jobs, and how to cancel each.
    running: HashMap<TransferId, oneshot::Sender<()>>,
    /// Running jobs whose connection is free again: their file is being put on the disk.
    finishing: HashSet<TransferId>,
    /// Connections waiting for the next job.
    idle: Vec<Parked>,
    done_tx: mpsc::UnboundedSender<JobDone>,
    /// Something ran since the queue last said it was idle.
    busy: bool,
    paused: bool,
    /// The concurrency was lowered for the server's connection limit and not yet logged.
    ceiling_to_announce: bool,
    /// How often each job was refused for the connection limit with nothing else open.
    limit_tries: HashMap<TransferId, u8>,
    /// Connections opened ahead and the handed-over browsing connection, on their way.
    ahead: Ahead,
}

impl Queue {
    /// Starts pending jobs while there is room, and says so when nothing is left to run.
    fn start_ready(&mut self) {
        while !self.paused
            && !self.pending.is_empty()
            && self.env.slots.has_room(self.limit(), self.transferring())
            && let Some(source) = self.source()
            && let Some(job) = self.pending.pop_front()
        {
            self.start(job, source);
            self.busy = true;
        }
        if self.busy && self.running.is_empty() && (self.pending.is_empty() || self.paused) {
            self.busy = false;
            self.ctx.events.send(Event::QueueIdle {
                session: self.ctx.id,
            });
        }
    }

    /// Running jobs that hold a connection.
    fn transferring(&self) -> usize {
        let finishing = self.running.keys().filter(|id| self.finishing.contains(id));
        self.running.len() - finishing.count()
    }

    /// Runs `job` in its own task, on the connection `source` gives or a new one.
    fn start(&mut self, job: Job, source: Source) {
        let (cancel_tx, cancel_rx) = oneshot::channel();
        let others = self.running.len();
        self.running.insert(job.id, cancel_tx);
        let log = self.log_for(&source);
        let done = self.done_tx.clone();
        let env = self.env.clone();
        tokio::spawn(log.clone().scope(async move {
            let id = job.id;
            let conn = source.take().await;
            let mut ended = run_one(env, job, conn, others, log, cancel_rx).await;
            ended.id = id;
            let _ = done.send(ended);
        }));
    }

    /// Acts on a message from the worker; false when the queue is to shut down.
    fn handle(&mut self, msg: QueueMsg) -> bool {
        match msg {
            QueueMsg::Enqueue(requests) => {
                let cwd = self.ctx.cwd();
                for request in requests {
                    let (local, refused) = match local_path(&request) {
                        Ok(local) => (local, None),
                        Err((folder, refused)) => (folder, Some(refused)),
                    };
                    let job = Job {
                        id: request.id,
                        direction: request.direction,
                        local,
                        remote: resolve_remote(&cwd, &request.remote),
                        is_dir: request.recursive,
                        ascii: request.ascii,
                        depth: 0,
                        size: request.size,
                        // A download whose size the front end's listing gave needs no SIZE.
                        fresh: request.direction == Direction::Download && request.size.is_some(),
                        new_folder: false,
                        on_exists: request.on_exists,
                        filter: self.ctx.transfer_filter.get(),
                    };
                    announce(&self.env, &job, None);
                    match refused {
                        Some(refused) => {
                            // Logged on the browsing connection's log: no connection is opened.
                            self.ctx
                                .log(0)
                                .error(format!("{refused}: it will not be transferred"));
                            let error = EngineError::from(refused).report();
                            self.env.report(job.id, TransferState::Failed(error));
                            // The batch still ends with `QueueIdle`, even when all were refused.
                            self.busy = true;
                        }
                        None => self.pending.push_back(job),
                    }
                }
            }
            QueueMsg::Cancel(id) => {
                if let Some(at) = self.pending.iter().position(|job| job.id == id) {
                    self.pending.remove(at);
                    let error = EngineError::Cancelled.report();
                    self.env.report(id, TransferState::Failed(error));
                } else if let Some(cancel) = self.running.remove(&id) {
                    let _ = cancel.send(());
                }
            }
            QueueMsg::Move(id, to) => move_job(&mut self.pending, id, to),
            QueueMsg::SetParallel(n) => self.parallel = clamp_parallel(n),
            QueueMsg::SetPaused(p) => self.paused = p,
            QueueMsg::WarmUp(n) => self.warm_up(n),
            QueueMsg::HandOver(conn) => self.ahead.hand_over(conn),
            QueueMsg::Shutdown => return false,
        }
        true
    }

    /// A job ended: its connection waits for the next job (or says goodbye when there are
    /// enough), and a directory's contents join the queue.
    fn finished(&mut self, mut done: JobDone) {
        match done.finishing.take() {
            // Running until its file is down; its connection is free now.
            Some(finishing) => {
                self.finishing.insert(done.id);
                let (id, ended) = (done.id, self.done_tx.clone());
                tokio::spawn(async move {
                    finishing.await;
                    let _ = ended.send(JobDone::ended(id));
                });
            }
            None => {
                self.running.remove(&done.id);
                self.finishing.remove(&done.id);
            }
        }
        match done.limited {
            // Other connections of this queue hold the server's slots: wait for one of them.
            Some((job, _)) if !self.running.is_empty() || !self.idle.is_empty() => {
                self.lower_ceiling();
                self.pending.push_front(job);
            }
            Some((job, error)) => self.retry_later(job, error),
            None if done.requeue.is_none() => {
                self.limit_tries.remove(&done.id);
                self.announce_ceiling();
            }
            None => {}
        }
        if let Some(job) = done.requeue {
            self.pending.push_front(job);
        }
        if let Some(conn) = done.conn {
            if self.idle.len() < self.limit() {
                self.idle.push(Parked::park(conn, self.ctx.site.keepalive));
            } else {
                tokio::spawn(conn.ctl.quit());
            }
        }
        for mut child in done.children {
            child.id = TransferId(self.ctx.ids.fetch_add(1, Ordering::Relaxed));
            announce(&self.env, &child, Some(done.id));
            self.pending.push_back(child);
        }
    }

    /// The server refused one more connection: run no more transfers at once than it accepted
    /// (the ones still running). Several refusals of one burst lower it in turn; the log says
    /// the ceiling once, when the next transfer ends (see [`Queue::announce_ceiling`]).
    fn lower_ceiling(&mut self) {
        let ceiling = (self.running.len() + self.idle.len()).max(1);
        if ceiling < self.limit() {
            self.ceiling = Some(ceiling);
            self.ceilings.set(&self.ctx, ceiling);
            self.ceiling_to_announce = true;
        }
    }

    /// How many transfers may run at once: the user's count within the server's limit.
    fn limit(&self) -> usize {
        self.ceiling.map_or(self.parallel, |c| c.min(self.parallel))
    }

    /// Refused for the connection limit with no other transfer connection open (the browsing
    /// connection may hold the only slot for a while): queued again after a bounded back-off,
    /// then failed.
    fn retry_later(&mut self, job: Job, error: ErrorReport) {
        let tries = self.limit_tries.entry(job.id).or_insert(0);
        let Some(wait) = LIMIT_BACKOFF.get(usize::from(*tries)).copied() else {
            self.env.report(job.id, TransferState::Failed(error));
            return;
        };
        *tries += 1;
        self.ctx.log(0).status(format!(
            "{}; trying again in {} s",
            error.message,
            wait.as_secs()
        ));
        // Counted as running until it is back in the queue (so the queue is not idle
        // meanwhile), and cancellable like a running job.
        let (cancel, mut cancelled) = oneshot::channel();
        self.running.insert(job.id, cancel);
        let done = self.done_tx.clone();
        let env = self.env.clone();
        tokio::spawn(async move {
            let id = job.id;
            let requeue = tokio::select! {
                _ = tokio::time::sleep(wait) => Some(job),
                _ = &mut cancelled => {
                    env.report(id, TransferState::Failed(EngineError::Cancelled.report()));
                    None
                }
            };
            let _ = done.send(JobDone {
                requeue,
                ..JobDone::ended(id)
            });
        });
    }

    /// One Status line for the connection limit found, once the burst of refusals is over.
    fn announce_ceiling(&mut self) {
        if std::mem::take(&mut self.ceiling_to_announce) {
            let ceiling = self.limit();
            self.ctx.log(0).status(format!(
                "The server refused another connection: continuing with {ceiling} simultaneous transfer{}",
                if ceiling == 1 { "" } else { "s" }
            ));
        }
    }

    /// Closing: every waiting transfer ends as cancelled, what runs is cancelled (and ends as
    /// cancelled if it has not said how it ended within a few seconds), idle connections say
    /// goodbye, and a busy queue says it is idle.
    async fn close(mut self, mut done_rx: mpsc::UnboundedReceiver<JobDone>) {
        for job in std::mem::take(&mut self.pending) {
            self.env.report(
                job.id,
                TransferState::Failed(EngineError::Cancelled.report()),
            );
        }
        let mut running: Vec<TransferId> = Vec::new();
        for (id, cancel) in self.running.drain() {
            let _ = cancel.send(());
            running.push(id);
        }
        drop(self.done_tx);
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(done) = done_rx.recv().await {
                if let Some(finishing) = done.finishing {
                    finishing.await;
                }
                running.retain(|id| *id != done.id);
                if let Some(conn) = done.conn {
                    conn.ctl.quit().await;
                }
            }
            self.ahead.quit().await;
        })
        .await;
        for id in running {
            self.env
                .report(id, TransferState::Failed(EngineError::Cancelled.report()));
        }
        for parked in std::mem::take(&mut self.idle) {
            parked.quit().await;
        }
        if self.busy {
            self.ctx.events.send(Event::QueueIdle {
                session: self.ctx.id,
            });
        }
    }
}

/// Moves the waiting job `id` within `pending`; a job not waiting (running, ended) stays.
fn move_job(pending: &mut VecDeque<Job>, id: TransferId, to: QueuePlace) {
    let Some(at) = pending.iter().position(|job| job.id == id) else {
        return;
    };
    let last = pending.len() - 1;
    let new = match to {
        QueuePlace::Top => 0,
        QueuePlace::Up => at.saturating_sub(1),
        QueuePlace::Down => (at + 1).min(last),
        QueuePlace::Bottom => last,
    };
    if let Some(job) = pending.remove(at) {
        pending.insert(new, job);
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

/// Back-off before a job refused for the server's connection limit is tried again, when no
/// other transfer connection is open to wait for.
const LIMIT_BACKOFF: [Duration; 3] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];
