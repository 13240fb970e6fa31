//! Whether a remote file exists, and its size and time: SIZE where the server has it (as FEAT
//! says, or as it answers), else the folder's listing where one was taken, else MLST, else
//! "unknown", which is never taken for "exists".

use std::time::SystemTime;

use crate::api::{Entry, FileFacts};
use crate::engine::connection::Listed;
use crate::engine::error::EngineResult;
use crate::engine::ftp::control::Control;
use crate::engine::ftp::listing::parse_mlsd_line;
use crate::engine::ops::parse_mdtm;

/// SIZE and (when wanted) MDTM of a remote file, or its MLST facts; `None` when it does not
/// exist or the server cannot tell (an upload then goes ahead as a new file).
pub async fn remote_facts(
    ctl: &mut Control,
    listed: &Listed,
    path: &str,
    want_time: bool,
) -> EngineResult<Option<FileFacts>> {
    if size_usable(ctl) && listed_in(listed, path).is_none() {
        let reply = ctl.cmd_final(&format!("SIZE {path}")).await?;
        match reply.code {
            213 => {
                let size = reply.message().trim().parse().ok();
                return with_time(ctl, path, size, want_time).await.map(Some);
            }
            550 => return Ok(None),
            // Not implemented: don't ask this connection again.
            500 | 502 | 504 => ctl.features.size = false,
            _ => return with_time(ctl, path, None, want_time).await.map(Some),
        }
    }
    if let Some(entries) = listed_in(listed, path) {
        let name = path.rsplit('/').next().unwrap_or(path);
        return Ok(entries.iter().find(|e| e.name == name).map(|e| FileFacts {
            path: path.to_string(),
            size: e.size,
            modified: e.modified.map(|t| SystemTime::from(t.time.and_utc())),
        }));
    }
    if ctl.features.mlst {
        let reply = ctl.cmd_final(&format!("MLST {path}")).await?;
        return Ok(match reply.code {
            250 => Some(mlst_facts(&reply.text, path)),
            _ => None,
        });
    }
    ctl.log.status(format!(
        "The server cannot tell whether {path} exists (no SIZE or MLST); taking it for a new file"
    ));
    Ok(None)
}

/// Whether SIZE or MLST can tell if a file exists.
pub fn can_probe(ctl: &Control) -> bool {
    size_usable(ctl) || ctl.features.mlst
}

/// The listing of `path`'s folder, when one was taken for this connection.
pub fn listed_in<'a>(listed: &'a Listed, path: &str) -> Option<&'a [Entry]> {
    let (dir, _) = path.rsplit_once('/')?;
    let dir = if dir.is_empty() { "/" } else { dir };
    match listed {
        Some((listed, entries)) if listed == dir => Some(entries),
        _ => None,
    }
}

/// SIZE is worth asking: FEAT listed it, or the server sent no features to go by.
fn size_usable(ctl: &Control) -> bool {
    ctl.features.size || ctl.features.lines.is_empty()
}

async fn with_time(
    ctl: &mut Control,
    path: &str,
    size: Option<u64>,
    want_time: bool,
) -> EngineResult<FileFacts> {
    let mut modified = None;
    if want_time {
        let reply = ctl.cmd_final(&format!("MDTM {path}")).await?;
        if reply.code == 213 {
            modified = parse_mdtm(&reply.message()).map(|t| SystemTime::from(t.time.and_utc()));
        }
    }
    Ok(FileFacts {
        path: path.to_string(),
        size,
        modified,
    })
}

/// The facts line of an MLST reply (`250-...`, ` type=file;size=3; /path`, `250 End`).
pub(super) fn mlst_facts(text: &str, path: &str) -> FileFacts {
    let entry = text
        .lines()
        .filter(|line| line.starts_with(' '))
        .find_map(|line| parse_mlsd_line(line.trim_start()));
    FileFacts {
        path: path.to_string(),
        size: entry.as_ref().and_then(|e| e.size),
        modified: entry
            .and_then(|e| e.modified)
            .map(|t| SystemTime::from(t.time.and_utc())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mlst_replies_give_size() {
        let text = "250-Listing /a\n type=file;size=42;modify=20240101000000; /a\n250 End";
        assert_eq!(mlst_facts(text, "/a").size, Some(42));
        assert_eq!(mlst_facts("250 odd", "/a").size, None);
    }
}
