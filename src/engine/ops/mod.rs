//! Browsing operations on one connection: streamed listings ([`list`]), directories, delete
//! (also recursive), rename, chmod, SIZE, MDTM, raw commands typed by the user, and a file
//! streamed to standard output ([`cat`]), and a recursive search ([`search`]).

mod cat;
mod list;
mod search;

pub use list::list_dir;
pub use search::run_search;

use crate::api::{EntryKind, OpOutput, Operation, RemoteTime, TimePrecision};
use crate::common::paths::{check_remote_name, join_remote};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::reply::command_verb;

/// Recursive delete does not follow a tree deeper than this.
const MAX_DEPTH: usize = 64;

/// Commands that need a data connection: typed raw, they would desynchronise the session.
const DATA_VERBS: &[&str] = &[
    "RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD", "PASV", "EPSV", "PORT", "EPRT", "REST",
    "ABOR",
];

/// Runs one operation (a listing without handing its entries on).
pub async fn run(conn: &mut Connection, op: &Operation) -> EngineResult<OpOutput> {
    match op {
        Operation::List(path) => {
            let (path, entries) = list_dir(conn, path.as_deref(), |_, _| {}).await?;
            Ok(OpOutput::Listed { path, entries })
        }
        Operation::DeleteRecursive(path) => {
            let back = conn.ctl.cwd.clone();
            let result = Box::pin(delete_tree(conn, path, 0)).await;
            if !conn.is_broken() {
                conn.ctl.cwd(&back).await?;
            }
            result.map(|()| OpOutput::Done)
        }
        Operation::Pwd => Ok(OpOutput::Path(conn.ctl.pwd().await?)),
        Operation::Cwd(path) => Ok(OpOutput::Path(conn.ctl.cwd(path).await?)),
        Operation::Cdup => Ok(OpOutput::Path(conn.ctl.cdup().await?)),
        Operation::Mkdir(path) => done(conn.ctl.expect_ok(&format!("MKD {path}")).await),
        Operation::Rmdir(path) => done(conn.ctl.expect_ok(&format!("RMD {path}")).await),
        Operation::Delete(path) => done(conn.ctl.expect_ok(&format!("DELE {path}")).await),
        Operation::Rename { from, to } => {
            let reply = conn.ctl.cmd_final(&format!("RNFR {from}")).await?;
            if reply.code != 350 {
                return Err(reply.refused("RNFR"));
            }
            done(conn.ctl.expect_ok(&format!("RNTO {to}")).await)
        }
        Operation::Chmod { path, mode } => {
            if *mode > 0o7777 {
                return Err(EngineError::Invalid(format!(
                    "{mode:o} is not a valid permission mode"
                )));
            }
            done(
                conn.ctl
                    .expect_ok(&format!("SITE CHMOD {mode:03o} {path}"))
                    .await,
            )
        }
        Operation::Size(path) => {
            let reply = conn.ctl.expect_ok(&format!("SIZE {path}")).await?;
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
            let reply = conn.ctl.expect_ok(&format!("MDTM {path}")).await?;
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
            let reply = conn.ctl.cmd_final(line).await?;
            Ok(OpOutput::Reply {
                code: reply.code,
                text: reply.text,
            })
        }
        Operation::Cat(path) => cat::cat(conn, path).await.map(OpOutput::Size),
        Operation::Noop => done(conn.ctl.expect_ok("NOOP").await),
        op @ Operation::Search { .. } => search::run_search(conn, op, |_, _| {}).await,
    }
}

fn done<T>(result: EngineResult<T>) -> EngineResult<OpOutput> {
    result.map(|_| OpOutput::Done)
}

/// Deletes `path` and everything below it: files first, then the emptied directories.
async fn delete_tree(conn: &mut Connection, path: &str, depth: usize) -> EngineResult<()> {
    if depth > MAX_DEPTH {
        return Err(EngineError::Protocol(format!(
            "{path} is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let mut entries = Vec::new();
    let (dir, _) = list_dir(conn, Some(path), |_, batch| entries.extend(batch)).await?;
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
            Box::pin(delete_tree(conn, &child, depth + 1)).await?;
        } else {
            conn.ctl.expect_ok(&format!("DELE {child}")).await?;
        }
    }
    // Leave the directory before removing it: some servers refuse to remove the current one.
    conn.ctl.cdup().await?;
    conn.ctl.expect_ok(&format!("RMD {dir}")).await?;
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
