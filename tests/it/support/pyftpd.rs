//! A pyftpdlib server started by a test, for what the in-process server cannot do: names in a
//! legacy character set. pyftpdlib's handler sends and reads names in its `encoding` (and then
//! does not announce `UTF8`), while the files on disk keep UTF-8 names, so a test can check the
//! exact name a command reached. Needs the interop venv (`tests/interop/servers.sh`), so the
//! tests using it are ignored in a plain `cargo test` and run by `tests/interop/run.sh`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ferry::*;
use tempfile::TempDir;

use super::short_timeouts;

/// The venv `tests/interop/servers.sh` makes; `FERRY_PYFTPDLIB_PYTHON` overrides it.
const VENV_PYTHON: &str = "/var/cache/ferry-interop/venv/bin/python3";
pub const PY_USER: &str = "ferry";
pub const PY_PASS: &str = "pw";

const SCRIPT: &str = r#"
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
authorizer = DummyAuthorizer()
authorizer.add_user(sys.argv[3], sys.argv[4], sys.argv[1], perm="elradfmwMT")
class Handler(FTPHandler):
    pass
Handler.authorizer = authorizer
Handler.encoding = sys.argv[2]
server = FTPServer(("127.0.0.1", 0), Handler)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever(timeout=0.5)
"#;

/// A Python with pyftpdlib: `FERRY_PYFTPDLIB_PYTHON`, else the interop venv
/// (`tests/interop/servers.sh prepare-python`), else the system's when it has pyftpdlib.
pub fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("FERRY_PYFTPDLIB_PYTHON") {
        return Some(PathBuf::from(python));
    }
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

/// A running pyftpdlib over a temp folder; stopped when dropped.
pub struct PyServer {
    child: Child,
    pub port: u16,
    pub root: TempDir,
}

impl PyServer {
    /// Serves a fresh temp folder with names sent in `encoding` (a Python codec name).
    pub fn start(encoding: &str) -> PyServer {
        PyServer::start_script(SCRIPT, &[encoding])
    }

    /// Runs `script` (a pyftpdlib server that prints its port) with the root folder, `args`, the
    /// user and the password as its arguments.
    pub fn start_script(script: &str, args: &[&str]) -> PyServer {
        let python = python().unwrap_or_else(|| PathBuf::from(VENV_PYTHON));
        let root = tempfile::tempdir().unwrap();
        let mut command = Command::new(python);
        command
            .args(["-c", script])
            .arg(root.path())
            .args(args)
            .args([PY_USER, PY_PASS]);
        PyServer::spawn(command, root)
    }

    /// Runs `command`, a server over `root` that prints its port (`N` or `PORT N`) as its
    /// first line, within 20 s.
    pub fn spawn(mut command: Command, root: TempDir) -> PyServer {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{command:?}: {e} (run tests/interop/servers.sh prepare-python first)")
            });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let number = line.trim();
        let port = number.strip_prefix("PORT ").unwrap_or(number).parse().ok();
        let Some(port) = port else {
            let _ = child.kill();
            panic!("pyftpdlib did not start: it said {line:?}");
        };
        PyServer { child, port, root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    pub fn site(&self, charset: Charset) -> Site {
        let mut site = Site::new("127.0.0.1", Protocol::Ftp);
        site.port = self.port;
        site.user = PY_USER.to_string();
        site.password = Secret::new(PY_PASS);
        site.mode = DataMode::Passive;
        site.timeouts = short_timeouts(10);
        site.charset = charset;
        site
    }

    /// `ftp://user:pass@127.0.0.1:PORT/path` (`path` percent-encoded UTF-8).
    pub fn url(&self, path: &str) -> String {
        let path: String =
            percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2F", "/")
                .replace("%2E", ".");
        format!("ftp://{PY_USER}:{PY_PASS}@127.0.0.1:{}/{path}", self.port)
    }

    /// The names in `dir` on disk, sorted.
    pub fn names(&self, dir: &str) -> Vec<String> {
        names_in(&self.path(dir))
    }
}

/// The names in a local folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

impl Drop for PyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
