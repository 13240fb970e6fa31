//! A hostile or broken server must not aim Ferry at a third host, make it write outside the
//! folder the user chose, grow its memory without bound, or hang it.

use std::time::{Duration, Instant};

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

fn fake(script: Script) -> FakeServer {
    RT.block_on(FakeServer::start(script))
}

fn site(server: &FakeServer, timeout_secs: u64) -> Site {
    server.site(timeout_secs)
}

fn mlsd_listing(
    lines: &'static [&'static str],
) -> std::sync::Arc<dyn Fn() -> Vec<u8> + Send + Sync> {
    std::sync::Arc::new(move || {
        lines
            .iter()
            .map(|l| format!("{l}\r\n"))
            .collect::<String>()
            .into_bytes()
    })
}

#[test]
fn a_pasv_reply_naming_another_host_is_not_followed() {
    let server = fake(Script {
        epsv: false,
        pasv_ip: [10, 1, 2, 3],
        file: std::sync::Arc::new(b"payload".to_vec()),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    rig.transfer_ok(rig.request(Direction::Download, &local.path().join("f"), "/f"));
    assert_eq!(std::fs::read(local.path().join("f")).unwrap(), b"payload");
    assert!(
        rig.has_log(
            LogKind::Status,
            "address 10.1.2.3, using the server's address 127.0.0.1"
        ),
        "{:#?}",
        rig.log_text()
    );
    assert!(rig.has_log(LogKind::Status, "EPSV refused"));
}

#[test]
fn unsafe_names_in_a_listing_never_write_outside_the_chosen_folder() {
    let server = fake(Script {
        listing: mlsd_listing(&[
            "type=file;size=4; ../escape.txt",
            "type=file;size=4; sub/inner.txt",
            "type=file;size=4; back\\slash.txt",
            "type=file;size=4; bell\x07.txt",
            "type=file;size=4; ok.txt",
        ]),
        file: std::sync::Arc::new(b"data".to_vec()),
        ..Script::default()
    });
    let outer = tempfile::tempdir().unwrap();
    let target = outer.path().join("target");
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    let mut request = rig.request(Direction::Download, &target, "/dir");
    request.recursive = true;
    rig.transfer(vec![request]);
    let mut written: Vec<String> = files_under(outer.path());
    written.sort();
    assert_eq!(
        written,
        vec!["target/ok.txt".to_string()],
        "{:#?}",
        rig.log_text()
    );
    assert!(rig.has_log(
        LogKind::Error,
        "refused unsafe name from the server: \"../escape.txt\""
    ));
    assert!(rig.has_log(LogKind::Error, "\"sub/inner.txt\""));
    // Each refused name ends as a failed transfer of its own, with the reason.
    let refused: Vec<String> = rig
        .transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Transfer {
                state: TransferState::Failed(error),
                ..
            } => Some(error.message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 4, "{refused:#?}");
    assert!(
        refused.iter().any(|m| m.contains("../escape.txt")),
        "{refused:#?}"
    );
}

/// The command line, against the same kind of server: `get -r` into a folder and `get` of a
/// hostile name into a folder write nothing outside it, and say why.
#[test]
fn the_command_line_never_writes_outside_the_chosen_folder() {
    let server = fake(Script {
        listing: mlsd_listing(&[
            "type=file;size=4; ../escape.txt",
            "type=file;size=4; con.txt",
            "type=file;size=4; ok.txt",
        ]),
        file: std::sync::Arc::new(b"data".to_vec()),
        ..Script::default()
    });
    let outer = tempfile::tempdir().unwrap();
    let target = outer.path().join("target");
    std::fs::create_dir(&target).unwrap();
    let config = tempfile::tempdir().unwrap();
    let base = format!("ftp://user:pw@127.0.0.1:{}", server.addr.port());
    let target_arg = target.display().to_string();
    let recursive = run_ferry(
        &[
            "get",
            "-r",
            "--mode",
            "passive",
            &format!("{base}/dir"),
            &target_arg,
        ],
        outer.path(),
        config.path(),
        &[],
    );
    // The safe file arrives; the unsafe names are not transferred, each a failed transfer
    // that says why, so the exit status tells a script that something was left behind.
    assert_ne!(recursive.code, 0, "{}", recursive.stderr);
    assert!(
        recursive.stderr.contains("2 of 3 transfers failed")
            && recursive.stderr.contains("../escape.txt"),
        "{}",
        recursive.stderr
    );
    // One file by a name the server chose: CON is a device on Windows, refused everywhere.
    let single = run_ferry(
        &[
            "get",
            "--mode",
            "passive",
            &format!("{base}/con.txt"),
            &target_arg,
        ],
        outer.path(),
        config.path(),
        &[],
    );
    assert_ne!(single.code, 0);
    assert!(
        single.stderr.contains("Windows device name"),
        "{}",
        single.stderr
    );
    assert_eq!(files_under(outer.path()), vec!["target/ok.txt".to_string()]);
}

#[test]
fn an_endless_reply_line_is_refused_without_growing_memory() {
    for script in [
        Script {
            endless_on: Some("FEAT".into()),
            ..Script::default()
        },
        Script {
            endless_multiline_on: Some("FEAT".into()),
            ..Script::default()
        },
    ] {
        let server = fake(script);
        let mut rig = Rig::new();
        let started = Instant::now();
        let error = rig.connect(site(&server, 5)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Protocol, "{error:?}");
        assert!(error.message.contains("larger than"), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn a_silent_server_times_out_and_the_next_operation_reconnects() {
    let server = fake(Script {
        silent_on: Some("MKD".into()),
        ..Script::default()
    });
    let mut rig = Rig::new();
    rig.connect(site(&server, 1)).unwrap();
    let started = Instant::now();
    let error = rig.run(Operation::Mkdir("/x".into())).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout, "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    rig.run(Operation::Pwd).unwrap();
    assert!(rig.has_log(LogKind::Status, "Reconnecting"));
    let logins = server
        .received()
        .iter()
        .filter(|c| c.starts_with("USER"))
        .count();
    assert_eq!(logins, 2, "a fresh connection, never the stale one");
}

#[test]
fn a_refusing_greeting_is_reported() {
    let server = fake(Script {
        greeting: "421 Too many connections".into(),
        ..Script::default()
    });
    let mut rig = Rig::new();
    let error = rig.connect(site(&server, 5)).unwrap_err();
    assert!(error.message.contains("421"), "{error:?}");
}

#[test]
fn a_running_transfer_can_be_cancelled_with_abor() {
    let server = fake(Script {
        file: std::sync::Arc::new(vec![7u8; 1_000_000]),
        trickle: Some((1000, Duration::from_millis(10))),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    let request = rig.request(Direction::Download, &local.path().join("f"), "/f");
    let id = request.id;
    rig.send(Command::Enqueue {
        session: rig.session(),
        transfers: vec![request],
    });
    loop {
        if let Event::Transfer {
            state: TransferState::Started { .. },
            ..
        } = rig.next(Duration::from_secs(10))
        {
            break;
        }
    }
    let started = Instant::now();
    rig.send(Command::CancelTransfer {
        session: rig.session(),
        transfer: id,
    });
    loop {
        match rig.next(Duration::from_secs(10)) {
            Event::Transfer {
                state: TransferState::Failed(error),
                ..
            } => {
                assert_eq!(error.kind, ErrorKind::Cancelled);
                break;
            }
            Event::Transfer {
                state: TransferState::Finished { .. },
                ..
            } => panic!("not cancelled"),
            _ => {}
        }
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        !local.path().join("f").exists(),
        "a cancelled download never looks complete"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.received().iter().any(|c| c == "ABOR"),
        "{:?}",
        server.received()
    );
}

#[test]
fn a_stalled_transfer_ends_at_the_inactivity_timeout() {
    let server = fake(Script {
        file: std::sync::Arc::new(vec![1u8; 10]),
        trickle: Some((1, Duration::from_secs(4))),
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(site(&server, 1)).unwrap();
    let request = rig.request(Direction::Download, &local.path().join("f"), "/f");
    let id = request.id;
    let started = Instant::now();
    let mut states = rig.transfer(vec![request]);
    match states.remove(&id) {
        Some(TransferState::Failed(error)) => {
            assert_eq!(error.kind, ErrorKind::Timeout, "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(8));
}

/// An upload larger than one buffer goes out from a blocking thread of its own; a server that
/// stops reading still ends it at the inactivity timeout, and a cancel ends it at once.
fn stalled_upload(timeout_secs: u64, cancel: bool) -> (ErrorReport, Duration, Vec<String>) {
    let server = fake(Script {
        stor_stalls: true,
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    // More than the socket buffers on both ends hold.
    std::fs::write(local.path().join("up.bin"), vec![5u8; 48 << 20]).unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, timeout_secs);
    site.on_exists = ExistsPolicy::Overwrite;
    rig.connect(site).unwrap();
    let request = rig.request(Direction::Upload, &local.path().join("up.bin"), "/up.bin");
    let id = request.id;
    rig.send(Command::Enqueue {
        session: rig.session(),
        transfers: vec![request],
    });
    let mut started = None;
    loop {
        match rig.next(Duration::from_secs(20)) {
            Event::Transfer {
                state: TransferState::Started { .. },
                ..
            } => {
                started = Some(Instant::now());
                if cancel {
                    rig.send(Command::CancelTransfer {
                        session: rig.session(),
                        transfer: id,
                    });
                }
            }
            Event::Transfer {
                state: TransferState::Failed(error),
                ..
            } => {
                let took = started.expect("started first").elapsed();
                std::thread::sleep(Duration::from_millis(300));
                return (error, took, server.received());
            }
            Event::Transfer {
                state: TransferState::Finished { .. },
                ..
            } => panic!("a stalled upload finished"),
            _ => {}
        }
    }
}

#[test]
fn a_stalled_upload_ends_at_the_inactivity_timeout() {
    let (error, took, _) = stalled_upload(1, false);
    assert_eq!(error.kind, ErrorKind::Timeout, "{error:?}");
    assert!(error.message.contains("took no data"), "{error:?}");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn a_stalled_upload_is_cancelled_at_once() {
    let (error, took, received) = stalled_upload(30, true);
    assert_eq!(error.kind, ErrorKind::Cancelled, "{error:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(received.iter().any(|c| c == "ABOR"), "{received:?}");
}

#[test]
fn a_listing_of_100000_entries_streams_in_batches() {
    let server = fake(Script {
        listing: std::sync::Arc::new(|| {
            let mut out = String::with_capacity(100_000 * 64);
            for i in 0..100_000 {
                out.push_str(&format!(
                    "type=file;size={i};modify=20260101120000; file{i:06}.dat\r\n"
                ));
            }
            out.into_bytes()
        }),
        ..Script::default()
    });
    let mut rig = Rig::new();
    rig.connect(site(&server, 10)).unwrap();
    let started = Instant::now();
    let entries = rig.list("/big");
    assert_eq!(entries.len(), 100_000);
    assert_eq!(entries[99_999].name, "file099999.dat");
    let batches: Vec<usize> = rig
        .transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Listing { entries, .. } => Some(entries.len()),
            _ => None,
        })
        .collect();
    assert!(batches.len() >= 50, "{} batches", batches.len());
    assert!(batches.iter().all(|n| *n <= 2000));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn lines_nothing_can_parse_are_listed_with_their_raw_text() {
    let server = fake(Script {
        mlst: false,
        listing: mlsd_listing(&[
            "-rw-r--r--    1 1000     1000         1024 Nov 21 12:30 file.txt",
            "this line is not a listing at all",
            "drwxr-xr-x+   2 0        0            4096 Jan 05  2021 dir",
        ]),
        ..Script::default()
    });
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    let entries = rig.list("/");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1].kind, EntryKind::Unknown);
    assert_eq!(entries[1].raw, "this line is not a listing at all");
    assert_eq!(entries[2].kind, EntryKind::Dir);
    assert!(rig.has_log(LogKind::Command, "LIST -a"));
}

#[test]
fn a_running_listing_can_be_cancelled_and_the_session_goes_on() {
    let server = fake(Script {
        listing: mlsd_listing(&["type=file;size=1; a", "type=file;size=1; b"]),
        trickle: Some((5, Duration::from_secs(1))),
        ..Script::default()
    });
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    let request = RequestId(rig.next_id());
    rig.send(Command::Run {
        session: rig.session(),
        request,
        op: Operation::List(None),
    });
    std::thread::sleep(Duration::from_millis(500));
    rig.send(Command::CancelOperation {
        session: rig.session(),
    });
    loop {
        if let Event::OpDone {
            request: r, result, ..
        } = rig.next(Duration::from_secs(5))
            && r == request
        {
            assert_eq!(result.unwrap_err().kind, ErrorKind::Cancelled);
            break;
        }
    }
    assert_eq!(rig.run(Operation::Pwd).unwrap(), OpOutput::Path("/".into()));
}

#[test]
fn a_resumed_upload_appends_when_the_server_lacks_rest_stream() {
    let data = pattern(300_000, 21);
    let server = fake(Script {
        file: std::sync::Arc::new(data[..100_000].to_vec()),
        rest_stream: false,
        ..Script::default()
    });
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("f"), &data).unwrap();
    let mut rig = Rig::new();
    let mut site = site(&server, 5);
    site.on_exists = ExistsPolicy::Resume;
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(Direction::Upload, &local.path().join("f"), "/f"));
    assert!(
        server.received().iter().any(|c| c == "APPE /f"),
        "{:?}",
        server.received()
    );
    assert!(!server.received().iter().any(|c| c.starts_with("REST")));
    assert_eq!(sha256(&server.file.lock().unwrap()), sha256(&data));
}

#[test]
fn list_falls_back_to_plain_list_when_list_a_is_refused() {
    let server = fake(Script {
        mlst: false,
        refuse_list_args: true,
        listing: mlsd_listing(&["-rw-r--r-- 1 u g 3 Nov 21 12:30 only.txt"]),
        ..Script::default()
    });
    let mut rig = Rig::new();
    rig.connect(site(&server, 5)).unwrap();
    let entries = rig.list("/");
    assert_eq!(entries.len(), 1);
    let lists: Vec<String> = server
        .received()
        .into_iter()
        .filter(|c| c.starts_with("LIST"))
        .collect();
    assert_eq!(lists, ["LIST -a", "LIST"]);
    // Remembered for the rest of the session.
    rig.list("/");
    assert_eq!(
        server.received().iter().filter(|c| *c == "LIST -a").count(),
        1
    );
}

#[test]
fn a_tls_handshake_that_never_ends_times_out() {
    let server = fake(Script {
        hang_after_auth: true,
        ..Script::default()
    });
    let mut rig = Rig::new();
    let mut site = site(&server, 1);
    site.protocol = Protocol::ExplicitTls;
    let started = Instant::now();
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout, "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
