//! The worker: a tokio runtime on its own thread that owns every FTP session. Commands come in
//! over a channel, events go out through an [`EventSink`]; nothing else crosses. The UI and the
//! CLI drive it the same way and never wait on the network themselves.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::api::{
    Command, ErrorKind, ErrorReport, Event, OpOutput, SessionId, TransferId, TransferState,
};
use crate::engine::events::EventSink;
use crate::engine::ftp::tls::{SiteTrust, TrustStore};
use crate::engine::prompts::Prompter;
use crate::engine::queue::{self, QueueMsg};
use crate::engine::session::{self, SessionCtx, SessionMsg};

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
    let store = Arc::new(store);
    let prompts = Prompter::new(Arc::clone(&ids), events.clone());
    let mut sessions: HashMap<SessionId, Handles> = HashMap::new();
    while let Some(command) = rx.recv().await {
        match command {
            Command::Connect { session, site } => {
                if let Some(old) = sessions.remove(&session) {
                    let _ = old.session.send(SessionMsg::Disconnect);
                    let _ = old.queue.send(QueueMsg::Shutdown);
                }
                let trust = SiteTrust::new(
                    &site.host,
                    site.port,
                    Arc::clone(&store),
                    &site.tls.pinned,
                    site.tls.insecure,
                );
                let ctx = Arc::new(SessionCtx {
                    id: session,
                    site,
                    trust: Arc::new(trust),
                    prompts: prompts.clone(),
                    events: events.clone(),
                    ids: Arc::clone(&ids),
                    cwd: Mutex::new(String::new()),
                    learned_way: Arc::default(),
                    asked_password: Default::default(),
                });
                if let Some(problem) = &store_problem {
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
                    tokio::spawn(queue::run(ctx, queue_rx)),
                ];
                sessions.insert(
                    session,
                    Handles {
                        session: session_tx,
                        queue: queue_tx,
                        tasks,
                    },
                );
            }
            Command::Run {
                session,
                request,
                op,
            } => {
                let sent = sessions
                    .get(&session)
                    .is_some_and(|h| h.session.send(SessionMsg::Run(request, op)).is_ok());
                if !sent {
                    events.send(Event::OpDone {
                        session,
                        request,
                        result: Err::<OpOutput, _>(closed(session)),
                    });
                }
            }
            Command::CancelOperation { session } => {
                if let Some(h) = sessions.get(&session) {
                    let _ = h.session.send(SessionMsg::Cancel);
                }
            }
            Command::Enqueue { session, transfers } => {
                let ids: Vec<TransferId> = transfers.iter().map(|t| t.id).collect();
                let sent = sessions
                    .get(&session)
                    .is_some_and(|h| h.queue.send(QueueMsg::Enqueue(transfers)).is_ok());
                if !sent {
                    for id in ids {
                        events.send(Event::Transfer {
                            session,
                            id,
                            state: TransferState::Failed(closed(session)),
                        });
                    }
                    events.send(Event::QueueIdle { session });
                }
            }
            Command::CancelTransfer { session, transfer } => {
                if let Some(h) = sessions.get(&session) {
                    let _ = h.queue.send(QueueMsg::Cancel(transfer));
                }
            }
            Command::SetParallel { session, parallel } => {
                if let Some(h) = sessions.get(&session) {
                    let _ = h.queue.send(QueueMsg::SetParallel(parallel));
                }
            }
            Command::SetPaused { session, paused } => {
                if let Some(h) = sessions.get(&session) {
                    let _ = h.queue.send(QueueMsg::SetPaused(paused));
                }
            }
            Command::Answer { prompt, answer } => prompts.answer(prompt, answer),
            Command::Disconnect { session } => {
                if let Some(h) = sessions.remove(&session) {
                    prompts.forget_session(session);
                    let _ = h.session.send(SessionMsg::Disconnect);
                    let _ = h.queue.send(QueueMsg::Shutdown);
                }
            }
            Command::Shutdown => break,
        }
    }
    let mut tasks = Vec::new();
    for (id, h) in sessions.drain() {
        prompts.forget_session(id);
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
