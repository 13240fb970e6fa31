//! Real servers started by `tests/interop/servers.sh`: their `STATE_DIR/env` description, Sites
//! built from it, and scratch folders under their roots. Shared by `interop` and `matrix`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ferry::*;

use super::short_timeouts;

/// One running server, as `tests/interop/servers.sh` described it in `STATE_DIR/env`.
pub struct Real {
    pub vars: HashMap<String, String>,
}

impl Real {
    /// `$FERRY_INTEROP_DIR/NAME/env`.
    pub fn load(name: &str) -> Real {
        let dir = std::env::var("FERRY_INTEROP_DIR")
            .expect("FERRY_INTEROP_DIR: run tests/interop/run.sh");
        let path = Path::new(&dir).join(name).join("env");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Real {
            vars: parse_env(&text),
        }
    }

    pub fn get(&self, key: &str) -> &str {
        self.opt(key).unwrap_or_else(|| panic!("{key} missing"))
    }

    /// A variable that may be absent (or empty).
    pub fn opt(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn root(&self) -> PathBuf {
        PathBuf::from(self.get("FTP_ROOT"))
    }

    /// Whether the server speaks `protocol` (`FTP_TLS`: `none`, `explicit` with plain FTP
    /// allowed too, or `implicit` alone).
    pub fn offers(&self, protocol: Protocol) -> bool {
        let tls = self.get("FTP_TLS");
        match protocol {
            Protocol::Ftp => tls != "implicit",
            Protocol::ExplicitTls => tls == "explicit",
            Protocol::ImplicitTls => tls == "implicit",
            Protocol::ExplicitTlsIfAvailable => tls != "implicit",
        }
    }

    /// Whether PORT/EPRT are enabled (`FTP_ACTIVE=yes`).
    pub fn active(&self) -> bool {
        self.opt("FTP_ACTIVE") == Some("yes")
    }

    /// The IPv6 listener (`FTP_HOST6`, `FTP_PORT6`), when the server has one.
    pub fn ipv6(&self) -> Option<(&str, u16)> {
        let host = self.opt("FTP_HOST6")?;
        let port = self.opt("FTP_PORT6")?.parse().ok()?;
        Some((host, port))
    }

    /// A Site for the IPv4 listener.
    pub fn site(&self, protocol: Protocol, mode: DataMode) -> Site {
        let port = self.get("FTP_PORT").parse().unwrap();
        self.site_at(self.get("FTP_HOST"), port, protocol, mode)
    }

    /// A Site for `host:port` (the IPv6 listener, say) with this server's account and certificate.
    pub fn site_at(&self, host: &str, port: u16, protocol: Protocol, mode: DataMode) -> Site {
        let mut site = Site::new(host, protocol);
        site.port = port;
        site.user = self.get("FTP_USER").to_string();
        site.password = Secret::new(self.get("FTP_PASS"));
        site.mode = mode;
        site.timeouts = short_timeouts(10);
        if protocol.is_tls() {
            site.tls.pinned = vec![self.get("FTP_CERT_SHA256").to_string()];
        }
        site
    }

    pub fn url(&self, scheme: &str, path: &str) -> String {
        let pass: String = self
            .get("FTP_PASS")
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!(
            "{scheme}://{}:{pass}@{}:{}/{path}",
            self.get("FTP_USER"),
            self.get("FTP_HOST"),
            self.get("FTP_PORT")
        )
    }
}

/// `KEY=value` and `KEY='quoted value'` lines, as servers.sh writes them.
pub fn parse_env(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| {
            let value = match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                Some(quoted) => quoted.replace("'\\''", "'"),
                None => value.to_string(),
            };
            (key.trim().to_string(), value)
        })
        .collect()
}

/// A fresh folder under a server's root for one test, removed at the end.
pub struct Scratch {
    /// The folder's name, relative to the root (the FTP user's login directory).
    pub name: String,
    pub path: PathBuf,
    /// `user:` to chown what the test writes to, when the server runs as another user.
    owner: Option<String>,
}

impl Scratch {
    /// Under a real server's root; what the test writes there is given to the FTP user.
    pub fn new(real: &Real, test: &str) -> Scratch {
        Scratch::under(
            &real.root(),
            test,
            Some(format!("{}:", real.get("FTP_USER"))),
        )
    }

    /// Under `root`; `owner` (`user:`) gets what the test writes, if given.
    pub fn under(root: &Path, test: &str, owner: Option<String>) -> Scratch {
        let name = format!("{test}-{}", std::process::id());
        let path = root.join(&name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        let scratch = Scratch { name, path, owner };
        scratch.give_to_user();
        scratch
    }

    pub fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path.join(name), bytes).unwrap();
        self.give_to_user();
    }

    /// The FTP user must be able to write what the test put there.
    fn give_to_user(&self) {
        let Some(owner) = &self.owner else {
            return;
        };
        let status = std::process::Command::new("chown")
            .args(["-R", owner, &self.path.to_string_lossy()])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chown {}",
            self.path.display()
        );
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
