//! Command → Event transcripts against the in-process server: login, log, listings, transfers
//! (passive and active, resume, directories, parallel), file-exists policies and operations.

use std::time::Duration;

use ferry::*;

use crate::support::*;

#[test]
fn login_logs_the_session_like_filezilla_with_the_password_masked() {
    let server = Server::plain();
    let mut rig = Rig::new();
    let info = rig.connect(server.site(Protocol::Ftp)).unwrap();
    assert_eq!(info.cwd, "/");
    assert!(!info.tls);
    rig.run(Operation::Noop).unwrap();
    rig.disconnect();

    let log = rig.log_text();
    for expected in [
        "Status:\tConnecting to 127.0.0.1:",
        "Response:\t220 ",
        "Command:\tUSER ferry",
        "Command:\tPASS ********",
        "Response:\t230",
        "Command:\tFEAT",
        "Command:\tTYPE I",
        "Command:\tPWD",
        "Command:\tNOOP",
    ] {
        assert!(
            log.iter().any(|l| l.starts_with(expected)),
            "no {expected:?} in {log:#?}"
        );
    }
    let everything = format!("{:?}", rig.transcript());
    assert!(
        !everything.contains(PASSWORD),
        "the password leaked into an event"
    );
    assert!(
        !everything.contains("s3cret"),
        "part of the password leaked"
    );
}

#[test]
fn anonymous_login_and_the_welcome_message() {
    let server = Server::start_with(|cfg| {
        cfg.anonymous = true;
        cfg.greeting = "Welcome to the Ferry test server";
    });
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.user = String::new();
    site.password = Secret::default();
    let info = rig.connect(site).unwrap();
    assert!(
        info.welcome.contains("Welcome to the Ferry test server"),
        "{info:?}"
    );
    assert!(rig.has_log(LogKind::Command, "USER anonymous"));
    assert!(
        info.features.iter().any(|f| f.starts_with("MLST")),
        "{info:?}"
    );
}

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

#[test]
fn a_wrong_password_is_a_login_error() {
    let server = Server::plain();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::new("wrong");
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Login, "{error:?}");
    assert!(rig.has_log(LogKind::Error, "login refused"));
}

#[test]
fn listing_shows_files_folders_and_sizes() {
    let server = Server::plain();
    std::fs::write(server.path("a file.txt"), b"12345").unwrap();
    std::fs::create_dir(server.path("folder")).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let entries = rig.list("/");
    let file = entries
        .iter()
        .find(|e| e.name == "a file.txt")
        .expect("file listed");
    assert_eq!((file.kind, file.size), (EntryKind::File, Some(5)));
    let dir = entries
        .iter()
        .find(|e| e.name == "folder")
        .expect("folder listed");
    assert_eq!(dir.kind, EntryKind::Dir);
    assert!(rig.has_log(LogKind::Status, "Directory listing of \"/\" successful"));
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
fn epsv_is_tried_first_and_pasv_follows_a_refusal() {
    let server = Server::plain();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    rig.list("/");
    assert!(rig.has_log(LogKind::Command, "EPSV") || rig.has_log(LogKind::Command, "PASV"));
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

/// Downloads `remote` over an existing local file with `policy`; returns the final state.
fn download_over_existing(
    policy: ExistsPolicy,
    answer: Option<(ExistsAction, bool)>,
) -> (TransferState, tempfile::TempDir, Rig) {
    let server = Server::plain();
    std::fs::write(server.path("f.txt"), b"new content from the server").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("f.txt"), b"old").unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.on_exists = policy;
    rig.connect(site).unwrap();
    if let Some((action, for_all)) = answer {
        rig.on_prompt(move |prompt| match prompt {
            Prompt::FileExists { .. } => Some(Answer::FileExists { action, for_all }),
            _ => None,
        });
    }
    let request = rig.request(Direction::Download, &local.path().join("f.txt"), "/f.txt");
    let id = request.id;
    let state = rig.transfer(vec![request]).remove(&id).unwrap();
    (state, local, rig)
}

#[test]
fn file_exists_policies() {
    let (state, local, _) = download_over_existing(ExistsPolicy::Overwrite, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(
        std::fs::read(local.path().join("f.txt")).unwrap(),
        b"new content from the server"
    );

    let (state, local, _) = download_over_existing(ExistsPolicy::Skip, None);
    assert!(matches!(state, TransferState::Skipped { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");

    let (state, local, _) = download_over_existing(ExistsPolicy::Rename, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");
    assert_eq!(
        std::fs::read(local.path().join("f (1).txt")).unwrap(),
        b"new content from the server"
    );

    let (state, local, _) = download_over_existing(ExistsPolicy::OverwriteIfSizeDiffers, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap().len(), 27);

    // The local file was just written, so it is newer than the server's: kept.
    let (state, local, _) = download_over_existing(ExistsPolicy::OverwriteIfNewer, None);
    assert!(matches!(state, TransferState::Skipped { .. }), "{state:?}");
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");
}

#[test]
fn ask_raises_a_prompt_and_obeys_the_answer() {
    let (state, local, rig) =
        download_over_existing(ExistsPolicy::Ask, Some((ExistsAction::Overwrite, false)));
    assert!(matches!(state, TransferState::Finished { .. }), "{state:?}");
    assert_eq!(
        std::fs::read(local.path().join("f.txt")).unwrap(),
        b"new content from the server"
    );
    let prompt = rig.transcript().iter().find_map(|e| match e {
        Event::Prompt {
            prompt:
                Prompt::FileExists {
                    source,
                    destination,
                    ..
                },
            ..
        } => Some((source.clone(), destination.clone())),
        _ => None,
    });
    let (source, destination) = prompt.expect("a file-exists prompt");
    assert_eq!((source.size, destination.size), (Some(27), Some(3)));

    let (state, _, _) =
        download_over_existing(ExistsPolicy::Ask, Some((ExistsAction::Cancel, false)));
    match state {
        TransferState::Failed(error) => assert_eq!(error.kind, ErrorKind::Exists),
        other => panic!("{other:?}"),
    }
}

#[test]
fn for_all_answers_apply_to_the_rest_of_the_queue() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for i in 0..4 {
        std::fs::write(server.path(&format!("f{i}")), b"server").unwrap();
        std::fs::write(local.path().join(format!("f{i}")), b"local").unwrap();
    }
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 1;
    rig.connect(site).unwrap();
    rig.on_prompt(|_| {
        Some(Answer::FileExists {
            action: ExistsAction::Skip,
            for_all: true,
        })
    });
    let requests = (0..4)
        .map(|i| {
            rig.request(
                Direction::Download,
                &local.path().join(format!("f{i}")),
                &format!("/f{i}"),
            )
        })
        .collect();
    let states = rig.transfer(requests);
    assert!(
        states
            .values()
            .all(|s| matches!(s, TransferState::Skipped { .. })),
        "{states:?}"
    );
    let prompts = rig
        .transcript()
        .iter()
        .filter(|e| matches!(e, Event::Prompt { .. }))
        .count();
    assert_eq!(prompts, 1);
}

#[test]
fn directory_operations_rename_delete_size_and_raw() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("tree/a/b")).unwrap();
    std::fs::write(server.path("tree/a/b/f.txt"), b"x").unwrap();
    std::fs::write(server.path("tree/top.txt"), b"hello").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();

    rig.run(Operation::Mkdir("/made".into())).unwrap();
    assert!(server.path("made").is_dir());
    assert_eq!(
        rig.run(Operation::Cwd("/made".into())).unwrap(),
        OpOutput::Path("/made".into())
    );
    assert_eq!(
        rig.run(Operation::Cdup).unwrap(),
        OpOutput::Path("/".into())
    );
    rig.run(Operation::Rmdir("/made".into())).unwrap();
    assert!(!server.path("made").exists());

    rig.run(Operation::Rename {
        from: "/tree/top.txt".into(),
        to: "/tree/renamed.txt".into(),
    })
    .unwrap();
    assert!(server.path("tree/renamed.txt").is_file());
    assert_eq!(
        rig.run(Operation::Size("/tree/renamed.txt".into()))
            .unwrap(),
        OpOutput::Size(5)
    );
    assert!(matches!(
        rig.run(Operation::Mdtm("/tree/renamed.txt".into()))
            .unwrap(),
        OpOutput::Time(_)
    ));
    rig.run(Operation::Delete("/tree/renamed.txt".into()))
        .unwrap();
    assert!(!server.path("tree/renamed.txt").exists());

    let missing = rig.run(Operation::Delete("/nope".into())).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::Refused);

    rig.run(Operation::DeleteRecursive("/tree".into())).unwrap();
    assert!(!server.path("tree").exists());

    match rig.run(Operation::Raw("NOOP".into())).unwrap() {
        OpOutput::Reply { code, .. } => assert_eq!(code, 200),
        other => panic!("{other:?}"),
    }
    let refused = rig.run(Operation::Raw("RETR x".into())).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Invalid);
    let smuggled = rig
        .run(Operation::Raw("NOOP\r\nDELE x".into()))
        .unwrap_err();
    assert_eq!(smuggled.kind, ErrorKind::Invalid);
}

#[test]
fn keepalive_sends_noop_while_idle_and_only_when_enabled() {
    let server = Server::plain();
    for keepalive in [Some(Duration::from_millis(200)), None] {
        let mut rig = Rig::new();
        let mut site = server.site(Protocol::Ftp);
        site.keepalive = keepalive;
        rig.connect(site).unwrap();
        std::thread::sleep(Duration::from_millis(1000));
        rig.run(Operation::Pwd).unwrap();
        assert_eq!(rig.has_log(LogKind::Command, "NOOP"), keepalive.is_some());
    }
}

fn password_prompts(rig: &Rig) -> Vec<(String, String)> {
    rig.transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Prompt {
                prompt: Prompt::Password { host, user },
                ..
            } => Some((host.clone(), user.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn an_ask_for_password_site_asks_once_for_the_session_and_its_transfers() {
    let server = Server::plain();
    std::fs::write(server.path("one.bin"), pattern(300_000, 1)).unwrap();
    std::fs::write(server.path("two.bin"), pattern(300_000, 2)).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.on_prompt(|prompt| match prompt {
        Prompt::Password { .. } => Some(Answer::Password(Some(Secret::new(PASSWORD)))),
        _ => None,
    });
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;
    site.parallel = 2;
    rig.connect(site).unwrap();
    for name in ["one.bin", "two.bin"] {
        let request = rig.request(Direction::Download, &local.path().join(name), name);
        rig.transfer_ok(request);
    }
    assert_eq!(
        password_prompts(&rig),
        vec![("127.0.0.1".to_string(), "ferry".to_string())]
    );
    assert_eq!(
        std::fs::read(local.path().join("two.bin")).unwrap(),
        pattern(300_000, 2)
    );
    assert!(!format!("{:?}", rig.transcript()).contains(PASSWORD));
}

#[test]
fn an_ask_for_password_site_fails_clearly_when_the_user_gives_none_or_a_wrong_one() {
    let server = Server::plain();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;

    let mut rig = Rig::new();
    rig.on_prompt(|_| Some(Answer::Password(None)));
    let error = rig.connect(site.clone()).unwrap_err();
    assert!(
        error
            .message
            .contains("no password was given for ferry@127.0.0.1"),
        "{error:?}"
    );
    assert!(!rig.has_log(LogKind::Command, "USER"));

    let mut rig = Rig::new();
    rig.on_prompt(|_| Some(Answer::Password(Some(Secret::new("wrong")))));
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Login, "{error:?}");
}
