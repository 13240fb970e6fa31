//! Remote search (`Operation::Search`) against the in-process server: matches stream in as
//! each folder is listed, the depth bound holds, and a cancel stops the walk. And the worker's
//! transfer filter, which recursive transfers keep to.

use std::time::Duration;

use ferry::*;

use crate::support::*;

fn find_txt() -> Filter {
    Filter {
        conditions: vec![Condition::Name(NameTest::Glob, "*.TXT".to_string())],
        ..Filter::default()
    }
}

/// Each folder a search reported, with the names found there.
type Reported = Vec<(String, Vec<String>)>;

/// Runs a search and returns what each `Listing` event carried (folder, names) and the result.
fn search(
    rig: &mut Rig,
    root: &str,
    max_depth: usize,
    find: Filter,
) -> (Reported, Result<OpOutput, ErrorReport>) {
    let request = RequestId(rig.next_id());
    rig.send(Command::Run {
        session: rig.session(),
        request,
        op: Operation::Search {
            root: root.to_string(),
            max_depth,
            find,
        },
    });
    let mut found = Vec::new();
    loop {
        match rig.next(Duration::from_secs(20)) {
            Event::Listing {
                request: r,
                path,
                entries,
                ..
            } if r == request => {
                found.push((path, entries.into_iter().map(|e| e.name).collect()));
            }
            Event::OpDone {
                request: r, result, ..
            } if r == request => return (found, result),
            _ => {}
        }
    }
}

#[test]
fn search_streams_matches_by_folder_within_the_depth_bound() {
    let server = Server::plain();
    for dir in ["top/a/deep/deeper", "top/b"] {
        std::fs::create_dir_all(server.path(dir)).unwrap();
    }
    for file in [
        "top/one.txt",
        "top/skip.bin",
        "top/a/two.TXT",
        "top/a/deep/three.txt",
        "top/a/deep/deeper/four.txt",
        "top/b/five.md",
    ] {
        std::fs::write(server.path(file), file).unwrap();
    }
    std::fs::create_dir_all(server.path("top/a/notes.txt")).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let root = rig.abs("top");

    let (found, result) = search(&mut rig, &root, 20, find_txt());
    let mut names: Vec<(String, String)> = found
        .iter()
        .flat_map(|(dir, names)| names.iter().map(move |n| (dir.clone(), n.clone())))
        .collect();
    names.sort();
    let expect = |dir: &str, name: &str| (rig.abs(dir), name.to_string());
    assert_eq!(
        names,
        vec![
            expect("top", "one.txt"),
            expect("top/a", "notes.txt"),
            expect("top/a", "two.TXT"),
            expect("top/a/deep", "three.txt"),
            expect("top/a/deep/deeper", "four.txt"),
        ]
    );
    assert_eq!(
        result.unwrap(),
        OpOutput::Listed {
            path: root.clone(),
            entries: 5
        }
    );
    // The working directory is where it was.
    assert_eq!(
        rig.run(Operation::Pwd).unwrap(),
        OpOutput::Path(rig.home.clone())
    );

    // One level down at most: top and top/a, top/b; not top/a/deep.
    let (found, result) = search(&mut rig, &root, 1, find_txt());
    let dirs: Vec<&str> = found.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(dirs.len(), 2, "{found:?}");
    assert!(!dirs.iter().any(|d| d.contains("deep")), "{found:?}");
    assert!(matches!(result, Ok(OpOutput::Listed { entries: 3, .. })));
    assert!(rig.has_log(LogKind::Status, "deeper than 1 levels"));

    // Only folders, case-sensitive: the folder named notes.txt.
    let folders = Filter {
        files: false,
        case_sensitive: true,
        conditions: vec![Condition::Name(NameTest::EndsWith, ".txt".to_string())],
        ..Filter::default()
    };
    let (found, _) = search(&mut rig, &root, 20, folders);
    assert_eq!(
        found,
        vec![(rig.abs("top/a"), vec!["notes.txt".to_string()])]
    );
}

#[test]
fn a_running_search_is_cancelled_with_its_first_results_kept() {
    let server = Server::plain();
    for i in 0..300 {
        let dir = format!("wide/d{i:03}");
        std::fs::create_dir_all(server.path(&dir)).unwrap();
        std::fs::write(server.path(&format!("{dir}/hit.txt")), b"x").unwrap();
    }
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let request = RequestId(rig.next_id());
    rig.send(Command::Run {
        session: rig.session(),
        request,
        op: Operation::Search {
            root: rig.abs("wide"),
            max_depth: 20,
            find: find_txt(),
        },
    });
    let mut folders = 0;
    let result = loop {
        match rig.next(Duration::from_secs(20)) {
            Event::Listing { request: r, .. } if r == request => {
                folders += 1;
                if folders == 1 {
                    rig.send(Command::CancelOperation {
                        session: rig.session(),
                    });
                }
            }
            Event::OpDone {
                request: r, result, ..
            } if r == request => break result,
            _ => {}
        }
    };
    assert_eq!(result.unwrap_err().kind, ErrorKind::Cancelled);
    assert!((1..300).contains(&folders), "{folders} folders reported");
    // The session goes on.
    assert!(rig.run(Operation::Pwd).is_ok());
}

/// The worker's transfer filter: a recursive download leaves out what the remote filters hide,
/// a recursive upload what the local ones hide; clearing it transfers everything again.
#[test]
fn recursive_transfers_leave_out_what_the_transfer_filter_hides() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("site/logs")).unwrap();
    std::fs::create_dir_all(server.path("site/css")).unwrap();
    for file in [
        "site/index.html",
        "site/debug.log",
        "site/css/a.css",
        "site/logs/x.txt",
    ] {
        std::fs::write(server.path(file), file).unwrap();
    }
    let no_logs = Filter {
        conditions: vec![Condition::Name(NameTest::BeginsWith, "log".to_string())],
        mode: MatchMode::Any,
        ..Filter::default()
    };
    let mut log_files = no_logs.clone();
    log_files.conditions = vec![Condition::Name(NameTest::EndsWith, ".log".to_string())];
    log_files.folders = false;
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    rig.send(Command::SetTransferFilter(Some(TransferFilter {
        local: vec![log_files.clone()],
        remote: vec![no_logs, log_files],
    })));

    let local = tempfile::tempdir().unwrap();
    let mut down = rig.request(
        Direction::Download,
        &local.path().join("site"),
        &rig.abs("site"),
    );
    down.recursive = true;
    let states = rig.transfer(vec![down]);
    Rig::assert_all_finished(&states);
    assert_eq!(
        files_under(local.path()),
        ["site/css/a.css", "site/index.html"]
    );
    assert!(rig.has_log(LogKind::Status, "Skipped debug.log: hidden by a filter"));

    std::fs::write(local.path().join("site/css/local.log"), b"l").unwrap();
    let mut up = rig.request(
        Direction::Upload,
        &local.path().join("site"),
        &rig.abs("up"),
    );
    up.recursive = true;
    Rig::assert_all_finished(&rig.transfer(vec![up]));
    assert!(server.path("up/css/a.css").is_file());
    assert!(!server.path("up/css/local.log").exists());

    rig.send(Command::SetTransferFilter(None));
    let again = tempfile::tempdir().unwrap();
    let mut down = rig.request(
        Direction::Download,
        &again.path().join("site"),
        &rig.abs("site"),
    );
    down.recursive = true;
    Rig::assert_all_finished(&rig.transfer(vec![down]));
    assert_eq!(files_under(again.path()).len(), 4);
}

/// A server whose every folder is the same one (each `CWD` lands where `PWD` says "/", as a
/// symlink back up would): each folder is listed once, so the walk ends at once instead of
/// finding the same file at every level down to the bound.
#[test]
fn a_folder_seen_before_is_not_walked_again() {
    use crate::support::fake::{FakeServer, Script};
    let server = RT.block_on(FakeServer::start(Script {
        listing: std::sync::Arc::new(|| {
            b"type=dir;modify=20260101000000; loop\r\ntype=file;size=1; hit.txt\r\n".to_vec()
        }),
        ..Script::default()
    }));
    let mut rig = Rig::new();
    rig.connect(server.site(5)).unwrap();
    let (found, result) = search(&mut rig, "/", 20, find_txt());
    assert_eq!(found, vec![("/".to_string(), vec!["hit.txt".to_string()])]);
    assert!(matches!(result, Ok(OpOutput::Listed { entries: 1, .. })));
}
