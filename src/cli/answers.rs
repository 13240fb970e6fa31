//! The command line's side of a session: log lines on stderr, prompts answered on the terminal
//! (or refused when there is none), the password looked up once for both ways it is needed, and
//! the hints that turn a refusal or a failure into a way out.

use std::io::IsTerminal;

use anyhow::{Context, anyhow};

use super::progress::Progress;
use super::terminal::{ask_certificate, ask_exists};
use crate::api::*;
use crate::common::url::FtpUrl;
use crate::engine::driver::Hook;
use crate::sites::KeyringError;

/// The password for `user@host`: `$FERRY_PASSWORD`, else asked on the terminal, else none.
/// `note` says why a saved site's password did not come from the keyring.
fn lookup_password(
    user: &str,
    host: &str,
    note: Option<&KeyringError>,
) -> std::io::Result<Option<Secret>> {
    if let Ok(password) = std::env::var("FERRY_PASSWORD") {
        return Ok(Some(Secret::new(password)));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    if let Some(note @ KeyringError::Unavailable(_)) = note {
        eprintln!("ferry: {note}; asking for the password");
    }
    rpassword::prompt_password(format!("Password for {user}@{host}: "))
        .map(|p| Some(Secret::new(p)))
}

/// A URL with a user and no password: the password looked up before connecting (none: empty).
pub(super) fn password_for_url(url: &mut FtpUrl) -> anyhow::Result<()> {
    let site = &mut url.site;
    if !url.has_password && !site.user.is_empty() {
        site.password = lookup_password(&site.user, &site.host, None)
            .context("reading the password")?
            .unwrap_or_default();
    }
    Ok(())
}

/// The terminal as the driver's hook, and what it refused, for the final message.
pub(super) struct Terminal {
    /// Print the session log on stderr.
    pub(super) log: bool,
    /// Why a saved site's password did not come from the keyring.
    pub(super) keyring_note: Option<KeyringError>,
    /// The certificate refused without a terminal.
    refused_cert: Option<CertificateInfo>,
    /// A password was asked for and none could be given.
    no_password: bool,
    /// The live transfer lines (`--progress` on a terminal).
    pub(super) progress: Option<Progress>,
}

impl Terminal {
    pub(super) fn new(log: bool, keyring_note: Option<KeyringError>) -> Terminal {
        Terminal {
            log,
            keyring_note,
            refused_cert: None,
            no_password: false,
            progress: None,
        }
    }

    /// Adds the way out to a certificate refusal or a missing password.
    pub(super) fn explain(&self, message: String) -> anyhow::Error {
        if let Some(cert) = &self.refused_cert {
            if let Some(warning) = cert.change_warning() {
                return anyhow!("{message}. {warning}");
            }
            return anyhow!(
                "{message}. If you trust this server, run again with --trust {}",
                cert.fingerprint
            );
        }
        if self.no_password {
            let why = match &self.keyring_note {
                Some(note) => format!("{note}; "),
                None => String::new(),
            };
            return anyhow!("{message} ({why}set $FERRY_PASSWORD or run on a terminal)");
        }
        anyhow!(message)
    }

    fn certificate(&mut self, cert: &CertificateInfo) -> CertAnswer {
        let answer = if std::io::stdin().is_terminal() {
            ask_certificate(cert)
        } else {
            CertAnswer::Reject
        };
        if answer == CertAnswer::Reject {
            self.refused_cert = Some(cert.clone());
        }
        answer
    }
}

/// A transfer's failure, with the options that avoid it when there are any.
pub(super) fn hint(error: &ErrorReport) -> String {
    if error.kind == ErrorKind::Exists {
        format!(
            "{} (choose with --on-exists overwrite|newer|size|resume|rename|skip)",
            error.message
        )
    } else {
        error.message.clone()
    }
}

impl Hook for Terminal {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Log(line) if self.log => {
                let print = || eprintln!("{}\t{}", line.kind.label(), line.text);
                match &self.progress {
                    Some(progress) => progress.suspend(print),
                    None => print(),
                }
            }
            Event::Transfer { id, state, .. } => {
                if let Some(progress) = &mut self.progress {
                    progress.transfer(*id, state);
                }
            }
            _ => {}
        }
    }

    fn wants_log(&self) -> bool {
        self.log
    }

    fn answer(&mut self, prompt: &Prompt) -> Option<Answer> {
        match self.progress.take() {
            Some(progress) => {
                let answer = progress.suspend(|| self.ask(prompt));
                self.progress = Some(progress);
                answer
            }
            None => self.ask(prompt),
        }
    }
}

impl Terminal {
    fn ask(&mut self, prompt: &Prompt) -> Option<Answer> {
        Some(match prompt {
            Prompt::Certificate(cert) => Answer::Certificate(self.certificate(cert)),
            Prompt::FileExists {
                source,
                destination,
                ..
            } => {
                let (action, for_all) = if std::io::stdin().is_terminal() {
                    ask_exists(source, destination)
                } else {
                    (ExistsAction::Cancel, false)
                };
                Answer::FileExists { action, for_all }
            }
            Prompt::Password { host, user } => {
                let password =
                    lookup_password(user, host, self.keyring_note.as_ref()).unwrap_or(None);
                self.no_password = password.is_none();
                Answer::Password(password)
            }
        })
    }
}
