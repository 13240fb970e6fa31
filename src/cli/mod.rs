//! The headless command line (`ferry ls|get|put URL ...`, `ferry sites ...`): parses
//! arguments, drives the same worker the desktop app uses, answers its prompts on the terminal
//! (or refuses them when there is none), and turns the outcome into an exit status and one line
//! on stderr.

mod sites;
mod terminal;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::*;
use crate::common::config::config_dir;
use crate::common::fingerprint::normalize_fingerprint;
use crate::common::paths::{check_remote_name, join_remote, remote_basename, resolve_remote};
use crate::common::url::{FtpUrl, parse};
use crate::engine::events::EventSink;
use crate::engine::worker::{Worker, WorkerConfig};
use crate::sites::{KeyringError, is_site_url};

pub use sites::SitesCommand;
pub use terminal::format_entry;
use terminal::{ask_certificate, ask_exists};

#[derive(Parser, Debug)]
#[command(
    name = "ferry",
    version,
    about = "Ferry: a fast, safe FTP/FTPS client. Without a command it opens the desktop app.",
    after_help = "URL: ftp://[user[:password]@]host[:port]/path   ftpes:// explicit FTPS   ftps:// implicit FTPS\n\
                  The path is relative to the login folder; start it with %2F (or //) for an absolute path.\n\
                  Password: from the URL, else $FERRY_PASSWORD, else asked on the terminal.\n\
                  Or a saved site: site:FOLDER/NAME[/PATH] (the site's settings; PATH relative to its remote\n\
                  folder, or absolute after //; password from the system keyring, else as above)."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Open the app connected to a built-in demo server over sample files
    #[arg(long)]
    pub demo: bool,
    /// Open the app connected to this URL (or `site:FOLDER/NAME[/PATH]`)
    pub url: Option<String>,
    /// Open the app connected to this saved site (FOLDER/NAME, as `ferry sites list` prints)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["url", "demo"])]
    pub site: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CliCommand {
    /// List a directory: one line per entry (type, size, modified, name)
    Ls {
        url: String,
        #[command(flatten)]
        opts: Opts,
    },
    /// Download a file; with -r, a directory's contents into LOCAL (created if missing)
    Get {
        url: String,
        local: Option<PathBuf>,
        #[arg(short, long)]
        recursive: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Upload a file; with -r, a directory's contents into URL (created if missing)
    Put {
        local: PathBuf,
        url: String,
        #[arg(short, long)]
        recursive: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// The site manager's sites: list them, import FileZilla's, export them to FileZilla
    Sites {
        #[command(subcommand)]
        command: SitesCommand,
    },
}

#[derive(Args, Debug, Clone)]
pub struct Opts {
    /// Data connection mode [default: auto, or a site's own]
    #[arg(long, value_enum)]
    mode: Option<ModeArg>,
    /// Transfers that run at once, each on its own connection (1-10) [default: 2, or a site's own]
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    parallel: Option<u8>,
    /// What to do when the destination exists (default: ask on a terminal, else fail)
    #[arg(long, value_enum)]
    on_exists: Option<ExistsArg>,
    /// Print the session log to stderr, one line per event: kind, a tab, the text
    #[arg(long)]
    log: bool,
    /// Accept the certificate with this SHA-256 fingerprint (hex, colons optional, any case)
    #[arg(long, value_name = "FINGERPRINT")]
    trust: Vec<String>,
    /// Accept any certificate (logged as an Error line)
    #[arg(long)]
    insecure: bool,
    /// Active mode: announce this IPv4 address in PORT (your router's public address)
    #[arg(long, value_name = "IPV4")]
    external_ip: Option<std::net::Ipv4Addr>,
    /// Active mode: listen on a port from this range (one your router forwards)
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_port_range)]
    active_ports: Option<PortRange>,
    /// Passive mode: use PASV only, never EPSV
    #[arg(long)]
    no_epsv: bool,
    /// Passive mode: connect to the address the server's 227 reply announces, not the server's
    #[arg(long)]
    trust_pasv_address: bool,
    /// Transfer in ASCII mode (line endings converted) instead of binary
    #[arg(long)]
    ascii: bool,
    /// Timeout in seconds for each step (connect, reply, data connection, inactivity) [default:
    /// 20, or the global setting for a site]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: Option<u64>,
}

fn parse_port_range(text: &str) -> Result<PortRange, String> {
    PortRange::parse(text).ok_or_else(|| format!("{text:?} is not a port range like 50000-50100"))
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum ModeArg {
    Auto,
    Passive,
    Active,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum ExistsArg {
    Overwrite,
    Newer,
    Size,
    Resume,
    Rename,
    Skip,
}

impl ExistsArg {
    fn policy(self) -> ExistsPolicy {
        match self {
            ExistsArg::Overwrite => ExistsPolicy::Overwrite,
            ExistsArg::Newer => ExistsPolicy::OverwriteIfNewer,
            ExistsArg::Size => ExistsPolicy::OverwriteIfSizeDiffers,
            ExistsArg::Resume => ExistsPolicy::Resume,
            ExistsArg::Rename => ExistsPolicy::Rename,
            ExistsArg::Skip => ExistsPolicy::Skip,
        }
    }
}

/// Runs a parsed command line; the error is the one line printed on stderr.
pub fn run(command: CliCommand) -> anyhow::Result<()> {
    match command {
        CliCommand::Ls { url, opts } => {
            let target = Target::open(&url, &opts)?;
            let client = Client::connect(&target, &opts)?;
            client.list(target.url.path)
        }
        CliCommand::Get {
            url,
            local,
            recursive,
            opts,
        } => {
            let target = Target::open(&url, &opts)?;
            let client = Client::connect(&target, &opts)?;
            client.get(&target.url, local, recursive, opts.ascii)
        }
        CliCommand::Put {
            local,
            url,
            recursive,
            opts,
        } => {
            let target = Target::open(&url, &opts)?;
            if recursive && !local.is_dir() {
                bail!("{} is not a folder", local.display());
            }
            if !recursive && !local.is_file() {
                bail!("{} is not a file (use -r for a folder)", local.display());
            }
            let client = Client::connect(&target, &opts)?;
            client.put(&target.url, &local, recursive, opts.ascii)
        }
        CliCommand::Sites { command } => sites::run(command),
    }
}

/// What a URL argument names: a site to connect to and a remote path.
struct Target {
    /// The remote path and its trailing slash; `url.site` is the site to connect to.
    url: FtpUrl,
    /// For a `site:` target with normal logon: why its password is not in the keyring.
    keyring_note: Option<KeyringError>,
}

impl Target {
    /// A URL, or `site:FOLDER/NAME[/PATH]` with the site's own settings; the options given on
    /// the command line override either.
    fn open(text: &str, opts: &Opts) -> anyhow::Result<Target> {
        let (mut url, keyring_note) = if is_site_url(text) {
            let connection = sites::open(text)?;
            let url = FtpUrl {
                site: connection.site,
                path: connection.remote_path,
                has_password: true,
                trailing_slash: connection.trailing_slash,
            };
            (url, connection.keyring_note)
        } else {
            (parse(text)?, None)
        };
        apply_opts(&mut url.site, opts)?;
        Ok(Target { url, keyring_note })
    }
}

/// A URL with a user and no password: `$FERRY_PASSWORD`, else asked on the terminal.
fn ask_password_now(url: &mut FtpUrl) -> anyhow::Result<()> {
    let site = &mut url.site;
    if !url.has_password && !site.user.is_empty() {
        site.password = match std::env::var("FERRY_PASSWORD") {
            Ok(password) => Secret::new(password),
            Err(_) if std::io::stdin().is_terminal() => Secret::new(
                rpassword::prompt_password(format!("Password for {}@{}: ", site.user, site.host))
                    .context("reading the password")?,
            ),
            Err(_) => Secret::default(),
        };
    }
    Ok(())
}

/// The options the user gave; those not given leave the site as it is.
fn apply_opts(site: &mut Site, opts: &Opts) -> anyhow::Result<()> {
    if let Some(mode) = opts.mode {
        site.mode = match mode {
            ModeArg::Auto => DataMode::Auto,
            ModeArg::Passive => DataMode::Passive,
            ModeArg::Active => DataMode::Active,
        };
    }
    if let Some(parallel) = opts.parallel {
        site.parallel = usize::from(parallel);
    }
    if let Some(on_exists) = opts.on_exists {
        site.on_exists = on_exists.policy();
    }
    if let Some(timeout) = opts.timeout {
        site.timeouts = Timeouts::uniform(Duration::from_secs(timeout));
    }
    for fingerprint in &opts.trust {
        let normalized = normalize_fingerprint(fingerprint).ok_or_else(|| {
            anyhow!("--trust {fingerprint:?} is not a SHA-256 fingerprint (64 hex digits)")
        })?;
        site.tls.pinned.push(normalized);
    }
    if opts.insecure {
        site.tls.insecure = true;
    }
    if let Some(ip) = opts.external_ip {
        site.active.external_ip = Some(ip);
    }
    if let Some(ports) = opts.active_ports {
        site.active.ports = Some(ports);
    }
    if opts.no_epsv {
        site.use_epsv = false;
    }
    if opts.trust_pasv_address {
        site.trust_pasv_address = true;
    }
    Ok(())
}

/// A connected session driven from the terminal.
struct Client {
    worker: Worker,
    events: Receiver<Event>,
    session: SessionId,
    cwd: String,
    log: bool,
    /// The certificate refused without a terminal, for the final message.
    refused_cert: std::cell::RefCell<Option<CertificateInfo>>,
    /// Why a saved site's password did not come from the keyring.
    keyring_note: Option<KeyringError>,
    /// A password was asked for and none could be given (for the final message).
    no_password: std::cell::Cell<bool>,
}

impl Client {
    fn connect(target: &Target, opts: &Opts) -> anyhow::Result<Client> {
        let mut url = target.url.clone();
        ask_password_now(&mut url)?;
        let site = url.site;
        let (sink, events) = EventSink::channel();
        let worker = Worker::start(
            WorkerConfig {
                config_dir: config_dir(),
            },
            sink,
        )
        .context("starting the engine")?;
        let session = SessionId(worker.next_id());
        worker.send(Command::Connect { session, site });
        let mut client = Client {
            worker,
            events,
            session,
            cwd: String::new(),
            log: opts.log,
            refused_cert: std::cell::RefCell::new(None),
            keyring_note: target.keyring_note.clone(),
            no_password: std::cell::Cell::new(false),
        };
        loop {
            match client.next_event()? {
                Event::Connected { info, .. } => {
                    client.cwd = info.cwd;
                    return Ok(client);
                }
                Event::SessionClosed { error, .. } => {
                    let error =
                        error.map_or_else(|| "the connection closed".to_string(), |e| e.message);
                    return Err(client.explain(error));
                }
                _ => {}
            }
        }
    }

    /// Adds the way out to a certificate refusal or a missing password.
    fn explain(&self, message: String) -> anyhow::Error {
        if let Some(cert) = self.refused_cert.borrow().as_ref() {
            return anyhow!(
                "{message}. If you trust this server, run again with --trust {}",
                cert.fingerprint
            );
        }
        if self.no_password.get() {
            let why = match &self.keyring_note {
                Some(note) => format!("{note}; "),
                None => String::new(),
            };
            return anyhow!("{message} ({why}set $FERRY_PASSWORD or run on a terminal)");
        }
        anyhow!(message)
    }

    /// The next event that is not a log line or a prompt (those are handled here).
    fn next_event(&self) -> anyhow::Result<Event> {
        loop {
            let event = match self.events.recv_timeout(Duration::from_secs(1)) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => bail!("the engine stopped unexpectedly"),
            };
            match event {
                Event::Log(line) => {
                    if self.log {
                        eprintln!("{}\t{}", line.kind.label(), line.text);
                    }
                }
                Event::Prompt { id, prompt, .. } => {
                    let answer = self.answer(prompt);
                    self.worker.send(Command::Answer { prompt: id, answer });
                }
                other => return Ok(other),
            }
        }
    }

    fn answer(&self, prompt: Prompt) -> Answer {
        match prompt {
            Prompt::Certificate(cert) => {
                let answer = if std::io::stdin().is_terminal() {
                    ask_certificate(&cert)
                } else {
                    CertAnswer::Reject
                };
                if answer == CertAnswer::Reject {
                    *self.refused_cert.borrow_mut() = Some(cert);
                }
                Answer::Certificate(answer)
            }
            Prompt::FileExists {
                source,
                destination,
                ..
            } => {
                let (action, for_all) = if std::io::stdin().is_terminal() {
                    ask_exists(&source, &destination)
                } else {
                    (ExistsAction::Cancel, false)
                };
                Answer::FileExists { action, for_all }
            }
            Prompt::Password { host, user } => {
                let password = std::env::var("FERRY_PASSWORD").ok().or_else(|| {
                    if !std::io::stdin().is_terminal() {
                        return None;
                    }
                    if let Some(note @ KeyringError::Unavailable(_)) = &self.keyring_note {
                        eprintln!("ferry: {note}; asking for the password");
                    }
                    rpassword::prompt_password(format!("Password for {user}@{host}: ")).ok()
                });
                self.no_password.set(password.is_none());
                Answer::Password(password.map(Secret::new))
            }
        }
    }

    fn request(&self, op: Operation) -> anyhow::Result<RequestId> {
        let request = RequestId(self.worker.next_id());
        self.worker.send(Command::Run {
            session: self.session,
            request,
            op,
        });
        Ok(request)
    }

    /// Runs an operation and waits for its result.
    fn run_op(&self, op: Operation) -> anyhow::Result<Result<OpOutput, ErrorReport>> {
        let request = self.request(op)?;
        loop {
            match self.next_event()? {
                Event::OpDone {
                    request: done,
                    result,
                    ..
                } if done == request => return Ok(result),
                Event::SessionClosed { error, .. } => {
                    bail!(error.map_or_else(|| "the connection closed".to_string(), |e| e.message))
                }
                _ => {}
            }
        }
    }

    fn list(self, path: Option<String>) -> anyhow::Result<()> {
        let request = self.request(Operation::List(path))?;
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        loop {
            match self.next_event()? {
                Event::Listing {
                    request: r,
                    entries,
                    ..
                } if r == request => {
                    for entry in &entries {
                        writeln!(out, "{}", format_entry(entry))?;
                    }
                }
                Event::OpDone {
                    request: r, result, ..
                } if r == request => {
                    out.flush()?;
                    return result.map(|_| ()).map_err(|e| anyhow!(e.message));
                }
                Event::SessionClosed { error, .. } => {
                    bail!(error.map_or_else(|| "the connection closed".to_string(), |e| e.message))
                }
                _ => {}
            }
        }
    }

    fn get(
        self,
        url: &FtpUrl,
        local: Option<PathBuf>,
        recursive: bool,
        ascii: bool,
    ) -> anyhow::Result<()> {
        let remote = resolve_remote(&self.cwd, url.path.as_deref().unwrap_or(""));
        let name = remote_basename(&remote).to_string();
        let local = if recursive {
            match local {
                Some(local) => local,
                None => {
                    check_remote_name(&name)
                        .map_err(|_| anyhow!("name a local folder to download {remote} into"))?;
                    PathBuf::from(&name)
                }
            }
        } else {
            if url.path.is_none() || url.trailing_slash {
                bail!("the URL names a folder, not a file: use -r to download a folder");
            }
            check_remote_name(&name).map_err(|e| anyhow!("{e}"))?;
            match local {
                Some(local) if local.is_dir() => local.join(&name),
                Some(local) => local,
                None => PathBuf::from(&name),
            }
        };
        self.transfer(Direction::Download, local, remote, recursive, ascii)
    }

    fn put(self, url: &FtpUrl, local: &Path, recursive: bool, ascii: bool) -> anyhow::Result<()> {
        let target = resolve_remote(&self.cwd, url.path.as_deref().unwrap_or(""));
        let remote = if recursive {
            target
        } else {
            let name = local
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| anyhow!("{} has no usable file name", local.display()))?;
            let names_folder = url.path.is_none()
                || url.trailing_slash
                || self.run_op(Operation::Cwd(target.clone()))?.is_ok();
            if names_folder {
                join_remote(&target, name)
            } else {
                target
            }
        };
        self.transfer(
            Direction::Upload,
            local.to_path_buf(),
            remote,
            recursive,
            ascii,
        )
    }

    fn transfer(
        self,
        direction: Direction,
        local: PathBuf,
        remote: String,
        recursive: bool,
        ascii: bool,
    ) -> anyhow::Result<()> {
        let id = TransferId(self.worker.next_id());
        self.worker.send(Command::Enqueue {
            session: self.session,
            transfers: vec![TransferRequest {
                id,
                direction,
                local,
                remote,
                recursive,
                ascii,
            }],
        });
        let mut names = std::collections::HashMap::new();
        let mut failures: Vec<String> = Vec::new();
        let mut files = 0usize;
        loop {
            match self.next_event()? {
                Event::Transfer { id, state, .. } => match state {
                    TransferState::Queued {
                        direction,
                        local,
                        remote,
                        is_dir,
                        ..
                    } => {
                        let what = match direction {
                            Direction::Download => format!("download of {remote}"),
                            Direction::Upload => format!("upload of {}", local.display()),
                        };
                        if !is_dir {
                            files += 1;
                        }
                        names.insert(id, what);
                    }
                    TransferState::Failed(error) => {
                        let what = names.get(&id).cloned().unwrap_or_default();
                        failures.push(format!("{what} failed: {}", self.hint(&error)));
                    }
                    _ => {}
                },
                Event::QueueIdle { .. } => break,
                Event::SessionClosed { error, .. } => {
                    bail!(error.map_or_else(|| "the connection closed".to_string(), |e| e.message))
                }
                _ => {}
            }
        }
        self.worker.send(Command::Disconnect {
            session: self.session,
        });
        match failures.len() {
            0 => Ok(()),
            1 => Err(self.explain(failures.remove(0))),
            n => Err(self.explain(format!(
                "{n} of {} transfers failed; the first: {}",
                files.max(n),
                failures.remove(0)
            ))),
        }
    }

    fn hint(&self, error: &ErrorReport) -> String {
        if error.kind == ErrorKind::Exists {
            format!(
                "{} (choose with --on-exists overwrite|newer|size|resume|rename|skip)",
                error.message
            )
        } else {
            error.message.clone()
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.worker.send(Command::Disconnect {
            session: self.session,
        });
    }
}
