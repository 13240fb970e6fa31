//! The worker boundary: the closed `Command` enum going in, the closed `Event` enum coming out,
//! and the plain data both carry. Nothing here knows about egui, suppaftp, rustls or tokio.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

mod charset;
mod entry;
pub mod filter;
mod prompt;
mod proxy;
mod server_type;
mod transfer_options;

pub use charset::Charset;
pub use entry::{Entry, EntryKind, RemoteTime, TimePrecision};
pub use filter::{Compare, Condition, Filter, MatchMode, NameTest, TransferFilter};
pub use prompt::{Answer, CertAnswer, CertificateInfo, ExistsAction, FileFacts, Prompt};
pub use proxy::{Proxy, ProxyKind};
pub use server_type::ServerType;
pub use transfer_options::{DEFAULT_ASCII_EXTENSIONS, TransferOptions, TransferType, VerifyMode};

/// Identifies one browsing session (a site connection and the transfer queue attached to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// Identifies one request (operation) sent to a session; its result event carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Identifies one queued transfer (a file, or a directory that expands into more transfers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(pub u64);

/// Identifies one question the worker asked; the answer refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PromptId(pub u64);

/// A password or other secret: never printed by `Debug` or `Display`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; only the code that sends it to the server calls this.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(********)")
    }
}

/// How the control connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// Plain FTP.
    #[default]
    Ftp,
    /// FTP with explicit TLS (`AUTH TLS` on the normal port).
    ExplicitTls,
    /// FTP with implicit TLS (TLS from the first byte, default port 990).
    ImplicitTls,
    /// Explicit TLS when the server offers it; when the server refuses `AUTH TLS` (and only
    /// then: never after a failed handshake or an untrusted certificate), plain FTP with a
    /// warning in the log.
    ExplicitTlsIfAvailable,
}

impl Protocol {
    pub fn default_port(self) -> u16 {
        match self {
            Protocol::ImplicitTls => 990,
            _ => 21,
        }
    }
    /// Whether the connection starts by asking for TLS.
    pub fn is_tls(self) -> bool {
        !matches!(self, Protocol::Ftp)
    }
}

/// How data connections are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataMode {
    /// Passive first; when a data connection cannot be made, active, and whichever works is
    /// kept for the rest of the session.
    #[default]
    Auto,
    /// EPSV, falling back to PASV when refused.
    Passive,
    /// PORT (IPv4) or EPRT (IPv6) to a listener of ours.
    Active,
}

/// An inclusive range of TCP ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    /// Parses `MIN-MAX` (1..=65535, MIN <= MAX).
    pub fn parse(text: &str) -> Option<PortRange> {
        let (first, last) = text.split_once('-')?;
        let first: u16 = first.trim().parse().ok()?;
        let last: u16 = last.trim().parse().ok()?;
        (first > 0 && first <= last).then_some(PortRange { first, last })
    }
}

/// How active mode listens and what it announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActiveOptions {
    /// Announce this address in PORT instead of the local one (a router's public address).
    pub external_ip: Option<std::net::Ipv4Addr>,
    /// Listen on a port from this range (one the router forwards); any free port if `None`.
    pub ports: Option<PortRange>,
}

/// Timeouts for each step of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub reply: Duration,
    pub data_connect: Duration,
    pub tls_handshake: Duration,
    /// A transfer that moves no byte for this long fails.
    pub inactivity: Duration,
}

impl Timeouts {
    /// The same limit for every step.
    pub fn uniform(limit: Duration) -> Self {
        Timeouts {
            connect: limit,
            reply: limit,
            data_connect: limit,
            tls_handshake: limit,
            inactivity: limit,
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::uniform(Duration::from_secs(20))
    }
}

/// What to do when the destination of a transfer already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExistsPolicy {
    /// Ask with a [`Prompt::FileExists`].
    #[default]
    Ask,
    Overwrite,
    /// Overwrite when the source is newer than the destination.
    OverwriteIfNewer,
    /// Overwrite when the sizes differ.
    OverwriteIfSizeDiffers,
    /// Continue a partial destination from where it ends.
    Resume,
    /// Transfer under a new name (`name (1).ext`).
    Rename,
    Skip,
}

/// Certificate acceptance settings for a site, beyond the platform's roots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// SHA-256 fingerprints accepted for this site whatever the verification says.
    pub pinned: Vec<String>,
    /// Accept any certificate (each connection logs an Error line).
    pub insecure: bool,
}

/// Everything needed to connect to a server. Plain data: the UI and the CLI build it.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub host: String,
    pub port: u16,
    pub protocol: Protocol,
    /// Empty means anonymous.
    pub user: String,
    pub password: Secret,
    /// Ask for the password (a [`Prompt::Password`]) when connecting instead of using
    /// `password`; the answer is kept for the session's other connections and reconnects.
    pub ask_password: bool,
    pub mode: DataMode,
    /// Try EPSV before PASV in passive mode.
    pub use_epsv: bool,
    /// Connect to the address a `227` reply announces instead of the control connection's peer.
    pub trust_pasv_address: bool,
    pub active: ActiveOptions,
    pub timeouts: Timeouts,
    /// Send NOOP after this much idle time on the browsing connection; `None` = off.
    pub keepalive: Option<Duration>,
    /// Transfers that run at once, each on its own connection (1..=10).
    pub parallel: usize,
    /// Connections one large download is split over (`REST` ranges into one `.part`):
    /// `None` decides by size and room (see the engine's `transfer::segments`), 1 is off.
    pub segments: Option<usize>,
    pub on_exists: ExistsPolicy,
    pub tls: TlsOptions,
    /// Which listing shape wins where detection is ambiguous.
    pub server_type: ServerType,
    /// Minutes added to the times of LIST replies (the server's clock); MLSD, MLST and MDTM
    /// times are UTC and stay as they are.
    pub timezone_offset: i32,
    /// The character set of the server's file names.
    pub charset: Charset,
    /// Hash verification, preserved times and the transfer type.
    pub transfer: TransferOptions,
    /// Connect (control and passive data connections) through this proxy; `None`: directly.
    pub proxy: Option<Proxy>,
}

/// The most transfer connections one site may use at once.
pub const MAX_PARALLEL: usize = 10;

impl Site {
    pub fn new(host: impl Into<String>, protocol: Protocol) -> Self {
        Site {
            host: host.into(),
            port: protocol.default_port(),
            protocol,
            user: String::new(),
            password: Secret::default(),
            ask_password: false,
            mode: DataMode::Auto,
            use_epsv: true,
            trust_pasv_address: false,
            active: ActiveOptions::default(),
            timeouts: Timeouts::default(),
            keepalive: None,
            parallel: 2,
            segments: None,
            on_exists: ExistsPolicy::Ask,
            tls: TlsOptions::default(),
            server_type: ServerType::Auto,
            timezone_offset: 0,
            charset: Charset::Auto,
            transfer: TransferOptions::default(),
            proxy: None,
        }
    }
}

/// One thing a browsing session does; sessions run them one at a time, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Pwd,
    Cwd(String),
    Cdup,
    /// List a directory (the current one for `None`); entries arrive as [`Event::Listing`].
    List(Option<String>),
    Mkdir(String),
    Rmdir(String),
    Delete(String),
    /// Delete a directory and everything in it.
    DeleteRecursive(String),
    Rename {
        from: String,
        to: String,
    },
    /// `SITE CHMOD mode path`, mode as octal digits.
    Chmod {
        path: String,
        mode: u32,
    },
    Size(String),
    Mdtm(String),
    /// A raw command line typed by the user.
    Raw(String),
    /// RETR a file in binary, its bytes written to this process's standard output as they
    /// arrive (the command line's `cat`); nothing else is written there.
    Cat(String),
    Noop,
    /// Walk `root` recursively (at most `max_depth` folders down, each folder once) and report
    /// the entries `find` matches, each folder's as an [`Event::Listing`] of that folder.
    Search {
        root: String,
        max_depth: usize,
        find: Filter,
    },
}

/// Which way a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Download,
    Upload,
}

/// The local side of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalTarget {
    /// A download into `folder`, under `name`: the remote file's name as the server listed it.
    /// The engine makes the local path, and refuses a name that is not a plain file name on
    /// every OS Ferry ships for (`common::paths::local_path_for`): the only way a server's name
    /// becomes a local path.
    Into { folder: PathBuf, name: String },
    /// Exactly this path: the file or folder to upload, or a download's destination that the
    /// user named (the command line's `get URL LOCAL`).
    Path(PathBuf),
}

/// A transfer to queue on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub id: TransferId,
    pub direction: Direction,
    pub local: LocalTarget,
    /// Absolute remote path, or relative to the session's current directory.
    pub remote: String,
    /// A directory: its whole contents, recursively.
    pub recursive: bool,
    /// ASCII mode instead of binary.
    pub ascii: bool,
    /// A download's size as the front end's own listing just gave it: no SIZE is sent for it.
    pub size: Option<u64>,
    /// What to do when the destination exists, for this request and what it expands into;
    /// `None`: the queue's policy. A queue restored from the journal uses `Resume`.
    pub on_exists: Option<ExistsPolicy>,
}

/// Where [`Command::MoveTransfer`] puts a waiting transfer in its session's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuePlace {
    Top,
    Up,
    Down,
    Bottom,
}

/// Bytes per second for all the worker's downloads and for all its uploads; `None`: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpeedLimits {
    pub download: Option<u64>,
    pub upload: Option<u64>,
}

/// What the worker is told to do.
// `Connect` carries a whole `Site`; commands are sent a few times per user action, never in a
// loop, so their size does not matter and the boundary stays plain data without boxes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Command {
    /// Open a browsing session; answered by [`Event::Connected`] or [`Event::SessionClosed`].
    Connect { session: SessionId, site: Site },
    /// Run an operation on a session; answered by [`Event::OpDone`].
    Run {
        session: SessionId,
        request: RequestId,
        op: Operation,
    },
    /// Cancel the operation the session is running (its connection is reopened afterwards).
    CancelOperation { session: SessionId },
    /// Add transfers to the session's queue.
    Enqueue {
        session: SessionId,
        transfers: Vec<TransferRequest>,
    },
    /// Cancel one transfer, queued or running (ABOR on a running one).
    CancelTransfer {
        session: SessionId,
        transfer: TransferId,
    },
    /// Move a waiting transfer within its session's queue (running ones stay where they are).
    MoveTransfer {
        session: SessionId,
        transfer: TransferId,
        to: QueuePlace,
    },
    /// Change how many transfers run at once for the session (1..=10).
    SetParallel { session: SessionId, parallel: usize },
    /// Hold back queued transfers (running ones finish), or let them go again.
    SetPaused { session: SessionId, paused: bool },
    /// The worker's speed limits, shared by all its transfers (takes effect at once).
    SetSpeedLimits(SpeedLimits),
    /// What recursive transfers queued from now on leave out (`None`: nothing).
    SetTransferFilter(Option<TransferFilter>),
    /// Answer a prompt the worker raised.
    Answer { prompt: PromptId, answer: Answer },
    /// Close a session and its transfer connections.
    Disconnect { session: SessionId },
    /// Open transfer connections now, concurrently, until the session's queue holds
    /// `connections` (within how many may run at once), so that transfers queued next start
    /// without waiting for a login (the command line, which knows transfers follow).
    WarmUp {
        session: SessionId,
        connections: usize,
    },
    /// Give the browsing connection to the session's transfer queue, for the next transfer to
    /// start on once the operations sent before have run; the session logs in again if it runs
    /// another operation afterwards (the command line: one login when one connection suffices).
    HandOver { session: SessionId },
    /// Close everything and stop the worker thread.
    Shutdown,
}

/// The kind of a log line, as FileZilla shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogKind {
    Status,
    Command,
    Response,
    Error,
}

impl LogKind {
    /// The prefix shown before the text, e.g. `Response:`.
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Status => "Status:",
            LogKind::Command => "Command:",
            LogKind::Response => "Response:",
            LogKind::Error => "Error:",
        }
    }
}

/// One line of the session log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub session: SessionId,
    /// 0 for the browsing connection, 1.. for transfer connections.
    pub connection: u32,
    pub time: SystemTime,
    pub kind: LogKind,
    pub text: String,
}

/// What the server told us when we logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub welcome: String,
    /// FEAT lines, one feature each, as sent (trimmed).
    pub features: Vec<String>,
    pub tls: bool,
    pub cwd: String,
}

/// A broad class of failure, for callers that act on the kind (exit codes, dialogs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Name resolution or TCP connect failed.
    Connect,
    /// The server refused the login.
    Login,
    /// The certificate was not trusted.
    Certificate,
    /// TLS failed for another reason, or the server refused it.
    Tls,
    /// The data connection could not be made.
    DataConnection,
    /// A step took longer than its timeout.
    Timeout,
    /// The server refused a command (file missing, permission denied...).
    Refused,
    /// The server broke the protocol or sent something unsafe.
    Protocol,
    /// A local file or folder problem.
    Local,
    /// The destination exists and the policy said not to touch it.
    Exists,
    /// The request itself is invalid (a path with a line break, a bad mode...).
    Invalid,
    /// The user cancelled.
    Cancelled,
    /// The connection was lost.
    Disconnected,
}

/// An error as it crosses the boundary: its kind and a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a finished operation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutput {
    Done,
    /// The working directory (PWD, CWD, CDUP).
    Path(String),
    /// Entries counted by a finished listing, and the directory it listed.
    Listed {
        path: String,
        entries: usize,
    },
    Size(u64),
    Time(RemoteTime),
    /// The server's reply to a raw command.
    Reply {
        code: u16,
        text: String,
    },
}

/// Where a transfer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    /// Added to the queue (directories expand into more `Queued` transfers with this parent).
    Queued {
        direction: Direction,
        local: PathBuf,
        remote: String,
        size: Option<u64>,
        is_dir: bool,
        parent: Option<TransferId>,
    },
    /// Bytes started moving (`offset` > 0 when resuming).
    Started {
        offset: u64,
        total: Option<u64>,
    },
    /// Coalesced: at most 10 a second per transfer.
    Progress {
        done: u64,
        total: Option<u64>,
        bytes_per_sec: u64,
    },
    Finished {
        bytes: u64,
        elapsed: Duration,
        /// The hash the server's copy was checked against (`SHA-256`…); `None`: sizes only.
        verified: Option<String>,
    },
    Skipped {
        reason: String,
    },
    Failed(ErrorReport),
}

/// What the worker reports.
#[derive(Debug, Clone)]
pub enum Event {
    Log(LogLine),
    Connected {
        session: SessionId,
        info: ServerInfo,
    },
    /// The session ended: on request (`error: None`) or because it could not go on.
    SessionClosed {
        session: SessionId,
        error: Option<ErrorReport>,
    },
    /// A slice of a listing, in the order the server sent it.
    Listing {
        session: SessionId,
        request: RequestId,
        path: String,
        entries: Vec<Entry>,
    },
    OpDone {
        session: SessionId,
        request: RequestId,
        result: Result<OpOutput, ErrorReport>,
    },
    Prompt {
        id: PromptId,
        session: SessionId,
        prompt: Prompt,
    },
    Transfer {
        session: SessionId,
        id: TransferId,
        state: TransferState,
    },
    /// The session's queue has nothing left to run.
    QueueIdle {
        session: SessionId,
    },
    /// Auto mode found which data connections work (`Passive` or `Active`) for this session.
    ModeInUse {
        session: SessionId,
        mode: DataMode,
    },
}
