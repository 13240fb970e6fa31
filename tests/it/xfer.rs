//! Verified, timestamped and typed transfers (issue 15): hashes compared after each transfer
//! against `tests/interop/pyftpd_server.py` (pyftpdlib taught `HASH`, `XSHA256`, `XMD5`; with
//! `FTP_HASH_LIE` every hash it sends is wrong), modification times preserved both ways (with
//! the command line in a time zone other than UTC), and the Auto transfer type (ASCII for text
//! extensions and dotfiles, binary for the rest). The pyftpdlib tests start the server from the
//! interop venv (or a system Python with pyftpdlib) and say they are skipped without one.

mod hash_server;

use std::path::Path;
use std::time::{Duration, SystemTime};

use ferry::*;

use crate::support::*;
use hash_server::HashServer;

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
fn a_matching_hash_verifies_downloads_and_uploads() {
    let Some(server) = HashServer::start(false) else {
        return;
    };
    let site = server.site();
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
fn a_mismatching_hash_fails_and_keeps_the_old_file() {
    let Some(server) = HashServer::start(true) else {
        return;
    };
    let site = server.site();
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
fn preserved_times_upload_with_mfmt() {
    let Some(server) = HashServer::start(false) else {
        return;
    };
    let mut site = server.site();
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
