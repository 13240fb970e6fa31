//! The `ferry` command line against the in-process server: output, exit status, the one line
//! on stderr that explains a failure, `--log`, `--trust`, `--on-exists`, the password, and (in
//! `settings`) the global settings.

mod charset;
mod limits;
mod logins;
mod mirror;
mod progress;
mod settings;
mod verbs;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferry::demo::server::ServerTls;

use crate::support::*;

/// Runs `ferry args...` with a private config folder (see [`run_ferry`]).
fn ferry(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let config = tempfile::tempdir().unwrap();
    run_ferry(args, cwd, config.path(), env)
}

fn url(server: &Server, scheme: &str, path: &str) -> String {
    format!(
        "{scheme}://{USER}:{}@127.0.0.1:{}/{path}",
        PASSWORD
            .replace(' ', "%20")
            .replace(':', "%3A")
            .replace('!', "%21"),
        server.server.addr().port()
    )
}

#[test]
fn ls_prints_one_line_per_entry() {
    let server = Server::plain();
    std::fs::write(server.path("a.txt"), b"abc").unwrap();
    std::fs::create_dir(server.path("dir")).unwrap();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(&["ls", &url(&server, "ftp", "")], here.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let file = lines
        .iter()
        .find(|l| l.ends_with(" a.txt"))
        .expect("a.txt listed");
    assert!(file.starts_with('-') && file.contains(" 3 "), "{file}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with('d') && l.ends_with(" dir"))
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn get_and_put_move_files_byte_for_byte_in_both_modes() {
    let server = Server::plain();
    let data = pattern(1_500_000, 9);
    std::fs::write(server.path("remote.bin"), &data).unwrap();
    let here = tempfile::tempdir().unwrap();
    for mode in ["passive", "active"] {
        let name = format!("{mode}.bin");
        let run = ferry(
            &[
                "get",
                &url(&server, "ftp", "remote.bin"),
                &name,
                "--mode",
                mode,
            ],
            here.path(),
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(sha256_file(&here.path().join(&name)), sha256(&data));
        let run = ferry(
            &["put", &name, &url(&server, "ftp", ""), "--mode", mode],
            here.path(),
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(sha256_file(&server.path(&name)), sha256(&data));
    }
}

#[test]
fn recursive_get_and_put() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("site/img")).unwrap();
    std::fs::write(server.path("site/index.html"), b"<html>").unwrap();
    std::fs::write(server.path("site/img/logo.png"), pattern(5000, 1)).unwrap();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(
        &[
            "get",
            "-r",
            &url(&server, "ftp", "site"),
            "copy",
            "--parallel",
            "3",
        ],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        sha256_file(&here.path().join("copy/img/logo.png")),
        sha256_file(&server.path("site/img/logo.png"))
    );
    let run = ferry(
        &["put", "-r", "copy", &url(&server, "ftp", "mirror")],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(server.path("mirror/index.html")).unwrap(),
        b"<html>"
    );
}

#[test]
fn log_reads_like_filezilla_and_never_shows_the_password() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(&["ls", &url(&server, "ftp", ""), "--log"], here.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Command:\tPASS ********\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Status:\tConnecting to 127.0.0.1"));
    assert!(run.stderr.contains("Response:\t230"));
    assert!(
        run.stderr
            .lines()
            .all(|l| ["Status:\t", "Command:\t", "Response:\t", "Error:\t"]
                .iter()
                .any(|p| l.starts_with(p))),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("s3cret") && !run.stdout.contains("s3cret"));
}

#[test]
fn the_password_can_come_from_the_environment() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let bare = format!("ftp://{USER}@127.0.0.1:{}/", server.server.addr().port());
    let run = ferry(&["ls", &bare], here.path(), &[("FERRY_PASSWORD", PASSWORD)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn failures_exit_non_zero_with_one_explaining_line() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let port = server.server.addr().port();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["ls".into(), format!("ftp://{USER}:wrong@127.0.0.1:{port}/")],
            "login refused",
        ),
        (
            vec!["get".into(), url(&server, "ftp", "missing.bin")],
            "550",
        ),
        (
            vec!["ls".into(), "ftp://127.0.0.1:1/".into()],
            "could not connect to 127.0.0.1:1",
        ),
        (
            vec!["ls".into(), "http://example.com/".into()],
            "unsupported scheme",
        ),
        (
            vec!["put".into(), "no-such-file".into(), url(&server, "ftp", "")],
            "is not a file",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = ferry(&args, here.path(), &[]);
        assert_ne!(run.code, 0, "{args:?}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
        assert!(
            lines[0].starts_with("ferry: ") && lines[0].contains(expected),
            "{args:?}: {lines:?}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(here.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "failed commands left files behind: {left:?}"
    );
}

#[test]
fn an_existing_local_file_is_kept_unless_told_otherwise() {
    let server = Server::plain();
    std::fs::write(server.path("f.txt"), b"server").unwrap();
    let here = tempfile::tempdir().unwrap();
    std::fs::write(here.path().join("f.txt"), b"local").unwrap();
    let run = ferry(&["get", &url(&server, "ftp", "f.txt")], here.path(), &[]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("already exists") && run.stderr.contains("--on-exists"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(here.path().join("f.txt")).unwrap(), b"local");
    let run = ferry(
        &[
            "get",
            &url(&server, "ftp", "f.txt"),
            "--on-exists",
            "overwrite",
        ],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(here.path().join("f.txt")).unwrap(), b"server");
}

#[test]
fn an_untrusted_certificate_is_refused_without_a_terminal_and_trusted_by_fingerprint() {
    let server = Server::start(ServerTls::Explicit);
    let here = tempfile::tempdir().unwrap();
    let run = ferry(&["ls", &url(&server, "ftpes", "")], here.path(), &[]);
    assert_ne!(run.code, 0);
    let fingerprint = server.fingerprint();
    assert!(
        run.stderr.contains(&format!("--trust {fingerprint}")),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);

    let typed = fingerprint.replace(':', "").to_lowercase();
    let run = ferry(
        &["ls", &url(&server, "ftpes", ""), "--trust", &typed],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = ferry(
        &["ls", &url(&server, "ftpes", ""), "--insecure", "--log"],
        here.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Error:\tCertificate verification is disabled")
    );
}

#[test]
fn help_lists_the_commands_and_the_app_options() {
    let here = tempfile::tempdir().unwrap();
    let run = ferry(&["--help"], here.path(), &[]);
    assert_eq!(run.code, 0);
    for word in ["ls", "get", "put", "--demo", "desktop app"] {
        assert!(
            run.stdout.contains(word),
            "{word:?} missing from {}",
            run.stdout
        );
    }
}

#[test]
fn a_refused_port_names_the_mode_that_failed() {
    let server = Server::start_with(|cfg| cfg.active = false);
    std::fs::write(server.path("f.bin"), b"data").unwrap();
    let here = tempfile::tempdir().unwrap();
    let run = ferry(
        &["get", &url(&server, "ftp", "f.bin"), "--mode", "active"],
        here.path(),
        &[],
    );
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("data connection failed in active mode"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refused PORT"), "{}", run.stderr);
    assert!(!here.path().join("f.bin").exists());
}

/// Runs ferry under a pseudo-terminal (util-linux `script`), typing `input`.
fn ferry_on_a_terminal(args: &str, input: &str) -> Run {
    let here = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_ferry"));
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(here.path())
        .env("FERRY_CONFIG_DIR", config.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux script");
    use std::io::Write;
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        let _ = stdin.write_all(input.as_bytes());
        std::thread::sleep(Duration::from_secs(5));
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferry on a terminal did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn on_a_terminal_an_untrusted_certificate_is_asked_about() {
    let server = Server::start(ServerTls::Explicit);
    std::fs::write(server.path("visible.txt"), b"x").unwrap();
    let trusted = ferry_on_a_terminal(&format!("ls '{}'", url(&server, "ftpes", "")), "o\n");
    assert_eq!(trusted.code, 0, "{}{}", trusted.stdout, trusted.stderr);
    assert!(
        trusted.stdout.contains(&server.fingerprint()),
        "{}",
        trusted.stdout
    );
    assert!(trusted.stdout.contains("Trust it?"));
    assert!(trusted.stdout.contains("visible.txt"));

    let refused = ferry_on_a_terminal(&format!("ls '{}'", url(&server, "ftpes", "")), "n\n");
    assert_ne!(refused.code, 0);
    assert!(!refused.stdout.contains("visible.txt"));
}
