//! Transfer connections waiting in the queue for their next job, kept alive meanwhile as
//! FileZilla does: NOOP after each interval of the site's keep-alive, for at most
//! [`KEEP_ALIVE_FOR`] (then the server may close it; the next job reconnects). A parked
//! connection lives on a task of its own and is handed back between commands, never in the
//! middle of one.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::{Instant, sleep};

use crate::engine::connection::Connection;
use crate::engine::ftp::wirelog::LogCtx;

/// How long an idle connection is kept alive before it is left to the server's idle timeout.
pub const KEEP_ALIVE_FOR: Duration = Duration::from_secs(30 * 60);

/// An idle connection on its keep-alive task.
pub struct Parked {
    /// The connection's log, for the job that takes it.
    pub log: LogCtx,
    want: oneshot::Sender<()>,
    conn: oneshot::Receiver<Connection>,
}

impl Parked {
    /// Parks `conn`, sending NOOP every `every` (none for `None`) for [`KEEP_ALIVE_FOR`].
    pub fn park(conn: Connection, every: Option<Duration>) -> Parked {
        Parked::park_for(conn, every, KEEP_ALIVE_FOR)
    }

    /// Parks `conn`, sending NOOP every `every` (none for `None`) for at most `keep_for`.
    pub fn park_for(conn: Connection, every: Option<Duration>, keep_for: Duration) -> Parked {
        let log = conn.ctl.log.clone();
        let (want, wanted) = oneshot::channel();
        let (give, back) = oneshot::channel();
        tokio::spawn(log.clone().scope(async move {
            let conn = keep_alive(conn, every, keep_for, wanted).await;
            let _ = give.send(conn);
        }));
        Parked {
            log,
            want,
            conn: back,
        }
    }

    /// The connection, once its keep-alive task is between commands.
    pub async fn take(self) -> Option<Connection> {
        let _ = self.want.send(());
        self.conn.await.ok()
    }

    /// Says goodbye on the connection.
    pub async fn quit(self) {
        if let Some(conn) = self.take().await {
            conn.ctl.quit().await;
        }
    }
}

async fn keep_alive(
    mut conn: Connection,
    every: Option<Duration>,
    keep_for: Duration,
    mut wanted: oneshot::Receiver<()>,
) -> Connection {
    let until = Instant::now() + keep_for;
    if let Some(every) = every.filter(|e| !e.is_zero()) {
        loop {
            tokio::select! {
                _ = &mut wanted => return conn,
                _ = sleep(every) => {}
            }
            if conn.is_broken() || Instant::now() >= until {
                break;
            }
            if let Err(e) = conn.ctl.expect_ok("NOOP").await {
                conn.ctl.log.error(format!("Keep-alive failed: {e}"));
            }
        }
    }
    let _ = wanted.await;
    conn
}
