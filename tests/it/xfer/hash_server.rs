//! `tests/interop/pyftpd_server.py` started by a test: pyftpdlib with `HASH` (draft-bryan-ftp-
//! hash), `XSHA256`, `XSHA1` and `XMD5`, on a free port over a temp folder; lying about every
//! hash when asked to. Python comes from the interop venv (`tests/interop/servers.sh`), else the
//! system's when it has pyftpdlib; without either the tests using it say they are skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry::*;

use crate::support::pyftpd::{PY_PASS, PY_USER, PyServer, python};
use crate::support::short_timeouts;

/// The running server; stopped when dropped.
pub struct HashServer(PyServer);

impl HashServer {
    /// Starts the server (`lie`: every hash it sends is wrong); `None`, said on stderr, when
    /// there is no pyftpdlib to run it with.
    pub fn start(lie: bool) -> Option<HashServer> {
        let Some(python) = python() else {
            eprintln!("skipped: no pyftpdlib (tests/interop/servers.sh prepare-python makes it)");
            return None;
        };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/pyftpd_server.py");
        let root = tempfile::tempdir().unwrap();
        let mut command = Command::new(python);
        command
            .arg(script)
            .env("FTP_PORT", "0")
            .env("FTP_USER", PY_USER)
            .env("FTP_PASS", PY_PASS)
            .env("FTP_ROOT", root.path())
            .env("FTP_HASH_LIE", if lie { "1" } else { "" })
            .env_remove("FTP_CERT")
            .env_remove("FTP_PASV_RANGE");
        Some(HashServer(PyServer::spawn(command, root)))
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.0.root.path().join(relative)
    }

    pub fn site(&self) -> Site {
        let mut site = Site::new("127.0.0.1", Protocol::Ftp);
        site.port = self.0.port;
        site.user = PY_USER.to_string();
        site.password = Secret::new(PY_PASS);
        site.mode = DataMode::Passive;
        site.timeouts = short_timeouts(10);
        site
    }
}
