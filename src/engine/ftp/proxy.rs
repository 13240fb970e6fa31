//! Connecting through a proxy: TCP to the proxy, then SOCKS5 (`tokio-socks`, with a user name
//! and password when the proxy has one) or HTTP `CONNECT`, to a host name and port the proxy
//! resolves and reaches. The result is a plain `TcpStream` to the server, for the control
//! connection and for passive data connections alike.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_socks::tcp::Socks5Stream;

use crate::api::{Proxy, ProxyKind};
use crate::engine::error::{EngineError, EngineResult};

/// The longest HTTP `CONNECT` reply head read.
const MAX_REPLY_HEAD: usize = 8192;

/// A stream to `host:port` through `proxy`, everything bounded by `limit`.
pub async fn connect(
    proxy: &Proxy,
    host: &str,
    port: u16,
    limit: Duration,
) -> EngineResult<TcpStream> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addr = format!("{host}:{port} through the proxy {proxy}");
    let fail = |source: io::Error| EngineError::Connect {
        addr: addr.clone(),
        source,
    };
    let tunnel = async {
        let tcp = TcpStream::connect((proxy.host.as_str(), proxy.port))
            .await
            .map_err(|e| io::Error::new(e.kind(), format!("the proxy did not answer: {e}")))?;
        let _ = tcp.set_nodelay(true);
        match &proxy.kind {
            ProxyKind::Socks5 { user, password } => {
                socks5(tcp, host, port, user, password.expose()).await
            }
            ProxyKind::Http => http_connect(tcp, host, port).await,
        }
    };
    match timeout(limit, tunnel).await {
        Err(_) => Err(EngineError::timeout(format!("connecting to {addr}"), limit)),
        Ok(result) => result.map_err(fail),
    }
}

async fn socks5(
    tcp: TcpStream,
    host: &str,
    port: u16,
    user: &str,
    password: &str,
) -> io::Result<TcpStream> {
    let target = (host, port);
    let stream = if user.is_empty() {
        Socks5Stream::connect_with_socket(tcp, target).await
    } else {
        Socks5Stream::connect_with_password_and_socket(tcp, target, user, password).await
    };
    let stream = stream.map_err(|e| io::Error::other(format!("SOCKS5: {e}")))?;
    Ok(stream.into_inner())
}

/// `CONNECT host:port`, and its reply head read byte by byte (nothing of the server's own
/// bytes is read past it): a 2xx status opens the tunnel.
async fn http_connect(mut tcp: TcpStream, host: &str, port: u16) -> io::Result<TcpStream> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    tcp.write_all(request.as_bytes()).await?;
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_REPLY_HEAD {
            return Err(io::Error::other("the HTTP proxy's reply is too long"));
        }
        let mut byte = [0u8];
        if tcp.read(&mut byte).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the HTTP proxy closed the connection",
            ));
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let status = head.lines().next().unwrap_or("").trim();
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if code.len() == 3 && code.starts_with('2') {
        Ok(tcp)
    } else {
        Err(io::Error::other(format!(
            "the HTTP proxy answered {status:?}"
        )))
    }
}
