//! Data connections, owned by Ferry rather than suppaftp: passive (EPSV, then PASV with the
//! control connection's peer address in place of whatever `227` announced), active (our own
//! listener announced with PORT or EPRT, accepting only the server's address), REST, the
//! transfer command, the TLS handshake that resumes the control connection's session, and the
//! final reply. Every step is bounded by the session's timeouts.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_rustls::client::TlsStream;

use crate::api::DataMode;
use crate::control::Control;
use crate::error::{EngineError, EngineResult};
use crate::reply::{Reply, command_verb};

/// An open data connection, plain or TLS.
pub enum DataStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for DataStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            DataStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for DataStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            DataStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            DataStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataStream::Plain(s) => Pin::new(s).poll_flush(cx),
            DataStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            DataStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

impl DataStream {
    /// Ends an upload: TLS close_notify where secured, the TCP FIN, then reads until the server
    /// closes its side. Closing a socket with unread data in it (TLS 1.3 session tickets the
    /// server sent) makes the kernel send a reset, and servers then drop the upload's tail.
    pub async fn close(mut self) -> io::Result<()> {
        self.shutdown().await?;
        let mut sink = [0u8; 4096];
        loop {
            match self.read(&mut sink).await {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                // The server may close without close_notify or reset after its FIN: the upload
                // itself is judged by the final reply and the size check.
                Err(_) => return Ok(()),
            }
        }
    }
}

/// The address in a `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` reply.
pub fn parse_pasv(text: &str) -> Option<SocketAddr> {
    let first_line = text.lines().next()?;
    let after_code = first_line.get(4..)?;
    after_code
        .split(|c: char| !(c.is_ascii_digit() || c == ','))
        .find_map(|token| {
            let numbers: Vec<u8> = token
                .split(',')
                .map(|n| n.parse::<u8>().ok())
                .collect::<Option<Vec<u8>>>()?;
            let [h1, h2, h3, h4, p1, p2] = numbers[..] else {
                return None;
            };
            let port = u16::from(p1) * 256 + u16::from(p2);
            Some(SocketAddr::from(([h1, h2, h3, h4], port)))
        })
}

/// The port in a `229 Entering Extended Passive Mode (|||port|)` reply.
pub fn parse_epsv(text: &str) -> Option<u16> {
    let first_line = text.lines().next()?;
    let inner = &first_line[first_line.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let delimiter = inner.chars().next()?;
    let fields: Vec<&str> = inner.split(delimiter).collect();
    // "|||6446|" splits into ["", "", "", "6446", ""].
    match fields[..] {
        [_, _, _, port, _] => port.parse().ok().filter(|p| *p != 0),
        _ => None,
    }
}

/// The PORT argument for `addr`: `h1,h2,h3,h4,p1,p2` with `port = p1*256 + p2`.
pub fn port_argument(ip: std::net::Ipv4Addr, port: u16) -> String {
    let [h1, h2, h3, h4] = ip.octets();
    format!("{h1},{h2},{h3},{h4},{},{}", port / 256, port % 256)
}

/// The EPRT argument: `|1|ip|port|` or `|2|ip|port|`.
pub fn eprt_argument(addr: SocketAddr) -> String {
    let family = if addr.is_ipv4() { 1 } else { 2 };
    format!("|{family}|{}|{}|", addr.ip(), addr.port())
}

fn data_error(mode: &'static str, detail: impl Into<String>) -> EngineError {
    EngineError::Data {
        mode,
        detail: detail.into(),
    }
}

/// How a data connection came to be, before the transfer command is sent.
enum Pending {
    Connected(TcpStream),
    Listening(TcpListener),
}

impl Control {
    /// Opens a data connection for `command` (RETR, STOR, APPE, MLSD, LIST...): negotiates it in
    /// `mode`, sends `REST offset` first when resuming, checks the preliminary reply, and secures
    /// it when the session is secure. The caller moves the bytes, then calls
    /// [`Control::finish_transfer`].
    pub async fn open_data(
        &mut self,
        mode: DataMode,
        command: &str,
        rest: Option<u64>,
    ) -> EngineResult<DataStream> {
        let (mode_name, pending) = match mode {
            DataMode::Active => ("active", Pending::Listening(self.prepare_active().await?)),
            DataMode::Passive | DataMode::Auto => {
                ("passive", Pending::Connected(self.prepare_passive().await?))
            }
        };
        if let Some(offset) = rest.filter(|o| *o > 0) {
            let reply = self.cmd_final(&format!("REST {offset}")).await?;
            if reply.code != 350 {
                return Err(reply.refused("REST"));
            }
        }
        let reply = self.cmd(command).await?;
        if !reply.is_preliminary() {
            return Err(self.transfer_refused(command, &reply));
        }
        let tcp = match pending {
            Pending::Connected(tcp) => tcp,
            Pending::Listening(listener) => self.accept_active(listener).await?,
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
                Err(data_error(
                    mode_name,
                    format!("the TLS handshake on the data connection failed: {e}"),
                ))
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

    /// A transfer command's refusal: `425`/`426` mean the data connection failed.
    fn transfer_refused(&self, command: &str, reply: &Reply) -> EngineError {
        if matches!(reply.code, 425 | 426) {
            data_error(
                "passive or active",
                format!("{} {}", reply.code, reply.message()),
            )
        } else {
            reply.refused(command)
        }
    }

    /// EPSV (unless refused before), else PASV; connects to the announced port at the control
    /// connection's peer address.
    async fn prepare_passive(&mut self) -> EngineResult<TcpStream> {
        let peer_ip = self.peer.ip();
        let mut target = None;
        if !self.epsv_refused {
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
        match timeout(self.timeouts.data_connect, TcpStream::connect(target)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(data_error(
                "passive",
                format!("could not connect to {target}: {e}"),
            )),
            Err(_) => Err(data_error(
                "passive",
                format!(
                    "connecting to {target} timed out after {} s",
                    self.timeouts.data_connect.as_secs()
                ),
            )),
        }
    }

    async fn pasv_target(&mut self) -> EngineResult<SocketAddr> {
        let peer_ip = self.peer.ip();
        if peer_ip.is_ipv6() {
            return Err(data_error(
                "passive",
                "the server refused EPSV, and PASV cannot work over IPv6",
            ));
        }
        let reply = self.cmd_final("PASV").await?;
        if reply.code != 227 {
            return Err(data_error(
                "passive",
                format!(
                    "the server refused PASV: {} {}",
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
        let target = SocketAddr::new(peer_ip, announced.port());
        if announced.ip() != peer_ip {
            self.log.status(format!(
                "Server sent passive reply with address {}, using the server's address {} instead",
                announced.ip(),
                peer_ip
            ));
        }
        Ok(target)
    }

    /// Listens on the control connection's local address and announces it.
    async fn prepare_active(&mut self) -> EngineResult<TcpListener> {
        let local_ip = self.local.ip();
        let listener = TcpListener::bind(SocketAddr::new(local_ip, 0))
            .await
            .map_err(|e| data_error("active", format!("cannot listen on {local_ip}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| data_error("active", e.to_string()))?;
        let command = match addr.ip() {
            IpAddr::V4(ip) => format!("PORT {}", port_argument(ip, addr.port())),
            IpAddr::V6(_) => format!("EPRT {}", eprt_argument(addr)),
        };
        let reply = self.cmd_final(&command).await?;
        if !reply.is_success() {
            return Err(data_error(
                "active",
                format!(
                    "the server refused {}: {} {}",
                    command_verb(&command),
                    reply.code,
                    reply.message()
                ),
            ));
        }
        Ok(listener)
    }

    /// Waits for the server to connect back, from the control peer's address only; a refusal on
    /// the control connection ends the wait at once.
    async fn accept_active(&mut self, listener: TcpListener) -> EngineResult<TcpStream> {
        let peer_ip = self.peer.ip();
        let local = listener.local_addr().ok();
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
        let outcome = timeout(limit, async {
            tokio::select! {
                accepted = accept => Ok(accepted),
                reply = self.next_reply_unbounded() => Err(reply),
            }
        })
        .await;
        match outcome {
            Ok(Ok(Ok(stream))) => Ok(stream),
            Ok(Ok(Err(e))) => {
                self.mark_broken();
                Err(data_error(
                    "active",
                    format!("accepting the data connection failed: {e}"),
                ))
            }
            Ok(Err(reply)) => {
                let reply = reply?;
                Err(data_error(
                    "active",
                    format!(
                        "the server could not connect back ({} {})",
                        reply.code,
                        reply.message()
                    ),
                ))
            }
            Err(_) => {
                self.mark_broken();
                let at = local.map(|a| a.to_string()).unwrap_or_default();
                Err(data_error(
                    "active",
                    format!(
                        "the server did not connect back to {at} within {} s",
                        limit.as_secs()
                    ),
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
        } else {
            Err(self.transfer_refused(command, &reply))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasv_reply_port_arithmetic() {
        let addr = parse_pasv("227 Entering Passive Mode (192,168,1,2,117,48).").unwrap();
        assert_eq!(addr, "192.168.1.2:30000".parse().unwrap());
        let bare = parse_pasv("227 =10,0,0,1,4,1").unwrap();
        assert_eq!(bare.port(), 4 * 256 + 1);
        assert_eq!(parse_pasv("227 Entering Passive Mode (1,2,3,4,5)"), None);
        assert_eq!(
            parse_pasv("227 Entering Passive Mode (1,2,3,4,5,300)"),
            None
        );
    }

    #[test]
    fn epsv_reply_port() {
        assert_eq!(
            parse_epsv("229 Entering Extended Passive Mode (|||6446|)"),
            Some(6446)
        );
        assert_eq!(parse_epsv("229 ok (!!!6446!)"), Some(6446));
        assert_eq!(
            parse_epsv("229 Entering Extended Passive Mode (|||0|)"),
            None
        );
        assert_eq!(parse_epsv("229 nothing"), None);
    }

    #[test]
    fn port_and_eprt_arguments() {
        assert_eq!(
            port_argument("10.0.0.5".parse().unwrap(), 50123),
            "10,0,0,5,195,203"
        );
        assert_eq!(eprt_argument("[::1]:2000".parse().unwrap()), "|2|::1|2000|");
    }
}
