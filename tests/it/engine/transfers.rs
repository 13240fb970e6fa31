//! Transfers: ASCII and binary, passive and active, progress, directories, parallel
//! connections, and resuming after an interruption.

use ferry::*;

use crate::support::*;

#[test]
fn ascii_transfers_convert_line_endings_both_ways() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("notes.txt"), b"one\ntwo\n").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let mut up = rig.request(
        Direction::Upload,
        &local.path().join("notes.txt"),
        "/notes.txt",
    );
    up.ascii = true;
    rig.transfer_ok(up);
    assert!(rig.has_log(LogKind::Command, "TYPE A"));
    assert_eq!(
        std::fs::read(server.path("notes.txt")).unwrap(),
        b"one\r\ntwo\r\n"
    );
    let mut down = rig.request(
        Direction::Download,
        &local.path().join("back.txt"),
        "/notes.txt",
    );
    down.ascii = true;
    rig.transfer_ok(down);
    if cfg!(not(windows)) {
        assert_eq!(
            std::fs::read(local.path().join("back.txt")).unwrap(),
            b"one\ntwo\n"
        );
    }
    // Binary is the default again afterwards.
    let last_type = rig
        .log_lines()
        .into_iter()
        .rev()
        .find(|l| l.text.starts_with("TYPE"));
    assert_eq!(last_type.map(|l| l.text), Some("TYPE I".to_string()));
}

/// A text file larger than one buffer goes out from a blocking thread of its own, converted
/// there: line endings that fall on the edges of its pieces included.
#[test]
fn a_large_ascii_upload_converts_every_line_ending() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    let mut expected = Vec::new();
    let mut i = 0u64;
    while text.len() < 3 * 1024 * 1024 {
        let line = format!("line {i} {}", "x".repeat((i % 97) as usize));
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
        expected.extend_from_slice(line.as_bytes());
        expected.extend_from_slice(b"\r\n");
        i += 1;
    }
    std::fs::write(local.path().join("big.txt"), &text).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let mut up = rig.request(Direction::Upload, &local.path().join("big.txt"), "/big.txt");
    up.ascii = true;
    rig.transfer_ok(up);
    let stored = std::fs::read(server.path("big.txt")).unwrap();
    assert_eq!(stored.len(), expected.len());
    assert!(stored == expected, "the stored text differs");
}

fn round_trip(mode: DataMode) {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(3 * 1024 * 1024 + 17, 7);
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.mode = mode;
    rig.connect(site).unwrap();

    let up = rig.request(Direction::Upload, &local.path().join("up.bin"), "/up.bin");
    rig.transfer_ok(up);
    assert_eq!(sha256_file(&server.path("up.bin")), sha256(&data));

    let down = rig.request(
        Direction::Download,
        &local.path().join("down.bin"),
        "/up.bin",
    );
    rig.transfer_ok(down);
    assert_eq!(sha256_file(&local.path().join("down.bin")), sha256(&data));
    assert!(!local.path().join("down.bin.part").exists());
}

#[test]
fn passive_upload_and_download_are_byte_identical() {
    round_trip(DataMode::Passive);
}

#[test]
fn active_upload_and_download_are_byte_identical() {
    round_trip(DataMode::Active);
}

#[test]
fn progress_is_coalesced_to_at_most_ten_a_second() {
    let server = Server::plain();
    let data = pattern(40 * 1024 * 1024, 3);
    std::fs::write(server.path("big.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let request = rig.request(
        Direction::Download,
        &local.path().join("big.bin"),
        "/big.bin",
    );
    let id = request.id;
    let states = rig.transfer(vec![request]);
    let Some(TransferState::Finished { elapsed, .. }) = states.get(&id) else {
        panic!("{states:?}");
    };
    let progress = rig
        .transcript()
        .iter()
        .filter(|e| matches!(e, Event::Transfer { id: i, state: TransferState::Progress { .. }, .. } if *i == id))
        .count();
    let allowed = (elapsed.as_secs_f64() * 10.0).ceil() as usize + 1;
    assert!(
        progress <= allowed,
        "{progress} progress events in {elapsed:?}"
    );
    assert_eq!(sha256_file(&local.path().join("big.bin")), sha256(&data));
}

#[test]
fn recursive_upload_then_download_of_a_tree() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("tree");
    std::fs::create_dir_all(tree.join("sub/deeper")).unwrap();
    std::fs::create_dir_all(tree.join("empty")).unwrap();
    let files = [
        ("top.txt", 10),
        ("sub/mid.bin", 70_000),
        ("sub/deeper/low.bin", 1),
    ];
    for (i, (name, len)) in files.iter().enumerate() {
        std::fs::write(tree.join(name), pattern(*len, i as u64)).unwrap();
    }
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 3;
    rig.connect(site).unwrap();

    let mut up = rig.request(Direction::Upload, &tree, "/copy");
    up.recursive = true;
    let states = rig.transfer(vec![up]);
    Rig::assert_all_finished(&states);
    for (name, _) in files {
        assert_eq!(
            sha256_file(&server.path(&format!("copy/{name}"))),
            sha256_file(&tree.join(name))
        );
    }
    assert!(server.path("copy/empty").is_dir());

    let back = local.path().join("back");
    let mut down = rig.request(Direction::Download, &back, "/copy");
    down.recursive = true;
    let states = rig.transfer(vec![down]);
    Rig::assert_all_finished(&states);
    for (name, _) in files {
        assert_eq!(sha256_file(&back.join(name)), sha256_file(&tree.join(name)));
    }
    assert!(back.join("empty").is_dir());
}

#[test]
fn parallel_transfers_use_at_most_n_connections() {
    let server = Server::plain();
    for i in 0..8 {
        std::fs::write(server.path(&format!("f{i}.bin")), pattern(200_000, i)).unwrap();
    }
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 3;
    rig.connect(site).unwrap();
    let requests: Vec<_> = (0..8)
        .map(|i| {
            rig.request(
                Direction::Download,
                &local.path().join(format!("f{i}.bin")),
                &format!("/f{i}.bin"),
            )
        })
        .collect();
    let states = rig.transfer(requests);
    assert_eq!(states.len(), 8);
    assert!(
        states
            .values()
            .all(|s| matches!(s, TransferState::Finished { .. }))
    );
    let connections: std::collections::BTreeSet<u32> = rig
        .log_lines()
        .iter()
        .map(|l| l.connection)
        .filter(|c| *c > 0)
        .collect();
    assert!(
        !connections.is_empty() && connections.len() <= 3,
        "{connections:?}"
    );
    for i in 0..8 {
        assert_eq!(
            sha256_file(&local.path().join(format!("f{i}.bin"))),
            sha256_file(&server.path(&format!("f{i}.bin")))
        );
    }
}

#[test]
fn an_interrupted_download_resumes_from_its_part_file() {
    let server = Server::plain();
    let data = pattern(5 * 1024 * 1024, 11);
    std::fs::write(server.path("big.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    // What an interrupted download leaves behind: the first half in NAME.part.
    std::fs::write(local.path().join("big.bin.part"), &data[..data.len() / 2]).unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.on_exists = ExistsPolicy::Resume;
    rig.connect(site).unwrap();
    let request = rig.request(
        Direction::Download,
        &local.path().join("big.bin"),
        "/big.bin",
    );
    let id = request.id;
    let states = rig.transfer(vec![request]);
    let Some(TransferState::Finished { bytes, .. }) = states.get(&id) else {
        panic!("{states:?}");
    };
    assert_eq!(
        *bytes as usize,
        data.len() - data.len() / 2,
        "only the rest moved"
    );
    assert!(rig.has_log(LogKind::Command, &format!("REST {}", data.len() / 2)));
    assert_eq!(sha256_file(&local.path().join("big.bin")), sha256(&data));
    assert!(!local.path().join("big.bin.part").exists());
}

#[test]
fn an_interrupted_upload_resumes() {
    let server = Server::plain();
    let data = pattern(3 * 1024 * 1024, 12);
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    std::fs::write(server.path("up.bin"), &data[..1_000_000]).unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.on_exists = ExistsPolicy::Resume;
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(Direction::Upload, &local.path().join("up.bin"), "/up.bin"));
    assert!(rig.has_log(LogKind::Command, "REST 1000000") || rig.has_log(LogKind::Command, "APPE"));
    assert_eq!(sha256_file(&server.path("up.bin")), sha256(&data));
}

/// A small download's file is put on the disk (written, flushed, renamed) after its connection
/// has gone on to the next file: a failure there still fails that transfer, with the local
/// path, and the queue is idle only once every file is in place.
#[test]
fn a_download_that_cannot_be_put_on_the_disk_fails_after_its_connection_moved_on() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("many")).unwrap();
    for i in 0..30 {
        std::fs::write(server.path(&format!("many/f{i}.bin")), pattern(3000, i)).unwrap();
    }
    std::fs::write(server.path("lone.bin"), pattern(100, 99)).unwrap();
    let local = tempfile::tempdir().unwrap();
    // A regular file where the destination's folder should be.
    let blocker = local.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 1;
    rig.connect(site).unwrap();

    let mut many = rig.request(Direction::Download, &local.path().join("many"), "/many");
    many.recursive = true;
    let lone = rig.request(Direction::Download, &blocker.join("lone.bin"), "/lone.bin");
    let (many_id, lone_id) = (many.id, lone.id);
    let states = rig.transfer(vec![lone, many]);
    // The bytes came; putting them on the disk is what failed.
    let log = rig.log_text();
    assert!(
        log.iter().any(|l| l.ends_with("RETR /lone.bin")),
        "{log:#?}"
    );
    match states.get(&lone_id) {
        Some(TransferState::Failed(error)) => {
            assert!(error.message.contains("not-a-folder"), "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        states.get(&many_id),
        Some(TransferState::Finished { .. })
    ));
    for i in 0..30 {
        let name = local.path().join(format!("many/f{i}.bin"));
        assert_eq!(std::fs::read(&name).unwrap(), pattern(3000, i), "{name:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(local.path().join("many"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
