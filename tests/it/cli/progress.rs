//! `--progress`: the real binary under a pseudo-terminal (util-linux `script`) draws a live line
//! for the transfer and a total; with its output piped it prints nothing but the result.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::{ferry, url};
use crate::support::*;

/// `ferry args...` on a pseudo-terminal in `cwd`: its exit status and everything it drew.
fn on_terminal(args: &[&str], cwd: &std::path::Path) -> Option<(i32, String)> {
    let script = Command::new("script").arg("--version").output();
    if !script.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no `script` (util-linux) to give ferry a terminal");
        return None;
    }
    let config = tempfile::tempdir().unwrap();
    let line = std::iter::once(env!("CARGO_BIN_EXE_ferry"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .current_dir(cwd)
        .env("FERRY_CONFIG_DIR", config.path())
        .env("FERRY_KEYRING", "none")
        .env("COLUMNS", "120")
        .env_remove("FERRY_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "ferry hung");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn progress_draws_a_line_per_transfer_and_a_total_on_a_terminal_only() {
    let server = Server::plain();
    let data = pattern(600 * 1024, 8);
    std::fs::write(server.path("slow.bin"), &data).unwrap();
    let here = tempfile::tempdir().unwrap();
    let remote = url(&server, "ftp", "slow.bin");
    // Limited to take about two seconds: several frames are drawn.
    let args = ["get", &remote, "--progress", "--limit-rate", "300K"];
    let Some((code, drawn)) = on_terminal(&args, here.path()) else {
        return;
    };
    assert_eq!(code, 0, "{drawn}");
    assert_eq!(sha256_file(&here.path().join("slow.bin")), sha256(&data));
    // The transfer's own line while it ran, with its name and speed...
    assert!(
        drawn.contains("slow.bin") && drawn.contains("KiB/s"),
        "{drawn:?}"
    );
    // ...and the total, which stays when it is over.
    let last = drawn.rsplit('\r').next().unwrap_or_default();
    assert!(
        drawn.contains("total")
            && last.contains("600.00 KiB/600.00 KiB")
            && last.contains("1/1 files"),
        "{drawn:?}"
    );

    // Piped: nothing but the result (none for a download that worked).
    std::fs::remove_file(here.path().join("slow.bin")).unwrap();
    let run = ferry(&["get", &remote, "--progress"], here.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    assert_eq!(sha256_file(&here.path().join("slow.bin")), sha256(&data));
}
