//! `ferry mirror` against the in-process server, both directions: the trees afterwards, the
//! summary line, a rerun that transfers nothing, `--dry-run`, `--delete`, `--exclude`, and a
//! mirror killed in the middle of a big file that continues where it stopped.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{ferry, url};
use crate::support::*;

fn mirror(args: &[&str], cwd: &Path) -> Run {
    let mut all = vec!["mirror"];
    all.extend_from_slice(args);
    ferry(&all, cwd, &[])
}

fn assert_summary(run: &Run, summary: &str) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(run.stdout.trim_end(), summary, "{}", run.stdout);
}

/// `a.txt`, `dir/b.bin`, `dir/sub/c.txt` and an empty folder `empty` under `root`.
fn make_tree(root: &Path) {
    std::fs::create_dir_all(root.join("dir/sub")).unwrap();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::write(root.join("a.txt"), b"alpha").unwrap();
    std::fs::write(root.join("dir/b.bin"), pattern(300_000, 3)).unwrap();
    std::fs::write(root.join("dir/sub/c.txt"), b"charlie").unwrap();
}

/// The files [`make_tree`] writes.
const TREE_FILES: [&str; 3] = ["a.txt", "dir/b.bin", "dir/sub/c.txt"];

fn assert_same_tree(expected: &Path, actual: &Path) {
    for file in TREE_FILES {
        assert_eq!(
            sha256_file(&expected.join(file)),
            sha256_file(&actual.join(file)),
            "{file}"
        );
    }
    assert!(actual.join("empty").is_dir());
}

#[test]
fn mirror_downloads_a_tree_and_a_rerun_transfers_nothing() {
    let server = Server::plain();
    make_tree(server.root.path());
    let here = tempfile::tempdir().unwrap();
    let source = url(&server, "ftp", "");

    assert_summary(
        &mirror(&[&source, "copy"], here.path()),
        "3 transferred, 0 deleted, 0 up to date",
    );
    assert_same_tree(server.root.path(), &here.path().join("copy"));
    assert_summary(
        &mirror(&[&source, "copy"], here.path()),
        "0 transferred, 0 deleted, 3 up to date",
    );

    // A changed size on the server is transferred again, and only that file.
    std::fs::write(server.path("dir/sub/c.txt"), b"charlie, longer").unwrap();
    assert_summary(
        &mirror(&[&source, "copy"], here.path()),
        "1 transferred, 0 deleted, 2 up to date",
    );
    assert_same_tree(server.root.path(), &here.path().join("copy"));

    // Same size, but the server's copy is newer than the local one: transferred.
    set_age(&here.path().join("copy/a.txt"), 3600);
    assert_summary(
        &mirror(&[&source, "copy"], here.path()),
        "1 transferred, 0 deleted, 2 up to date",
    );
}

/// Dates the file's modification time back by `secs`.
fn set_age(path: &Path, secs: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    let when = std::time::SystemTime::now() - Duration::from_secs(secs);
    file.set_modified(when).unwrap();
}

#[test]
fn mirror_uploads_a_tree_into_a_new_folder_and_a_rerun_transfers_nothing() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    make_tree(&here.path().join("site"));
    let dest = url(&server, "ftp", "www");

    assert_summary(
        &mirror(&["site", &dest, "--parallel", "3"], here.path()),
        "3 transferred, 0 deleted, 0 up to date",
    );
    assert_same_tree(&here.path().join("site"), &server.path("www"));
    assert_summary(
        &mirror(&["site", &dest], here.path()),
        "0 transferred, 0 deleted, 3 up to date",
    );

    std::fs::write(here.path().join("site/a.txt"), b"alpha, changed").unwrap();
    assert_summary(
        &mirror(&["site", &dest], here.path()),
        "1 transferred, 0 deleted, 2 up to date",
    );
    assert_same_tree(&here.path().join("site"), &server.path("www"));

    // Same size, but the local file is newer than the server's (MLSD times are UTC): sent.
    set_age(&server.path("www/dir/sub/c.txt"), 3600);
    assert_summary(
        &mirror(&["site", &dest], here.path()),
        "1 transferred, 0 deleted, 2 up to date",
    );
}

#[test]
fn dry_run_prints_the_plan_and_touches_nothing() {
    let server = Server::plain();
    make_tree(server.root.path());
    std::fs::write(server.path("old.txt"), b"old").unwrap();
    let here = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(here.path().join("site/dir")).unwrap();
    std::fs::write(here.path().join("site/a.txt"), b"alpha").unwrap();
    std::fs::write(here.path().join("site/dir/new.txt"), b"new").unwrap();

    // Up: what the server lacks is put, what it has beyond the source deleted.
    let run = mirror(
        &["--dry-run", "--delete", "site", &url(&server, "ftp", "")],
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "put dir/new.txt",
            "rm dir/b.bin",
            "rmdir dir/sub",
            "rmdir empty",
            "rm old.txt"
        ]
    );
    assert!(!server.path("dir/new.txt").exists());
    assert!(server.path("old.txt").exists() && server.path("dir/sub/c.txt").exists());

    // Down, into a folder that does not exist yet.
    let run = mirror(
        &["--dry-run", &url(&server, "ftp", ""), "copy"],
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "mkdir .",
            "mkdir dir",
            "mkdir dir/sub",
            "mkdir empty",
            "get a.txt",
            "get dir/b.bin",
            "get dir/sub/c.txt",
            "get old.txt"
        ]
    );
    assert!(!here.path().join("copy").exists());
}

#[test]
fn delete_removes_what_the_source_lacks_and_only_with_the_option() {
    let server = Server::plain();
    make_tree(server.root.path());
    let here = tempfile::tempdir().unwrap();
    let copy = here.path().join("copy");
    make_tree(&copy);
    std::fs::create_dir_all(copy.join("gone/deeper")).unwrap();
    std::fs::write(copy.join("gone/deeper/f.txt"), b"f").unwrap();
    std::fs::write(copy.join("dir/extra.txt"), b"x").unwrap();
    let source = url(&server, "ftp", "");

    let run = mirror(&[&source, "copy"], here.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(copy.join("gone/deeper/f.txt").exists() && copy.join("dir/extra.txt").exists());

    assert_summary(
        &mirror(&["--delete", &source, "copy"], here.path()),
        "0 transferred, 2 deleted, 3 up to date",
    );
    assert!(!copy.join("gone").exists() && !copy.join("dir/extra.txt").exists());
    assert_same_tree(server.root.path(), &copy);

    // The other way round: the server loses what the local folder lacks.
    std::fs::remove_file(copy.join("dir/sub/c.txt")).unwrap();
    assert_summary(
        &mirror(&["--delete", "copy", &source], here.path()),
        "0 transferred, 1 deleted, 2 up to date",
    );
    assert!(!server.path("dir/sub/c.txt").exists());
    assert!(server.path("dir/sub").is_dir() && server.path("dir/b.bin").exists());
}

#[test]
fn exclude_leaves_out_names_and_paths_on_both_sides() {
    let server = Server::plain();
    make_tree(server.root.path());
    std::fs::write(server.path("dir/skip.tmp"), b"tmp").unwrap();
    let here = tempfile::tempdir().unwrap();
    let copy = here.path().join("copy");
    std::fs::create_dir_all(copy.join("dir/sub")).unwrap();
    std::fs::write(copy.join("dir/sub/mine.txt"), b"kept").unwrap();

    assert_summary(
        &mirror(
            &[
                "--delete",
                "--exclude",
                "*.tmp",
                "--exclude",
                "dir/sub",
                &url(&server, "ftp", ""),
                "copy",
            ],
            here.path(),
        ),
        "2 transferred, 0 deleted, 0 up to date",
    );
    assert!(copy.join("a.txt").exists() && copy.join("dir/b.bin").exists());
    assert!(!copy.join("dir/skip.tmp").exists());
    assert!(!copy.join("dir/sub/c.txt").exists());
    // Excluded on the destination too: not deleted.
    assert!(copy.join("dir/sub/mine.txt").exists());
}

#[test]
fn mirror_needs_one_local_and_one_remote_side() {
    let here = tempfile::tempdir().unwrap();
    let run = mirror(&["a", "b"], here.path());
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("one local folder and one URL"),
        "{}",
        run.stderr
    );
}

/// Starts `ferry mirror args...` in the background (no terminal, a private config folder).
fn spawn_mirror(args: &[&str], cwd: &Path, config: &Path) -> std::process::Child {
    ferry_command(&[&["mirror"], args].concat(), cwd, config, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs `ferry mirror --parallel 1 SOURCE DEST` (one transfer at a time, in order: the small
/// files come first) and kills it once `partial` holds over 1 MB and the small files are in
/// place under `dest_root` (a finished download is renamed after the group flush, which may
/// end after the next file started: until then it is a `.part` file and not finished); the
/// bytes written by then.
fn interrupt(source: &str, dest: &str, cwd: &Path, partial: &Path, dest_root: &Path) -> u64 {
    let config = tempfile::tempdir().unwrap();
    // Limited so that the big file cannot end before its .part was seen and the small
    // files were renamed (100 MB take 2.5 s).
    let mut child = spawn_mirror(
        &["--parallel", "1", "--limit-rate", "40M", source, dest],
        cwd,
        config.path(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let written = std::fs::metadata(partial).map_or(0, |m| m.len());
        let small_files_in_place = TREE_FILES.iter().all(|f| dest_root.join(f).exists());
        if written > 1_000_000 && small_files_in_place {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the mirror ended ({status}) before it could be interrupted");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the big file never started");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::metadata(partial).unwrap().len()
}

#[test]
fn an_interrupted_upload_mirror_continues_the_partial_file() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    make_tree(&here.path().join("site"));
    let big = pattern(100_000_000, 12);
    std::fs::write(here.path().join("site/z-big.bin"), &big).unwrap();
    let dest = url(&server, "ftp", "");

    let written = interrupt(
        "site",
        &dest,
        here.path(),
        &server.path("z-big.bin"),
        server.root.path(),
    );
    assert!(written < big.len() as u64, "{written}");

    let run = mirror(&["--log", "site", &dest], here.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim_end(),
        "1 transferred, 0 deleted, 3 up to date"
    );
    assert!(
        run.stderr.contains("Resuming the upload of"),
        "{}",
        run.stderr
    );
    assert_eq!(sha256_file(&server.path("z-big.bin")), sha256(&big));
}

#[test]
fn an_interrupted_mirror_continues_without_redoing_finished_files() {
    let server = Server::plain();
    make_tree(server.root.path());
    let big = pattern(100_000_000, 11);
    std::fs::write(server.path("z-big.bin"), &big).unwrap();
    let here = tempfile::tempdir().unwrap();
    let source = url(&server, "ftp", "");
    let part = here.path().join("copy/z-big.bin.part");

    let written = interrupt(
        &source,
        "copy",
        here.path(),
        &part,
        &here.path().join("copy"),
    );
    assert!(written < big.len() as u64, "{written}");
    assert!(!here.path().join("copy/z-big.bin").exists());

    let run = mirror(&["--log", &source, "copy"], here.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim_end(),
        "1 transferred, 0 deleted, 3 up to date"
    );
    assert!(
        run.stderr.contains("Resuming") && run.stderr.contains("z-big.bin at byte"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sha256_file(&here.path().join("copy/z-big.bin")),
        sha256(&big)
    );
    assert!(!part.exists());
}

/// Up, down, reruns and `--delete` against the real servers of `tests/interop/run.sh` (which
/// runs the ignored tests named `interop`): vsftpd lists no MLSD, so its files compare by size
/// alone; the others give MLSD times.
#[test]
#[ignore = "needs the real servers started by tests/interop/run.sh"]
fn interop_mirror_on_real_servers() {
    use crate::support::real::{Real, Scratch};
    for name in ["vsftpd", "pure-ftpd", "proftpd", "pyftpdlib"] {
        eprintln!("mirror against {name}");
        let real = Real::load(name);
        let scratch = Scratch::new(&real, "cli-mirror");
        let here = tempfile::tempdir().unwrap();
        let site = here.path().join("site");
        make_tree(&site);
        let remote = real.url("ftp", &format!("{}/www", scratch.name));

        let all_new = "3 transferred, 0 deleted, 0 up to date";
        let nothing = "0 transferred, 0 deleted, 3 up to date";
        assert_summary(&mirror(&["site", &remote], here.path()), all_new);
        assert_same_tree(&site, &scratch.path.join("www"));
        assert_summary(&mirror(&["site", &remote], here.path()), nothing);

        assert_summary(&mirror(&[&remote, "copy"], here.path()), all_new);
        assert_same_tree(&site, &here.path().join("copy"));
        assert_summary(&mirror(&[&remote, "copy"], here.path()), nothing);

        std::fs::remove_file(site.join("a.txt")).unwrap();
        assert_summary(
            &mirror(&["--delete", "site", &remote], here.path()),
            "0 transferred, 1 deleted, 2 up to date",
        );
        assert!(!scratch.path.join("www/a.txt").exists(), "{name}");
    }
}
