//! Questions the worker asks the user: each gets an id, goes out as an event, and waits for the
//! `Command::Answer` that names it. A question nobody can answer any more resolves to `None`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::api::{Answer, Event, Prompt, PromptId, SessionId};
use crate::engine::events::EventSink;

/// Open questions: who asked, and where the answer goes.
type Pending = HashMap<PromptId, (SessionId, oneshot::Sender<Answer>)>;

#[derive(Clone)]
pub struct Prompter {
    pending: Arc<Mutex<Pending>>,
    ids: Arc<AtomicU64>,
    events: EventSink,
}

impl Prompter {
    pub fn new(ids: Arc<AtomicU64>, events: EventSink) -> Self {
        Prompter {
            pending: Arc::default(),
            ids,
            events,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Raises `prompt` for `session` and waits for its answer.
    pub async fn ask(&self, session: SessionId, prompt: Prompt) -> Option<Answer> {
        let id = PromptId(self.ids.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id, (session, tx));
        self.events.send(Event::Prompt {
            id,
            session,
            prompt,
        });
        rx.await.ok()
    }

    /// Delivers an answer; an unknown or already answered id is ignored.
    pub fn answer(&self, id: PromptId, answer: Answer) {
        if let Some((_, tx)) = self.lock().remove(&id) {
            let _ = tx.send(answer);
        }
    }

    /// Drops every question of a closing session, so its waiters see `None`.
    pub fn forget_session(&self, session: SessionId) {
        self.lock().retain(|_, (owner, _)| *owner != session);
    }
}
