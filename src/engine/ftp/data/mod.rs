//! Data connections, a layer above the control connection and owned by Ferry rather than
//! suppaftp: [`DataChannel`] holds how one connection makes them (the site's mode and what was
//! learned on the way: EPSV or `LIST -a` refused, the way auto mode found to work) and opens
//! them on a [`Control`]: passive ([`passive`]) or active ([`active`]), REST, the transfer
//! command, the TLS handshake that resumes the control connection's session. [`finish`] reads
//! the final reply and [`abort`] stops a transfer. Every step is bounded by the session's
//! timeouts.

mod active;
mod address;
mod passive;
mod stream;

use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

pub use address::{eprt_argument, parse_epsv, parse_pasv, port_argument};
pub use stream::DataStream;

use crate::api::{ActiveOptions, DataMode, Proxy, Site};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::reply::Reply;

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

    /// The mode a front end shows for this way.
    pub fn mode(self) -> DataMode {
        match self {
            Way::Passive => DataMode::Passive,
            Way::Active => DataMode::Active,
        }
    }
}

/// How one control connection makes its data connections, and what it learned doing so. Its
/// owner keeps it next to the [`Control`] and shares what auto mode learned with the session's
/// other connections ([`DataChannel::know`], [`DataChannel::take_learned`]).
#[derive(Debug, Clone)]
pub struct DataChannel {
    mode: DataMode,
    use_epsv: bool,
    trust_pasv_address: bool,
    active: ActiveOptions,
    /// The way auto mode uses first: what the session knew, or what this connection found.
    known: Option<Way>,
    /// What auto mode found on this connection since the owner last asked.
    learned: Option<Way>,
    /// The known way stopped working and left the connection broken: the session is to forget
    /// it and try again from passive on a new connection.
    forgot: bool,
    /// EPSV was refused once: go straight to PASV from now on.
    epsv_refused: bool,
    /// `LIST -a` was refused once: use plain `LIST`.
    list_a_refused: bool,
    /// Passive connections go through this proxy to the site's host; active mode is refused.
    proxy: Option<(Proxy, String)>,
}

/// How a data connection came to be, before the transfer command is sent.
enum Pending {
    Connected(TcpStream),
    /// Our listener, and the address announced to the server.
    Listening(TcpListener, std::net::SocketAddr),
}

impl DataChannel {
    /// The site's data settings; `known` is what auto mode already found for the session.
    pub fn new(site: &Site, known: Option<Way>) -> Self {
        DataChannel {
            mode: site.mode,
            use_epsv: site.use_epsv,
            trust_pasv_address: site.trust_pasv_address,
            active: site.active,
            known,
            learned: None,
            forgot: false,
            epsv_refused: false,
            list_a_refused: false,
            proxy: site.proxy.clone().map(|p| (p, site.host.clone())),
        }
    }

    /// Takes in what the session's other connections found auto mode to need.
    pub fn know(&mut self, way: Option<Way>) {
        if way.is_some() {
            self.known = way;
        }
    }

    /// What auto mode found to work on this connection since the last call, for the owner to
    /// remember for the session and report.
    pub fn take_learned(&mut self) -> Option<Way> {
        self.learned.take()
    }

    /// Whether the way auto mode knew stopped working since the owner last asked (the
    /// connection is then broken, and the session should forget the way).
    pub fn take_forgotten(&mut self) -> bool {
        std::mem::take(&mut self.forgot)
    }

    fn learn(&mut self, way: Way) {
        self.known = Some(way);
        self.learned = Some(way);
    }

    /// Opens a data connection for `command` (RETR, STOR, APPE, MLSD, LIST...) the way the
    /// site's mode says (auto: passive, then active when passive cannot connect, remembering
    /// what worked), sends `REST offset` first when resuming, checks the preliminary reply, and
    /// secures the connection when the session is secure. The caller moves the bytes, then
    /// calls [`finish`].
    pub async fn open(
        &mut self,
        ctl: &mut Control,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        match self.mode {
            _ if self.proxy.is_some() => self.open_proxied(ctl, command, rest).await,
            DataMode::Passive => self.open_way(ctl, Way::Passive, command, rest).await,
            DataMode::Active => self.open_way(ctl, Way::Active, command, rest).await,
            DataMode::Auto => self.open_auto(ctl, command, rest).await,
        }
    }

    /// Opens the data connection of a listing: `MLSD` when `mlsd`, else `LIST -a`, or plain
    /// `LIST` once the server refused `-a`. Returns the command sent with the stream.
    pub async fn open_listing(
        &mut self,
        ctl: &mut Control,
        mlsd: bool,
    ) -> EngineResult<(&'static str, DataStream)> {
        let command = if mlsd {
            "MLSD"
        } else if self.list_a_refused {
            "LIST"
        } else {
            "LIST -a"
        };
        match self.open(ctl, command, None).await {
            Err(EngineError::Refused { code, .. }) if command == "LIST -a" && code >= 500 => {
                self.list_a_refused = true;
                Ok(("LIST", self.open(ctl, "LIST", None).await?))
            }
            other => Ok((command, other?)),
        }
    }

    /// Through a proxy: passive only (auto mode does not try active), active refused.
    async fn open_proxied(
        &mut self,
        ctl: &mut Control,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        if self.mode == DataMode::Active {
            return Err(data_error(
                Way::Active,
                "active mode cannot work through a proxy: the server would connect to this computer directly, around it. Use passive mode, or bypass the proxy for this site.",
            ));
        }
        self.open_way(ctl, Way::Passive, command, rest).await
    }

    async fn open_auto(
        &mut self,
        ctl: &mut Control,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        let known = self.known;
        let first = known.unwrap_or(Way::Passive);
        let first_failure = match self.open_way(ctl, first, command, rest).await {
            Ok(stream) => {
                if known.is_none() {
                    self.learn(first);
                }
                return Ok(stream);
            }
            // A connection out of step cannot try again; the next attempt reconnects.
            Err(EngineError::Data { detail, .. }) if !ctl.is_broken() => detail,
            Err(error @ EngineError::Data { .. }) if known.is_some() => {
                // What worked before stopped working: start over from passive.
                self.known = None;
                self.forgot = true;
                ctl.log.status(format!(
                    "{} mode stopped working; auto mode starts over on a new connection.",
                    capitalized(first.label())
                ));
                return Err(error);
            }
            Err(other) => return Err(other),
        };
        let second = first.other();
        ctl.log.status(format!(
            "The {} data connection failed: {first_failure} Trying {} mode.",
            first.label(),
            second.label()
        ));
        match self.open_way(ctl, second, command, rest).await {
            Ok(stream) => {
                self.learn(second);
                ctl.log.status(format!(
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

    async fn open_way(
        &mut self,
        ctl: &mut Control,
        way: Way,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        let pending = match way {
            Way::Active => active::prepare(ctl, &self.active).await?,
            Way::Passive => Pending::Connected(self.prepare_passive(ctl).await?),
        };
        if let Some(offset) = rest.filter(|o| *o > 0) {
            let reply = ctl.cmd_final(&format!("REST {offset}")).await?;
            if reply.code != 350 {
                return Err(reply.refused("REST"));
            }
        }
        let reply = ctl.cmd(command).await?;
        if !reply.is_preliminary() {
            return Err(match (&pending, reply.code) {
                (Pending::Listening(_, announced), 425 | 426) => data_error(
                    way,
                    active::could_not_connect_back(ctl, *announced, &reply.message()),
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
                active::accept(ctl, listener, announced).await?
            }
        };
        secure(ctl, tcp).await
    }
}

/// The TLS handshake on a data connection when the control connection is secured, resuming its
/// session.
async fn secure(ctl: &mut Control, tcp: TcpStream) -> EngineResult<DataStream> {
    // An upload's writes leave a part-filled segment each; Nagle's algorithm would hold it
    // back until the server acknowledges the last (curl and lftp turn it off too).
    let _ = tcp.set_nodelay(true);
    let Some(tls) = ctl.tls.clone() else {
        return Ok(DataStream::Plain(tcp));
    };
    let connector = tokio_rustls::TlsConnector::from(tls.config);
    let handshake = connector.connect(tls.server_name, tcp);
    match timeout(ctl.timeouts.tls_handshake, handshake).await {
        Ok(Ok(stream)) => Ok(DataStream::Tls(Box::new(stream))),
        Ok(Err(e)) => {
            ctl.mark_broken();
            Err(EngineError::Tls(format!(
                "the TLS handshake on the data connection failed: {e}"
            )))
        }
        Err(_) => {
            ctl.mark_broken();
            Err(EngineError::timeout(
                "the TLS handshake on the data connection",
                ctl.timeouts.tls_handshake,
            ))
        }
    }
}

/// Reads the reply that ends a transfer; anything but 2xx is an error.
pub async fn finish(ctl: &mut Control, command: &str) -> EngineResult<Reply> {
    let reply = ctl
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

/// Stops a running transfer: drops the data connection first, then aborts on the control
/// connection, which is then reopened rather than trusted to be in step.
pub async fn abort(ctl: &mut Control, data: DataStream) {
    drop(data);
    ctl.abort().await;
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Protocol;

    #[test]
    fn what_auto_mode_learned_is_handed_over_once_and_kept() {
        let site = Site::new("example.com", Protocol::Ftp);
        let mut channel = DataChannel::new(&site, None);
        assert_eq!(channel.take_learned(), None);
        channel.learn(Way::Active);
        assert_eq!(channel.take_learned(), Some(Way::Active));
        assert_eq!(channel.take_learned(), None);
        assert_eq!(channel.known, Some(Way::Active));
        // The session knowing nothing does not make the connection forget.
        channel.know(None);
        assert_eq!(channel.known, Some(Way::Active));
        channel.know(Some(Way::Passive));
        assert_eq!(channel.known, Some(Way::Passive));
        assert_eq!(channel.take_learned(), None, "knowing is not learning");
    }
}
