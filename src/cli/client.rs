//! `ls`, `get` and `put`: one session driven to completion through the engine's blocking
//! driver, with the terminal as its hook, and the outcome as one line; and the operations the
//! other verbs (`verbs`, `stat`) run on the same session.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};

use super::answers::{Terminal, hint, password_for_url};
use super::progress::Progress;
use super::target::Target;
use super::terminal::format_entry;
use crate::api::*;
use crate::common::config::config_dir;
use crate::common::paths::{join_remote, remote_basename, resolve_remote, unsafe_reason};
use crate::common::url::FtpUrl;
use crate::engine::driver::{Driver, DriverError, Transfers};
use crate::engine::worker::WorkerConfig;

/// How long the engine may stay silent: each of its steps is bounded by the site's timeouts, so
/// a few of them back to back, and some slack.
fn patience(timeouts: &Timeouts) -> Duration {
    let longest = [
        timeouts.connect,
        timeouts.reply,
        timeouts.data_connect,
        timeouts.tls_handshake,
        timeouts.inactivity,
    ]
    .into_iter()
    .max()
    .unwrap_or_default();
    longest * 3 + Duration::from_secs(30)
}

/// A connected session driven from the terminal.
pub(super) struct Client {
    driver: Driver<Terminal>,
    cwd: String,
    /// FEAT lines, one feature each.
    features: Vec<String>,
    /// Transfers at once (the site's, or --parallel).
    parallel: usize,
}

impl Client {
    pub(super) fn connect(target: &Target, log: bool) -> anyhow::Result<Client> {
        let mut url = target.url.clone();
        password_for_url(&mut url)?;
        let site = url.site;
        let parallel = site.parallel;
        let terminal = Terminal::new(log, target.keyring_note.clone());
        let config = WorkerConfig {
            config_dir: config_dir(),
        };
        let mut driver = Driver::start(config, terminal).context("starting the engine")?;
        driver.set_patience(patience(&site.timeouts));
        if target.limits != SpeedLimits::default() {
            driver.send(Command::SetSpeedLimits(target.limits));
        }
        match driver.connect(site) {
            Ok(info) => Ok(Client {
                driver,
                cwd: info.cwd,
                features: info.features,
                parallel,
            }),
            Err(error @ DriverError::Closed(_)) => Err(driver.hook().explain(error.to_string())),
            Err(error) => Err(error.into()),
        }
    }

    /// The absolute remote path a URL's path names (the login folder for none).
    pub(super) fn path(&self, url: &FtpUrl) -> String {
        resolve_remote(&self.cwd, url.path.as_deref().unwrap_or(""))
    }

    /// The folder the server logged us into.
    pub(super) fn home(&self) -> &str {
        &self.cwd
    }

    /// Whether FEAT lists `feature` (e.g. `MLST`).
    pub(super) fn has_feature(&self, feature: &str) -> bool {
        self.features.iter().any(|line| {
            line.split_whitespace()
                .next()
                .is_some_and(|word| word.eq_ignore_ascii_case(feature))
        })
    }

    /// Waits this long for the engine before giving up (a `cat` into a slow reader).
    pub(super) fn set_patience(&mut self, patience: Duration) {
        self.driver.set_patience(patience);
    }

    /// Runs an operation; the server's refusal is the error.
    pub(super) fn op(&mut self, op: Operation) -> anyhow::Result<OpOutput> {
        self.try_op(op)?.map_err(|e| anyhow!(e.message))
    }

    /// Runs an operation; only the engine failing is the error, the operation's own result is
    /// handed back.
    pub(super) fn try_op(
        &mut self,
        op: Operation,
    ) -> anyhow::Result<Result<OpOutput, ErrorReport>> {
        Ok(self.driver.run(op)?.result)
    }

    /// Runs a listing of `path` and hands back its entries.
    pub(super) fn entries(
        &mut self,
        path: &str,
    ) -> anyhow::Result<Result<Vec<Entry>, ErrorReport>> {
        let ran = self.driver.run(Operation::List(Some(path.to_string())))?;
        Ok(ran.result.map(|_| ran.listing))
    }

    /// Whether `path` is a folder (the server lets us change into it); the working folder is
    /// the login folder again afterwards.
    pub(super) fn is_folder(&mut self, path: &str) -> anyhow::Result<bool> {
        if self.try_op(Operation::Cwd(path.to_string()))?.is_err() {
            return Ok(false);
        }
        let home = self.cwd.clone();
        self.op(Operation::Cwd(home))?;
        Ok(true)
    }

    /// A fresh id for a transfer.
    pub(super) fn next_id(&self) -> u64 {
        self.driver.next_id()
    }

    /// Opens transfer connections ahead, all at once, for `transfers` files about to be
    /// queued: as many as run at once, less the browsing connection handed over to them.
    pub(super) fn warm_up(&self, transfers: usize) {
        let connections = transfers.min(self.parallel).saturating_sub(1);
        if connections > 0 {
            self.driver.send(Command::WarmUp {
                session: self.driver.session(),
                connections,
            });
        }
    }

    /// The browsing connection carries the next transfer: no second login. An operation run
    /// after it logs in again.
    pub(super) fn hand_over(&self) {
        self.driver.send(Command::HandOver {
            session: self.driver.session(),
        });
    }

    /// With `on` and a terminal, the transfers show live lines and a total (`--progress`).
    pub(super) fn show_progress(&mut self, on: bool) {
        if on {
            self.driver.hook_mut().progress = Progress::on_terminal();
        }
    }

    /// Queues `requests` (each a transfer of its own, run in parallel as the site allows) and
    /// waits until the queue is idle.
    pub(super) fn queue(&mut self, requests: Vec<TransferRequest>) -> anyhow::Result<Transfers> {
        let transfers = self.driver.transfer(requests);
        if let Some(progress) = &mut self.driver.hook_mut().progress {
            progress.finish();
        }
        Ok(transfers?)
    }

    /// `message` as the error line, with what the terminal knows about why (a refused
    /// certificate, a missing password).
    pub(super) fn explain(&self, message: String) -> anyhow::Error {
        self.driver.hook().explain(message)
    }

    pub(super) fn list(mut self, path: Option<String>) -> anyhow::Result<()> {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut written = Ok(());
        let result = self.driver.run_with(Operation::List(path), |entries| {
            for entry in &entries {
                if written.is_ok() {
                    written = writeln!(out, "{}", format_entry(entry));
                }
            }
        })?;
        written?;
        out.flush()?;
        result.map(|_| ()).map_err(|e| anyhow!(e.message))
    }

    pub(super) fn get(
        self,
        url: &FtpUrl,
        local: Option<PathBuf>,
        recursive: bool,
        ascii: bool,
    ) -> anyhow::Result<()> {
        let remote = resolve_remote(&self.cwd, url.path.as_deref().unwrap_or(""));
        // A folder to download into leaves the local name to the engine, which checks the
        // server's name; a path the user typed is used as it is.
        let name = remote_basename(&remote).to_string();
        let local = match local {
            Some(local) if recursive || !local.is_dir() => LocalTarget::Path(local),
            Some(folder) => LocalTarget::Into { folder, name },
            None if recursive && unsafe_reason(&name).is_some() => {
                bail!("name a local folder to download {remote} into")
            }
            None => LocalTarget::Into {
                folder: PathBuf::new(),
                name,
            },
        };
        if !recursive && (url.path.is_none() || url.trailing_slash) {
            bail!("the URL names a folder, not a file: use -r to download a folder");
        }
        self.transfer(Direction::Download, local, remote, recursive, ascii)
    }

    pub(super) fn put(
        mut self,
        url: &FtpUrl,
        local: &Path,
        recursive: bool,
        ascii: bool,
    ) -> anyhow::Result<()> {
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
                || self
                    .driver
                    .run(Operation::Cwd(target.clone()))?
                    .result
                    .is_ok();
            if names_folder {
                join_remote(&target, name)
            } else {
                target
            }
        };
        self.transfer(
            Direction::Upload,
            LocalTarget::Path(local.to_path_buf()),
            remote,
            recursive,
            ascii,
        )
    }

    fn transfer(
        mut self,
        direction: Direction,
        local: LocalTarget,
        remote: String,
        recursive: bool,
        ascii: bool,
    ) -> anyhow::Result<()> {
        if recursive {
            // A folder's files: as many connections as run at once, opened while the first
            // one reads the folder.
            self.warm_up(usize::MAX);
        }
        self.hand_over();
        let request = TransferRequest {
            id: TransferId(self.driver.next_id()),
            direction,
            local,
            remote,
            recursive,
            ascii,
            size: None,
            on_exists: None,
        };
        let transfers = self.queue(vec![request])?;
        let files = transfers.queued.iter().filter(|q| !q.is_dir).count();
        let mut failures: Vec<String> = transfers
            .failed
            .iter()
            .map(|(id, error)| {
                let what = match transfers.queued(*id) {
                    Some(q) if q.direction == Direction::Download => {
                        format!("download of {}", q.remote)
                    }
                    Some(q) => format!("upload of {}", q.local.display()),
                    None => String::new(),
                };
                format!("{what} failed: {}", hint(error))
            })
            .collect();
        let terminal = self.driver.hook();
        match failures.len() {
            0 => Ok(()),
            1 => Err(terminal.explain(failures.remove(0))),
            n => Err(terminal.explain(format!(
                "{n} of {} transfers failed; the first: {}",
                files.max(n),
                failures.remove(0)
            ))),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.driver.send(Command::Disconnect {
            session: self.driver.session(),
        });
    }
}
