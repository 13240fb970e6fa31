//! `tests/interop/pyftpd_server.py` started by a test: pyftpdlib with `HASH` (draft-bryan-ftp-
//! hash), `XSHA256`, `XSHA1` and `XMD5`, on a free port over a temp folder; lying about every
//! hash when asked to. Python comes from the interop venv (`tests/interop/servers.sh`), else the
//! system's when it has pyftpdlib; without either the tests using it say they are skipped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ferry::*;
use tempfile::TempDir;

use crate::support::short_timeouts;

const VENV_PYTHON: &str = "/var/cache/ferry-interop/venv/bin/python3";
const USER: &str = "ferry";
const PASS: &str = "pw";

fn python() -> Option<PathBuf> {
    if Path::new(VENV_PYTHON).exists() {
        return Some(PathBuf::from(VENV_PYTHON));
    }
    let probe = Command::new("python3")
        .args(["-c", "import pyftpdlib.handlers"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    probe
        .is_ok_and(|s| s.success())
        .then(|| PathBuf::from("python3"))
}

/// The running server; stopped when dropped.
pub struct HashServer {
    child: Child,
    port: u16,
    root: TempDir,
}

impl HashServer {
    /// Starts the server (`lie`: every hash it sends is wrong); `None`, said on stderr, when
    /// there is no pyftpdlib to run it with.
    pub fn start(lie: bool) -> Option<HashServer> {
        let Some(python) = python() else {
            eprintln!("skipped: no pyftpdlib ({VENV_PYTHON} is made by tests/interop/servers.sh)");
            return None;
        };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/pyftpd_server.py");
        let root = tempfile::tempdir().unwrap();
        let mut child = Command::new(&python)
            .arg(script)
            .env("FTP_PORT", "0")
            .env("FTP_USER", USER)
            .env("FTP_PASS", PASS)
            .env("FTP_ROOT", root.path())
            .env("FTP_HASH_LIE", if lie { "1" } else { "" })
            .env_remove("FTP_CERT")
            .env_remove("FTP_PASV_RANGE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            panic!("pyftpd_server.py did not start: it said {line:?}");
        };
        Some(HashServer { child, port, root })
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    pub fn site(&self) -> Site {
        let mut site = Site::new("127.0.0.1", Protocol::Ftp);
        site.port = self.port;
        site.user = USER.to_string();
        site.password = Secret::new(PASS);
        site.mode = DataMode::Passive;
        site.timeouts = short_timeouts(10);
        site
    }
}

impl Drop for HashServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
