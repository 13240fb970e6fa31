//! A remote file streamed to this process's standard output (the command line's `cat`): RETR
//! in binary, each read bounded by the inactivity timeout, each chunk written out before the
//! next is read, so a file of any size goes through a fixed buffer.

use std::io::Write;

use tokio::io::AsyncReadExt;
use tokio::time::timeout;

use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::data;

const BUFFER: usize = 256 * 1024;

/// RETR `path` to standard output; returns the number of bytes written.
pub async fn cat(conn: &mut Connection, path: &str) -> EngineResult<u64> {
    let command = format!("RETR {path}");
    let ctl = &mut conn.ctl;
    let mut stream = conn.data.open(ctl, &command, None).await?;
    let mut buf = vec![0u8; BUFFER];
    let mut done = 0u64;
    loop {
        let n = match timeout(ctl.timeouts.inactivity, stream.read(&mut buf)).await {
            Err(_) => {
                data::abort(ctl, stream).await;
                return Err(EngineError::timeout(
                    format!("reading {path} (no data arrived)"),
                    ctl.timeouts.inactivity,
                ));
            }
            // TLS without close_notify: the final reply tells success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => {
                data::abort(ctl, stream).await;
                return Err(EngineError::Broken(format!(
                    "reading {path} broke off: {e}"
                )));
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            break;
        }
        let written;
        (buf, written) = write_out(buf, n).await;
        if let Err(e) = written {
            data::abort(ctl, stream).await;
            return Err(EngineError::local("standard output", e));
        }
        done += n as u64;
    }
    drop(stream);
    data::finish(ctl, &command).await?;
    Ok(done)
}

/// Writes the first `n` bytes of `buf` to standard output, off the runtime's threads (a slow
/// reader blocks the write), and hands the buffer back.
async fn write_out(buf: Vec<u8>, n: usize) -> (Vec<u8>, std::io::Result<()>) {
    let written = tokio::task::spawn_blocking(move || {
        let mut out = std::io::stdout().lock();
        let result = out.write_all(&buf[..n]).and_then(|()| out.flush());
        (buf, result)
    })
    .await;
    written.unwrap_or_else(|e| (vec![0; BUFFER], Err(std::io::Error::other(e))))
}
