//! Active data connections: our own listener on the control connection's local address (a port
//! from the site's range), announced with PORT (IPv4) or EPRT (IPv6), accepting only the
//! control connection's peer, and words for why the server could not connect back.

use std::io;
use std::net::{IpAddr, SocketAddr};

use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use crate::api::{ActiveOptions, PortRange};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::reply::command_verb;

use super::{Pending, Way, data_error, eprt_argument, port_argument};

/// Binds a listener for active mode on `ip`, on a port from `range` when one is set.
fn bind(ip: IpAddr, range: Option<PortRange>) -> io::Result<TcpListener> {
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

/// Why the server could not reach our listener, in words.
pub(super) fn could_not_connect_back(ctl: &Control, announced: SocketAddr, what: &str) -> String {
    let tls_note = if ctl.tls.is_some() {
        "; over FTPS a router's FTP helper cannot read the PORT command to open the way"
    } else {
        ""
    };
    format!(
        "the server could not connect back to {announced} ({what}). This usually means you are behind NAT or a firewall{tls_note}."
    )
}

/// The likely cause of a refused PORT/EPRT and its remedy: a private address means Ferry is
/// behind NAT, and servers refuse to connect to such an address.
fn refusal_cause(announced: SocketAddr) -> String {
    if is_private(announced.ip()) {
        format!(
            "Ferry is probably behind NAT: {} is a private address, and the server refuses to connect to it. Use passive or auto mode, or set the external address (--external-ip) to your router's public address.",
            announced.ip()
        )
    } else {
        format!(
            "It may not allow active mode, or it refused the address {announced} Ferry announced."
        )
    }
}

/// A private, shared (carrier-grade NAT) or link-local address: one no server on the internet
/// can reach.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => {
            let [a, b, ..] = ip.octets();
            ip.is_private() || ip.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Listens on the control connection's local address (a port from the site's range) and
/// announces it, or the site's external address, with PORT (IPv4) or EPRT (IPv6).
pub(super) async fn prepare(ctl: &mut Control, options: &ActiveOptions) -> EngineResult<Pending> {
    let local_ip = ctl.local.ip();
    let listener = bind(local_ip, options.ports)
        .map_err(|e| data_error(Way::Active, format!("cannot listen on {local_ip}: {e}.")))?;
    let local = listener
        .local_addr()
        .map_err(|e| data_error(Way::Active, e.to_string()))?;
    let announced_ip = match (local_ip, options.external_ip) {
        (IpAddr::V4(_), Some(external)) => IpAddr::V4(external),
        _ => local_ip,
    };
    let announced = SocketAddr::new(announced_ip, local.port());
    if announced != local {
        ctl.log.status(format!(
            "Active mode: listening on {local}, announcing {announced}"
        ));
    }
    let command = match announced.ip() {
        IpAddr::V4(ip) => format!("PORT {}", port_argument(ip, announced.port())),
        IpAddr::V6(_) => format!("EPRT {}", eprt_argument(announced)),
    };
    let reply = match ctl.cmd_final(&command).await {
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
                could_not_connect_back(ctl, announced, &what),
            ));
        }
        other => other?,
    };
    if !reply.is_success() {
        let refused = format!(
            "the server refused {} ({} {}).",
            command_verb(&command),
            reply.code,
            reply.message()
        );
        return Err(data_error(
            Way::Active,
            format!("{refused} {}", refusal_cause(announced)),
        ));
    }
    Ok(Pending::Listening(listener, announced))
}

/// Waits for the server to connect back, from the control peer's address only; a refusal on
/// the control connection ends the wait at once.
pub(super) async fn accept(
    ctl: &mut Control,
    listener: TcpListener,
    announced: SocketAddr,
) -> EngineResult<TcpStream> {
    let peer_ip = ctl.peer.ip();
    let limit = ctl.timeouts.data_connect;
    let log = ctl.log.clone();
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
    // A fast server may connect, send everything and reply 226 before we accept: the accept is
    // polled first, and a positive reply is kept for `finish` while the wait for the (already
    // queued) connection goes on. Only a refusal ends it.
    let mut early_reply = None;
    let outcome = timeout(limit, async {
        loop {
            tokio::select! {
                biased;
                accepted = &mut accept => break Ok(accepted),
                reply = ctl.next_reply_unbounded(), if early_reply.is_none() => match reply {
                    Ok(reply) if reply.code < 400 => early_reply = Some(reply),
                    refusal => break Err(refusal),
                },
            }
        }
    })
    .await;
    if let Some(reply) = early_reply {
        ctl.keep_reply(reply);
    }
    match outcome {
        Ok(Ok(Ok(stream))) => Ok(stream),
        Ok(Ok(Err(e))) => {
            ctl.mark_broken();
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
                could_not_connect_back(ctl, announced, &what),
            ))
        }
        Err(_) => {
            // The server may still be trying, with our command pending: out of step.
            ctl.mark_broken();
            let what = format!("no connection within {} s", limit.as_secs());
            Err(data_error(
                Way::Active,
                could_not_connect_back(ctl, announced, &what),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_told_apart() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.20",
            "100.64.0.1",
            "fd00::1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in ["198.51.100.7", "127.0.0.1", "100.128.0.1", "2001:db8::1"] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }
}
