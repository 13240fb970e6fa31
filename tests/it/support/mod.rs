//! The test rig: in-process FTP servers over temp folders, a worker driven by the engine's
//! blocking driver, and the `Event` transcript it produces. Every wait is bounded.

#![allow(dead_code)]

mod binary;
pub mod fake;
pub mod pyftpd;
pub mod real;

pub use binary::{Run, ferry_command, run_ferry, run_ferry_bytes};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use ferry::demo::server::{LocalServer, LocalServerConfig, ServerTls};
use ferry::engine::driver::{Driver, DriverError, Hook};
use ferry::*;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

pub const USER: &str = "ferry";
pub const PASSWORD: &str = "s3cret pass:w0rd!";

/// The runtime the in-process servers run on, for the whole test binary.
pub static RT: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// An in-process libunftp server over a temp folder.
pub struct Server {
    pub server: LocalServer,
    pub root: TempDir,
}

impl Server {
    pub fn start(tls: ServerTls) -> Server {
        Server::start_with(|cfg| cfg.tls = tls)
    }

    /// A server configured by `setup` beyond the defaults (user, password, temp root).
    pub fn start_with(setup: impl FnOnce(&mut LocalServerConfig)) -> Server {
        let root = tempfile::tempdir().unwrap();
        let mut cfg = LocalServerConfig::new(root.path(), USER, PASSWORD);
        setup(&mut cfg);
        let server = RT.block_on(LocalServer::start(cfg)).unwrap();
        Server { server, root }
    }

    pub fn plain() -> Server {
        Server::start(ServerTls::None)
    }

    pub fn site(&self, protocol: Protocol) -> Site {
        let mut site = Site::new("127.0.0.1", protocol);
        site.port = self.server.addr().port();
        site.user = USER.to_string();
        site.password = Secret::new(PASSWORD);
        site.timeouts = short_timeouts(5);
        site
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    pub fn fingerprint(&self) -> String {
        self.server.cert().expect("a TLS server").sha256.clone()
    }
}

pub fn short_timeouts(secs: u64) -> Timeouts {
    Timeouts::uniform(Duration::from_secs(secs))
}

pub fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sha256(&bytes)
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Deterministic pseudo-random bytes (no rand crate needed).
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect()
}

pub type PromptAnswerer = Box<dyn FnMut(&Prompt) -> Option<Answer>>;

/// The rig's hook: keeps every event and answers prompts with the test's answerer.
pub struct Recorder {
    transcript: Vec<Event>,
    answerer: PromptAnswerer,
}

impl Hook for Recorder {
    fn event(&mut self, event: &Event) {
        self.transcript.push(event.clone());
    }

    fn answer(&mut self, prompt: &Prompt) -> Option<Answer> {
        (self.answerer)(prompt)
    }
}

/// A worker driven by the engine's blocking driver, and what happened so far.
pub struct Rig {
    pub driver: Driver<Recorder>,
    pub config: TempDir,
    /// Entries of the last listing, in order.
    pub listing: Vec<Entry>,
    /// The login directory.
    pub home: String,
}

impl Rig {
    pub fn new() -> Rig {
        let config = tempfile::tempdir().unwrap();
        Rig::with_config(config)
    }

    pub fn with_config(config: TempDir) -> Rig {
        let recorder = Recorder {
            transcript: Vec::new(),
            answerer: Box::new(|_| None),
        };
        let mut driver = Driver::start(
            WorkerConfig {
                config_dir: Some(config.path().to_path_buf()),
            },
            recorder,
        )
        .unwrap();
        driver.set_patience(Duration::from_secs(120));
        Rig {
            driver,
            config,
            listing: Vec::new(),
            home: String::new(),
        }
    }

    /// Every event so far, log lines and prompts included.
    pub fn transcript(&self) -> &[Event] {
        &self.driver.hook().transcript
    }

    pub fn session(&self) -> SessionId {
        self.driver.session()
    }

    pub fn next_id(&self) -> u64 {
        self.driver.next_id()
    }

    pub fn send(&self, command: Command) {
        self.driver.send(command);
    }

    /// How prompts are answered from now on (`None`: leave it unanswered).
    pub fn on_prompt(&mut self, answerer: impl FnMut(&Prompt) -> Option<Answer> + 'static) {
        self.driver.hook_mut().answerer = Box::new(answerer);
    }

    /// The next event (prompts are answered and kept in the transcript).
    pub fn next(&mut self, within: Duration) -> Event {
        let event = self.driver.next(within);
        event.unwrap_or_else(|e| panic!("{e}; transcript: {:#?}", self.tail()))
    }

    fn tail(&self) -> Vec<String> {
        let transcript = self.transcript();
        let skip = transcript.len().saturating_sub(30);
        transcript[skip..]
            .iter()
            .map(|e| format!("{e:?}"))
            .collect()
    }

    pub fn connect(&mut self, site: Site) -> Result<ServerInfo, ErrorReport> {
        match self.driver.connect(site) {
            Ok(info) => {
                self.home = info.cwd.clone();
                Ok(info)
            }
            Err(DriverError::Closed(error)) => Err(error.expect("an error")),
            Err(e) => panic!("connecting: {e}; transcript: {:#?}", self.tail()),
        }
    }

    pub fn run(&mut self, op: Operation) -> Result<OpOutput, ErrorReport> {
        self.listing.clear();
        let ran = self.driver.run(op);
        let ran = ran.unwrap_or_else(|e| panic!("{e}; transcript: {:#?}", self.tail()));
        self.listing = ran.listing;
        ran.result
    }

    /// `relative` under the login directory, as an absolute remote path.
    pub fn abs(&self, relative: &str) -> String {
        ferry::common::paths::join_remote(&self.home, relative)
    }

    pub fn list(&mut self, path: &str) -> Vec<Entry> {
        self.run(Operation::List(Some(path.to_string())))
            .unwrap_or_else(|e| panic!("listing {path}: {e}"));
        std::mem::take(&mut self.listing)
    }

    pub fn request(&self, direction: Direction, local: &Path, remote: &str) -> TransferRequest {
        TransferRequest {
            id: TransferId(self.next_id()),
            direction,
            local: LocalTarget::Path(local.to_path_buf()),
            remote: remote.to_string(),
            recursive: false,
            ascii: false,
            size: None,
            on_exists: None,
        }
    }

    /// Queues transfers and waits until the queue is idle; returns each transfer's last state.
    pub fn transfer(
        &mut self,
        requests: Vec<TransferRequest>,
    ) -> HashMap<TransferId, TransferState> {
        let transfers = self.driver.transfer(requests);
        transfers
            .unwrap_or_else(|e| panic!("{e}; transcript: {:#?}", self.tail()))
            .last
    }

    /// One transfer that must finish.
    pub fn transfer_ok(&mut self, request: TransferRequest) {
        let id = request.id;
        let states = self.transfer(vec![request]);
        match states.get(&id) {
            Some(TransferState::Finished { .. }) => {}
            other => panic!("transfer ended as {other:?}; log: {:#?}", self.log_text()),
        }
    }

    /// Asserts that every transfer in `states` finished.
    pub fn assert_all_finished(states: &HashMap<TransferId, TransferState>) {
        assert!(
            states
                .values()
                .all(|s| matches!(s, TransferState::Finished { .. })),
            "{states:?}"
        );
    }

    pub fn log_lines(&self) -> Vec<LogLine> {
        self.transcript()
            .iter()
            .filter_map(|e| match e {
                Event::Log(line) => Some(line.clone()),
                _ => None,
            })
            .collect()
    }

    /// The log as FileZilla shows it: `Kind:\ttext` lines.
    pub fn log_text(&self) -> Vec<String> {
        self.log_lines()
            .iter()
            .map(|l| format!("{}\t{}", l.kind.label(), l.text))
            .collect()
    }

    pub fn has_log(&self, kind: LogKind, needle: &str) -> bool {
        self.log_lines()
            .iter()
            .any(|l| l.kind == kind && l.text.contains(needle))
    }

    pub fn disconnect(&mut self) {
        let closed = self.driver.disconnect();
        closed.unwrap_or_else(|e| panic!("{e}; transcript: {:#?}", self.tail()));
    }
}

/// Every file under `root`, as sorted `/`-separated paths relative to it.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy();
                files.push(relative.replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}
