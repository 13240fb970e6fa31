//! The blocking driver: one worker, its events and one session, driven to completion step by
//! step (connect, run an operation, run transfers, disconnect) for the command line and the
//! tests. A [`Hook`] sees every event and answers prompts; every wait is bounded. The desktop
//! app keeps its own non-blocking loop and does not use this.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::api::{
    Answer, Command, Direction, Entry, ErrorReport, Event, OpOutput, Operation, Prompt, RequestId,
    ServerInfo, SessionId, Site, TransferId, TransferRequest, TransferState,
};
use crate::engine::events::EventSink;
use crate::engine::worker::{Worker, WorkerConfig};

/// What the front end does with the events the driver reads.
pub trait Hook {
    /// Sees every event first: log lines, progress, prompts (before they are answered).
    fn event(&mut self, event: &Event) {
        let _ = event;
    }

    /// The answer to a prompt; `None` leaves it unanswered.
    fn answer(&mut self, prompt: &Prompt) -> Option<Answer>;

    /// Whether the hook wants the session's log lines; without them the worker does not send
    /// them at all.
    fn wants_log(&self) -> bool {
        true
    }
}

/// Why the driver stopped waiting.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DriverError {
    /// No event arrived for this long.
    #[error("the engine reported nothing for {} seconds", .0.as_secs())]
    Silent(Duration),
    #[error("the engine stopped unexpectedly")]
    Stopped,
    /// The session closed: on request (`None`) or because it could not go on.
    #[error("{}", .0.as_ref().map_or("the connection closed", |e| e.message.as_str()))]
    Closed(Option<ErrorReport>),
}

/// An operation's listing batches, collected, and its result.
#[derive(Debug, Clone)]
pub struct Ran {
    pub listing: Vec<Entry>,
    pub result: Result<OpOutput, ErrorReport>,
}

/// A transfer as the queue announced it (directories expand into more of them).
#[derive(Debug, Clone)]
pub struct QueuedTransfer {
    pub id: TransferId,
    pub direction: Direction,
    pub local: PathBuf,
    pub remote: String,
    pub is_dir: bool,
}

/// How a batch of transfers went, once the queue is idle.
#[derive(Debug, Clone, Default)]
pub struct Transfers {
    /// Every transfer queued, in order (the expanded children of a directory included).
    pub queued: Vec<QueuedTransfer>,
    /// Each transfer's last state.
    pub last: HashMap<TransferId, TransferState>,
    /// The failures, in the order they happened.
    pub failed: Vec<(TransferId, ErrorReport)>,
}

impl Transfers {
    /// How `id` was queued.
    pub fn queued(&self, id: TransferId) -> Option<&QueuedTransfer> {
        self.queued.iter().find(|q| q.id == id)
    }
}

/// A worker with one session, driven by blocking calls.
pub struct Driver<H: Hook> {
    worker: Worker,
    events: Receiver<Event>,
    session: SessionId,
    hook: H,
    patience: Duration,
}

impl<H: Hook> Driver<H> {
    /// The longest silence accepted from the engine unless [`Driver::set_patience`] says more.
    pub const PATIENCE: Duration = Duration::from_secs(60);

    /// Starts a worker; the session is connected with [`Driver::connect`].
    pub fn start(config: WorkerConfig, hook: H) -> std::io::Result<Self> {
        let (sink, events) = EventSink::channel();
        let sink = if hook.wants_log() {
            sink
        } else {
            sink.without_log()
        };
        let worker = Worker::start(config, sink)?;
        let session = SessionId(worker.next_id());
        Ok(Driver {
            worker,
            events,
            session,
            hook,
            patience: Self::PATIENCE,
        })
    }

    /// The longest silence from the engine each wait accepts before giving up.
    pub fn set_patience(&mut self, patience: Duration) {
        self.patience = patience;
    }

    pub fn hook(&self) -> &H {
        &self.hook
    }

    pub fn hook_mut(&mut self) -> &mut H {
        &mut self.hook
    }

    pub fn session(&self) -> SessionId {
        self.session
    }

    /// A fresh id for a request or transfer.
    pub fn next_id(&self) -> u64 {
        self.worker.next_id()
    }

    /// Sends a command as is (for what the steps below do not cover).
    pub fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// The next event that is not a log line, waiting at most `within`. The hook sees every
    /// event, and a prompt is answered (when the hook answers) before it is returned.
    pub fn next(&mut self, within: Duration) -> Result<Event, DriverError> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => return Err(DriverError::Silent(within)),
                Err(RecvTimeoutError::Disconnected) => return Err(DriverError::Stopped),
            };
            self.hook.event(&event);
            if let Event::Prompt { id, prompt, .. } = &event
                && let Some(answer) = self.hook.answer(prompt)
            {
                self.worker.send(Command::Answer {
                    prompt: *id,
                    answer,
                });
            }
            if !matches!(event, Event::Log(_)) {
                return Ok(event);
            }
        }
    }

    /// The next event, waiting at most the driver's patience; the session closing is an error.
    fn step(&mut self) -> Result<Event, DriverError> {
        match self.next(self.patience)? {
            Event::SessionClosed { error, .. } => Err(DriverError::Closed(error)),
            event => Ok(event),
        }
    }

    /// Connects the session; a failed login is `DriverError::Closed` with its report.
    pub fn connect(&mut self, site: Site) -> Result<ServerInfo, DriverError> {
        self.send(Command::Connect {
            session: self.session,
            site,
        });
        loop {
            if let Event::Connected { info, .. } = self.step()? {
                return Ok(info);
            }
        }
    }

    /// Runs an operation, handing each listing batch to `on_listing` as it arrives.
    pub fn run_with(
        &mut self,
        op: Operation,
        mut on_listing: impl FnMut(Vec<Entry>),
    ) -> Result<Result<OpOutput, ErrorReport>, DriverError> {
        let request = RequestId(self.next_id());
        self.send(Command::Run {
            session: self.session,
            request,
            op,
        });
        loop {
            match self.step()? {
                Event::Listing {
                    request: r,
                    entries,
                    ..
                } if r == request => on_listing(entries),
                Event::OpDone {
                    request: r, result, ..
                } if r == request => return Ok(result),
                _ => {}
            }
        }
    }

    /// Runs an operation and collects its listing batches.
    pub fn run(&mut self, op: Operation) -> Result<Ran, DriverError> {
        let mut listing = Vec::new();
        let result = self.run_with(op, |entries| listing.extend(entries))?;
        Ok(Ran { listing, result })
    }

    /// Queues transfers and waits until the session's queue is idle.
    pub fn transfer(&mut self, requests: Vec<TransferRequest>) -> Result<Transfers, DriverError> {
        self.send(Command::Enqueue {
            session: self.session,
            transfers: requests,
        });
        self.until_idle()
    }

    /// Follows the queue until it is idle (after an `Enqueue` sent some other way).
    pub fn until_idle(&mut self) -> Result<Transfers, DriverError> {
        let mut transfers = Transfers::default();
        loop {
            match self.step()? {
                Event::Transfer { id, state, .. } => {
                    match &state {
                        TransferState::Queued {
                            direction,
                            local,
                            remote,
                            is_dir,
                            ..
                        } => transfers.queued.push(QueuedTransfer {
                            id,
                            direction: *direction,
                            local: local.clone(),
                            remote: remote.clone(),
                            is_dir: *is_dir,
                        }),
                        TransferState::Failed(error) => transfers.failed.push((id, error.clone())),
                        _ => {}
                    }
                    transfers.last.insert(id, state);
                }
                Event::QueueIdle { .. } => return Ok(transfers),
                _ => {}
            }
        }
    }

    /// Asks the session to close and waits until it has.
    pub fn disconnect(&mut self) -> Result<(), DriverError> {
        self.send(Command::Disconnect {
            session: self.session,
        });
        loop {
            if let Event::SessionClosed { .. } = self.next(self.patience)? {
                return Ok(());
            }
        }
    }
}
