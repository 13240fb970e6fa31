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

use async_trait::async_trait;
use libunftp::options::{ActivePassiveMode, FtpsRequired, Shutdown};
use libunftp::{Server, ServerBuilder, ServerError};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, DefaultUser, Principal};
use unftp_core::storage::{self, Fileinfo, StorageBackend};
use unftp_sbe_fs::{Filesystem, Meta};

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
/// User names accepted without a password when anonymous access is on (compared ignoring case).
const ANONYMOUS_USERS: [&str; 2] = ["anonymous", "ftp"];

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
        let (addr, shutdown, task) = listen_on_free_port(&recipe).await?;
        // From here on, dropping `server` (on error too) stops the task.
        let server = LocalServer {
            addr,
            cert,
            shutdown: Some(shutdown),
            task: Some(task),
        };
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

/// Generates a self-signed end-entity certificate for `localhost` and `127.0.0.1` (ECDSA P-256,
/// valid from 1975 to 4096, rcgen's default) and a rustls server configuration presenting it.
fn self_signed_tls() -> Result<(ServerCert, Arc<ServerConfig>), LocalServerError> {
    let mut params = rcgen::CertificateParams::new(vec![
        "localhost".to_string(),
        Ipv4Addr::LOCALHOST.to_string(),
    ])?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Ferry local FTP server");
    // rustls refuses a CA certificate as the server's own: say so explicitly (basicConstraints CA:FALSE).
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    let der = cert.der().to_vec();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = tls_config(CertificateDer::from(der.clone()), key_der)?;
    let sha256 = fingerprint(&der);
    Ok((ServerCert { der, sha256 }, config))
}

/// TLS 1.3 and 1.2 with the ring provider, no client certificates.
fn tls_config(
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    Ok(Arc::new(config))
}

/// SHA-256 of `der` as uppercase hex pairs joined by colons.
fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The one account (and optionally anonymous access). Keeps only a digest of the password.
struct SingleAccount {
    user: String,
    password_sha256: [u8; 32],
    anonymous: bool,
}

impl SingleAccount {
    fn new(user: &str, password: &str, anonymous: bool) -> Self {
        Self {
            user: user.to_string(),
            password_sha256: Sha256::digest(password.as_bytes()).into(),
            anonymous,
        }
    }

    fn is_anonymous(&self, user: &str) -> bool {
        self.anonymous
            && ANONYMOUS_USERS
                .iter()
                .any(|name| name.eq_ignore_ascii_case(user))
    }

    fn password_matches(&self, password: Option<&str>) -> bool {
        let digest: [u8; 32] = Sha256::digest(password.unwrap_or_default().as_bytes()).into();
        digest == self.password_sha256
    }
}

impl fmt::Debug for SingleAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleAccount")
            .field("user", &self.user)
            .field("anonymous", &self.anonymous)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Authenticator for SingleAccount {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        let accepted = if username == self.user {
            self.password_matches(creds.password.as_deref())
        } else if self.is_anonymous(username) {
            true
        } else {
            return Err(AuthenticationError::BadUser);
        };
        match accepted {
            true => Ok(Principal {
                username: username.to_string(),
            }),
            false => Err(AuthenticationError::BadPassword),
        }
    }
}

/// The served folder for one session.
///
/// libunftp creates the storage of each session with an infallible factory, in its accept loop,
/// where a panic would end the whole server. Opening the folder can fail (deleted, out of file
/// descriptors), so a failure is kept here and retried at login, where an error only refuses that
/// login (`530`). All file operations need a login, so they never meet an unopened folder.
#[derive(Debug)]
struct ServedFolder {
    root: Arc<Path>,
    fs: Option<Filesystem>,
}

impl ServedFolder {
    fn open(root: Arc<Path>) -> Self {
        let fs = Filesystem::new(root.as_ref()).ok();
        Self { root, fs }
    }

    fn fs(&self) -> storage::Result<&Filesystem> {
        self.fs
            .as_ref()
            .ok_or_else(|| storage::ErrorKind::LocalError.into())
    }
}

#[async_trait]
impl StorageBackend<DefaultUser> for ServedFolder {
    type Metadata = Meta;

    fn enter(&mut self, user: &DefaultUser) -> io::Result<()> {
        let fs = match self.fs.take() {
            Some(fs) => fs,
            None => Filesystem::new(self.root.as_ref())?,
        };
        self.fs.insert(fs).enter(user)
    }

    fn supported_features(&self) -> u32 {
        // What Filesystem supports; asked before login, possibly before the folder could be opened.
        storage::FEATURE_RESTART | storage::FEATURE_SITEMD5
    }

    async fn metadata<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<Meta> {
        self.fs()?.metadata(user, path).await
    }

    async fn list<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<Vec<Fileinfo<PathBuf, Meta>>> {
        self.fs()?.list(user, path).await
    }

    async fn get<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
        start_pos: u64,
    ) -> storage::Result<Box<dyn tokio::io::AsyncRead + Send + Sync + Unpin>> {
        self.fs()?.get(user, path, start_pos).await
    }

    async fn put<
        P: AsRef<Path> + Send + fmt::Debug,
        R: tokio::io::AsyncRead + Send + Sync + Unpin + 'static,
    >(
        &self,
        user: &DefaultUser,
        input: R,
        path: P,
        start_pos: u64,
    ) -> storage::Result<u64> {
        self.fs()?.put(user, input, path, start_pos).await
    }

    async fn del<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.del(user, path).await
    }

    async fn mkd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.mkd(user, path).await
    }

    async fn rename<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        from: P,
        to: P,
    ) -> storage::Result<()> {
        self.fs()?.rename(user, from, to).await
    }

    async fn rmd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.rmd(user, path).await
    }

    async fn cwd<P: AsRef<Path> + Send + fmt::Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> storage::Result<()> {
        self.fs()?.cwd(user, path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::RootCertStore;
    use rustls::version::{TLS12, TLS13};
    use suppaftp::tokio::{
        AsyncDataStream, AsyncFtpStream, AsyncRustlsConnector, AsyncRustlsFtpStream,
        ImplAsyncFtpStream, TokioTlsStream,
    };
    use suppaftp::types::FileType;
    use suppaftp::{FtpError, Mode, Status};
    use tokio::io::AsyncReadExt;

    const USER: &str = "ferry";
    const PASSWORD: &str = " s3cret pass: with \"quotes\", spaces & ünïcode! ";
    /// Every test's body is bounded, so a hang fails instead of stalling `cargo test`.
    const TEST_TIMEOUT: Duration = Duration::from_secs(60);
    const ACTIVE_TIMEOUT: Duration = Duration::from_secs(5);

    async fn bounded<F: Future>(body: F) -> F::Output {
        tokio::time::timeout(TEST_TIMEOUT, body)
            .await
            .expect("test timed out")
    }

    /// Bytes that ASCII mode would alter (lone LF, CR) and every byte value.
    fn payload(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .chain(*b"\n\r\n\r")
            .collect()
    }

    async fn start(dir: &Path, tweak: impl FnOnce(&mut LocalServerConfig)) -> LocalServer {
        let mut cfg = LocalServerConfig::new(dir, USER, PASSWORD);
        tweak(&mut cfg);
        LocalServer::start(cfg).await.expect("server starts")
    }

    async fn connect_plain(server: &LocalServer) -> AsyncFtpStream {
        let mut ftp = AsyncFtpStream::connect(server.addr())
            .await
            .expect("connect");
        ftp.login(USER, PASSWORD).await.expect("login");
        ftp.transfer_type(FileType::Binary).await.expect("TYPE I");
        ftp
    }

    fn connector(
        cert: &ServerCert,
        version: &'static rustls::SupportedProtocolVersion,
    ) -> AsyncRustlsConnector {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(cert.der.clone()))
            .expect("cert is a valid trust anchor");
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_protocol_versions(&[version])
        .expect("version supported")
        .with_root_certificates(roots)
        .with_no_client_auth();
        AsyncRustlsConnector::from(suppaftp::tokio_rustls::TlsConnector::from(Arc::new(config)))
    }

    async fn connect_tls(
        server: &LocalServer,
        version: &'static rustls::SupportedProtocolVersion,
    ) -> AsyncRustlsFtpStream {
        let cert = server.cert().expect("TLS server has a certificate");
        let ftp = AsyncRustlsFtpStream::connect(server.addr())
            .await
            .expect("connect");
        let mut ftp = ftp
            .into_secure(connector(cert, version), "localhost")
            .await
            .expect("AUTH TLS");
        ftp.login(USER, PASSWORD).await.expect("login over TLS");
        ftp.transfer_type(FileType::Binary).await.expect("TYPE I");
        ftp
    }

    /// PWD, STOR, LIST, RETR and DELE of one file, checking the data connection is TLS iff `tls`.
    async fn roundtrip<T: TokioTlsStream + Send>(
        ftp: &mut ImplAsyncFtpStream<T>,
        tls: bool,
        name: &str,
        data: &[u8],
    ) {
        assert_eq!(ftp.pwd().await.expect("PWD"), "/");
        let sent = ftp.put_file(name, &mut &data[..]).await.expect("STOR");
        assert_eq!(sent, data.len() as u64);
        let listing = ftp.list(None).await.expect("LIST");
        assert!(
            listing.iter().any(|line| line.ends_with(name)),
            "{name} missing from {listing:?}"
        );
        let mut download = ftp.retr_as_stream(name).await.expect("RETR");
        let secure = matches!(download.get_ref(), AsyncDataStream::Ssl(_));
        assert_eq!(secure, tls, "data connection TLS: {secure}, expected {tls}");
        let mut got = Vec::new();
        download.read_to_end(&mut got).await.expect("read download");
        download.finish().await.expect("RETR completes");
        assert!(
            got == data,
            "downloaded {} bytes differ from the {} sent",
            got.len(),
            data.len()
        );
        ftp.rm(name).await.expect("DELE");
    }

    async fn assert_refused(addr: SocketAddr) {
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "{addr} still accepts connections"
        );
    }

    fn status_of<T>(result: Result<T, FtpError>) -> Status {
        match result {
            Err(FtpError::UnexpectedResponse(response)) => response.status,
            Err(other) => panic!("expected an FTP reply, got {other}"),
            Ok(_) => panic!("expected a refusal"),
        }
    }

    #[tokio::test]
    async fn plain_passive_and_active_roundtrip() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |_| {}).await;
            assert!(server.cert().is_none());
            assert_eq!(server.addr().ip(), Ipv4Addr::LOCALHOST);

            let mut ftp = connect_plain(&server).await;
            assert!(
                ftp.get_welcome_msg()
                    .unwrap_or_default()
                    .contains("Ferry test server")
            );
            roundtrip(&mut ftp, false, "passive.bin", &payload(300_000, 1)).await;
            ftp.quit().await.unwrap();

            let mut ftp = connect_plain(&server).await;
            ftp.set_mode(Mode::ExtendedPassive);
            roundtrip(&mut ftp, false, "epsv.bin", &payload(1000, 8)).await;
            ftp.quit().await.unwrap();

            let mut ftp = connect_plain(&server).await.active_mode(ACTIVE_TIMEOUT);
            roundtrip(&mut ftp, false, "active.bin", &payload(300_000, 2)).await;
            ftp.quit().await.unwrap();

            // The files really went through the served folder.
            let mut ftp = connect_plain(&server).await;
            ftp.put_file("kept.txt", &mut &b"kept\n"[..]).await.unwrap();
            ftp.quit().await.unwrap();
            assert_eq!(
                std::fs::read(dir.path().join("kept.txt")).unwrap(),
                b"kept\n"
            );
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn pasv_announces_loopback() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |_| {}).await;
            let mut ftp = connect_plain(&server).await;
            let reply = ftp
                .custom_command("PASV", &[Status::PassiveMode])
                .await
                .expect("227");
            let text = String::from_utf8_lossy(&reply.body).into_owned();
            assert!(text.contains("(127,0,0,1,"), "{text}");
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn wrong_credentials_get_530() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |_| {}).await;
            let mut ftp = AsyncFtpStream::connect(server.addr()).await.unwrap();
            assert_eq!(
                status_of(ftp.login(USER, "s3cret pass").await),
                Status::NotLoggedIn
            );
            let mut ftp = AsyncFtpStream::connect(server.addr()).await.unwrap();
            assert_eq!(
                status_of(ftp.login("nobody", PASSWORD).await),
                Status::NotLoggedIn
            );
            let mut ftp = AsyncFtpStream::connect(server.addr()).await.unwrap();
            assert_eq!(
                status_of(ftp.login("anonymous", "guest@").await),
                Status::NotLoggedIn
            );
            // Failed attempts do not lock the account out.
            connect_plain(&server).await.quit().await.unwrap();
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn anonymous_when_enabled() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |cfg| cfg.anonymous = true).await;
            for user in ["anonymous", "ftp", "Anonymous"] {
                let mut ftp = AsyncFtpStream::connect(server.addr()).await.unwrap();
                ftp.login(user, "any password")
                    .await
                    .expect("anonymous login");
                ftp.transfer_type(FileType::Binary).await.unwrap();
                roundtrip(&mut ftp, false, "anon.bin", &payload(1000, 3)).await;
            }
            connect_plain(&server).await.quit().await.unwrap();
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn active_mode_refused_when_disabled() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |cfg| cfg.active = false).await;
            let mut ftp = connect_plain(&server).await.active_mode(ACTIVE_TIMEOUT);
            assert!(
                ftp.list(None).await.is_err(),
                "PORT accepted although active mode is off"
            );
            let mut ftp = connect_plain(&server).await;
            roundtrip(&mut ftp, false, "passive.bin", &payload(10, 4)).await;
            server.stop().await;
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn twenty_servers_transfer_at_once() {
        bounded(async {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..20u8 {
                tasks.spawn(async move {
                    let dir = tempfile::tempdir().unwrap();
                    let server = start(dir.path(), |_| {}).await;
                    let mut ftp = connect_plain(&server).await;
                    roundtrip(&mut ftp, false, "parallel.bin", &payload(200_000, i)).await;
                    ftp.quit().await.unwrap();
                    server.stop().await;
                });
            }
            let mut done = 0;
            while let Some(result) = tasks.join_next().await {
                result.expect("server task succeeded");
                done += 1;
            }
            assert_eq!(done, 20);
        })
        .await;
    }

    async fn ftps_roundtrip(version: &'static rustls::SupportedProtocolVersion) {
        let dir = tempfile::tempdir().unwrap();
        let server = start(dir.path(), |cfg| cfg.tls = ServerTls::Explicit).await;

        let mut ftp = connect_tls(&server, version).await;
        roundtrip(&mut ftp, true, "secure.bin", &payload(300_000, 5)).await;
        ftp.quit().await.unwrap();

        let mut ftp = connect_tls(&server, version)
            .await
            .active_mode(ACTIVE_TIMEOUT);
        roundtrip(&mut ftp, true, "secure-active.bin", &payload(100_000, 6)).await;
        ftp.quit().await.unwrap();

        // TLS is offered, not required.
        let mut ftp = connect_plain(&server).await;
        roundtrip(&mut ftp, false, "plain.bin", &payload(1000, 7)).await;
        server.stop().await;
    }

    #[tokio::test]
    async fn explicit_ftps_tls13() {
        bounded(ftps_roundtrip(&TLS13)).await;
    }

    #[tokio::test]
    async fn explicit_ftps_tls12() {
        bounded(ftps_roundtrip(&TLS12)).await;
    }

    #[tokio::test]
    async fn ftps_refuses_other_names() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |cfg| cfg.tls = ServerTls::Explicit).await;
            let cert = server.cert().unwrap();
            let ftp = AsyncRustlsFtpStream::connect(server.addr()).await.unwrap();
            assert!(
                ftp.into_secure(connector(cert, &TLS13), "example.com")
                    .await
                    .is_err()
            );
            // The IP address is in the certificate too.
            let ftp = AsyncRustlsFtpStream::connect(server.addr()).await.unwrap();
            let mut ftp = ftp
                .into_secure(connector(cert, &TLS13), "127.0.0.1")
                .await
                .expect("IP SAN");
            ftp.login(USER, PASSWORD).await.unwrap();
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn plain_server_refuses_auth_tls() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let tls_server = start(dir.path(), |cfg| cfg.tls = ServerTls::Explicit).await;
            let cert = tls_server.cert().unwrap().clone();
            let server = start(dir.path(), |_| {}).await;
            let ftp = AsyncRustlsFtpStream::connect(server.addr()).await.unwrap();
            assert!(
                ftp.into_secure(connector(&cert, &TLS13), "localhost")
                    .await
                    .is_err()
            );
            tls_server.stop().await;
            server.stop().await;
        })
        .await;
    }

    #[tokio::test]
    async fn fingerprint_is_sha256_of_der() {
        let dir = tempfile::tempdir().unwrap();
        let server = start(dir.path(), |cfg| cfg.tls = ServerTls::Explicit).await;
        let cert = server.cert().unwrap();
        let expected: Vec<String> = Sha256::digest(&cert.der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(cert.sha256, expected.join(":"));
        assert_eq!(cert.sha256.len(), 32 * 3 - 1);
        assert!(
            cert.sha256
                .chars()
                .all(|c| c == ':' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(fingerprint(&[0x00, 0xab, 0x7f]).len(), 95);
        server.stop().await;
    }

    #[tokio::test]
    async fn stop_is_quick_and_closes_the_port() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |_| {}).await;
            let addr = server.addr();
            // A logged-in session stays open across the stop.
            let mut ftp = connect_plain(&server).await;
            let started = std::time::Instant::now();
            server.stop().await;
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "stop took {:?}",
                started.elapsed()
            );
            assert_refused(addr).await;
            assert!(ftp.noop().await.is_err(), "session survived the stop");
        })
        .await;
    }

    #[tokio::test]
    async fn drop_stops_the_server() {
        bounded(async {
            let dir = tempfile::tempdir().unwrap();
            let server = start(dir.path(), |_| {}).await;
            let addr = server.addr();
            drop(server);
            // Abort takes effect at the task's next poll: give it a moment.
            for _ in 0..100 {
                if TcpStream::connect(addr).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("{addr} still accepts connections after drop");
        })
        .await;
    }

    #[tokio::test]
    async fn busy_control_port_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let taken = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let recipe = Recipe {
            root: dir.path().into(),
            account: Arc::new(SingleAccount::new(USER, PASSWORD, false)),
            tls_config: None,
            active: true,
            greeting: "busy",
        };
        let (_shutdown, shutdown_rx) = oneshot::channel();
        let server = recipe.build(shutdown_rx).unwrap();
        let result = spawn_listening(server, taken.local_addr().unwrap()).await;
        assert!(result.is_err(), "bind on a port in use went unnoticed");
    }

    #[tokio::test]
    async fn missing_root_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = LocalServerConfig::new(dir.path().join("absent"), USER, PASSWORD);
        match LocalServer::start(cfg).await {
            Err(LocalServerError::Root { path, .. }) => assert!(path.ends_with("absent")),
            other => panic!("expected a Root error, got {other:?}"),
        }
    }

    #[test]
    fn password_never_in_debug() {
        let cfg = LocalServerConfig::new("/tmp", USER, PASSWORD);
        assert!(!format!("{cfg:?}").contains("s3cret"));
        let account = SingleAccount::new(USER, PASSWORD, false);
        assert!(!format!("{account:?}").contains("s3cret"));
        assert_eq!(cfg.greeting, "Ferry test server");
        assert!(cfg.active && !cfg.anonymous && cfg.tls == ServerTls::None);
    }
}
