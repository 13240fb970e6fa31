//! The worker: a tokio runtime on its own thread that owns every FTP session. Commands come in
//! over a channel, events go out through an [`EventSink`]; nothing else crosses. The UI and the
//! CLI drive it the same way and never wait on the network themselves.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::{
    Command, ErrorKind, ErrorReport, Event, OpOutput, SessionId, Site, TransferId, TransferRequest,
    TransferState,
};
use crate::engine::events::EventSink;
use crate::engine::ftp::tls::{SiteTrust, TrustStore};
use crate::engine::prompts::Prompter;
use crate::engine::queue::{self, Ceilings, QueueMsg};
use crate::engine::session::{self, SessionCtx, SessionMsg};
use crate::engine::transfer::{FilterCell, Throttle};

/// Where the worker keeps what it remembers (trusted certificates).
#[derive(Debug, Clone, Default)]
pub struct WorkerConfig {
    /// `None`: remember nothing on disk.
    pub config_dir: Option<PathBuf>,
}

/// The handle the UI or CLI holds.
pub struct Worker {
    tx: mpsc::UnboundedSender<Command>,
    ids: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker thread.
    pub fn start(config: WorkerConfig, events: EventSink) -> std::io::Result<Worker> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ferry-worker")
            .enable_all()
            .build()?;
        let (tx, rx) = mpsc::unbounded_channel();
        let ids = Arc::new(AtomicU64::new(1));
        let worker_ids = Arc::clone(&ids);
        let thread = std::thread::Builder::new()
            .name("ferry-engine".to_string())
            .spawn(move || {
                runtime.block_on(serve(config, rx, events, worker_ids));
                runtime.shutdown_timeout(Duration::from_secs(2));
            })?;
        Ok(Worker {
            tx,
            ids,
            thread: Some(thread),
        })
    }

    pub fn send(&self, command: Command) {
        let _ = self.tx.send(command);
    }

    /// A fresh number for a session, request or transfer id.
    pub fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    /// Stops every session and waits for the thread (a few seconds at most).
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.tx.send(Command::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Handles {
    session: mpsc::UnboundedSender<SessionMsg>,
    queue: mpsc::UnboundedSender<QueueMsg>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

fn closed(session: SessionId) -> ErrorReport {
    ErrorReport {
        kind: ErrorKind::Disconnected,
        message: format!("session {} is not connected", session.0),
    }
}

async fn serve(
    config: WorkerConfig,
    mut rx: mpsc::UnboundedReceiver<Command>,
    events: EventSink,
    ids: Arc<AtomicU64>,
) {
    let (store, store_problem) = match &config.config_dir {
        Some(dir) => match TrustStore::load(&dir.join("trusted-certificates.json")) {
            Ok(store) => (store, None),
            Err(problem) => (TrustStore::in_memory(), Some(problem)),
        },
        None => (TrustStore::in_memory(), None),
    };
    let mut sessions = Sessions {
        store: Arc::new(store),
        store_problem,
        prompts: Prompter::new(Arc::clone(&ids), events.clone()),
        events,
        ids,
        running: HashMap::new(),
        ceilings: Ceilings::default(),
        throttle: Arc::default(),
        transfer_filter: FilterCell::default(),
    };
    while let Some(command) = rx.recv().await {
        if !sessions.route(command) {
            break;
        }
    }
    sessions.shutdown().await;
}

/// The worker's sessions and what they are started with.
struct Sessions {
    store: Arc<TrustStore>,
    /// Why the trust store file could not be read, told to every session.
    store_problem: Option<String>,
    prompts: Prompter,
    events: EventSink,
    ids: Arc<AtomicU64>,
    running: HashMap<SessionId, Handles>,
    /// The connection limits servers showed, for every session to the same server.
    ceilings: Ceilings,
    /// The speed limits every transfer of the worker shares.
    throttle: Arc<Throttle>,
    /// What recursive transfers leave out, for every session.
    transfer_filter: FilterCell,
}

impl Sessions {
    /// Hands `command` to the session or queue it is for; false when the worker is to stop.
    fn route(&mut self, command: Command) -> bool {
        match command {
            Command::Connect { session, site } => self.connect(session, site),
            Command::Run {
                session,
                request,
                op,
            } => {
                let sent = self
                    .running
                    .get(&session)
                    .is_some_and(|h| h.session.send(SessionMsg::Run(request, op)).is_ok());
                if !sent {
                    self.events.send(Event::OpDone {
                        session,
                        request,
                        result: Err::<OpOutput, _>(closed(session)),
                    });
                }
            }
            Command::CancelOperation { session } => self.to_session(session, SessionMsg::Cancel),
            Command::Enqueue { session, transfers } => self.enqueue(session, transfers),
            Command::CancelTransfer { session, transfer } => {
                self.to_queue(session, QueueMsg::Cancel(transfer));
            }
            Command::MoveTransfer {
                session,
                transfer,
                to,
            } => self.to_queue(session, QueueMsg::Move(transfer, to)),
            Command::SetParallel { session, parallel } => {
                self.to_queue(session, QueueMsg::SetParallel(parallel));
            }
            Command::SetPaused { session, paused } => {
                self.to_queue(session, QueueMsg::SetPaused(paused));
            }
            Command::SetSpeedLimits(limits) => self.throttle.set(limits),
            Command::SetTransferFilter(filter) => self.transfer_filter.set(filter),
            Command::Answer { prompt, answer } => self.prompts.answer(prompt, answer),
            Command::Disconnect { session } => {
                if let Some(h) = self.running.remove(&session) {
                    self.prompts.forget_session(session);
                    let _ = h.session.send(SessionMsg::Disconnect);
                    let _ = h.queue.send(QueueMsg::Shutdown);
                }
            }
            Command::WarmUp {
                session,
                connections,
            } => self.to_queue(session, QueueMsg::WarmUp(connections)),
            Command::HandOver { session } => {
                if let Some(h) = self.running.get(&session) {
                    // The queue hears first, so that the next transfer waits for this
                    // connection instead of opening one.
                    let (give, take) = tokio::sync::oneshot::channel();
                    let _ = h.queue.send(QueueMsg::HandOver(take));
                    let _ = h.session.send(SessionMsg::HandOver(give));
                }
            }
            Command::Shutdown => return false,
        }
        true
    }

    fn to_session(&self, session: SessionId, msg: SessionMsg) {
        if let Some(h) = self.running.get(&session) {
            let _ = h.session.send(msg);
        }
    }

    fn to_queue(&self, session: SessionId, msg: QueueMsg) {
        if let Some(h) = self.running.get(&session) {
            let _ = h.queue.send(msg);
        }
    }

    /// Starts a session and its queue (replacing a session of the same id).
    fn connect(&mut self, session: SessionId, site: Site) {
        if let Some(old) = self.running.remove(&session) {
            let _ = old.session.send(SessionMsg::Disconnect);
            let _ = old.queue.send(QueueMsg::Shutdown);
        }
        let trust = SiteTrust::new(
            &site.host,
            site.port,
            Arc::clone(&self.store),
            &site.tls.pinned,
            site.tls.insecure,
        );
        let mut ctx = SessionCtx::new(
            session,
            site,
            trust,
            self.prompts.clone(),
            self.events.clone(),
            Arc::clone(&self.ids),
        );
        ctx.throttle = Arc::clone(&self.throttle);
        ctx.transfer_filter = self.transfer_filter.clone();
        let ctx = Arc::new(ctx);
        if let Some(problem) = &self.store_problem {
            ctx.log(0).error(format!(
                "{problem}; the file is left as it is and certificates are trusted for this run only"
            ));
        }
        let (session_tx, session_rx) = mpsc::unbounded_channel();
        let (queue_tx, queue_rx) = mpsc::unbounded_channel();
        let queue_for_session = queue_tx.clone();
        let session_ctx = Arc::clone(&ctx);
        let tasks = vec![
            tokio::spawn(async move {
                session::run(session_ctx, session_rx).await;
                // The queue lives as long as its session.
                let _ = queue_for_session.send(QueueMsg::Shutdown);
            }),
            tokio::spawn(queue::run(ctx, queue_rx, self.ceilings.clone())),
        ];
        let handles = Handles {
            session: session_tx,
            queue: queue_tx,
            tasks,
        };
        self.running.insert(session, handles);
    }

    /// Queues transfers; without a session they fail at once and the queue is idle.
    fn enqueue(&self, session: SessionId, transfers: Vec<TransferRequest>) {
        let ids: Vec<TransferId> = transfers.iter().map(|t| t.id).collect();
        let sent = self
            .running
            .get(&session)
            .is_some_and(|h| h.queue.send(QueueMsg::Enqueue(transfers)).is_ok());
        if !sent {
            for id in ids {
                self.events.send(Event::Transfer {
                    session,
                    id,
                    state: TransferState::Failed(closed(session)),
                });
            }
            self.events.send(Event::QueueIdle { session });
        }
    }

    /// Stops every session and waits a little for their tasks to end.
    async fn shutdown(mut self) {
        let mut tasks = Vec::new();
        for (id, h) in self.running.drain() {
            self.prompts.forget_session(id);
            let _ = h.session.send(SessionMsg::Disconnect);
            let _ = h.queue.send(QueueMsg::Shutdown);
            tasks.extend(h.tasks);
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            for task in tasks {
                let _ = task.await;
            }
        })
        .await;
    }
}
