//! Transfer connections ready before the transfers need them: opened ahead, concurrently, on
//! [`QueueMsg::WarmUp`](super::QueueMsg::WarmUp), and the browsing connection handed over to the
//! queue on [`QueueMsg::HandOver`](super::QueueMsg::HandOver) (the command line's single login).
//! [`Queue::source`] says where the next job's connection comes from.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::Queue;
use crate::engine::connection::Connection;
use crate::engine::error::EngineResult;
use crate::engine::ftp::wirelog::LogCtx;
use crate::engine::idle::Parked;

/// The connections on their way to the queue.
pub(super) struct Ahead {
    /// Connections being opened ahead.
    warming: usize,
    /// The browsing connection, once the session has finished what it was asked before.
    handed_over: Option<oneshot::Receiver<Option<Connection>>>,
    opened: mpsc::UnboundedSender<EngineResult<Connection>>,
}

impl Ahead {
    /// No connection on its way; those opened ahead arrive on the receiver, for
    /// [`Queue::warmed`].
    pub(super) fn new() -> (Ahead, mpsc::UnboundedReceiver<EngineResult<Connection>>) {
        let (opened, arrive) = mpsc::unbounded_channel();
        let ahead = Ahead {
            warming: 0,
            handed_over: None,
            opened,
        };
        (ahead, arrive)
    }

    pub(super) fn hand_over(&mut self, conn: oneshot::Receiver<Option<Connection>>) {
        self.handed_over = Some(conn);
    }

    /// Says goodbye on the handed-over connection if no job took it.
    pub(super) async fn quit(&mut self) {
        if let Some(conn) = self.handed_over.take()
            && let Ok(Some(conn)) = conn.await
        {
            conn.ctl.quit().await;
        }
    }
}

/// Where a job's connection comes from.
pub(super) enum Source {
    Parked(Parked),
    HandedOver(oneshot::Receiver<Option<Connection>>),
    New,
}

impl Source {
    /// The connection, when there is one to reuse (`None`: the job opens its own).
    pub(super) async fn take(self) -> Option<Connection> {
        match self {
            Source::Parked(parked) => parked.take().await,
            Source::HandedOver(conn) => conn.await.ok().flatten(),
            Source::New => None,
        }
    }
}

impl Queue {
    /// Opens connections until the queue holds `connections` (within its limit), all at once.
    pub(super) fn warm_up(&mut self, connections: usize) {
        let have = self.running.len()
            + self.idle.len()
            + self.ahead.warming
            + usize::from(self.ahead.handed_over.is_some());
        let want = connections.min(self.limit()).saturating_sub(have);
        for _ in 0..want {
            self.ahead.warming += 1;
            let ctx = Arc::clone(&self.ctx);
            let log = ctx.log(self.env.slots.next_connection());
            let opened = self.ahead.opened.clone();
            tokio::spawn(log.clone().scope(async move {
                let _ = opened.send(ctx.connect(&log).await);
            }));
        }
    }

    /// A connection opened ahead is ready (parked for the next job) or failed (a job opens
    /// its own).
    pub(super) fn warmed(&mut self, opened: EngineResult<Connection>) {
        self.ahead.warming = self.ahead.warming.saturating_sub(1);
        match opened {
            Ok(conn) if self.idle.len() < self.limit() => {
                self.idle.push(Parked::park(conn, self.ctx.site.keepalive));
            }
            Ok(conn) => {
                tokio::spawn(conn.ctl.quit());
            }
            Err(error) => self.ctx.log(0).status(format!(
                "A transfer connection opened ahead failed: {error}"
            )),
        }
    }

    /// Where the next job's connection comes from: an idle one, the handed-over browsing one,
    /// or a new one when that stays within the limit with those being opened ahead; `None`:
    /// wait for one of those.
    pub(super) fn source(&mut self) -> Option<Source> {
        if let Some(parked) = self.idle.pop() {
            return Some(Source::Parked(parked));
        }
        if let Some(conn) = self.ahead.handed_over.take() {
            return Some(Source::HandedOver(conn));
        }
        (self.running.len() + self.ahead.warming < self.limit()).then_some(Source::New)
    }

    /// The log of the job that takes its connection from `source`.
    pub(super) fn log_for(&self, source: &Source) -> LogCtx {
        match source {
            Source::Parked(parked) => parked.log.clone(),
            // The browsing connection keeps its number.
            Source::HandedOver(_) => self.ctx.log(0),
            Source::New => self.ctx.log(self.env.slots.next_connection()),
        }
    }
}
