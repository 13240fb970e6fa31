//! `--charset` on the command line against pyftpdlib sending Latin-1 and Shift-JIS names: URL
//! paths stay percent-encoded UTF-8 and are re-encoded for the server; on auto, `get -r` of a
//! Latin-1 server fetches every file. Ignored in a plain `cargo test` (they need pyftpdlib);
//! `tests/interop/run.sh` runs them.

use crate::support::pyftpd::{PyServer, names_in};
use crate::support::*;

fn ferry(args: &[&str], cwd: &std::path::Path) -> Run {
    let config = tempfile::tempdir().unwrap();
    run_ferry(args, cwd, config.path(), &[])
}

fn latin1_server() -> PyServer {
    let server = PyServer::start("latin-1");
    std::fs::write(server.path("café.txt"), b"latin").unwrap();
    std::fs::create_dir(server.path("Müller")).unwrap();
    std::fs::write(server.path("Müller/über.txt"), b"uber").unwrap();
    server
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_cli_get_r_on_auto_fetches_every_latin1_file() {
    let server = latin1_server();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(&["ls", &server.url("")], here.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(" café.txt\n"), "{}", run.stdout);
    let run = ferry(&["get", "-r", &server.url(""), "copy"], here.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(names_in(&here.path().join("copy")), ["Müller", "café.txt"]);
    assert_eq!(
        std::fs::read(here.path().join("copy/Müller/über.txt")).unwrap(),
        b"uber"
    );
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_cli_forced_latin1_get_and_put() {
    let server = latin1_server();
    let here = tempfile::tempdir().unwrap();
    let charset = ["--charset", "latin-1"];
    let run = ferry(
        &[&["ls", &server.url("Müller/")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(" über.txt\n"), "{}", run.stdout);
    let run = ferry(
        &[&["get", &server.url("café.txt")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(here.path().join("café.txt")).unwrap(),
        b"latin"
    );
    std::fs::write(here.path().join("résumé.txt"), b"cv").unwrap();
    let run = ferry(
        &[&["put", "résumé.txt", &server.url("")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(server.path("résumé.txt")).unwrap(), b"cv");

    // A local name Latin-1 cannot carry is refused, naming the file and the charset.
    std::fs::write(here.path().join("日本.txt"), b"x").unwrap();
    let run = ferry(
        &[&["put", "日本.txt", &server.url("")][..], &charset].concat(),
        here.path(),
    );
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("日本.txt") && run.stderr.contains("windows-1252"),
        "{}",
        run.stderr
    );
    assert!(!server.names("").iter().any(|n| n.contains('日')));
}

#[test]
#[ignore = "needs pyftpdlib: tests/interop/run.sh"]
fn interop_charset_cli_forced_shift_jis() {
    let server = PyServer::start("shift_jis");
    std::fs::write(server.path("日本語.txt"), b"nihongo").unwrap();
    let here = tempfile::tempdir().unwrap();
    let charset = ["--charset", "shift_jis"];
    let run = ferry(
        &[&["ls", &server.url("")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(" 日本語.txt\n"), "{}", run.stdout);
    let run = ferry(
        &[&["get", &server.url("日本語.txt")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(here.path().join("日本語.txt")).unwrap(),
        b"nihongo"
    );
    std::fs::write(here.path().join("アップ.txt"), b"up").unwrap();
    let run = ferry(
        &[&["put", "アップ.txt", &server.url("")][..], &charset].concat(),
        here.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.names(""), ["アップ.txt", "日本語.txt"]);
}

#[test]
fn an_unknown_charset_is_an_argument_error() {
    let here = tempfile::tempdir().unwrap();
    let run = ferry(
        &["ls", "ftp://127.0.0.1:1/", "--charset", "klingon"],
        here.path(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown character set \"klingon\""),
        "{}",
        run.stderr
    );
}
