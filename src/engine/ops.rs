//! Browsing operations on one control connection: streamed listings (MLSD, else `LIST -a`,
//! else `LIST`), directories, delete (also recursive), rename, chmod, SIZE, MDTM and raw
//! commands typed by the user.

use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::time::timeout;

use crate::api::{Entry, EntryKind, OpOutput, Operation, RemoteTime, TimePrecision};
use crate::common::paths::{check_remote_name, join_remote};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::listing::{LineSplitter, parse_list_line, parse_mlsd_line};
use crate::engine::ftp::reply::command_verb;

/// The longest listing line kept; longer lines are cut, never buffered without bound.
const MAX_LINE: usize = 64 * 1024;
/// Entries handed on at once, at the latest every [`FLUSH_EVERY`].
const BATCH: usize = 2000;
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Recursive delete does not follow a tree deeper than this.
const MAX_DEPTH: usize = 64;

/// Commands that need a data connection: typed raw, they would desynchronise the session.
const DATA_VERBS: &[&str] = &[
    "RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD", "PASV", "EPSV", "PORT", "EPRT", "REST",
    "ABOR",
];

/// Lists `path` (the working directory for `None`), handing entries to `on_entries` in batches
/// as they arrive. Returns the listed directory and the number of entries.
pub async fn list_dir(
    ctl: &mut Control,
    path: Option<&str>,
    mut on_entries: impl FnMut(&str, Vec<Entry>),
) -> EngineResult<(String, usize)> {
    if let Some(path) = path {
        ctl.cwd(path).await?;
    }
    let dir = ctl.cwd.clone();
    let mlsd = ctl.features.mlst;
    let mut command = if mlsd {
        "MLSD"
    } else if ctl.list_a_refused {
        "LIST"
    } else {
        "LIST -a"
    };
    let mut data = match ctl.open_data(command, None).await {
        Err(EngineError::Refused { code, .. }) if command == "LIST -a" && code >= 500 => {
            ctl.list_a_refused = true;
            command = "LIST";
            ctl.open_data(command, None).await?
        }
        other => other?,
    };
    let now = chrono::Utc::now().naive_utc();
    let mut splitter = LineSplitter::new(MAX_LINE);
    let mut buf = vec![0u8; 64 * 1024];
    let mut lines = Vec::new();
    let mut batch = Vec::new();
    let mut count = 0usize;
    let mut last_flush = Instant::now();
    let mut at_end = false;
    while !at_end {
        let n = match timeout(ctl.timeouts.inactivity, data.read(&mut buf)).await {
            Err(_) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::timeout(
                    "the listing (no data arrived)",
                    ctl.timeouts.inactivity,
                ));
            }
            // A TLS peer that closes without close_notify: the final reply tells success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => {
                ctl.abort(Some(data)).await;
                return Err(EngineError::Broken(format!("the listing broke off: {e}")));
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            splitter.finish(&mut lines);
            at_end = true;
        } else {
            splitter.push(&buf[..n], &mut lines);
        }
        for line in lines.drain(..) {
            let entry = if mlsd {
                parse_mlsd_line(&line)
            } else {
                parse_list_line(&line, now)
            };
            if let Some(entry) = entry.filter(|e| e.name != "." && e.name != "..") {
                if entry.kind != EntryKind::Unknown && check_remote_name(&entry.name).is_err() {
                    ctl.log.error(format!(
                        "The server listed an unsafe name {:?}: it will not be transferred",
                        entry.name
                    ));
                }
                batch.push(entry);
            }
            if batch.len() >= BATCH {
                count += batch.len();
                on_entries(&dir, std::mem::take(&mut batch));
                last_flush = Instant::now();
            }
        }
        if (at_end || last_flush.elapsed() >= FLUSH_EVERY) && !batch.is_empty() {
            count += batch.len();
            on_entries(&dir, std::mem::take(&mut batch));
            last_flush = Instant::now();
        }
    }
    drop(data);
    ctl.finish_transfer(command).await?;
    ctl.log
        .status(format!("Directory listing of \"{dir}\" successful"));
    Ok((dir, count))
}

/// Runs one non-listing operation.
pub async fn run(ctl: &mut Control, op: &Operation) -> EngineResult<OpOutput> {
    match op {
        Operation::Pwd => Ok(OpOutput::Path(ctl.pwd().await?)),
        Operation::Cwd(path) => Ok(OpOutput::Path(ctl.cwd(path).await?)),
        Operation::Cdup => Ok(OpOutput::Path(ctl.cdup().await?)),
        Operation::List(path) => {
            let (path, entries) = list_dir(ctl, path.as_deref(), |_, _| {}).await?;
            Ok(OpOutput::Listed { path, entries })
        }
        Operation::Mkdir(path) => done(ctl.expect_ok(&format!("MKD {path}")).await),
        Operation::Rmdir(path) => done(ctl.expect_ok(&format!("RMD {path}")).await),
        Operation::Delete(path) => done(ctl.expect_ok(&format!("DELE {path}")).await),
        Operation::DeleteRecursive(path) => {
            let back = ctl.cwd.clone();
            let result = Box::pin(delete_tree(ctl, path, 0)).await;
            if !ctl.is_broken() {
                ctl.cwd(&back).await?;
            }
            result.map(|()| OpOutput::Done)
        }
        Operation::Rename { from, to } => {
            let reply = ctl.cmd_final(&format!("RNFR {from}")).await?;
            if reply.code != 350 {
                return Err(reply.refused("RNFR"));
            }
            done(ctl.expect_ok(&format!("RNTO {to}")).await)
        }
        Operation::Chmod { path, mode } => {
            if *mode > 0o7777 {
                return Err(EngineError::Invalid(format!(
                    "{mode:o} is not a valid permission mode"
                )));
            }
            done(
                ctl.expect_ok(&format!("SITE CHMOD {mode:03o} {path}"))
                    .await,
            )
        }
        Operation::Size(path) => {
            let reply = ctl.expect_ok(&format!("SIZE {path}")).await?;
            reply
                .message()
                .trim()
                .parse()
                .map(OpOutput::Size)
                .map_err(|_| {
                    EngineError::Protocol(format!("cannot read the SIZE reply {:?}", reply.text))
                })
        }
        Operation::Mdtm(path) => {
            let reply = ctl.expect_ok(&format!("MDTM {path}")).await?;
            parse_mdtm(&reply.message())
                .map(OpOutput::Time)
                .ok_or_else(|| {
                    EngineError::Protocol(format!("cannot read the MDTM reply {:?}", reply.text))
                })
        }
        Operation::Raw(line) => {
            let verb = command_verb(line);
            if DATA_VERBS.contains(&verb.as_str()) {
                return Err(EngineError::Invalid(format!(
                    "{verb} needs a data connection: use the listing or the transfer queue instead"
                )));
            }
            let reply = ctl.cmd_final(line).await?;
            Ok(OpOutput::Reply {
                code: reply.code,
                text: reply.text,
            })
        }
        Operation::Noop => done(ctl.expect_ok("NOOP").await),
    }
}

fn done<T>(result: EngineResult<T>) -> EngineResult<OpOutput> {
    result.map(|_| OpOutput::Done)
}

/// Deletes `path` and everything below it: files first, then the emptied directories.
async fn delete_tree(ctl: &mut Control, path: &str, depth: usize) -> EngineResult<()> {
    if depth > MAX_DEPTH {
        return Err(EngineError::Protocol(format!(
            "{path} is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let mut entries = Vec::new();
    let (dir, _) = list_dir(ctl, Some(path), |_, batch| entries.extend(batch)).await?;
    for entry in entries {
        if entry.kind == EntryKind::Unknown {
            return Err(EngineError::Protocol(format!(
                "cannot tell what {:?} is from the listing, so {dir} is not deleted",
                entry.raw
            )));
        }
        check_remote_name(&entry.name)?;
        let child = join_remote(&dir, &entry.name);
        if entry.kind == EntryKind::Dir {
            Box::pin(delete_tree(ctl, &child, depth + 1)).await?;
        } else {
            ctl.expect_ok(&format!("DELE {child}")).await?;
        }
    }
    // Leave the directory before removing it: some servers refuse to remove the current one.
    ctl.cdup().await?;
    ctl.expect_ok(&format!("RMD {dir}")).await?;
    Ok(())
}

/// `YYYYMMDDHHMMSS[.sss]` from an MDTM reply, as UTC.
pub fn parse_mdtm(text: &str) -> Option<RemoteTime> {
    let digits = text.trim().split('.').next()?;
    let time = chrono::NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?;
    Some(RemoteTime {
        time,
        precision: TimePrecision::Second,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdtm_with_and_without_fraction() {
        let t = parse_mdtm("20261121123005").unwrap();
        assert_eq!(t.time.to_string(), "2026-11-21 12:30:05");
        assert!(parse_mdtm("20261121123005.123").is_some());
        assert!(parse_mdtm("yesterday").is_none());
    }
}
