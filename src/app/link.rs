//! The app's line to the worker: the worker thread, the channel its events come back on (waking
//! the window), the id counter, which operation in flight ends how, and which session each
//! transfer was queued on.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::api::*;
use crate::engine::events::{EventSink, Urgency};
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
    waker: Arc<Waker>,
}

impl Link {
    /// Starts the worker; its events wake `ctx`.
    pub fn start(ctx: &egui::Context, config_dir: Option<PathBuf>) -> std::io::Result<Link> {
        let window = ctx.clone();
        let waker = Arc::new(Waker::new(move |wait| window.request_repaint_after(wait)));
        let wake = Arc::clone(&waker);
        let (sink, events) = EventSink::channel();
        let sink = sink.with_wake(move |urgency| wake.wake(urgency));
        let worker = Worker::start(WorkerConfig { config_dir }, sink)?;
        Ok(Link {
            worker,
            events,
            in_flight: HashMap::new(),
            transfer_sessions: HashMap::new(),
            waker,
        })
    }

    /// The window began a frame: it draws what arrived until now.
    pub fn frame_began(&self) {
        self.waker.frame_began();
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
        let request = self.run_unattended(session, op);
        // Its events are read on this thread, after this.
        self.in_flight.insert(request, (session, after));
        request
    }

    /// Runs `op` on `session` with nothing remembered for its end: the caller picks its events
    /// out by the request id returned (the search window).
    pub fn run_unattended(&self, session: SessionId, op: Operation) -> RequestId {
        let request = RequestId(self.worker.next_id());
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
            size: None,
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

/// The shortest time between two frames the worker's events ask for.
const WAKE_EVERY: Duration = Duration::from_millis(100);
/// The same while only transfers' progress arrives: a frame of the whole window each time,
/// without a GPU, cost the UI thread a fifth of a core during a download at 10 a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Wakes the window for the worker's events: the first event after a quiet spell at once, a
/// flood of them (a 100,000-entry listing's batches, log lines, several transfers' progress) at
/// most every [`WAKE_EVERY`], not once per event: without a GPU each frame costs tens of
/// milliseconds, taken from the server and the transfers sharing the machine. Between two
/// frames it calls into egui once: egui's context is locked while a frame is laid out and
/// tessellated, and a worker waiting on that lock for every batch read a 100,000-entry listing
/// three times slower than the command line.
struct Waker {
    /// Asks the window for a frame after this long (`egui::Context::request_repaint_after`).
    repaint: Box<dyn Fn(Duration) + Send + Sync>,
    times: Mutex<WakeTimes>,
}

struct WakeTimes {
    /// When the window last began a frame (`Link::frame_began`).
    frame_began: Instant,
    /// The frame asked for and not yet begun: when it is due.
    asked: Option<Instant>,
}

impl Waker {
    fn new(repaint: impl Fn(Duration) + Send + Sync + 'static) -> Waker {
        let long_ago = Instant::now() - PROGRESS_EVERY;
        Waker {
            repaint: Box::new(repaint),
            times: Mutex::new(WakeTimes {
                frame_began: long_ago,
                asked: None,
            }),
        }
    }

    /// Asks for a frame no sooner than [`WAKE_EVERY`] (for progress, [`PROGRESS_EVERY`])
    /// after the last one began, unless one is asked for that comes as soon.
    fn wake(&self, urgency: Urgency) {
        let every = match urgency {
            Urgency::Now => WAKE_EVERY,
            Urgency::Progress => PROGRESS_EVERY,
        };
        let now = Instant::now();
        let mut times = self.times.lock().unwrap_or_else(|e| e.into_inner());
        let due = (times.frame_began + every).max(now);
        if times.asked.is_some_and(|asked| asked <= due) {
            return;
        }
        times.asked = Some(due);
        drop(times);
        (self.repaint)(due - now);
    }

    fn frame_began(&self) {
        let mut times = self.times.lock().unwrap_or_else(|e| e.into_inner());
        times.frame_began = Instant::now();
        times.asked = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A waker that records each wait it asks the window for.
    fn recording() -> (Waker, Arc<Mutex<Vec<Duration>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&asked);
        (
            Waker::new(move |wait| seen.lock().unwrap().push(wait)),
            asked,
        )
    }

    #[test]
    fn a_flood_of_events_wakes_the_window_at_most_every_100_ms() {
        let (waker, asked) = recording();
        for _ in 0..50 {
            waker.wake(Urgency::Now);
        }
        assert_eq!(
            *asked.lock().unwrap(),
            [Duration::ZERO],
            "the first at once, once"
        );
        // The frame asked for begins; the flood goes on.
        waker.frame_began();
        for _ in 0..50 {
            waker.wake(Urgency::Now);
        }
        let asked = asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 2, "asked once per frame: {asked:?}");
        assert!(
            asked[1] > Duration::from_millis(50) && asked[1] <= WAKE_EVERY,
            "the next frame 100 ms after the first: {asked:?}"
        );
    }

    #[test]
    fn progress_alone_waits_half_a_second_and_anything_else_brings_the_frame_forward() {
        let (waker, asked) = recording();
        waker.frame_began();
        for _ in 0..20 {
            waker.wake(Urgency::Progress);
        }
        let first = asked.lock().unwrap().clone();
        assert_eq!(first.len(), 1, "{first:?}");
        assert!(
            first[0] > Duration::from_millis(400) && first[0] <= PROGRESS_EVERY,
            "{first:?}"
        );
        // A transfer ends (or a log line comes): its frame is due sooner.
        waker.wake(Urgency::Now);
        waker.wake(Urgency::Progress);
        let asked = asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 2, "{asked:?}");
        assert!(asked[1] <= WAKE_EVERY, "{asked:?}");
    }
}
