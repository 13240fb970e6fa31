//! Data connections, owned by Ferry rather than suppaftp: passive (EPSV, then PASV with the
//! control connection's peer address in place of whatever `227` announced), active (our own
//! listener announced with PORT or EPRT, accepting only the server's address), REST, the
//! transfer command, the TLS handshake that resumes the control connection's session, and the
//! final reply. Every step is bounded by the session's timeouts.

mod address;
mod stream;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

pub use address::{eprt_argument, parse_epsv, parse_pasv, port_argument};
pub use stream::DataStream;

use crate::api::{ActiveOptions, DataMode, PortRange, Site};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::reply::{Reply, command_verb};

fn data_error(way: Way, detail: impl Into<String>) -> EngineError {
    EngineError::Data {
        mode: way.label(),
        detail: detail.into(),
    }
}

/// One way of making a data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Passive,
    Active,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Passive => "passive",
            Way::Active => "active",
        }
    }

    fn other(self) -> Way {
        match self {
            Way::Passive => Way::Active,
            Way::Active => Way::Passive,
        }
    }
}

/// How a session makes data connections: the site's settings, and what auto mode learned
/// (shared by the session's browsing and transfer connections).
#[derive(Debug, Clone)]
pub struct DataPolicy {
    pub mode: DataMode,
    pub use_epsv: bool,
    pub trust_pasv_address: bool,
    pub active: ActiveOptions,
    pub learned: Arc<Mutex<Option<Way>>>,
}

impl DataPolicy {
    pub fn new(site: &Site, learned: Arc<Mutex<Option<Way>>>) -> Self {
        DataPolicy {
            mode: site.mode,
            use_epsv: site.use_epsv,
            trust_pasv_address: site.trust_pasv_address,
            active: site.active,
            learned,
        }
    }

    fn learned(&self) -> Option<Way> {
        *self.learned.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Remembers `way`; true when that changed what the session uses.
    fn learn(&self, way: Way) -> bool {
        let mut learned = self.learned.lock().unwrap_or_else(|e| e.into_inner());
        let changed = *learned != Some(way);
        *learned = Some(way);
        changed
    }
}

/// How a data connection came to be, before the transfer command is sent.
enum Pending {
    Connected(TcpStream),
    /// Our listener, and the address announced to the server.
    Listening(TcpListener, SocketAddr),
}

/// Binds a listener for active mode on `ip`, on a port from `range` when one is set.
fn bind_active(ip: IpAddr, range: Option<PortRange>) -> io::Result<TcpListener> {
    let bind = |port: u16| -> io::Result<TcpListener> {
        let listener = std::net::TcpListener::bind(SocketAddr::new(ip, port))?;
        listener.set_nonblocking(true)?;
        TcpListener::from_std(listener)
    };
    let Some(range) = range else {
        return bind(0);
    };
    let span = u32::from(range.last - range.first) + 1;
    // Start somewhere in the range so parallel connections don't all race for its first port.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        % span;
    for i in 0..span {
        let port = range.first + ((start + i) % span) as u16;
        if let Ok(listener) = bind(port) {
            return Ok(listener);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!(
            "no free port in the active port range {}-{}",
            range.first, range.last
        ),
    ))
}

impl Control {
    /// Opens a data connection for `command` (RETR, STOR, APPE, MLSD, LIST...) the way the
    /// site's mode says (auto: passive, then active when passive cannot connect, remembering
    /// what worked), sends `REST offset` first when resuming, checks the preliminary reply, and
    /// secures the connection when the session is secure. The caller moves the bytes, then
    /// calls [`Control::finish_transfer`].
    pub async fn open_data(
        &mut self,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        match self.data.mode {
            DataMode::Passive => self.open_data_way(Way::Passive, command, rest).await,
            DataMode::Active => self.open_data_way(Way::Active, command, rest).await,
            DataMode::Auto => self.open_data_auto(command, rest).await,
        }
    }

    async fn open_data_auto(
        &mut self,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        let learned = self.data.learned();
        let first = learned.unwrap_or(Way::Passive);
        let first_failure = match self.open_data_way(first, command, rest).await {
            Ok(stream) => {
                if learned.is_none() {
                    self.learned(first);
                }
                return Ok(stream);
            }
            // A connection out of step cannot try again; the next attempt reconnects.
            Err(EngineError::Data { detail, .. }) if !self.is_broken() => detail,
            Err(other) => return Err(other),
        };
        let second = first.other();
        self.log.status(format!(
            "The {} data connection failed: {first_failure} Trying {} mode.",
            first.label(),
            second.label()
        ));
        match self.open_data_way(second, command, rest).await {
            Ok(stream) => {
                self.learned(second);
                self.log.status(format!(
                    "{} mode works with this server: using it for the rest of the session.",
                    capitalized(second.label())
                ));
                Ok(stream)
            }
            Err(EngineError::Data { detail, .. }) => {
                let (passive, active) = match first {
                    Way::Passive => (first_failure, detail),
                    Way::Active => (detail, first_failure),
                };
                Err(EngineError::DataBoth { passive, active })
            }
            Err(other) => Err(other),
        }
    }

    /// Auto mode found `way` to work: remembered, and the front end told.
    fn learned(&self, way: Way) {
        if self.data.learn(way) {
            let mode = match way {
                Way::Passive => DataMode::Passive,
                Way::Active => DataMode::Active,
            };
            self.log.sink().send(crate::api::Event::ModeInUse {
                session: self.log.session,
                mode,
            });
        }
    }

    async fn open_data_way(
        &mut self,
        way: Way,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        let pending = match way {
            Way::Active => self.prepare_active().await?,
            Way::Passive => Pending::Connected(self.prepare_passive().await?),
        };
        if let Some(offset) = rest.filter(|o| *o > 0) {
            let reply = self.cmd_final(&format!("REST {offset}")).await?;
            if reply.code != 350 {
                return Err(reply.refused("REST"));
            }
        }
        let reply = self.cmd(command).await?;
        if !reply.is_preliminary() {
            return Err(match (&pending, reply.code) {
                (Pending::Listening(_, announced), 425 | 426) => data_error(
                    way,
                    self.could_not_connect_back(*announced, &reply.message()),
                ),
                (_, 425 | 426) => data_error(
                    way,
                    format!("the server reported {} {}", reply.code, reply.message()),
                ),
                _ => reply.refused(command),
            });
        }
        let tcp = match pending {
            Pending::Connected(tcp) => tcp,
            Pending::Listening(listener, announced) => {
                self.accept_active(listener, announced).await?
            }
        };
        let Some(tls) = self.tls.clone() else {
            return Ok(DataStream::Plain(tcp));
        };
        let connector = tokio_rustls::TlsConnector::from(tls.config);
        let handshake = connector.connect(tls.server_name, tcp);
        match timeout(self.timeouts.tls_handshake, handshake).await {
            Ok(Ok(stream)) => Ok(DataStream::Tls(Box::new(stream))),
            Ok(Err(e)) => {
                self.mark_broken();
                Err(EngineError::Tls(format!(
                    "the TLS handshake on the data connection failed: {e}"
                )))
            }
            Err(_) => {
                self.mark_broken();
                Err(EngineError::timeout(
                    "the TLS handshake on the data connection",
                    self.timeouts.tls_handshake,
                ))
            }
        }
    }

    /// Why the server could not reach our listener, in words.
    fn could_not_connect_back(&self, announced: SocketAddr, what: &str) -> String {
        let tls_note = if self.tls.is_some() {
            "; over FTPS a router's FTP helper cannot read the PORT command to open the way"
        } else {
            ""
        };
        format!(
            "the server could not connect back to {announced} ({what}). This usually means you are behind NAT or a firewall{tls_note}."
        )
    }

    /// EPSV (unless disabled or refused before), else PASV; connects to the announced port at
    /// the control connection's peer address (or, when the site says so, the PASV address).
    async fn prepare_passive(&mut self) -> EngineResult<TcpStream> {
        let peer_ip = self.peer.ip();
        let mut target = None;
        if self.data.use_epsv && !self.epsv_refused {
            let reply = self.cmd_final("EPSV").await?;
            match (reply.code, parse_epsv(&reply.text)) {
                (229, Some(port)) => target = Some(SocketAddr::new(peer_ip, port)),
                (229, None) => {
                    return Err(EngineError::Protocol(format!(
                        "cannot read the port in the EPSV reply {:?}",
                        reply.text
                    )));
                }
                _ => {
                    self.epsv_refused = true;
                    self.log.status("EPSV refused, trying PASV");
                }
            }
        }
        let target = match target {
            Some(target) => target,
            None => self.pasv_target().await?,
        };
        let hint = if self.data.trust_pasv_address {
            "The server may be behind NAT and announce an address only its own network can reach: turn off trusting the PASV address."
        } else {
            "The server's firewall may not open its passive port range."
        };
        match timeout(self.timeouts.data_connect, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(data_error(
                Way::Passive,
                format!("could not connect to {target} ({e}). {hint}"),
            )),
            Err(_) => Err(data_error(
                Way::Passive,
                format!(
                    "port {} on {} was unreachable (no answer within {} s). {hint}",
                    target.port(),
                    target.ip(),
                    self.timeouts.data_connect.as_secs()
                ),
            )),
        }
    }

    async fn pasv_target(&mut self) -> EngineResult<SocketAddr> {
        let peer_ip = self.peer.ip();
        if peer_ip.is_ipv6() {
            return Err(data_error(
                Way::Passive,
                "the server refused EPSV, and PASV cannot work over IPv6.",
            ));
        }
        let reply = self.cmd_final("PASV").await?;
        if reply.code != 227 {
            return Err(data_error(
                Way::Passive,
                format!(
                    "the server refused PASV ({} {}).",
                    reply.code,
                    reply.message()
                ),
            ));
        }
        let announced = parse_pasv(&reply.text).ok_or_else(|| {
            EngineError::Protocol(format!(
                "cannot read the address in the PASV reply {:?}",
                reply.text
            ))
        })?;
        if announced.port() == 0 {
            return Err(EngineError::Protocol(
                "the PASV reply announced port 0".to_string(),
            ));
        }
        if self.data.trust_pasv_address {
            if announced.ip() != peer_ip {
                self.log.status(format!(
                    "Connecting to the address the server announced, {}, as the site says (the server is {peer_ip})",
                    announced.ip()
                ));
            }
            return Ok(announced);
        }
        if announced.ip() != peer_ip {
            self.log.status(format!(
                "Server sent passive reply with address {}, using the server's address {} instead",
                announced.ip(),
                peer_ip
            ));
        }
        Ok(SocketAddr::new(peer_ip, announced.port()))
    }

    /// Listens on the control connection's local address (a port from the site's range) and
    /// announces it, or the site's external address, with PORT (IPv4) or EPRT (IPv6).
    async fn prepare_active(&mut self) -> EngineResult<Pending> {
        let local_ip = self.local.ip();
        let listener = bind_active(local_ip, self.data.active.ports)
            .map_err(|e| data_error(Way::Active, format!("cannot listen on {local_ip}: {e}.")))?;
        let local = listener
            .local_addr()
            .map_err(|e| data_error(Way::Active, e.to_string()))?;
        let announced_ip = match (local_ip, self.data.active.external_ip) {
            (IpAddr::V4(_), Some(external)) => IpAddr::V4(external),
            _ => local_ip,
        };
        let announced = SocketAddr::new(announced_ip, local.port());
        if announced != local {
            self.log.status(format!(
                "Active mode: listening on {local}, announcing {announced}"
            ));
        }
        let command = match announced.ip() {
            IpAddr::V4(ip) => format!("PORT {}", port_argument(ip, announced.port())),
            IpAddr::V6(_) => format!("EPRT {}", eprt_argument(announced)),
        };
        let reply = match self.cmd_final(&command).await {
            // Some servers (pyftpdlib) connect back before they answer PORT: silence means the
            // connection could not reach us.
            Err(EngineError::Timeout { after, .. }) => {
                let what = format!(
                    "no answer to {} within {} s: this server connects back before it replies",
                    command_verb(&command),
                    after.as_secs()
                );
                return Err(data_error(
                    Way::Active,
                    self.could_not_connect_back(announced, &what),
                ));
            }
            other => other?,
        };
        if !reply.is_success() {
            return Err(data_error(
                Way::Active,
                format!(
                    "the server refused {} ({} {}). It may not allow active mode, or it refused the address {announced} Ferry announced.",
                    command_verb(&command),
                    reply.code,
                    reply.message()
                ),
            ));
        }
        Ok(Pending::Listening(listener, announced))
    }

    /// Waits for the server to connect back, from the control peer's address only; a refusal on
    /// the control connection ends the wait at once.
    async fn accept_active(
        &mut self,
        listener: TcpListener,
        announced: SocketAddr,
    ) -> EngineResult<TcpStream> {
        let peer_ip = self.peer.ip();
        let limit = self.timeouts.data_connect;
        let log = self.log.clone();
        let accept = async {
            loop {
                match listener.accept().await {
                    Ok((stream, from)) if from.ip() == peer_ip => return Ok(stream),
                    Ok((_, from)) => log.error(format!(
                        "Refused a data connection from {from}: only the server {peer_ip} may connect"
                    )),
                    Err(e) => return Err(e),
                }
            }
        };
        tokio::pin!(accept);
        // A fast server may connect, send everything and reply 226 before we accept: the
        // accept is polled first, and a positive reply is kept for `finish_transfer` while the
        // wait for the (already queued) connection goes on. Only a refusal ends it.
        let mut early_reply = None;
        let outcome = timeout(limit, async {
            loop {
                tokio::select! {
                    biased;
                    accepted = &mut accept => break Ok(accepted),
                    reply = self.next_reply_unbounded(), if early_reply.is_none() => match reply {
                        Ok(reply) if reply.code < 400 => early_reply = Some(reply),
                        refusal => break Err(refusal),
                    },
                }
            }
        })
        .await;
        if let Some(reply) = early_reply {
            self.keep_reply(reply);
        }
        match outcome {
            Ok(Ok(Ok(stream))) => Ok(stream),
            Ok(Ok(Err(e))) => {
                self.mark_broken();
                Err(data_error(
                    Way::Active,
                    format!("accepting the data connection failed: {e}."),
                ))
            }
            Ok(Err(reply)) => {
                let reply = reply?;
                let what = format!("{} {}", reply.code, reply.message());
                Err(data_error(
                    Way::Active,
                    self.could_not_connect_back(announced, &what),
                ))
            }
            Err(_) => {
                // The server may still be trying, with our command pending: out of step.
                self.mark_broken();
                let what = format!("no connection within {} s", limit.as_secs());
                Err(data_error(
                    Way::Active,
                    self.could_not_connect_back(announced, &what),
                ))
            }
        }
    }

    /// Reads the reply that ends a transfer; anything but 2xx is an error.
    pub async fn finish_transfer(&mut self, command: &str) -> EngineResult<Reply> {
        let reply = self
            .read_reply("waiting for the end of the transfer")
            .await?;
        if reply.is_success() {
            Ok(reply)
        } else if matches!(reply.code, 425 | 426) {
            Err(EngineError::Broken(format!(
                "the server ended the transfer with {} {}",
                reply.code,
                reply.message()
            )))
        } else {
            Err(reply.refused(command))
        }
    }

    /// Stops a running transfer: drops the data connection, sends ABOR, and marks the control
    /// connection broken so it is reopened rather than trusted to be in step.
    pub async fn abort(&mut self, data: Option<DataStream>) {
        drop(data);
        if !self.is_broken() {
            let limit = self.timeouts.reply.min(std::time::Duration::from_secs(3));
            let _ = timeout(limit, self.cmd("ABOR")).await;
        }
        self.mark_broken();
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
