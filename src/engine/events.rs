//! How events leave the worker: a channel to the UI or CLI, plus a wake-up callback so an idle
//! window repaints only when something happened.

use std::sync::Arc;
use std::sync::mpsc;

use crate::api::{Event, TransferState};

/// How soon an event wants a front end to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Now,
    /// A running transfer's progress: the next of several a second, which can wait a little.
    Progress,
}

/// The sending half of the event channel, cloned into every task that reports.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    wake: Option<Arc<dyn Fn(Urgency) + Send + Sync>>,
    /// Log lines are sent (a front end that shows no log turns them off: on a run of many
    /// small files they are most of the events).
    log: bool,
}

impl EventSink {
    /// A sink and the receiver its events arrive on.
    pub fn channel() -> (EventSink, mpsc::Receiver<Event>) {
        let (tx, rx) = mpsc::channel();
        (
            EventSink {
                tx,
                wake: None,
                log: true,
            },
            rx,
        )
    }

    /// Call `wake` after every event sent, with how soon it wants showing (the UI asks for a
    /// frame).
    pub fn with_wake(mut self, wake: impl Fn(Urgency) + Send + Sync + 'static) -> Self {
        self.wake = Some(Arc::new(wake));
        self
    }

    /// Drops log lines instead of sending them.
    pub fn without_log(mut self) -> Self {
        self.log = false;
        self
    }

    /// Sends an event; a receiver that went away is not an error for the engine.
    pub fn send(&self, event: Event) {
        if !self.log && matches!(event, Event::Log(_)) {
            return;
        }
        let urgency = match &event {
            Event::Transfer {
                state: TransferState::Progress { .. },
                ..
            } => Urgency::Progress,
            _ => Urgency::Now,
        };
        if self.tx.send(event).is_ok()
            && let Some(wake) = &self.wake
        {
            wake(urgency);
        }
    }
}
