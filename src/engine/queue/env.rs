//! What a running job sees of its queue ([`QueueEnv`]): progress reports, the file-exists
//! policy and its prompts, and connections lent for a download's segments within the queue's
//! room ([`Slots`]: the queue counts them as running transfers while they are out).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use tokio::task::JoinSet;

use crate::api::{Answer, Event, ExistsAction, ExistsPolicy, Prompt, TransferId, TransferState};
use crate::engine::connection::Connection;
use crate::engine::session::SessionCtx;
use crate::engine::transfer::{JobEnv, Lent};

use super::run::is_connection_limit;

#[derive(Clone)]
pub(super) struct QueueEnv {
    pub(super) ctx: Arc<SessionCtx>,
    pub(super) policy: Arc<Mutex<ExistsPolicy>>,
    pub(super) slots: Arc<Slots>,
}

/// The queue's transfer connections as jobs may borrow them: how many may run, how many run,
/// how many are lent to segments; and the log number of the next new connection.
pub(super) struct Slots {
    state: Mutex<SlotState>,
    next_connection: AtomicU32,
}

#[derive(Default)]
struct SlotState {
    limit: usize,
    running: usize,
    lent: usize,
}

impl Default for Slots {
    fn default() -> Self {
        Slots {
            state: Mutex::default(),
            // 0 is the browsing connection.
            next_connection: AtomicU32::new(1),
        }
    }
}

impl Slots {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The queue's view (`limit` at once, `running` jobs): whether another job may start.
    pub(super) fn has_room(&self, limit: usize, running: usize) -> bool {
        let mut state = self.lock();
        state.limit = limit;
        state.running = running;
        running + state.lent < limit
    }

    /// The log number of a new connection.
    pub(super) fn next_connection(&self) -> u32 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    fn room(&self) -> usize {
        let state = self.lock();
        state.limit.saturating_sub(state.running + state.lent)
    }

    /// Takes up to `want` places; returns how many.
    fn take(&self, want: usize) -> usize {
        let mut state = self.lock();
        let n = want.min(state.limit.saturating_sub(state.running + state.lent));
        state.lent += n;
        n
    }

    fn give_back(&self, n: usize) {
        let mut state = self.lock();
        state.lent = state.lent.saturating_sub(n);
    }
}

impl JobEnv for QueueEnv {
    fn report(&self, id: TransferId, state: TransferState) {
        self.ctx.events.send(Event::Transfer {
            session: self.ctx.id,
            id,
            state,
        });
    }

    fn policy(&self) -> ExistsPolicy {
        *self.policy.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn ask(&self, prompt: Prompt) -> Option<(ExistsAction, bool)> {
        match self.ctx.prompts.ask(self.ctx.id, prompt).await? {
            Answer::FileExists { action, for_all } => Some((action, for_all)),
            Answer::Certificate(_) | Answer::Password(_) => None,
        }
    }

    fn set_policy(&self, policy: ExistsPolicy) {
        *self.policy.lock().unwrap_or_else(|e| e.into_inner()) = policy;
    }

    fn segments(&self) -> Option<usize> {
        self.ctx.site.segments
    }

    fn room(&self) -> usize {
        self.slots.room()
    }

    async fn borrow(&self, want: usize) -> Lent {
        lend(self, want).await
    }
}

/// Opens up to `want` new connections within the queue's room, at once. Those the server
/// refuses for its connection limit give their place back; the download goes on with fewer.
async fn lend(env: &QueueEnv, want: usize) -> Lent {
    let taken = env.slots.take(want);
    let mut opening = JoinSet::new();
    for _ in 0..taken {
        let ctx = Arc::clone(&env.ctx);
        let log = ctx.log(env.slots.next_connection());
        opening.spawn(log.clone().scope(async move { ctx.connect(&log).await }));
    }
    let mut conns: Vec<Connection> = Vec::new();
    let mut refusal = None;
    while let Some(joined) = opening.join_next().await {
        match joined {
            Ok(Ok(mut conn)) => {
                env.ctx.lend_learned(&mut conn);
                conns.push(conn);
            }
            Ok(Err(error)) if is_connection_limit(&error, true) => refusal = Some(error),
            Ok(Err(error)) => env
                .ctx
                .log(0)
                .status(format!("A connection for a segment failed: {error}")),
            Err(_) => {}
        }
    }
    if let Some(error) = refusal {
        env.ctx.log(0).status(format!(
            "The server refused another connection ({error}): continuing with {} segment connection{}",
            conns.len() + 1,
            if conns.is_empty() { "" } else { "s" }
        ));
    }
    env.slots.give_back(taken - conns.len());
    let slots = Arc::clone(&env.slots);
    let n = conns.len();
    Lent::new(conns, move || slots.give_back(n))
}
