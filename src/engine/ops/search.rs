//! Remote search: walks a folder tree with the session's listing code, breadth first, and hands
//! on each folder's entries that a filter matches as that folder is listed. The walk is bounded
//! in depth, does not follow entries listed as links, and lists each folder once (by the path
//! the server reports after entering it), so a folder that leads back up does not loop.

use std::collections::{HashSet, VecDeque};

use crate::api::{Entry, EntryKind, Filter, OpOutput, Operation};
use crate::common::paths::{check_remote_name, join_remote};
use crate::engine::connection::Connection;
use crate::engine::error::{EngineError, EngineResult};

use super::list_dir;

/// What a search found: how many matches, in how many folders listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Found {
    pub matches: usize,
    pub folders: usize,
    /// Some folders were not walked: they lie deeper than the bound.
    pub depth_reached: bool,
}

/// Runs an [`Operation::Search`] (any other operation is refused): its matches handed to
/// `on_found` folder by folder, their number the result, as a listing of the root.
pub async fn run_search(
    conn: &mut Connection,
    op: &Operation,
    on_found: impl FnMut(&str, Vec<Entry>),
) -> EngineResult<OpOutput> {
    let Operation::Search {
        root,
        max_depth,
        find,
    } = op
    else {
        return Err(EngineError::Invalid(format!("{op:?} is not a search")));
    };
    let found = search(conn, root, *max_depth, find, on_found).await?;
    conn.ctl.log.status(format!(
        "Search of {root}: {} found in {} folders",
        found.matches, found.folders
    ));
    Ok(OpOutput::Listed {
        path: root.clone(),
        entries: found.matches,
    })
}

/// Searches `root` and the folders below it, at most `max_depth` levels down (the root is
/// level 0), handing each folder's matches to `on_found`. The working directory is restored
/// afterwards.
pub async fn search(
    conn: &mut Connection,
    root: &str,
    max_depth: usize,
    find: &Filter,
    mut on_found: impl FnMut(&str, Vec<Entry>),
) -> EngineResult<Found> {
    let find = find
        .compile()
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    let back = conn.ctl.cwd.clone();
    let mut found = Found::default();
    let mut visited = HashSet::new();
    let mut folders = VecDeque::from([(root.to_string(), 0usize)]);
    let mut result = Ok(());
    while let Some((folder, depth)) = folders.pop_front() {
        let mut entries = Vec::new();
        let listed = list_dir(conn, Some(&folder), |_, batch| entries.extend(batch)).await;
        let dir = match listed {
            Ok((dir, _)) => dir,
            // A folder that cannot be entered (permissions) is skipped, not the whole search.
            Err(EngineError::Refused { .. }) if depth > 0 => {
                conn.ctl
                    .log
                    .status(format!("Search: cannot list {folder}, skipped"));
                continue;
            }
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        // The server's name for the folder: a link back to a folder seen is not walked again.
        if !visited.insert(dir.clone()) {
            continue;
        }
        found.folders += 1;
        let mut matches = Vec::new();
        for entry in entries {
            let walk = entry.kind == EntryKind::Dir && check_remote_name(&entry.name).is_ok();
            if walk && depth < max_depth {
                folders.push_back((join_remote(&dir, &entry.name), depth + 1));
            } else if walk && !found.depth_reached {
                found.depth_reached = true;
                conn.ctl.log.status(format!(
                    "Search: folders deeper than {max_depth} levels are not searched"
                ));
            }
            if find.matches(&entry) {
                matches.push(entry);
            }
        }
        if !matches.is_empty() {
            found.matches += matches.len();
            on_found(&dir, matches);
        }
    }
    if !conn.is_broken() {
        conn.ctl.cwd(&back).await?;
    }
    result.map(|()| found)
}
