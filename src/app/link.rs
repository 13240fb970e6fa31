//! The app's line to the worker: the worker thread, the channel its events come back on (waking
//! the window), the id counter, which operation in flight ends how, and which session each
//! transfer was queued on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use crate::api::*;
use crate::engine::events::EventSink;
use crate::engine::worker::{Worker, WorkerConfig};

/// What to do when an operation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Its listing fills the remote pane.
    Listing,
    /// Refresh the remote pane (a rename, delete, mkdir...).
    RefreshRemote,
    /// An edited file's SIZE or MDTM: edit in place takes the result; no tab sees it.
    Edit,
}

pub struct Link {
    worker: Worker,
    events: Receiver<Event>,
    /// The operations in flight: their session and what to do when each ends.
    in_flight: HashMap<RequestId, (SessionId, After)>,
    /// Which session each transfer was queued on.
    transfer_sessions: HashMap<TransferId, SessionId>,
}

impl Link {
    /// Starts the worker; its events wake `ctx`.
    pub fn start(ctx: &egui::Context, config_dir: Option<PathBuf>) -> std::io::Result<Link> {
        let waker = ctx.clone();
        let (sink, events) = EventSink::channel();
        let sink = sink.with_wake(move || waker.request_repaint());
        let worker = Worker::start(WorkerConfig { config_dir }, sink)?;
        Ok(Link {
            worker,
            events,
            in_flight: HashMap::new(),
            transfer_sessions: HashMap::new(),
        })
    }

    /// A fresh session id.
    pub fn new_session(&self) -> SessionId {
        SessionId(self.worker.next_id())
    }

    pub fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// Runs `op` on `session`, remembering what to do when it ends.
    pub fn run(&mut self, session: SessionId, op: Operation, after: After) -> RequestId {
        let request = RequestId(self.worker.next_id());
        self.in_flight.insert(request, (session, after));
        self.worker.send(Command::Run {
            session,
            request,
            op,
        });
        request
    }

    /// Forgets the operations of a session that is gone or replaced.
    pub fn forget(&mut self, session: SessionId) {
        self.in_flight.retain(|_, (s, _)| *s != session);
    }

    /// The next event of the worker, if one is waiting; an ended operation leaves the table
    /// (what it asked for comes with it) and a transfer's session is noted.
    pub fn next_event(&mut self) -> Option<(Event, Option<After>)> {
        let event = self.events.try_recv().ok()?;
        let after = match &event {
            Event::OpDone { request, .. } => self.in_flight.remove(request).map(|(_, a)| a),
            Event::Transfer { session, id, .. } => {
                self.transfer_sessions.insert(*id, *session);
                None
            }
            _ => None,
        };
        Some((event, after))
    }

    /// A fresh transfer id.
    pub fn new_transfer(&self) -> TransferId {
        TransferId(self.worker.next_id())
    }

    /// Queues these transfers on `session`.
    pub fn enqueue_requests(&mut self, session: SessionId, transfers: Vec<TransferRequest>) {
        for request in &transfers {
            self.transfer_sessions.insert(request.id, session);
        }
        self.worker.send(Command::Enqueue { session, transfers });
    }

    /// Queues one transfer on `session`.
    pub fn enqueue(
        &mut self,
        session: SessionId,
        direction: Direction,
        local: LocalTarget,
        remote: String,
        recursive: bool,
    ) {
        let request = TransferRequest {
            id: TransferId(self.worker.next_id()),
            direction,
            local,
            remote,
            recursive,
            ascii: false,
            on_exists: None,
        };
        self.transfer_sessions.insert(request.id, session);
        self.worker.send(Command::Enqueue {
            session,
            transfers: vec![request],
        });
    }

    /// The session a transfer was queued on.
    pub fn transfer_session(&self, transfer: TransferId) -> Option<SessionId> {
        self.transfer_sessions.get(&transfer).copied()
    }
}
