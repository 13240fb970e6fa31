//! A browsing session: one task, one connection, one operation at a time, in order. It
//! connects (asking about untrusted certificates, see [`context`]), runs operations, keeps the
//! connection alive with NOOP when asked to, cancels on request, and reconnects transparently
//! when the connection was lost or fell out of step.

mod context;

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};

pub use context::SessionCtx;

use crate::api::{Event, OpOutput, Operation, RequestId};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::wirelog::LogCtx;
use crate::engine::ops;

/// What the worker sends a browsing session.
pub enum SessionMsg {
    Run(RequestId, Operation),
    Cancel,
    Disconnect,
    /// Give the connection to the transfer queue (`None` when there is none to give).
    HandOver(oneshot::Sender<Option<Connection>>),
}

/// Runs a browsing session until it is told to disconnect or cannot connect.
pub async fn run(ctx: Arc<SessionCtx>, rx: mpsc::UnboundedReceiver<SessionMsg>) {
    let log = ctx.log(0);
    log.clone().scope(serve(ctx, rx, log)).await;
}

async fn serve(ctx: Arc<SessionCtx>, rx: mpsc::UnboundedReceiver<SessionMsg>, log: LogCtx) {
    let conn = match ctx.connect(&log).await {
        Ok(conn) => conn,
        Err(error) => {
            log.error(error.to_string());
            ctx.events.send(Event::SessionClosed {
                session: ctx.id,
                error: Some(error.report()),
            });
            return;
        }
    };
    ctx.set_cwd(&conn.ctl.cwd);
    ctx.events.send(Event::Connected {
        session: ctx.id,
        info: conn.ctl.info(),
    });
    let mut session = Session {
        ctx: Arc::clone(&ctx),
        log: log.clone(),
        rx,
        conn: Some(conn),
        backlog: VecDeque::new(),
        last_activity: Instant::now(),
    };
    while let Some((request, op)) = session.next_operation().await {
        if let Stop::Disconnect = session.run(request, op).await {
            break;
        }
    }
    if let Some(conn) = session.conn.take() {
        conn.ctl.quit().await;
    }
    log.status("Disconnected from server");
    ctx.events.send(Event::SessionClosed {
        session: ctx.id,
        error: None,
    });
}

/// The state of a running session between operations.
struct Session {
    ctx: Arc<SessionCtx>,
    log: LogCtx,
    rx: mpsc::UnboundedReceiver<SessionMsg>,
    /// `None` after a failed reconnect; the next operation tries again.
    conn: Option<Connection>,
    /// Operations that arrived while another one ran.
    backlog: VecDeque<SessionMsg>,
    last_activity: Instant,
}

/// Whether the session goes on after an operation.
enum Stop {
    No,
    Disconnect,
}

impl Session {
    /// The next operation to run, keeping the connection alive while waiting; `None` when the
    /// session is to disconnect.
    async fn next_operation(&mut self) -> Option<(RequestId, Operation)> {
        loop {
            let msg = match self.backlog.pop_front() {
                Some(msg) => msg,
                None => self.wait().await,
            };
            match msg {
                SessionMsg::Disconnect => return None,
                // Nothing is running: a late cancel has nothing to stop.
                SessionMsg::Cancel => continue,
                SessionMsg::HandOver(to) => self.hand_over(to),
                SessionMsg::Run(request, op) => return Some((request, op)),
            }
        }
    }

    /// Gives the connection (if it is usable) to the queue; kept when the queue is gone.
    fn hand_over(&mut self, to: oneshot::Sender<Option<Connection>>) {
        let conn = self.conn.take().filter(|c| !c.is_broken());
        if conn.is_some() {
            self.log
                .status("The browsing connection is handed to the transfer queue");
        }
        if let Err(back) = to.send(conn) {
            self.conn = back;
        }
    }

    /// Waits for a message, sending NOOP whenever the site's keep-alive interval passes idle.
    async fn wait(&mut self) -> SessionMsg {
        let Some(every) = self.ctx.site.keepalive else {
            return self.rx.recv().await.unwrap_or(SessionMsg::Disconnect);
        };
        loop {
            tokio::select! {
                msg = self.rx.recv() => return msg.unwrap_or(SessionMsg::Disconnect),
                _ = sleep_until(self.last_activity + every) => {
                    self.last_activity = Instant::now();
                    if let Some(conn) = self.conn.as_mut().filter(|c| !c.is_broken())
                        && let Err(e) = conn.ctl.expect_ok("NOOP").await
                    {
                        self.log.error(format!("Keep-alive failed: {e}"));
                    }
                }
            }
        }
    }

    /// Runs one operation on a usable connection while still listening: new operations wait
    /// in the backlog, a cancel or a disconnect stops the operation.
    async fn run(&mut self, request: RequestId, op: Operation) -> Stop {
        let (ctx, log) = (&*self.ctx, &self.log);
        let conn = match usable(ctx, log, self.conn.take()).await {
            Ok(conn) => self.conn.insert(conn),
            Err(error) => {
                finish(ctx, log, request, Err(error));
                return Stop::No;
            }
        };
        ctx.lend_learned(conn);
        let outcome = {
            let fut = execute(ctx, conn, request, &op);
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    result = &mut fut => break Ok(result),
                    msg = self.rx.recv() => match msg {
                        Some(msg @ (SessionMsg::Run(..) | SessionMsg::HandOver(_))) => {
                            self.backlog.push_back(msg);
                        }
                        Some(SessionMsg::Cancel) => break Err(Stop::No),
                        Some(SessionMsg::Disconnect) | None => break Err(Stop::Disconnect),
                    },
                }
            }
        };
        self.last_activity = Instant::now();
        // A forgotten way leaves `conn` broken: it is replaced before the next operation.
        ctx.collect_learned(conn);
        match outcome {
            Ok(result) => {
                ctx.set_cwd(&conn.ctl.cwd);
                finish(ctx, log, request, result);
                Stop::No
            }
            Err(stop) => {
                conn.ctl.abort().await;
                log.error("Operation cancelled");
                finish(ctx, log, request, Err(EngineError::Cancelled));
                stop
            }
        }
    }
}

/// The connection, reopened (in the same directory) if it was lost or is out of step.
async fn usable(
    ctx: &SessionCtx,
    log: &LogCtx,
    conn: Option<Connection>,
) -> EngineResult<Connection> {
    if let Some(conn) = conn.filter(|c| !c.is_broken()) {
        return Ok(conn);
    }
    log.status("Reconnecting...");
    let mut conn = ctx.connect(log).await?;
    let cwd = ctx.cwd();
    if !cwd.is_empty() && cwd != conn.ctl.cwd && conn.ctl.cwd(&cwd).await.is_err() {
        log.status(format!("Could not return to {cwd}"));
    }
    Ok(conn)
}

async fn execute(
    ctx: &SessionCtx,
    conn: &mut Connection,
    request: RequestId,
    op: &Operation,
) -> EngineResult<OpOutput> {
    match op {
        Operation::List(path) => {
            conn.ctl.log.status("Retrieving directory listing...");
            let (path, entries) = ops::list_dir(conn, path.as_deref(), |dir, entries| {
                ctx.events.send(Event::Listing {
                    session: ctx.id,
                    request,
                    path: dir.to_string(),
                    entries,
                })
            })
            .await?;
            Ok(OpOutput::Listed { path, entries })
        }
        op @ Operation::Search { .. } => {
            ops::run_search(conn, op, |dir, entries| {
                ctx.events.send(Event::Listing {
                    session: ctx.id,
                    request,
                    path: dir.to_string(),
                    entries,
                })
            })
            .await
        }
        other => ops::run(conn, other).await,
    }
}

fn finish(ctx: &SessionCtx, log: &LogCtx, request: RequestId, result: EngineResult<OpOutput>) {
    if let Err(error) = &result
        && !matches!(error, EngineError::Cancelled)
    {
        log.error(error.to_string());
    }
    ctx.events.send(Event::OpDone {
        session: ctx.id,
        request,
        result: result.map_err(|e| e.report()),
    });
}
