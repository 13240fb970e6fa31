//! One control connection: reaching and securing the server ([`connect`]), login, FEAT,
//! `OPTS UTF8 ON`, binary type, and every later command (ABOR included), each bounded by a
//! timeout. suppaftp carries the bytes; this module decides what a reply means. A connection
//! that timed out, was cancelled or lost its footing is marked broken and never used again, so
//! a stale reply can never be read as the answer to a new command. Data connections are a layer
//! above this one (`ftp::data`): nothing here knows of them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use suppaftp::FtpError;
use suppaftp::tokio::AsyncRustlsFtpStream;
use suppaftp::types::Response;
use tokio::time::timeout;

use crate::api::{Protocol, ServerInfo, Site, Timeouts};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::charset::{Codec, Unencodable, WireCodec};
use crate::engine::ftp::reply::{Features, Reply, command_verb, parse_pwd};
use crate::engine::ftp::tls::{SiteTrust, TlsSession};
use crate::engine::ftp::wirelog::LogCtx;

mod connect;

/// An open, logged-in control connection.
pub struct Control {
    ftp: AsyncRustlsFtpStream,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    /// The TLS session when the connection is secured (data connections resume it).
    pub tls: Option<TlsSession>,
    pub features: Features,
    pub timeouts: Timeouts,
    pub log: LogCtx,
    /// The session's character set, shared by all its connections.
    pub codec: Arc<Codec>,
    pub cwd: String,
    pub welcome: String,
    /// A reply already read off the wire that the next `read_reply` returns (a transfer's
    /// final reply that came before its data connection was accepted).
    kept: Option<Reply>,
    broken: bool,
    /// Logged in: replies from now on carry names (see [`Codec::decode`]).
    logged_in: bool,
}

/// Maps a suppaftp failure that is not a reply.
fn lost(error: FtpError) -> EngineError {
    match error {
        FtpError::ConnectionError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            EngineError::Lost("the server closed the connection".to_string())
        }
        FtpError::ConnectionError(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            EngineError::Protocol(io.to_string())
        }
        FtpError::ConnectionError(io) => EngineError::Lost(io.to_string()),
        FtpError::BadResponse => {
            EngineError::Protocol("the server sent a malformed reply".to_string())
        }
        FtpError::SecureError(detail) => EngineError::Tls(detail),
        other => EngineError::Protocol(other.to_string()),
    }
}

/// Refuses text that would split into several command lines.
pub fn check_command_text(text: &str) -> EngineResult<()> {
    if text.contains(['\r', '\n', '\0']) {
        return Err(EngineError::Invalid(
            "a command or path cannot contain line breaks or NUL characters".to_string(),
        ));
    }
    Ok(())
}

/// Why `line` cannot be sent: its argument and the character `error` names, except for the
/// logon commands, whose argument (a password) never reaches a message.
fn unencodable(line: &str, error: &Unencodable) -> String {
    let verb = command_verb(line);
    match line.split_once(' ') {
        Some((_, argument)) if !matches!(verb.as_str(), "USER" | "PASS" | "ACCT") => {
            format!("cannot send {verb} {argument:?} to the server: {error}")
        }
        _ => format!(
            "cannot send {verb} to the server: its character set {} cannot carry it",
            error.charset
        ),
    }
}

/// Runs `fut` under `limit`; a timeout or a transport failure is an error, a reply is a reply.
async fn bounded<T>(
    limit: Duration,
    step: &str,
    fut: impl std::future::Future<Output = Result<T, FtpError>>,
) -> EngineResult<Result<T, Response>> {
    match timeout(limit, fut).await {
        Err(_) => Err(EngineError::timeout(step, limit)),
        Ok(Ok(value)) => Ok(Ok(value)),
        Ok(Err(FtpError::UnexpectedResponse(response))) => Ok(Err(response)),
        Ok(Err(other)) => Err(lost(other)),
    }
}

impl Control {
    /// Connects, secures, logs in and prepares a session as `site` says.
    pub async fn connect(
        site: &Site,
        trust: &SiteTrust,
        log: &LogCtx,
        codec: &Arc<Codec>,
    ) -> EngineResult<Control> {
        codec.check()?;
        let (mut ftp, tls) = connect::reach(site, trust, log).await?;
        ftp.set_encoding(WireCodec(codec.clone())).await;
        let (peer, local) = {
            let socket = ftp.get_ref().await;
            match (socket.peer_addr(), socket.local_addr()) {
                (Ok(p), Ok(l)) => (p, l),
                _ => return Err(EngineError::Lost("the connection closed".to_string())),
            }
        };
        let welcome = ftp.get_welcome_msg().unwrap_or("").to_string();
        let mut control = Control {
            ftp,
            peer,
            local,
            tls,
            features: Features::default(),
            timeouts: site.timeouts,
            log: log.clone(),
            codec: codec.clone(),
            cwd: "/".to_string(),
            welcome,
            kept: None,
            broken: false,
            logged_in: false,
        };
        if site.tls.insecure && control.tls.is_some() {
            log.error("Certificate verification is disabled (--insecure): anyone on the network path could read or change this session.");
        }
        if site.protocol == Protocol::ImplicitTls {
            control.expect_ok("PBSZ 0").await?;
            control.expect_ok("PROT P").await?;
        }
        control.login(site).await?;
        control.prepare().await?;
        Ok(control)
    }

    async fn login(&mut self, site: &Site) -> EngineResult<()> {
        let anonymous = site.user.is_empty();
        let user = if anonymous {
            "anonymous"
        } else {
            site.user.as_str()
        };
        let password = if anonymous && site.password.is_empty() {
            "anonymous@"
        } else {
            site.password.expose()
        };
        check_command_text(user)?;
        check_command_text(password)?;
        let reply = self.cmd_final(&format!("USER {user}")).await?;
        let reply = match reply.code {
            230 => reply,
            331 | 332 => self.cmd_final(&format!("PASS {password}")).await?,
            _ => {
                return Err(EngineError::Login(format!(
                    "{} {}",
                    reply.code,
                    reply.message()
                )));
            }
        };
        if !matches!(reply.code, 230 | 202) {
            return Err(EngineError::Login(format!(
                "{} {}",
                reply.code,
                reply.message()
            )));
        }
        self.log.status("Logged in");
        self.logged_in = true;
        Ok(())
    }

    /// FEAT, UTF-8, binary type, and the starting directory.
    async fn prepare(&mut self) -> EngineResult<()> {
        let feat = self.cmd_final("FEAT").await?;
        if feat.code == 211 {
            self.features = Features::parse(&feat);
        }
        if self.features.utf8 && self.codec.wants_utf8() {
            // 200 and 202 ("always on") both mean UTF-8; anything else changes nothing.
            self.cmd_final("OPTS UTF8 ON").await?;
        }
        self.set_type(false).await?;
        self.cwd = self.pwd().await?;
        Ok(())
    }

    pub fn info(&self) -> ServerInfo {
        ServerInfo {
            welcome: self.welcome.clone(),
            features: self.features.lines.clone(),
            tls: self.tls.is_some(),
            cwd: self.cwd.clone(),
        }
    }

    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Marks the connection unusable (after a cancel, a timeout, a lost data connection).
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }

    fn check_usable(&self) -> EngineResult<()> {
        if self.broken {
            Err(EngineError::Lost(
                "the connection is out of step and must be reopened".to_string(),
            ))
        } else {
            Ok(())
        }
    }

    /// Records whether `result` broke the connection, then passes it on.
    fn track<T>(&mut self, result: EngineResult<T>) -> EngineResult<T> {
        if let Err(error) = &result
            && error.breaks_connection()
        {
            self.broken = true;
        }
        result
    }

    /// Sends one command line and returns the first reply, whatever its code (a preliminary
    /// `1xx` included: data commands want it).
    pub async fn cmd(&mut self, line: &str) -> EngineResult<Reply> {
        self.check_usable()?;
        // A new command makes any kept reply history.
        self.kept = None;
        check_command_text(line)?;
        self.check_encodable(line)?;
        let step = format!("waiting for the reply to {}", command_verb(line));
        let limit = self.timeouts.reply;
        let result = bounded(limit, &step, self.ftp.custom_command(line, &[]))
            .await
            .map(|r| match r {
                Ok(response) | Err(response) => self.reply(&response),
            });
        self.track(result)
    }

    /// A reply, decoded in the session's character set.
    fn reply(&self, response: &Response) -> Reply {
        Reply::from_text(&if self.logged_in {
            self.codec.decode(&response.body)
        } else {
            self.codec.decode_text(&response.body)
        })
    }

    /// Refuses, before anything is sent, a command line the session's character set cannot
    /// carry; the error names the argument (never a password) and the charset.
    fn check_encodable(&self, line: &str) -> EngineResult<()> {
        match self.codec.encode(line) {
            Ok(_) => Ok(()),
            Err(error) => Err(EngineError::Invalid(unencodable(line, &error))),
        }
    }

    /// Reads the next reply without sending anything (the end of a transfer).
    pub async fn read_reply(&mut self, what: &str) -> EngineResult<Reply> {
        self.check_usable()?;
        if let Some(reply) = self.kept.take() {
            return Ok(reply);
        }
        let limit = self.timeouts.reply;
        let result = bounded(limit, what, self.ftp.read_response_in(&[]))
            .await
            .map(|r| match r {
                Ok(response) | Err(response) => self.reply(&response),
            });
        self.track(result)
    }

    /// Keeps a reply that arrived early for the next [`Control::read_reply`].
    pub fn keep_reply(&mut self, reply: Reply) {
        self.kept = Some(reply);
    }

    /// Like [`Control::read_reply`] but without a timeout of its own, for use inside a
    /// `select!` that bounds it (an active-mode accept racing the server's refusal).
    pub async fn next_reply_unbounded(&mut self) -> EngineResult<Reply> {
        match self.ftp.read_response_in(&[]).await {
            Ok(response) | Err(FtpError::UnexpectedResponse(response)) => Ok(self.reply(&response)),
            Err(other) => {
                self.broken = true;
                Err(lost(other))
            }
        }
    }

    /// Sends a command and reads past preliminary replies to the final one (a bounded number).
    pub async fn cmd_final(&mut self, line: &str) -> EngineResult<Reply> {
        let mut reply = self.cmd(line).await?;
        let mut preliminaries = 0;
        while reply.is_preliminary() {
            preliminaries += 1;
            if preliminaries > 8 {
                self.broken = true;
                return Err(EngineError::Protocol(format!(
                    "the server sent too many preliminary replies to {}",
                    command_verb(line)
                )));
            }
            reply = self.read_reply("waiting for the final reply").await?;
        }
        Ok(reply)
    }

    /// A command that must succeed with a 2xx reply.
    pub async fn expect_ok(&mut self, line: &str) -> EngineResult<Reply> {
        let reply = self.cmd_final(line).await?;
        if reply.is_success() {
            Ok(reply)
        } else {
            Err(reply.refused(line))
        }
    }

    pub async fn set_type(&mut self, ascii: bool) -> EngineResult<()> {
        self.expect_ok(if ascii { "TYPE A" } else { "TYPE I" })
            .await?;
        Ok(())
    }

    pub async fn pwd(&mut self) -> EngineResult<String> {
        let reply = self.expect_ok("PWD").await?;
        parse_pwd(&reply).ok_or_else(|| {
            EngineError::Protocol(format!(
                "cannot read the directory in the PWD reply {:?}",
                reply.text
            ))
        })
    }

    /// Changes directory and returns the new working directory.
    pub async fn cwd(&mut self, path: &str) -> EngineResult<String> {
        self.expect_ok(&format!("CWD {path}")).await?;
        self.cwd = self.pwd().await?;
        Ok(self.cwd.clone())
    }

    pub async fn cdup(&mut self) -> EngineResult<String> {
        self.expect_ok("CDUP").await?;
        self.cwd = self.pwd().await?;
        Ok(self.cwd.clone())
    }

    /// Stops what runs on the connection: sends ABOR (briefly bounded) and marks the connection
    /// broken so it is reopened rather than trusted to be in step.
    pub async fn abort(&mut self) {
        if !self.is_broken() {
            let limit = self.timeouts.reply.min(Duration::from_secs(3));
            let _ = timeout(limit, self.cmd("ABOR")).await;
        }
        self.mark_broken();
    }

    /// Says goodbye politely; errors do not matter any more.
    pub async fn quit(mut self) {
        if !self.broken {
            let _ = timeout(Duration::from_secs(2), self.ftp.custom_command("QUIT", &[])).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_text_cannot_smuggle_a_second_command() {
        assert!(check_command_text("CWD a\r\nDELE b").is_err());
        assert!(check_command_text("CWD a b").is_ok());
    }

    #[test]
    fn a_command_the_charset_cannot_carry_is_named_but_never_a_password() {
        let latin = Codec::new(&"latin1".parse().unwrap());
        let error = latin.encode("PASS 日本").unwrap_err();
        let message = unencodable("PASS 日本", &error);
        assert!(
            !message.contains('日') && message.contains("windows-1252"),
            "{message}"
        );
        let error = latin.encode("RNTO /日本.txt").unwrap_err();
        let message = unencodable("RNTO /日本.txt", &error);
        assert!(message.contains("RNTO \"/日本.txt\""), "{message}");
    }
}
