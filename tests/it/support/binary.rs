//! The `ferry` binary run like a script runs it: no terminal, a private config folder, a time
//! limit, and its exit status and both outputs collected.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `ferry args...` as a script would start it: no terminal, `config` as its config folder, no
/// keyring and no `$FERRY_PASSWORD` (unless `env` sets them; an empty value removes a
/// variable); its outputs piped.
pub fn ferry_command(args: &[&str], cwd: &Path, config: &Path, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .args(args)
        .current_dir(cwd)
        .env("FERRY_CONFIG_DIR", config)
        .env("FERRY_KEYRING", "none")
        .env_remove("FERRY_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        if value.is_empty() {
            command.env_remove(key);
        } else {
            command.env(key, value);
        }
    }
    command
}

/// [`run_ferry`] with stdout kept as bytes (`ferry cat`).
pub fn run_ferry_bytes(
    args: &[&str],
    cwd: &Path,
    config: &Path,
    env: &[(&str, &str)],
) -> (i32, Vec<u8>, String) {
    let mut child = ferry_command(args, cwd, config, env).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferry {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status.code().unwrap_or(-1),
        out_reader.join().unwrap(),
        err_reader.join().unwrap(),
    )
}

/// Runs `ferry args...` (see [`ferry_command`]) with a 60 s limit.
pub fn run_ferry(args: &[&str], cwd: &Path, config: &Path, env: &[(&str, &str)]) -> Run {
    let (code, stdout, stderr) = run_ferry_bytes(args, cwd, config, env);
    Run {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr,
    }
}
