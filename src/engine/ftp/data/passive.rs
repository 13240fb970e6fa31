//! Passive data connections: EPSV (unless disabled or refused before), else PASV, connecting to
//! the announced port at the control connection's peer address, never to the address a `227`
//! announced unless the site says to trust it; through the site's proxy, to the site's host name at
//! the announced port.

use std::net::SocketAddr;

use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::proxy;

use super::{DataChannel, Way, data_error, parse_epsv, parse_pasv};

impl DataChannel {
    /// EPSV (unless disabled or refused before), else PASV; connects to the announced port at
    /// the control connection's peer address (or, when the site says so, the PASV address).
    pub(super) async fn prepare_passive(&mut self, ctl: &mut Control) -> EngineResult<TcpStream> {
        let peer_ip = ctl.peer.ip();
        let mut target = None;
        if self.use_epsv && !self.epsv_refused {
            let reply = ctl.cmd_final("EPSV").await?;
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
                    ctl.log.status("EPSV refused, trying PASV");
                }
            }
        }
        let target = match target {
            Some(target) => target,
            None => pasv_target(ctl, self.trust_pasv_address, self.proxy.is_some()).await?,
        };
        if let Some((proxy, host)) = &self.proxy {
            // The proxy reaches the server by its name, at the announced port.
            let limit = ctl.timeouts.data_connect;
            return proxy::connect(proxy, host, target.port(), limit)
                .await
                .map_err(|e| data_error(Way::Passive, e.to_string()));
        }
        let hint = if self.trust_pasv_address {
            "The server may be behind NAT and announce an address only its own network can reach: turn off trusting the PASV address."
        } else {
            "The server's firewall may not open its passive port range."
        };
        match timeout(ctl.timeouts.data_connect, TcpStream::connect(target)).await {
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
                    ctl.timeouts.data_connect.as_secs()
                ),
            )),
        }
    }
}

/// PASV, and where to connect for it: the announced port at the control connection's peer, or
/// the announced address itself when `trust_announced`. `proxied`: only the port counts (the
/// proxy connects to the site's host), nothing to say about the address.
async fn pasv_target(
    ctl: &mut Control,
    trust_announced: bool,
    proxied: bool,
) -> EngineResult<SocketAddr> {
    let peer_ip = ctl.peer.ip();
    if peer_ip.is_ipv6() {
        return Err(data_error(
            Way::Passive,
            "the server refused EPSV, and PASV cannot work over IPv6.",
        ));
    }
    let reply = ctl.cmd_final("PASV").await?;
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
    if trust_announced {
        if announced.ip() != peer_ip {
            ctl.log.status(format!(
                "Connecting to the address the server announced, {}, as the site says (the server is {peer_ip})",
                announced.ip()
            ));
        }
        return Ok(announced);
    }
    if announced.ip() != peer_ip && !proxied {
        ctl.log.status(format!(
            "Server sent passive reply with address {}, using the server's address {} instead",
            announced.ip(),
            peer_ip
        ));
    }
    Ok(SocketAddr::new(peer_ip, announced.port()))
}
