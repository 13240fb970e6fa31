//! The headless command line (`ferry ls|get|put URL ...`): parses arguments, drives the same
//! worker the desktop app uses, answers its prompts on the terminal (or refuses them when there
//! is none), and turns the outcome into an exit status and one line on stderr.

mod terminal;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::*;
use crate::events::EventSink;
use crate::paths::{check_remote_name, join_remote, remote_basename, resolve_remote};
use crate::tls::normalize_fingerprint;
use crate::url::{FtpUrl, parse};
use crate::worker::{Worker, WorkerConfig};

pub use terminal::format_entry;
use terminal::{ask_certificate, ask_exists};

#[derive(Parser, Debug)]
#[command(
    name = "ferry",
    version,
    about = "Ferry: a fast, safe FTP/FTPS client. Without a command it opens the desktop app.",
    after_help = "URL: ftp://[user[:password]@]host[:port]/path   ftpes:// explicit FTPS   ftps:// implicit FTPS\n\
                  The path is relative to the login folder; start it with %2F (or //) for an absolute path.\n\
                  Password: from the URL, else $FERRY_PASSWORD, else asked on the terminal."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Open the app connected to a built-in demo server over sample files
    #[arg(long)]
    pub demo: bool,
    /// Open the app connected to this URL
    pub url: Option<String>,
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
}

#[derive(Args, Debug, Clone)]
pub struct Opts {
    /// Data connection mode
    #[arg(long, value_enum, default_value_t = ModeArg::Auto)]
    mode: ModeArg,
    /// Transfers that run at once, each on its own connection (1-10)
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=10))]
    parallel: u8,
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
    /// Timeout in seconds for each step (connect, reply, data connection, inactivity)
    #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
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

/// Where trusted certificates are remembered: `$FERRY_CONFIG_DIR`, else the OS config folder.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FERRY_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "Ferry").map(|d| d.config_dir().to_path_buf())
}

/// Runs a parsed command line; the error is the one line printed on stderr.
pub fn run(command: CliCommand) -> anyhow::Result<()> {
    match command {
        CliCommand::Ls { url, opts } => {
            let url = parse(&url)?;
            let client = Client::connect(&url, &opts)?;
            client.list(url.path)
        }
        CliCommand::Get {
            url,
            local,
            recursive,
            opts,
        } => {
            let url = parse(&url)?;
            let client = Client::connect(&url, &opts)?;
            client.get(&url, local, recursive, opts.ascii)
        }
        CliCommand::Put {
            local,
            url,
            recursive,
            opts,
        } => {
            let url = parse(&url)?;
            if recursive && !local.is_dir() {
                bail!("{} is not a folder", local.display());
            }
            if !recursive && !local.is_file() {
                bail!("{} is not a file (use -r for a folder)", local.display());
            }
            let client = Client::connect(&url, &opts)?;
            client.put(&url, &local, recursive, opts.ascii)
        }
    }
}

fn site_for(url: &FtpUrl, opts: &Opts) -> anyhow::Result<Site> {
    let mut site = url.site.clone();
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
    site.mode = match opts.mode {
        ModeArg::Auto => DataMode::Auto,
        ModeArg::Passive => DataMode::Passive,
        ModeArg::Active => DataMode::Active,
    };
    site.parallel = usize::from(opts.parallel);
    site.on_exists = opts.on_exists.map_or(ExistsPolicy::Ask, ExistsArg::policy);
    site.timeouts = Timeouts::uniform(Duration::from_secs(opts.timeout));
    for fingerprint in &opts.trust {
        let normalized = normalize_fingerprint(fingerprint).ok_or_else(|| {
            anyhow!("--trust {fingerprint:?} is not a SHA-256 fingerprint (64 hex digits)")
        })?;
        site.tls.pinned.push(normalized);
    }
    site.tls.insecure = opts.insecure;
    site.active.external_ip = opts.external_ip;
    site.active.ports = opts.active_ports;
    site.use_epsv = !opts.no_epsv;
    site.trust_pasv_address = opts.trust_pasv_address;
    Ok(site)
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
}

impl Client {
    fn connect(url: &FtpUrl, opts: &Opts) -> anyhow::Result<Client> {
        let site = site_for(url, opts)?;
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

    /// Adds the way out to a certificate refusal.
    fn explain(&self, message: String) -> anyhow::Error {
        match self.refused_cert.borrow().as_ref() {
            Some(cert) => anyhow!(
                "{message}. If you trust this server, run again with --trust {}",
                cert.fingerprint
            ),
            None => anyhow!(message),
        }
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
            Prompt::Password { host, user } => Answer::Password(
                std::env::var("FERRY_PASSWORD")
                    .ok()
                    .or_else(|| {
                        std::io::stdin().is_terminal().then(|| {
                            rpassword::prompt_password(format!("Password for {user}@{host}: ")).ok()
                        })?
                    })
                    .map(Secret::new),
            ),
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
