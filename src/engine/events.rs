//! How events leave the worker: a channel to the UI or CLI, plus a wake-up callback so an idle
//! window repaints only when something happened.

use std::sync::Arc;
use std::sync::mpsc;

use crate::api::Event;

/// The sending half of the event channel, cloned into every task that reports.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
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

    /// Call `wake` after every event sent (the UI passes `request_repaint`).
    pub fn with_wake(mut self, wake: impl Fn() + Send + Sync + 'static) -> Self {
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
        if self.tx.send(event).is_ok()
            && let Some(wake) = &self.wake
        {
            wake();
        }
    }
}
