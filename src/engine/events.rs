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
}

impl EventSink {
    /// A sink and the receiver its events arrive on.
    pub fn channel() -> (EventSink, mpsc::Receiver<Event>) {
        let (tx, rx) = mpsc::channel();
        (EventSink { tx, wake: None }, rx)
    }

    /// Call `wake` after every event sent (the UI passes `request_repaint`).
    pub fn with_wake(mut self, wake: impl Fn() + Send + Sync + 'static) -> Self {
        self.wake = Some(Arc::new(wake));
        self
    }

    /// Sends an event; a receiver that went away is not an error for the engine.
    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok()
            && let Some(wake) = &self.wake
        {
            wake();
        }
    }
}
