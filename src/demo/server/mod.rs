//! In-process FTP server (libunftp over a local folder): Ferry's demo mode and its hermetic tests use it.
//!
//! [`LocalServer::start`] serves one folder on `127.0.0.1:<free port>` with a single account (plus
//! optional anonymous access), plain FTP or explicit FTPS (`AUTH TLS` offered, never required) with a
//! self-signed certificate generated in memory, and passive (plus optional active) data connections.
//! Nothing here needs a tool beyond Rust: no openssl binary, no files written besides the served folder.
//!
//! Facts about libunftp 0.24 this module relies on (read in its sources):
//! - `Server::listen` binds the control port in the first poll of its future and does not report it, so
//!   [`LocalServer::start`] picks a free port, polls `listen` once by hand to see the bind succeed or
//!   fail, and retries on a new port when another socket took it in between.
//! - A PASV reply binds a random port of `passive_ports` (9 tries, skipping ports in use); see
//!   [`PASSIVE_PORTS`] for why all servers share one wide range.
//! - libunftp logs through slog (to the `log` crate by default, where Ferry's own logger would see it):
//!   every server gets a discarding logger.
//! - The storage factory cannot fail, so the served folder is opened lazily by [`ServedFolder`].
//! - Its `AUTH TLS` upgrade races with the client's ClientHello, so with TLS on, clients talk to a
//!   front (`front`) that runs the control connection's TLS and relays to libunftp.
//!
//! Layout: this file owns the public API and starting/stopping the server; the account check is in
//! `auth`, the self-signed certificate and rustls configuration in `cert`, the lazily opened
//! storage in `storage`, and the tests in `tests`.

mod auth;
mod cert;
mod front;
mod storage;
#[cfg(test)]
mod tests;

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use libunftp::options::{ActivePassiveMode, FtpsRequired, Shutdown};
use libunftp::{Server, ServerBuilder, ServerError};
use rustls::ServerConfig;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use unftp_core::auth::DefaultUser;
use unftp_sbe_fs::Filesystem;

use auth::SingleAccount;
use cert::self_signed_tls;
use storage::ServedFolder;

/// Passive data ports, shared by every server of the process (and of other processes).
///
/// libunftp answers PASV by binding a *random* port of this range, with `SO_REUSEADDR`, and tries
/// another random port when the bind fails (up to 9 tries), so a port in use by any socket, ours or
/// another program's, is simply skipped. A wide shared range therefore beats per-server slices: with
/// 30 servers doing a few transfers each, fewer than 100 of these 4,536 ports are busy, and nine
/// misses in a row are practically impossible, whereas a small per-server slice could not dodge
/// ports taken by other processes. The range sits above Linux's ephemeral range (32768-60999), so
/// outgoing connections never occupy it there; elsewhere a collision only costs a retry.
pub const PASSIVE_PORTS: RangeInclusive<u16> = 61000..=65535;

/// How many control ports to try before giving up (a port can be taken between probe and bind).
const BIND_ATTEMPTS: usize = 8;
/// How long [`LocalServer::start`] waits for the first accepted connection.
const READY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long open sessions get to close after [`LocalServer::stop`] before the server is dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// Upper bound for [`LocalServer::stop`] before the server task is aborted.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the server offers FTP over TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ServerTls {
    /// Plain FTP only: `AUTH TLS` is refused.
    #[default]
    None,
    /// Explicit FTPS: `AUTH TLS` is offered on the control port (not required), TLS 1.2 and 1.3,
    /// with a fresh self-signed end-entity certificate for `localhost` and `127.0.0.1`.
    Explicit,
}

/// What [`LocalServer::start`] serves, to whom, and how.
#[derive(Clone)]
pub struct LocalServerConfig {
    /// The served folder; it must exist. Clients see it as `/`.
    pub root: PathBuf,
    /// The one account's user name.
    pub user: String,
    /// The one account's password (any characters); never logged nor shown by `Debug`.
    pub password: String,
    /// Also accept `anonymous` and `ftp` with any password (read and write).
    pub anonymous: bool,
    /// Plain FTP or explicit FTPS.
    pub tls: ServerTls,
    /// Accept `PORT` (active mode) besides `PASV`/`EPSV`.
    pub active: bool,
    /// Text of the `220` greeting.
    pub greeting: &'static str,
}

impl LocalServerConfig {
    /// A plain-FTP server of `root` for one account, with active and passive mode and no anonymous access.
    pub fn new(
        root: impl Into<PathBuf>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            root: root.into(),
            user: user.into(),
            password: password.into(),
            anonymous: false,
            tls: ServerTls::None,
            active: true,
            greeting: "Ferry test server",
        }
    }
}

impl fmt::Debug for LocalServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalServerConfig")
            .field("root", &self.root)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("anonymous", &self.anonymous)
            .field("tls", &self.tls)
            .field("active", &self.active)
            .field("greeting", &self.greeting)
            .finish()
    }
}

/// The certificate an FTPS server presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCert {
    /// The certificate, DER encoded (add it to a `rustls::RootCertStore` to trust exactly this server).
    pub der: Vec<u8>,
    /// SHA-256 of `der`: uppercase hex pairs separated by colons (`AB:CD:...`).
    pub sha256: String,
}

/// Why a [`LocalServer`] could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalServerError {
    /// The served folder cannot be opened.
    #[error("cannot serve folder {path}: {source}")]
    Root {
        /// The configured root.
        path: PathBuf,
        /// Why opening it failed.
        source: io::Error,
    },
    /// No free port could be found on 127.0.0.1.
    #[error("cannot find a free port on 127.0.0.1: {0}")]
    FreePort(#[source] io::Error),
    /// Every attempt to listen on a free port failed (another socket took it each time).
    #[error("cannot listen on 127.0.0.1 after {attempts} attempts")]
    Bind {
        /// How many ports were tried.
        attempts: usize,
        /// The last attempt's error.
        source: ServerError,
    },
    /// The server was listening but did not accept a connection in time.
    #[error("the server on {addr} did not accept connections within {waited:?}")]
    NotReady {
        /// Where it listens.
        addr: SocketAddr,
        /// How long start waited.
        waited: Duration,
    },
    /// rcgen could not generate the self-signed certificate.
    #[error("cannot generate the server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls rejected the TLS configuration.
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// libunftp rejected the server configuration.
    #[error("cannot build the FTP server: {0}")]
    Build(#[source] ServerError),
}

/// A running in-process FTP server. Dropping it stops it too (abruptly, best effort).
#[derive(Debug)]
pub struct LocalServer {
    addr: SocketAddr,
    cert: Option<ServerCert>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The TLS front's accept loop (explicit FTPS only).
    front: Option<JoinHandle<()>>,
}

impl LocalServer {
    /// Starts a server for `cfg` on `127.0.0.1:<free port>` and returns once it accepts connections.
    ///
    /// Must be called inside a tokio runtime; the server runs as a task of that runtime.
    pub async fn start(cfg: LocalServerConfig) -> Result<LocalServer, LocalServerError> {
        check_root(&cfg.root)?;
        let (cert, tls_config) = match cfg.tls {
            ServerTls::None => (None, None),
            ServerTls::Explicit => {
                let (cert, config) = self_signed_tls()?;
                (Some(cert), Some(config))
            }
        };
        let recipe = Recipe {
            root: cfg.root.into(),
            account: Arc::new(SingleAccount::new(&cfg.user, &cfg.password, cfg.anonymous)),
            tls_config,
            active: cfg.active,
            greeting: cfg.greeting,
        };
        let (backend, shutdown, task) = listen_on_free_port(&recipe).await?;
        // From here on, dropping `server` (on error too) stops the tasks.
        let mut server = LocalServer {
            addr: backend,
            cert,
            shutdown: Some(shutdown),
            task: Some(task),
            front: None,
        };
        if let Some(config) = &recipe.tls_config {
            let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .await
                .map_err(LocalServerError::FreePort)?;
            server.addr = listener.local_addr().map_err(LocalServerError::FreePort)?;
            server.front = Some(front::spawn(listener, backend, Arc::clone(config)));
        }
        let addr = server.addr;
        wait_until_accepting(addr).await?;
        Ok(server)
    }

    /// The control address, `127.0.0.1:<port>`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The certificate presented after `AUTH TLS`, if TLS is on.
    pub fn cert(&self) -> Option<&ServerCert> {
        self.cert.as_ref()
    }

    /// Stops accepting connections at once, gives open sessions [`SHUTDOWN_GRACE`] to close, and
    /// returns within [`STOP_TIMEOUT`] at most; afterwards the port refuses connections.
    pub async fn stop(mut self) {
        if let Some(front) = self.front.take() {
            front.abort();
        }
        self.signal_shutdown();
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(STOP_TIMEOUT, &mut task).await.is_err()
        {
            task.abort();
            // An aborted task ends at its next await point; the server has no blocking code.
            let _ = task.await;
        }
    }

    fn signal_shutdown(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // Fails only if the server task has already ended, which is what we want anyway.
            let _ = shutdown.send(());
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(front) = self.front.take() {
            front.abort();
        }
        self.signal_shutdown();
        if let Some(task) = self.task.take() {
            // Dropping the server future closes the control port and tells every session to end.
            task.abort();
        }
    }
}

/// Everything needed to build a libunftp server; a fresh one is built for every bind attempt,
/// since `Server::listen` consumes the server.
struct Recipe {
    root: Arc<Path>,
    account: Arc<SingleAccount>,
    tls_config: Option<Arc<ServerConfig>>,
    active: bool,
    greeting: &'static str,
}

impl Recipe {
    fn build(
        &self,
        shutdown: oneshot::Receiver<()>,
    ) -> Result<Server<ServedFolder, DefaultUser>, LocalServerError> {
        let root = Arc::clone(&self.root);
        let mode = if self.active {
            ActivePassiveMode::ActiveAndPassive
        } else {
            ActivePassiveMode::PassiveOnly
        };
        let mut builder = ServerBuilder::with_authenticator(
            Box::new(move || ServedFolder::open(Arc::clone(&root))),
            self.account.clone(),
        )
        .greeting(self.greeting)
        .logger(slog::Logger::root(slog::Discard, slog::o!()))
        .passive_host(Ipv4Addr::LOCALHOST)
        .passive_ports(PASSIVE_PORTS)
        .active_passive_mode(mode)
        .shutdown_indicator(async move {
            // A dropped sender (LocalServer dropped) also means shutdown.
            let _ = shutdown.await;
            Shutdown::new().grace_period(SHUTDOWN_GRACE)
        });
        if let Some(config) = &self.tls_config {
            builder = builder
                .ftps_manual::<PathBuf>(Arc::clone(config))
                .ftps_required(FtpsRequired::None, FtpsRequired::None);
        }
        builder.build().map_err(LocalServerError::Build)
    }
}

fn check_root(root: &Path) -> Result<(), LocalServerError> {
    Filesystem::new(root)
        .map(drop)
        .map_err(|source| LocalServerError::Root {
            path: root.to_path_buf(),
            source,
        })
}

/// Binds a server to a free port of 127.0.0.1, retrying when the port is taken between the probe
/// and the bind. Returns the address, the shutdown trigger and the server task.
async fn listen_on_free_port(
    recipe: &Recipe,
) -> Result<(SocketAddr, oneshot::Sender<()>, JoinHandle<()>), LocalServerError> {
    let mut attempt = 1;
    loop {
        let addr = free_local_port().map_err(LocalServerError::FreePort)?;
        let (shutdown, shutdown_rx) = oneshot::channel();
        let server = recipe.build(shutdown_rx)?;
        match spawn_listening(server, addr).await {
            Ok(task) => return Ok((addr, shutdown, task)),
            Err(source) if attempt >= BIND_ATTEMPTS => {
                return Err(LocalServerError::Bind {
                    attempts: attempt,
                    source,
                });
            }
            Err(_) => attempt += 1,
        }
    }
}

/// Asks the kernel for a free port of 127.0.0.1. The probe socket is closed again, so the port may
/// be taken by someone else before libunftp binds it: [`spawn_listening`] detects that.
fn free_local_port() -> io::Result<SocketAddr> {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()
}

/// Starts `server.listen(addr)` and spawns it once its control socket is bound.
///
/// libunftp binds (and listens) in the first poll of the `listen` future: a bind error makes that
/// poll return the error, success leaves the future pending in `accept`. Polling it once here tells
/// which, with no race and no guessing from connection attempts.
async fn spawn_listening(
    server: Server<ServedFolder, DefaultUser>,
    addr: SocketAddr,
) -> Result<JoinHandle<()>, ServerError> {
    let mut listen = Box::pin(server.listen(addr.to_string()));
    match poll_once(listen.as_mut()).await {
        Poll::Pending => Ok(tokio::spawn(async move {
            // Only returns after shutdown; a lingering-session error then is of no interest.
            let _ = listen.await;
        })),
        Poll::Ready(Err(error)) => Err(error),
        // `listen` only returns Ok after a shutdown that has not been requested: treat it as ended.
        Poll::Ready(Ok(())) => Ok(tokio::spawn(async {})),
    }
}

async fn poll_once<F: Future>(mut future: Pin<&mut F>) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await
}

/// Waits (bounded) until the server at `addr` accepts a connection and greets with `220`.
async fn wait_until_accepting(addr: SocketAddr) -> Result<(), LocalServerError> {
    let probe = async {
        loop {
            if greets(addr).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(READY_TIMEOUT, probe)
        .await
        .map_err(|_| LocalServerError::NotReady {
            addr,
            waited: READY_TIMEOUT,
        })
}

async fn greets(addr: SocketAddr) -> bool {
    let Ok(stream) = TcpStream::connect(addr).await else {
        return false;
    };
    let mut line = String::new();
    match BufReader::new(stream).read_line(&mut line).await {
        Ok(_) => line.starts_with("220"),
        Err(_) => false,
    }
}
