//! One server's row of the matrix: the server (real or in-process), the scenario list of a
//! cell and the checks that the cell used the mode it was meant to.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use ferry::demo::server::ServerTls;
use ferry::*;

use super::{Cell, FILE_SIZE, MODES, Mode, PROTOCOLS, protocol_label};
use crate::support::real::{Real, Scratch};
use crate::support::*;

/// A server of the matrix.
enum Target {
    Real(Real),
    Local(Server),
    /// Its env file could not be read: every cell fails.
    Missing(String),
}

impl Target {
    fn load(name: &str) -> Target {
        if name == "libunftp" {
            return Target::Local(Server::start(ServerTls::Explicit));
        }
        let dir = std::env::var("FERRY_INTEROP_DIR")
            .expect("FERRY_INTEROP_DIR: run tests/interop/run.sh");
        let env = Path::new(&dir).join(name).join("env");
        if env.is_file() {
            Target::Real(Real::load(name))
        } else {
            Target::Missing(format!("no {}: server not started", env.display()))
        }
    }

    /// The Site for a cell, or why the cell is not supported.
    fn site(&self, protocol: Protocol, mode: Mode) -> Result<Site, String> {
        let mut site = match self {
            Target::Missing(why) => return Err(why.clone()),
            Target::Real(real) => {
                if !real.offers(protocol) {
                    return Err(format!(
                        "FTP_TLS={}: no {}",
                        real.get("FTP_TLS"),
                        protocol_label(protocol)
                    ));
                }
                if mode.active() && !real.active() {
                    return Err("FTP_ACTIVE is not yes: no active mode".to_string());
                }
                if mode.ipv6() {
                    let Some((host, port)) = real.ipv6() else {
                        return Err("no FTP_HOST6/FTP_PORT6: no IPv6 listener".to_string());
                    };
                    real.site_at(host, port, protocol, DataMode::Passive)
                } else {
                    real.site(protocol, DataMode::Passive)
                }
            }
            Target::Local(server) => {
                if protocol == Protocol::ImplicitTls {
                    return Err("ServerTls::Explicit: no implicit TLS".to_string());
                }
                if mode.ipv6() {
                    return Err("listens on 127.0.0.1 only; no EPRT".to_string());
                }
                let mut site = server.site(protocol);
                site.timeouts = short_timeouts(10);
                if protocol.is_tls() {
                    site.tls.pinned = vec![server.fingerprint()];
                }
                site
            }
        };
        mode.apply(&mut site);
        site.on_exists = ExistsPolicy::Resume;
        Ok(site)
    }

    fn scratch(&self, test: &str) -> Scratch {
        match self {
            Target::Real(real) => Scratch::new(real, test),
            // libunftp runs in this process, as the user writing the files.
            Target::Local(server) => Scratch::under(server.root.path(), test, None),
            Target::Missing(_) => unreachable!(),
        }
    }
}

fn ensure(ok: bool, failure: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(failure()) }
}

fn op(rig: &mut Rig, what: &str, operation: Operation) -> Result<OpOutput, String> {
    rig.run(operation).map_err(|e| format!("{what}: {e}"))
}

fn transfer(
    rig: &mut Rig,
    what: &str,
    direction: Direction,
    local: &Path,
    remote: &str,
) -> Result<(), String> {
    let request = rig.request(direction, local, remote);
    let id = request.id;
    match rig.transfer(vec![request]).remove(&id) {
        Some(TransferState::Finished { .. }) => Ok(()),
        Some(TransferState::Failed(e)) => Err(format!("{what}: {e}")),
        other => Err(format!("{what}: ended as {other:?}")),
    }
}

/// SHA-256 of a file, or why it cannot be read.
fn digest(what: &str, path: &Path) -> Result<String, String> {
    std::fs::read(path)
        .map(|bytes| sha256(&bytes))
        .map_err(|e| format!("{what}: {}: {e}", path.display()))
}

fn same_file(what: &str, path: &Path, data: &[u8]) -> Result<(), String> {
    let got = digest(what, path)?;
    ensure(got == sha256(data), || {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        format!(
            "{what}: SHA-256 differs ({len} bytes, expected {})",
            data.len()
        )
    })
}

/// The scenario list of one cell. The first failure ends it.
fn scenarios(
    rig: &mut Rig,
    site: Site,
    protocol: Protocol,
    scratch: &Scratch,
    local: &Path,
    seed: u64,
) -> Result<(), String> {
    let info = rig.connect(site).map_err(|e| format!("connect: {e}"))?;
    ensure(info.tls == protocol.is_tls(), || {
        format!("connect: TLS is {}", info.tls)
    })?;
    let dir = rig.abs(&scratch.name);
    let remote = |name: &str| format!("{dir}/{name}");

    // list
    scratch.write("listed.txt", b"abc");
    op(rig, "list", Operation::List(Some(dir.clone())))?;
    let entries = std::mem::take(&mut rig.listing);
    ensure(
        entries
            .iter()
            .any(|e| e.name == "listed.txt" && e.size == Some(3)),
        || {
            let names: Vec<_> = entries.iter().map(|e| (&e.name, e.size)).collect();
            format!("list: no listed.txt of 3 bytes in {names:?}")
        },
    )?;

    // put
    let data = pattern(FILE_SIZE, seed);
    std::fs::write(local.join("up.bin"), &data).unwrap();
    transfer(
        rig,
        "put",
        Direction::Upload,
        &local.join("up.bin"),
        &remote("up.bin"),
    )?;
    same_file("put", &scratch.path.join("up.bin"), &data)?;

    // get
    transfer(
        rig,
        "get",
        Direction::Download,
        &local.join("down.bin"),
        &remote("up.bin"),
    )?;
    same_file("get", &local.join("down.bin"), &data)?;

    // resume: the first half is already here as a `.part`.
    let whole = pattern(FILE_SIZE, seed + 1);
    let half = whole.len() / 2;
    scratch.write("resume.bin", &whole);
    std::fs::write(local.join("resume.bin.part"), &whole[..half]).unwrap();
    transfer(
        rig,
        "resume",
        Direction::Download,
        &local.join("resume.bin"),
        &remote("resume.bin"),
    )?;
    ensure(
        rig.has_log(LogKind::Command, &format!("REST {half}")),
        || format!("resume: no REST {half} in the log"),
    )?;
    same_file("resume", &local.join("resume.bin"), &whole)?;

    // mkdir
    op(rig, "mkdir", Operation::Mkdir(remote("made")))?;
    ensure(scratch.path.join("made").is_dir(), || {
        "mkdir: no folder on the server".to_string()
    })?;

    // rename (into the new folder)
    op(
        rig,
        "rename",
        Operation::Rename {
            from: remote("up.bin"),
            to: remote("made/moved.bin"),
        },
    )?;
    ensure(
        scratch.path.join("made/moved.bin").is_file() && !scratch.path.join("up.bin").exists(),
        || "rename: the file did not move".to_string(),
    )?;
    same_file("rename", &scratch.path.join("made/moved.bin"), &data)?;

    // delete
    op(rig, "delete", Operation::Delete(remote("made/moved.bin")))?;
    ensure(!scratch.path.join("made/moved.bin").exists(), || {
        "delete: the file is still there".to_string()
    })?;
    op(rig, "delete", Operation::Delete(remote("listed.txt")))?;
    ensure(!scratch.path.join("listed.txt").exists(), || {
        "delete: listed.txt is still there".to_string()
    })?;

    rig.disconnect();
    Ok(())
}

/// Data-connection commands of other modes in the log: the cell silently used another mode.
fn foreign_modes(rig: &Rig, mode: Mode) -> Result<(), String> {
    let used: BTreeSet<String> = rig
        .log_lines()
        .iter()
        .filter(|l| l.kind == LogKind::Command)
        .filter_map(|l| l.text.split_whitespace().next().map(str::to_string))
        .filter(|verb| ["EPSV", "PASV", "PORT", "EPRT"].contains(&verb.as_str()))
        .filter(|verb| verb != mode.verb())
        .collect();
    ensure(used.is_empty(), || {
        format!("mode: sent {used:?}, expected only {}", mode.verb())
    })
}

/// The mode's own command was sent, announcing the right address, on a control connection to
/// the right address family.
fn check_mode(rig: &Rig, mode: Mode, site_host: &str) -> Result<(), String> {
    let lines = rig.log_lines();
    ensure(
        lines.iter().any(|l| {
            l.kind == LogKind::Command && l.text.split_whitespace().next() == Some(mode.verb())
        }),
        || format!("mode: {} was never sent", mode.verb()),
    )?;
    let command = |verb: &str| {
        lines
            .iter()
            .find(|l| l.kind == LogKind::Command && l.text.starts_with(verb))
            .map(|l| l.text.clone())
            .unwrap_or_default()
    };
    match mode {
        Mode::Port => ensure(command("PORT").starts_with("PORT 127,0,0,1,"), || {
            format!("mode: {:?} does not announce 127.0.0.1", command("PORT"))
        })?,
        Mode::Eprt => ensure(command("EPRT").starts_with("EPRT |2|::1|"), || {
            format!("mode: {:?} does not announce ::1", command("EPRT"))
        })?,
        _ => {}
    }
    let connecting = if mode.ipv6() { "[::1]:" } else { "127.0.0.1:" };
    ensure(
        rig.has_log(LogKind::Status, &format!("Connecting to {connecting}")),
        || format!("mode: the control connection did not go to {site_host}"),
    )
}

/// Runs one cell on a fresh worker, a fresh scratch folder and a fresh local folder.
fn run_cell(target: &Target, protocol: Protocol, mode: Mode, seed: u64) -> Cell {
    if let Target::Missing(why) = target {
        return Cell::Fail {
            reason: "server not running".to_string(),
            details: vec![why.clone()],
        };
    }
    let site = match target.site(protocol, mode) {
        Ok(site) => site,
        Err(why) => return Cell::NotSupported(why),
    };
    let host = site.host.clone();
    let scratch = target.scratch(&format!(
        "matrix-{}-{}",
        protocol_label(protocol),
        mode.label()
    ));
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        scenarios(&mut rig, site, protocol, &scratch, local.path(), seed)
    }));
    let mut reasons = Vec::new();
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(reason)) => reasons.push(reason),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".to_string());
            reasons.push(format!("panic: {}", text.lines().next().unwrap_or("")));
        }
    }
    // A cell that silently used another mode fails even when everything else worked, and that
    // is the first thing to say about it.
    if let Err(reason) = foreign_modes(&rig, mode) {
        reasons.insert(0, reason);
    }
    if reasons.is_empty()
        && let Err(reason) = check_mode(&rig, mode, &host)
    {
        reasons.push(reason);
    }
    if reasons.is_empty() {
        return Cell::Pass;
    }
    let log = rig.log_text();
    let tail = log.len().saturating_sub(14);
    let mut details = reasons.clone();
    details.extend(log[tail..].iter().map(|l| format!("    {l}")));
    Cell::Fail {
        reason: reasons.remove(0),
        details,
    }
}

pub(super) struct Row {
    pub(super) server: &'static str,
    pub(super) cells: Vec<Cell>,
    pub(super) took: Duration,
    /// The server's env file is missing: every cell failed for that reason alone.
    pub(super) missing: Option<String>,
}

/// One server's row: its cells one after another.
pub(super) fn run_row(index: usize, server: &'static str) -> Row {
    let started = Instant::now();
    let target = Target::load(server);
    let missing = match &target {
        Target::Missing(why) => Some(why.clone()),
        _ => None,
    };
    let mut cells = Vec::new();
    for (p, protocol) in PROTOCOLS.into_iter().enumerate() {
        for (m, mode) in MODES.into_iter().enumerate() {
            let seed = (index * 100 + p * 10 + m) as u64;
            cells.push(run_cell(&target, protocol, mode, seed));
        }
    }
    Row {
        server,
        cells,
        took: started.elapsed(),
        missing,
    }
}
