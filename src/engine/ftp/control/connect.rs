//! Reaching the server, up to the point where commands can be sent: name resolution, TCP to the
//! first address that answers (or a tunnel through the site's proxy), the welcome message, and TLS (implicit, or explicit with
//! `AUTH TLS`, optionally continuing in the clear when the site allows it), each step bounded by
//! the site's timeouts.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use suppaftp::FtpError;
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream};
use suppaftp::types::Response;
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::api::{CertificateInfo, Protocol, Site};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::proxy;
use crate::engine::ftp::reply::Reply;
use crate::engine::ftp::tls::{SiteTrust, TlsSession};
use crate::engine::ftp::wirelog::LogCtx;

use super::{bounded, lost};

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

/// The TLS configuration for one connection, and where its verifier describes a certificate
/// it rejected.
struct TlsSetup {
    config: Arc<ClientConfig>,
    rejected: Arc<Mutex<Option<CertificateInfo>>>,
    server_name: ServerName<'static>,
}

/// Connects to `site` and secures the connection as its protocol says. Returns the stream,
/// ready for the login, and the TLS session when the connection is secured.
pub(super) async fn reach(
    site: &Site,
    trust: &SiteTrust,
    log: &LogCtx,
) -> EngineResult<(AsyncRustlsFtpStream, Option<TlsSession>)> {
    if !site.protocol.is_tls() {
        return Ok((greet(site, log).await?, None));
    }
    let (config, rejected) = trust.client_config();
    let setup = TlsSetup {
        config,
        rejected,
        server_name: server_name(&site.host)?,
    };
    let (ftp, secured) = if site.protocol == Protocol::ImplicitTls {
        if let Some(proxy) = &site.proxy {
            // suppaftp opens its own socket for implicit TLS: it cannot go through a proxy.
            return Err(EngineError::Invalid(format!(
                "implicit TLS (ftps://) cannot go through the proxy {proxy}: use explicit TLS (FTPES), or bypass the proxy for this site"
            )));
        }
        (implicit(site, &setup, log).await?, true)
    } else {
        explicit(site, &setup, log).await?
    };
    let tls = secured.then(|| TlsSession {
        config: setup.config,
        server_name: setup.server_name,
    });
    Ok((ftp, tls))
}

/// Implicit TLS: the handshake comes first, then the welcome message.
async fn implicit(
    site: &Site,
    setup: &TlsSetup,
    log: &LogCtx,
) -> EngineResult<AsyncRustlsFtpStream> {
    let t = site.timeouts;
    let tcp = connect_tcp(site, log).await?;
    let addr = tcp
        .peer_addr()
        .map_err(|e| EngineError::Lost(e.to_string()))?;
    // suppaftp opens its own socket for implicit TLS; the probe above chose the address and
    // proved it reachable within the connect timeout.
    drop(tcp);
    log.status("Initializing TLS...");
    let step = "the TLS handshake and welcome message";
    let fut = AsyncRustlsFtpStream::connect_secure_implicit(
        addr,
        connector(&setup.config),
        bare_host(&site.host),
    );
    match timeout(t.tls_handshake + t.reply, fut).await {
        Err(_) => Err(EngineError::timeout(step, t.tls_handshake + t.reply)),
        Ok(Err(FtpError::SecureError(detail))) => Err(tls_failure(detail, &setup.rejected)),
        Ok(Err(FtpError::UnexpectedResponse(r))) => Err(greeting_refused(&r)),
        Ok(Err(other)) => Err(lost(other)),
        Ok(Ok(ftp)) => {
            log.status("TLS connection established.");
            Ok(ftp)
        }
    }
}

/// Explicit TLS: the welcome message, then `AUTH TLS` and the handshake. A refusal is an error,
/// unless the site allows going on in the clear (then on a new connection, and `false`).
async fn explicit(
    site: &Site,
    setup: &TlsSetup,
    log: &LogCtx,
) -> EngineResult<(AsyncRustlsFtpStream, bool)> {
    let t = site.timeouts;
    let ftp = greet(site, log).await?;
    log.status("Initializing TLS...");
    let fut = ftp.into_secure(connector(&setup.config), bare_host(&site.host));
    match timeout(t.tls_handshake + t.reply * 3, fut).await {
        Err(_) => Err(EngineError::timeout("TLS negotiation", t.tls_handshake)),
        Ok(Err(FtpError::SecureError(detail))) => Err(tls_failure(detail, &setup.rejected)),
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
            Ok((greet(site, log).await?, false))
        }
        Ok(Err(FtpError::UnexpectedResponse(r))) => {
            let reply = Reply::from_response(&r);
            Err(EngineError::Tls(format!(
                "the server does not support FTP over TLS ({} {})",
                reply.code,
                reply.message()
            )))
        }
        Ok(Err(other)) => Err(lost(other)),
        Ok(Ok(ftp)) => {
            log.status("TLS connection established.");
            Ok((ftp, true))
        }
    }
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

/// Connects TCP to the first address that answers, or through the site's proxy (which resolves
/// the name).
async fn connect_tcp(site: &Site, log: &LogCtx) -> EngineResult<TcpStream> {
    if let Some(proxy) = &site.proxy {
        log.status(format!(
            "Connecting to {}:{} through the proxy {proxy}...",
            bare_host(&site.host),
            site.port
        ));
        return proxy::connect(proxy, &site.host, site.port, site.timeouts.connect).await;
    }
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
