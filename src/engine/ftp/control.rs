//! One control connection: connect, TLS (explicit or implicit), login, FEAT, `OPTS UTF8 ON`,
//! binary type, and every later command, each bounded by a timeout. suppaftp carries the bytes;
//! this module decides what a reply means. A connection that timed out, was cancelled or lost
//! its footing is marked broken and never used again, so a stale reply can never be read as the
//! answer to a new command.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use suppaftp::FtpError;
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream};
use suppaftp::types::Response;
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::api::{CertificateInfo, Protocol, ServerInfo, Site, Timeouts};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::data::DataPolicy;
use crate::engine::ftp::reply::{Features, Reply, command_verb, parse_pwd};
use crate::engine::ftp::tls::SiteTrust;
use crate::engine::ftp::wirelog::LogCtx;

/// The TLS context the data connections of a secure session reuse.
#[derive(Clone)]
pub struct DataTls {
    pub config: Arc<ClientConfig>,
    pub server_name: ServerName<'static>,
}

/// An open, logged-in control connection.
pub struct Control {
    ftp: AsyncRustlsFtpStream,
    pub peer: SocketAddr,
    pub local: SocketAddr,
    pub tls: Option<DataTls>,
    pub features: Features,
    pub timeouts: Timeouts,
    pub log: LogCtx,
    pub cwd: String,
    pub welcome: String,
    /// EPSV was refused once: go straight to PASV from now on.
    pub epsv_refused: bool,
    /// `LIST -a` was refused once: use plain `LIST`.
    pub list_a_refused: bool,
    /// How data connections are made.
    pub data: DataPolicy,
    /// A reply already read off the wire that the next `read_reply` returns (a transfer's
    /// final reply that came before its data connection was accepted).
    kept: Option<Reply>,
    broken: bool,
}

/// The host name as TLS and DNS want it: IPv6 literals without their brackets.
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

fn server_name(host: &str) -> EngineResult<ServerName<'static>> {
    ServerName::try_from(bare_host(host).to_string())
        .map_err(|e| EngineError::Tls(format!("{host} is not a valid TLS server name: {e}")))
}

/// A TLS error, or the untrusted certificate that caused it.
fn tls_failure(detail: String, rejected: &Mutex<Option<CertificateInfo>>) -> EngineError {
    match rejected.lock().unwrap_or_else(|e| e.into_inner()).take() {
        Some(info) => EngineError::Untrusted(Box::new(info)),
        None => EngineError::Tls(detail),
    }
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

async fn resolve(site: &Site) -> EngineResult<Vec<SocketAddr>> {
    let host = bare_host(&site.host).to_string();
    let lookup = tokio::net::lookup_host((host.clone(), site.port));
    let addrs: Vec<SocketAddr> = match timeout(site.timeouts.connect, lookup).await {
        Err(_) => {
            return Err(EngineError::timeout(
                "resolving the host name",
                site.timeouts.connect,
            ));
        }
        Ok(Err(e)) => {
            return Err(EngineError::Resolve {
                host,
                detail: e.to_string(),
            });
        }
        Ok(Ok(addrs)) => addrs.collect(),
    };
    if addrs.is_empty() {
        return Err(EngineError::Resolve {
            host,
            detail: "no address found".to_string(),
        });
    }
    Ok(addrs)
}

/// Connects TCP to the first address that answers.
async fn connect_tcp(site: &Site, log: &LogCtx) -> EngineResult<TcpStream> {
    let mut last = None;
    for addr in resolve(site).await? {
        log.status(format!("Connecting to {addr}..."));
        match timeout(site.timeouts.connect, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(source)) => {
                last = Some(EngineError::Connect {
                    addr: addr.to_string(),
                    source,
                })
            }
            Err(_) => {
                last = Some(EngineError::timeout(
                    format!("connecting to {addr}"),
                    site.timeouts.connect,
                ))
            }
        }
    }
    Err(last.unwrap_or_else(|| EngineError::Resolve {
        host: site.host.clone(),
        detail: "no address found".to_string(),
    }))
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

/// A plain TCP connection to the site and its welcome message.
async fn greet(site: &Site, log: &LogCtx) -> EngineResult<AsyncRustlsFtpStream> {
    let tcp = connect_tcp(site, log).await?;
    log.status("Connection established, waiting for welcome message...");
    bounded(
        site.timeouts.reply,
        "waiting for the welcome message",
        AsyncRustlsFtpStream::connect_with_stream(tcp),
    )
    .await?
    .map_err(|r| greeting_refused(&r))
}

impl Control {
    /// Connects, secures, logs in and prepares a session as `site` says.
    pub async fn connect(
        site: &Site,
        trust: &SiteTrust,
        data: DataPolicy,
        log: &LogCtx,
    ) -> EngineResult<Control> {
        let t = site.timeouts;
        let tls = if site.protocol.is_tls() {
            let (config, rejected) = trust.client_config();
            Some((config, rejected, server_name(&site.host)?))
        } else {
            None
        };
        let mut tls_refused = false;
        let ftp = match (&tls, site.protocol) {
            (Some((config, rejected, _)), Protocol::ImplicitTls) => {
                let tcp = connect_tcp(site, log).await?;
                let addr = tcp
                    .peer_addr()
                    .map_err(|e| EngineError::Lost(e.to_string()))?;
                // suppaftp opens its own socket for implicit TLS; the probe above chose the
                // address and proved it reachable within the connect timeout.
                drop(tcp);
                log.status("Initializing TLS...");
                let connector = connector(config);
                let step = "the TLS handshake and welcome message";
                let fut = AsyncRustlsFtpStream::connect_secure_implicit(
                    addr,
                    connector,
                    bare_host(&site.host),
                );
                match timeout(t.tls_handshake + t.reply, fut).await {
                    Err(_) => return Err(EngineError::timeout(step, t.tls_handshake + t.reply)),
                    Ok(Err(FtpError::SecureError(detail))) => {
                        return Err(tls_failure(detail, rejected));
                    }
                    Ok(Err(FtpError::UnexpectedResponse(r))) => {
                        return Err(greeting_refused(&r));
                    }
                    Ok(Err(other)) => return Err(lost(other)),
                    Ok(Ok(ftp)) => {
                        log.status("TLS connection established.");
                        ftp
                    }
                }
            }
            _ => {
                let ftp = greet(site, log).await?;
                match &tls {
                    Some((config, rejected, _)) => {
                        log.status("Initializing TLS...");
                        let fut = ftp.into_secure(connector(config), bare_host(&site.host));
                        match timeout(t.tls_handshake + t.reply * 3, fut).await {
                            Err(_) => {
                                return Err(EngineError::timeout(
                                    "TLS negotiation",
                                    t.tls_handshake,
                                ));
                            }
                            Ok(Err(FtpError::SecureError(detail))) => {
                                return Err(tls_failure(detail, rejected));
                            }
                            Ok(Err(FtpError::UnexpectedResponse(r)))
                                if site.protocol == Protocol::ExplicitTlsIfAvailable
                                    && Reply::from_response(&r).code >= 500 =>
                            {
                                let reply = Reply::from_response(&r);
                                log.error(format!(
                                    "The server does not support FTP over TLS ({} {}): continuing WITHOUT encryption, so the password and the files cross the network in the clear",
                                    reply.code,
                                    reply.message()
                                ));
                                tls_refused = true;
                                greet(site, log).await?
                            }
                            Ok(Err(FtpError::UnexpectedResponse(r))) => {
                                let reply = Reply::from_response(&r);
                                return Err(EngineError::Tls(format!(
                                    "the server does not support FTP over TLS ({} {})",
                                    reply.code,
                                    reply.message()
                                )));
                            }
                            Ok(Err(other)) => return Err(lost(other)),
                            Ok(Ok(ftp)) => {
                                log.status("TLS connection established.");
                                ftp
                            }
                        }
                    }
                    None => ftp,
                }
            }
        };
        let (peer, local) = {
            let socket = ftp.get_ref().await;
            let peer = socket.peer_addr();
            let local = socket.local_addr();
            match (peer, local) {
                (Ok(p), Ok(l)) => (p, l),
                _ => return Err(EngineError::Lost("the connection closed".to_string())),
            }
        };
        let tls = if tls_refused { None } else { tls };
        let welcome = ftp.get_welcome_msg().unwrap_or("").to_string();
        let mut control = Control {
            ftp,
            peer,
            local,
            tls: tls.map(|(config, _, server_name)| DataTls {
                config,
                server_name,
            }),
            features: Features::default(),
            timeouts: t,
            log: log.clone(),
            cwd: "/".to_string(),
            welcome,
            epsv_refused: false,
            list_a_refused: false,
            data,
            kept: None,
            broken: false,
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
        Ok(())
    }

    /// FEAT, UTF-8, binary type, and the starting directory.
    async fn prepare(&mut self) -> EngineResult<()> {
        let feat = self.cmd_final("FEAT").await?;
        if feat.code == 211 {
            self.features = Features::parse(&feat);
        }
        if self.features.utf8 {
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
        let step = format!("waiting for the reply to {}", command_verb(line));
        let limit = self.timeouts.reply;
        let result = bounded(limit, &step, self.ftp.custom_command(line, &[]))
            .await
            .map(|r| match r {
                Ok(response) | Err(response) => Reply::from_response(&response),
            });
        self.track(result)
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
                Ok(response) | Err(response) => Reply::from_response(&response),
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
            Ok(response) | Err(FtpError::UnexpectedResponse(response)) => {
                Ok(Reply::from_response(&response))
            }
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

    /// Says goodbye politely; errors do not matter any more.
    pub async fn quit(mut self) {
        if !self.broken {
            let _ = timeout(Duration::from_secs(2), self.ftp.custom_command("QUIT", &[])).await;
        }
    }
}

fn connector(config: &Arc<ClientConfig>) -> AsyncRustlsConnector {
    AsyncRustlsConnector::from(tokio_rustls::TlsConnector::from(Arc::clone(config)))
}

fn greeting_refused(response: &Response) -> EngineError {
    let reply = Reply::from_response(response);
    EngineError::Refused {
        command: "the connection".to_string(),
        code: reply.code,
        text: reply.message(),
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
}
