//! Verified, timestamped and typed transfers (issue 15): hashes compared after each transfer
//! (pyftpdlib taught `HASH` and `XSHA256`, with a matching and a corrupted hash), modification
//! times preserved both ways (with the command line in a time zone other than UTC), and the
//! Auto transfer type (ASCII for text extensions and dotfiles, binary for the rest). The
//! pyftpdlib tests need the interop venv and are ignored in a plain `cargo test`; their names
//! start with `interop_`, so `tests/interop/run.sh` runs them.

use std::path::Path;
use std::time::{Duration, SystemTime};

use ferry::*;

use crate::support::pyftpd::PyServer;
use crate::support::*;

/// pyftpdlib with `HASH` (SHA-256 selected, draft-bryan-ftp-hash) and `XSHA256`; with the
/// argument `corrupt` every hash it sends is wrong.
const HASH_SERVER: &str = r#"
import hashlib, os, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
authorizer = DummyAuthorizer()
authorizer.add_user(sys.argv[3], sys.argv[4], sys.argv[1], perm="elradfmwMT")
CORRUPT = sys.argv[2] == "corrupt"
def digest(path):
    with open(path, "rb") as f:
        h = hashlib.sha256(f.read()).hexdigest()
    return ("0" if h[0] != "0" else "1") + h[1:] if CORRUPT else h
class Handler(FTPHandler):
    proto_cmds = dict(FTPHandler.proto_cmds)
    proto_cmds["HASH"] = dict(perm="r", auth=True, arg=True, help="Syntax: HASH <SP> file-name")
    proto_cmds["XSHA256"] = dict(perm="r", auth=True, arg=True, help="Syntax: XSHA256 <SP> file-name")
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra_feats = ["HASH SHA-256*;SHA-1;MD5", "XSHA256"]
    def ftp_HASH(self, path):
        size = os.path.getsize(path)
        self.respond("213 SHA-256 0-%d %s %s" % (size, digest(path), self.fs.fs2ftp(path)))
    def ftp_XSHA256(self, path):
        self.respond("250 %s" % digest(path))
Handler.authorizer = authorizer
server = FTPServer(("127.0.0.1", 0), Handler)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever(timeout=0.5)
"#;

fn hash_server(mode: &str) -> (PyServer, Site) {
    let server = PyServer::start_script(HASH_SERVER, &[mode]);
    let site = server.site(Charset::Auto);
    (server, site)
}

fn one(rig: &mut Rig, request: TransferRequest) -> TransferState {
    let id = request.id;
    rig.transfer(vec![request]).remove(&id).expect("a state")
}

fn verified(state: &TransferState) -> Option<&str> {
    match state {
        TransferState::Finished { verified, .. } => verified.as_deref(),
        other => panic!("not finished: {other:?}"),
    }
}

#[test]
#[ignore = "needs pyftpdlib (tests/interop/servers.sh)"]
fn interop_a_matching_hash_verifies_downloads_and_uploads() {
    let (server, site) = hash_server("good");
    let data = pattern(300_000, 3);
    std::fs::write(server.path("data.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let down = rig.request(
        Direction::Download,
        &local.path().join("data.bin"),
        "/data.bin",
    );
    assert_eq!(verified(&one(&mut rig, down)), Some("SHA-256"));
    assert_eq!(std::fs::read(local.path().join("data.bin")).unwrap(), data);
    let up = rig.request(
        Direction::Upload,
        &local.path().join("data.bin"),
        "/copy.bin",
    );
    assert_eq!(verified(&one(&mut rig, up)), Some("SHA-256"));
    assert!(rig.has_log(LogKind::Command, "HASH /copy.bin"));
    assert!(rig.has_log(LogKind::Status, "Verified /copy.bin (SHA-256"));
}

#[test]
#[ignore = "needs pyftpdlib (tests/interop/servers.sh)"]
fn interop_a_mismatching_hash_fails_and_keeps_the_old_file() {
    let (server, site) = hash_server("corrupt");
    std::fs::write(server.path("new.txt"), b"the new version").unwrap();
    let local = tempfile::tempdir().unwrap();
    let target = local.path().join("new.txt");
    std::fs::write(&target, b"the old version, kept").unwrap();
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let mut down = rig.request(Direction::Download, &target, "/new.txt");
    down.on_exists = Some(ExistsPolicy::Overwrite);
    match one(&mut rig, down) {
        TransferState::Failed(error) => {
            assert!(error.message.contains("does not match"), "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"the old version, kept");
    assert!(!local.path().join("new.txt.part").exists());

    let up = rig.request(Direction::Upload, &target, "/up.txt");
    match one(&mut rig, up) {
        TransferState::Failed(error) => assert!(
            error.message.contains("does not match")
                && error.message.contains("server's copy is written"),
            "{error:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn require_fails_without_a_hash_and_auto_checks_sizes() {
    let server = Server::plain();
    std::fs::write(server.path("f.bin"), b"bytes").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut site = server.site(Protocol::Ftp);
    site.transfer.verify = VerifyMode::Require;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let down = rig.request(Direction::Download, &local.path().join("f.bin"), "/f.bin");
    match one(&mut rig, down) {
        TransferState::Failed(error) => {
            assert!(error.message.contains("offers no hash"), "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!local.path().join("f.bin").exists());
    rig.disconnect();

    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let down = rig.request(Direction::Download, &local.path().join("f.bin"), "/f.bin");
    assert_eq!(verified(&one(&mut rig, down)), None);
}

/// 2001-02-03 04:05:06 UTC.
fn old_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(981_173_106)
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn preserved_times_download_with_the_remote_time() {
    let server = Server::plain();
    std::fs::write(server.path("old.bin"), b"old").unwrap();
    filetime::set_file_mtime(
        server.path("old.bin"),
        filetime::FileTime::from_system_time(old_time()),
    )
    .unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut site = server.site(Protocol::Ftp);
    site.transfer.preserve_times = true;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("old.bin"),
        "/old.bin",
    ));
    assert_eq!(mtime(&local.path().join("old.bin")), old_time());
}

#[test]
fn the_command_line_preserves_times_in_another_time_zone() {
    let server = Server::plain();
    std::fs::write(server.path("old.bin"), b"old").unwrap();
    let stamp = filetime::FileTime::from_system_time(old_time());
    filetime::set_file_mtime(server.path("old.bin"), stamp).unwrap();
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let url = format!(
        "ftp://{USER}:{}@127.0.0.1:{}/old.bin",
        PASSWORD
            .replace(' ', "%20")
            .replace(':', "%3A")
            .replace('!', "%21"),
        server.server.addr().port()
    );
    let tz = [("TZ", "Pacific/Kiritimati")];
    let run = run_ferry(
        &["get", "--preserve-times", &url, "got.bin"],
        local.path(),
        config.path(),
        &tz,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mtime(&local.path().join("got.bin")), old_time());
    let plain = run_ferry(&["get", &url, "now.bin"], local.path(), config.path(), &tz);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert_ne!(mtime(&local.path().join("now.bin")), old_time());
}

#[test]
#[ignore = "needs pyftpdlib (tests/interop/servers.sh)"]
fn interop_preserved_times_upload_with_mfmt() {
    let (server, mut site) = hash_server("good");
    site.transfer.preserve_times = true;
    let local = tempfile::tempdir().unwrap();
    let file = local.path().join("up.bin");
    std::fs::write(&file, b"up").unwrap();
    filetime::set_file_mtime(&file, filetime::FileTime::from_system_time(old_time())).unwrap();
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(Direction::Upload, &file, "/up.bin"));
    assert!(rig.has_log(LogKind::Command, "MFMT 20010203040506 /up.bin"));
    assert_eq!(mtime(&server.path("up.bin")), old_time());
}

#[test]
fn auto_type_sends_text_in_ascii_and_leaves_binaries_alone() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.bin", ".htaccess"] {
        std::fs::write(local.path().join(name), b"one\ntwo\n").unwrap();
    }
    let mut site = server.site(Protocol::Ftp);
    site.transfer.transfer_type = TransferType::Auto;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    for name in ["a.txt", "b.bin", ".htaccess"] {
        let request = rig.request(
            Direction::Upload,
            &local.path().join(name),
            &format!("/{name}"),
        );
        rig.transfer_ok(request);
    }
    assert_eq!(
        std::fs::read(server.path("a.txt")).unwrap(),
        b"one\r\ntwo\r\n"
    );
    assert_eq!(
        std::fs::read(server.path(".htaccess")).unwrap(),
        b"one\r\ntwo\r\n"
    );
    assert_eq!(std::fs::read(server.path("b.bin")).unwrap(), b"one\ntwo\n");
}
