//! Ferry URLs: `ftp://`, `ftpes://` (explicit TLS) and `ftps://` (implicit TLS), with optional
//! user, password and port, and a path relative to the login directory (`/%2F...` or `//...`
//! for an absolute one, as in RFC 1738 and curl).

use percent_encoding::percent_decode_str;

use crate::api::{Protocol, Secret, Site};

/// A parsed URL: where to connect and which remote path it names.
#[derive(Debug, Clone, PartialEq)]
pub struct FtpUrl {
    pub site: Site,
    /// `None` for the login directory itself; relative paths are relative to it.
    pub path: Option<String>,
    /// Whether the URL carried a password.
    pub has_password: bool,
    /// The URL path ended with `/`.
    pub trailing_slash: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    #[error("{0:?} is not a URL: {1}")]
    Syntax(String, String),
    #[error(
        "unsupported scheme {0:?}: use ftp://, ftpes:// (explicit TLS) or ftps:// (implicit TLS)"
    )]
    Scheme(String),
    #[error("the URL {0:?} has no host")]
    NoHost(String),
    #[error("the URL {0:?} contains a line break or NUL character")]
    Control(String),
    #[error("the URL {0:?} has percent-encoding that is not valid UTF-8")]
    Encoding(String),
}

fn decode(text: &str, url: &str) -> Result<String, UrlError> {
    let decoded = percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| UrlError::Encoding(url.to_string()))?
        .into_owned();
    if decoded.contains(['\r', '\n', '\0']) {
        return Err(UrlError::Control(url.to_string()));
    }
    Ok(decoded)
}

/// Parses `text` into a site and a path.
pub fn parse(text: &str) -> Result<FtpUrl, UrlError> {
    let url =
        ::url::Url::parse(text).map_err(|e| UrlError::Syntax(text.to_string(), e.to_string()))?;
    let protocol = match url.scheme() {
        "ftp" => Protocol::Ftp,
        "ftpes" => Protocol::ExplicitTls,
        "ftps" => Protocol::ImplicitTls,
        other => return Err(UrlError::Scheme(other.to_string())),
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| UrlError::NoHost(text.to_string()))?;
    let mut site = Site::new(host.trim_start_matches('[').trim_end_matches(']'), protocol);
    if let Some(port) = url.port() {
        site.port = port;
    }
    site.user = decode(url.username(), text)?;
    let has_password = url.password().is_some();
    if let Some(password) = url.password() {
        site.password = Secret::new(decode(password, text)?);
    }
    let raw_path = url.path();
    let trailing_slash = raw_path.len() > 1 && raw_path.ends_with('/');
    let decoded = decode(raw_path, text)?;
    // The first slash separates host and path; what follows is relative to the login directory.
    let rest = decoded.strip_prefix('/').unwrap_or(&decoded);
    let trimmed = if rest.len() > 1 {
        rest.trim_end_matches('/')
    } else {
        rest
    };
    let path = (!trimmed.is_empty()).then(|| trimmed.to_string());
    Ok(FtpUrl {
        site,
        path,
        has_password,
        trailing_slash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_ports_and_credentials() {
        let u = parse("ftp://example.com/").unwrap();
        assert_eq!((u.site.port, u.site.protocol), (21, Protocol::Ftp));
        assert_eq!(u.path, None);
        assert!(u.site.user.is_empty());

        let u = parse("ftpes://bob:p%40ss%20word@host:2121/dir/file.txt").unwrap();
        assert_eq!(u.site.protocol, Protocol::ExplicitTls);
        assert_eq!(u.site.port, 2121);
        assert_eq!(u.site.user, "bob");
        assert_eq!(u.site.password.expose(), "p@ss word");
        assert_eq!(u.path.as_deref(), Some("dir/file.txt"));

        let u = parse("ftps://h/").unwrap();
        assert_eq!((u.site.port, u.site.protocol), (990, Protocol::ImplicitTls));
    }

    #[test]
    fn absolute_paths_and_ipv6() {
        assert_eq!(
            parse("ftp://h/%2Fetc/x").unwrap().path.as_deref(),
            Some("/etc/x")
        );
        assert_eq!(
            parse("ftp://h//etc/x").unwrap().path.as_deref(),
            Some("/etc/x")
        );
        assert_eq!(parse("ftp://h//").unwrap().path.as_deref(), Some("/"));
        let u = parse("ftp://[::1]:2121/a%20b/").unwrap();
        assert_eq!(u.site.host, "::1");
        assert_eq!(u.path.as_deref(), Some("a b"));
        assert!(u.trailing_slash);
    }

    #[test]
    fn bad_urls_are_explained() {
        assert!(matches!(parse("http://h/"), Err(UrlError::Scheme(_))));
        assert!(matches!(parse("not a url"), Err(UrlError::Syntax(..))));
        assert!(matches!(
            parse("ftp://h/a%0D%0ADELE%20x"),
            Err(UrlError::Control(_))
        ));
    }
}
