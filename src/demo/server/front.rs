//! The TLS front of an explicit-FTPS server: answers `AUTH TLS` and runs the control
//! connection's TLS itself, relaying the plain text to libunftp.
//!
//! Why: libunftp 0.24 upgrades a control connection in a race. Its `AUTH` handler *spawns* a task
//! that sends "switch to TLS" over a channel and returns `234` at once; the control loop then
//! `select!`s, in random order, between that channel and the next bytes from the client. A client
//! sends its TLS ClientHello as soon as it reads `234`, so when the spawned task has not run yet
//! (a busy machine) or both are ready and `select!` picks the socket, libunftp parses the
//! ClientHello as an FTP command and answers with a plain-text error: the client sees "received
//! corrupt message of type InvalidContentType". (And the bytes its codec had buffered are dropped
//! when it does switch.) Ferry's tests failed that way about one run in five; real servers
//! (vsftpd, proftpd, pure-ftpd, pyftpdlib) switch before reading on.
//!
//! So the front answers `AUTH TLS` with `234`, accepts the handshake with the server's
//! certificate, and from then on relays decrypted bytes; libunftp keeps handling everything else
//! (FEAT still offers `AUTH TLS`, `PBSZ`/`PROT` and TLS on data connections are its own).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// The longest command line the front reads before the upgrade.
const MAX_LINE: u64 = 64 * 1024;
/// How long a client gets for its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// Accepts connections on `listener` and relays each one to the libunftp server at `backend`,
/// taking over `AUTH TLS`. The task ends when it is aborted (the listener closes with it).
pub(super) fn spawn(
    listener: TcpListener,
    backend: SocketAddr,
    tls: Arc<ServerConfig>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let tls = Arc::clone(&tls);
            tokio::spawn(async move {
                // A relay ends when either side closes; its errors concern that client only.
                let _ = relay(client, backend, tls).await;
            });
        }
    })
}

fn is_auth_tls(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|l| l.trim_end().eq_ignore_ascii_case("AUTH TLS"))
}

/// One client: plain text until `AUTH TLS`, then TLS terminated here.
async fn relay(client: TcpStream, backend: SocketAddr, tls: Arc<ServerConfig>) -> io::Result<()> {
    let server = TcpStream::connect(backend).await?;
    let (server_read, mut server_write) = server.into_split();
    let (client_read, client_write) = client.into_split();
    let (stop, stopped) = oneshot::channel();
    let down = tokio::spawn(copy_down_until(server_read, client_write, stopped));
    let mut up = BufReader::new(client_read);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut up)
            .take(MAX_LINE)
            .read_until(b'\n', &mut line)
            .await?;
        if read == 0 {
            drop(stop);
            server_write.shutdown().await?;
            let _ = down.await;
            return Ok(());
        }
        if is_auth_tls(&line) {
            break;
        }
        server_write.write_all(&line).await?;
    }
    // The client waits for our 234 before its ClientHello, so nothing may be buffered yet.
    if !up.buffer().is_empty() {
        return Err(io::Error::other(
            "the client sent data before the AUTH TLS reply",
        ));
    }
    let _ = stop.send(());
    let (server_read, mut client_write) = down.await.map_err(io::Error::other)??;
    client_write.write_all(b"234 Upgrading to TLS\r\n").await?;
    let client = up
        .into_inner()
        .reunite(client_write)
        .map_err(io::Error::other)?;
    let accept = TlsAcceptor::from(tls).accept(client);
    let mut client = tokio::time::timeout(HANDSHAKE_TIMEOUT, accept)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake"))??;
    let mut server = server_read
        .reunite(server_write)
        .map_err(io::Error::other)?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

/// Copies the server's replies to the client until `stop` fires (between two reads, never in
/// the middle of a reply) or the server closes; hands both halves back for the upgrade.
async fn copy_down_until(
    mut server: OwnedReadHalf,
    mut client: OwnedWriteHalf,
    mut stop: oneshot::Receiver<()>,
) -> io::Result<(OwnedReadHalf, OwnedWriteHalf)> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => return Ok((server, client)),
            read = server.read(&mut buf) => {
                let n = read?;
                if n == 0 {
                    client.shutdown().await?;
                    // Keep the halves until told to stop or the relay ends.
                    let _ = (&mut stop).await;
                    return Ok((server, client));
                }
                client.write_all(&buf[..n]).await?;
            }
        }
    }
}
