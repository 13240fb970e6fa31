//! Names in legacy character sets through the worker, against pyftpdlib sending Latin-1 and
//! Shift-JIS names: list, download (one file and a folder), upload, rename and delete, with the
//! charset on auto and forced; every command must reach the very file the listing showed.
//! Ignored in a plain `cargo test` (they need pyftpdlib); `tests/interop/run.sh` runs them.

use ferry::*;

use crate::support::pyftpd::{PyServer, names_in};
use crate::support::*;

fn upload(rig: &mut Rig, local: &std::path::Path, remote: &str) -> TransferState {
    let request = rig.request(Direction::Upload, local, remote);
    let id = request.id;
    rig.transfer(vec![request]).remove(&id).expect("a state")
}

/// Lists, downloads, uploads, renames and deletes on a Latin-1 server.
fn latin1_round(charset: Charset) {
    let server = PyServer::start("latin-1");
    std::fs::write(server.path("café.txt"), b"latin").unwrap();
    std::fs::create_dir(server.path("Müller")).unwrap();
    std::fs::write(server.path("Müller/über.txt"), b"uber").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(charset.clone())).unwrap();

    let names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    assert!(
        names.contains(&"café.txt".to_string()),
        "{charset}: {names:?}"
    );
    assert!(
        names.contains(&"Müller".to_string()),
        "{charset}: {names:?}"
    );
    let said = rig.has_log(LogKind::Status, "names are not UTF-8");
    assert_eq!(said, charset == Charset::Auto, "{charset}");

    let local = tempfile::tempdir().unwrap();
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("café.txt"),
        "/café.txt",
    ));
    assert_eq!(
        std::fs::read(local.path().join("café.txt")).unwrap(),
        b"latin"
    );
    let mut folder = rig.request(Direction::Download, &local.path().join("Müller"), "/Müller");
    folder.recursive = true;
    let states = rig.transfer(vec![folder]);
    Rig::assert_all_finished(&states);
    assert_eq!(names_in(&local.path().join("Müller")), ["über.txt"]);

    std::fs::write(local.path().join("résumé.txt"), b"cv").unwrap();
    rig.transfer_ok(rig.request(
        Direction::Upload,
        &local.path().join("résumé.txt"),
        "/résumé.txt",
    ));
    assert_eq!(std::fs::read(server.path("résumé.txt")).unwrap(), b"cv");
    rig.run(Operation::Rename {
        from: "/résumé.txt".into(),
        to: "/naïve.txt".into(),
    })
    .unwrap_or_else(|e| panic!("{charset}: {e}"));
    rig.run(Operation::Delete("/café.txt".into()))
        .unwrap_or_else(|e| panic!("{charset}: {e}"));
    assert_eq!(server.names(""), ["Müller", "naïve.txt"], "{charset}");

    // A name Latin-1 has no bytes for is refused before anything is sent.
    std::fs::write(local.path().join("日本.txt"), b"x").unwrap();
    match upload(&mut rig, &local.path().join("日本.txt"), "/日本.txt") {
        TransferState::Failed(error) => {
            assert!(
                error.message.contains("日本.txt") && error.message.contains("windows-1252"),
                "{error:?}"
            );
        }
        other => panic!("{charset}: {other:?}"),
    }
    assert_eq!(server.names(""), ["Müller", "naïve.txt"], "{charset}");
    rig.disconnect();
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_latin1_names_on_auto() {
    latin1_round(Charset::Auto);
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_latin1_names_forced() {
    latin1_round("latin-1".parse().unwrap());
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_shift_jis_names_forced() {
    let server = PyServer::start("shift_jis");
    std::fs::write(server.path("日本語.txt"), b"nihongo").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site("shift_jis".parse().unwrap()))
        .unwrap();
    let names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    assert_eq!(names, ["日本語.txt"]);
    let local = tempfile::tempdir().unwrap();
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("日本語.txt"),
        "/日本語.txt",
    ));
    assert_eq!(
        std::fs::read(local.path().join("日本語.txt")).unwrap(),
        b"nihongo"
    );
    std::fs::write(local.path().join("アップ.txt"), b"up").unwrap();
    rig.transfer_ok(rig.request(
        Direction::Upload,
        &local.path().join("アップ.txt"),
        "/アップ.txt",
    ));
    rig.run(Operation::Rename {
        from: "/アップ.txt".into(),
        to: "/名前.txt".into(),
    })
    .unwrap();
    rig.run(Operation::Delete("/日本語.txt".into())).unwrap();
    assert_eq!(server.names(""), ["名前.txt"]);
    assert_eq!(std::fs::read(server.path("名前.txt")).unwrap(), b"up");
    // Shift-JIS has no "é".
    std::fs::write(local.path().join("é.txt"), b"x").unwrap();
    assert!(matches!(
        upload(&mut rig, &local.path().join("é.txt"), "/é.txt"),
        TransferState::Failed(_)
    ));
    rig.disconnect();
}

/// On auto, Shift-JIS names are not UTF-8: they show as windows-1252 text, and every command on
/// them still reaches the same file.
#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_shift_jis_names_on_auto() {
    let server = PyServer::start("shift_jis");
    std::fs::write(server.path("日本語.txt"), b"nihongo").unwrap();
    std::fs::write(server.path("二.txt"), b"two").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Charset::Auto)).unwrap();
    let mut names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let shown = names[0].clone();
    assert!(
        !shown.is_ascii() && !shown.contains('\u{fffd}'),
        "{shown:?}"
    );
    let local = tempfile::tempdir().unwrap();
    for name in &names {
        rig.transfer_ok(rig.request(
            Direction::Download,
            &local.path().join(name),
            &format!("/{name}"),
        ));
    }
    let mut contents: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(local.path().join(n)).unwrap())
        .collect();
    contents.sort();
    assert_eq!(contents, [b"nihongo".to_vec(), b"two".to_vec()]);
    rig.run(Operation::Rename {
        from: format!("/{}", names[0]),
        to: "/renamed.txt".into(),
    })
    .unwrap();
    rig.run(Operation::Delete(format!("/{}", names[1])))
        .unwrap();
    assert_eq!(server.names("").len(), 1);
    assert!(server.path("renamed.txt").is_file());
    rig.disconnect();
}
