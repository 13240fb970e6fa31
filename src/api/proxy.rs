//! A proxy the engine connects through (SOCKS5 or HTTP CONNECT) as the boundary carries it, and
//! its URL form (`socks5://[user:pass@]host:port`, `http://host:port`), as curl writes it.

use std::fmt;
use std::str::FromStr;

use super::Secret;

/// Which protocol the proxy speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyKind {
    /// SOCKS5, with a user name and password when `user` is not empty (RFC 1929).
    Socks5 { user: String, password: Secret },
    /// HTTP `CONNECT host:port`.
    Http,
}

/// A proxy for the control connection and the passive data connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    pub host: String,
    pub port: u16,
}

impl Proxy {
    /// The URL without the password: what logs and messages show.
    pub fn display_url(&self) -> String {
        match &self.kind {
            ProxyKind::Socks5 { user, .. } if !user.is_empty() => {
                format!("socks5://{user}@{}:{}", self.host, self.port)
            }
            ProxyKind::Socks5 { .. } => format!("socks5://{}:{}", self.host, self.port),
            ProxyKind::Http => format!("http://{}:{}", self.host, self.port),
        }
    }

    /// The URL with the password, to store (`user:pass@`, percent-encoded).
    pub fn to_url(&self) -> String {
        match &self.kind {
            ProxyKind::Socks5 { user, password } if !user.is_empty() => {
                let enc = |s: &str| {
                    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                };
                format!(
                    "socks5://{}:{}@{}:{}",
                    enc(user),
                    enc(password.expose()),
                    self.host,
                    self.port
                )
            }
            _ => self.display_url(),
        }
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_url())
    }
}

impl FromStr for Proxy {
    type Err = String;

    /// `socks5://[user:pass@]host:port` (also `socks5h://`) or `http://host:port`.
    fn from_str(text: &str) -> Result<Proxy, String> {
        let bad = |why: &str| format!("{text:?} is not a proxy URL ({why})");
        let url = url::Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?
            .to_string();
        let port = url.port().ok_or_else(|| bad("no port"))?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let kind = match url.scheme() {
            "socks5" | "socks5h" => ProxyKind::Socks5 {
                user: decode(url.username()),
                password: Secret::new(decode(url.password().unwrap_or(""))),
            },
            "http" if url.username().is_empty() => ProxyKind::Http,
            "http" => return Err(bad("an HTTP proxy with a password is not supported")),
            _ => return Err(bad("use socks5:// or http://")),
        };
        if !matches!(url.path(), "" | "/") {
            return Err(bad("a path is not expected"));
        }
        Ok(Proxy { kind, host, port })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_curl_forms() {
        let p: Proxy = "socks5://alice:s%40cret@proxy.example:1080"
            .parse()
            .unwrap();
        assert_eq!(p.host, "proxy.example");
        assert_eq!(p.port, 1080);
        let ProxyKind::Socks5 { user, password } = &p.kind else {
            panic!("{p:?}")
        };
        assert_eq!((user.as_str(), password.expose()), ("alice", "s@cret"));
        assert_eq!(p.to_url().parse::<Proxy>().unwrap(), p);
        assert_eq!(p.to_string(), "socks5://alice@proxy.example:1080");
        let h: Proxy = "http://127.0.0.1:3128".parse().unwrap();
        assert_eq!((h.kind, h.port), (ProxyKind::Http, 3128));
        assert!("ftp://x:1".parse::<Proxy>().is_err());
        assert!("socks5://x".parse::<Proxy>().is_err());
    }
}
