//! Bookmarks: a named pair of a local and a remote folder (either may be missing), kept in the
//! global settings or with a site, as FileZilla keeps them. Choosing one opens both folders and
//! may switch on synchronized browsing and directory comparison. Plain data and the list rules
//! (names non-empty and unique in their list); the stores write them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One bookmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    pub name: String,
    /// The local folder to open (`None`: the local pane stays where it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_dir: Option<PathBuf>,
    /// The remote folder to open (`None`: the remote pane stays where it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_dir: Option<String>,
    /// Switch synchronized browsing on (only meaningful with both folders).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sync_browsing: bool,
    /// Switch directory comparison on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directory_comparison: bool,
}

/// Why a bookmark cannot be added or renamed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookmarkError {
    #[error("a bookmark needs a name")]
    NoName,
    #[error("a bookmark needs a local or a remote folder")]
    NoFolder,
    #[error("a bookmark named {0:?} exists already")]
    Taken(String),
    #[error("there is no bookmark named {0:?}")]
    NotFound(String),
}

impl Bookmark {
    /// A bookmark of `local` and `remote`, with the folder names trimmed (empty: none).
    pub fn new(name: &str, local: &str, remote: &str) -> Bookmark {
        let local = local.trim();
        let remote = remote.trim();
        Bookmark {
            name: name.trim().to_string(),
            local_dir: (!local.is_empty()).then(|| PathBuf::from(local)),
            remote_dir: (!remote.is_empty()).then(|| remote.to_string()),
            sync_browsing: false,
            directory_comparison: false,
        }
    }

    /// What is wrong with it on its own.
    pub fn check(&self) -> Result<(), BookmarkError> {
        if self.name.trim().is_empty() || self.name.chars().any(char::is_control) {
            return Err(BookmarkError::NoName);
        }
        if self.local_dir.is_none() && self.remote_dir.is_none() {
            return Err(BookmarkError::NoFolder);
        }
        Ok(())
    }

    /// Synchronized browsing needs both folders (FileZilla reads it only then).
    pub fn syncs(&self) -> bool {
        self.sync_browsing && self.local_dir.is_some() && self.remote_dir.is_some()
    }
}

/// Adds `bookmark` to `list`, refused when its name is taken there.
pub fn add(list: &mut Vec<Bookmark>, bookmark: Bookmark) -> Result<(), BookmarkError> {
    bookmark.check()?;
    if list.iter().any(|b| b.name == bookmark.name) {
        return Err(BookmarkError::Taken(bookmark.name));
    }
    list.push(bookmark);
    Ok(())
}

/// Renames the bookmark `from` to `to` in `list`.
pub fn rename(list: &mut [Bookmark], from: &str, to: &str) -> Result<(), BookmarkError> {
    let to = to.trim();
    if to.is_empty() || to.chars().any(char::is_control) {
        return Err(BookmarkError::NoName);
    }
    if to != from && list.iter().any(|b| b.name == to) {
        return Err(BookmarkError::Taken(to.to_string()));
    }
    let bookmark = list
        .iter_mut()
        .find(|b| b.name == from)
        .ok_or_else(|| BookmarkError::NotFound(from.to_string()))?;
    bookmark.name = to.to_string();
    Ok(())
}

/// Removes the bookmark `name` from `list`.
pub fn remove(list: &mut Vec<Bookmark>, name: &str) -> Result<Bookmark, BookmarkError> {
    let index = list
        .iter()
        .position(|b| b.name == name)
        .ok_or_else(|| BookmarkError::NotFound(name.to_string()))?;
    Ok(list.remove(index))
}

/// The first problem of a stored list (a hand-edited file).
pub fn check_list(list: &[Bookmark]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for bookmark in list {
        bookmark
            .check()
            .map_err(|e| format!("bookmark {:?}: {e}", bookmark.name))?;
        if !seen.insert(bookmark.name.as_str()) {
            return Err(format!(
                "bookmark {:?}: the name is used twice",
                bookmark.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_a_bookmark_needs_a_folder() {
        let mut list = Vec::new();
        add(&mut list, Bookmark::new("www", "/home/ann/www", "/var/www")).unwrap();
        assert_eq!(
            add(&mut list, Bookmark::new("www", "", "/x")),
            Err(BookmarkError::Taken("www".into()))
        );
        assert_eq!(
            add(&mut list, Bookmark::new("none", " ", "")),
            Err(BookmarkError::NoFolder)
        );
        add(&mut list, Bookmark::new("logs", "", "/var/log")).unwrap();
        assert_eq!(
            rename(&mut list, "logs", "www"),
            Err(BookmarkError::Taken("www".into()))
        );
        rename(&mut list, "logs", "server logs").unwrap();
        assert_eq!(list[1].name, "server logs");
        assert!(list[1].local_dir.is_none());
        assert!(check_list(&list).is_ok());
        remove(&mut list, "www").unwrap();
        assert_eq!(list.len(), 1);
        let mut sync = Bookmark::new("half", "", "/x");
        sync.sync_browsing = true;
        assert!(!sync.syncs(), "sync browsing needs both folders");
    }
}
