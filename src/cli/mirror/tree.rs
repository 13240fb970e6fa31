//! The two sides of `ferry mirror` read as [`Tree`]s: the local file system walked, the remote
//! side listed one folder at a time (MLSD where the server has it), both without what
//! `--exclude` names.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Utc};
use globset::{Glob, GlobSet, GlobSetBuilder};

use super::compare::{FileInfo, Node, Tree};
use crate::api::{EntryKind, TimePrecision};
use crate::cli::client::Client;
use crate::common::paths::{join_remote, local_path_for, unsafe_reason};

/// The `--exclude` globs, matched against a relative path and against its last name.
pub(super) struct Filter(GlobSet);

impl Filter {
    pub(super) fn new(patterns: &[String]) -> anyhow::Result<Filter> {
        let mut set = GlobSetBuilder::new();
        for pattern in patterns {
            set.add(Glob::new(pattern).with_context(|| format!("--exclude {pattern:?}"))?);
        }
        Ok(Filter(set.build()?))
    }

    pub(super) fn excludes(&self, relative: &str) -> bool {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        self.0.is_match(relative) || self.0.is_match(name)
    }
}

/// `relative` (`a/b`) under `base`, `/` between levels.
pub(super) fn child(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}/{name}")
    }
}

/// The local path of `relative` under `root`, for a path that came from the server: each of its
/// names goes through the engine's one checked join (`common::paths::local_path_for`).
pub(super) fn local_path_from_remote(root: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    relative
        .split('/')
        .filter(|part| !part.is_empty())
        .try_fold(root.to_path_buf(), |path, part| local_path_for(&path, part))
        .map_err(|e| anyhow!("{e}: it will not be mirrored"))
}

/// The local path of `relative` under `root`, for a path read from the local disk.
pub(super) fn local_path(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .filter(|part| !part.is_empty())
        .fold(root.to_path_buf(), |path, part| path.join(part))
}

/// The files and folders under `root` (symbolic links to files count as files; links to
/// folders are not followed).
pub(super) fn local_tree(root: &Path, filter: &Filter) -> anyhow::Result<Tree> {
    let mut tree = Tree::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let dir = local_path(root, &folder);
        let read = std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
        for item in read {
            let item = item.with_context(|| format!("reading {}", dir.display()))?;
            let name = item
                .file_name()
                .into_string()
                .map_err(|name| anyhow!("{}: the name is not UTF-8", dir.join(name).display()))?;
            let relative = child(&folder, &name);
            if filter.excludes(&relative) {
                continue;
            }
            let kind = item.file_type()?;
            if kind.is_dir() {
                tree.insert(relative.clone(), Node::Dir);
                folders.push(relative);
            } else if let Ok(meta) = std::fs::metadata(item.path())
                && meta.is_file()
            {
                let modified = meta.modified().ok().map(|t| {
                    let time: DateTime<Utc> = t.into();
                    time.naive_utc()
                });
                let size = Some(meta.len());
                tree.insert(relative, Node::File(FileInfo { size, modified }));
            }
        }
    }
    Ok(tree)
}

/// The files and folders under the remote folder `root`, one listing per folder. Times count
/// where the server gives them to the second (MLSD, in UTC); links and other objects are left
/// out. With `local_names`, a folder whose name is no safe local name is an error.
pub(super) fn remote_tree(
    client: &mut Client,
    root: &str,
    filter: &Filter,
    local_names: bool,
) -> anyhow::Result<Tree> {
    let mut tree = Tree::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let path = if folder.is_empty() {
            root.to_string()
        } else {
            join_remote(root, &folder)
        };
        let entries = client
            .entries(&path)?
            .map_err(|e| anyhow!("cannot list {path}: {}", e.message))?;
        for entry in entries {
            if entry.name == "." || entry.name == ".." || entry.name.is_empty() {
                continue;
            }
            let relative = child(&folder, &entry.name);
            if filter.excludes(&relative) {
                continue;
            }
            match entry.kind {
                EntryKind::Dir => {
                    if local_names && let Some(reason) = unsafe_reason(&entry.name) {
                        bail!(
                            "{}: the folder's name {reason}",
                            join_remote(&path, &entry.name)
                        );
                    }
                    tree.insert(relative.clone(), Node::Dir);
                    folders.push(relative);
                }
                EntryKind::File => {
                    let modified = entry
                        .modified
                        .filter(|t| t.precision == TimePrecision::Second)
                        .map(|t| t.time);
                    let size = entry.size;
                    tree.insert(relative, Node::File(FileInfo { size, modified }));
                }
                _ => {}
            }
        }
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_matches_the_path_and_the_name() {
        let filter = Filter::new(&["*.tmp".to_string(), "build/cache".to_string()]).unwrap();
        assert!(filter.excludes("a.tmp"));
        assert!(filter.excludes("deep/down/a.tmp"));
        assert!(filter.excludes("build/cache"));
        assert!(!filter.excludes("other/build/cachex"));
        assert!(!filter.excludes("a.txt"));
        assert!(Filter::new(&["[".to_string()]).is_err());
    }

    #[test]
    fn local_trees_hold_files_and_folders() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("d/e")).unwrap();
        std::fs::write(root.path().join("d/e/f.txt"), b"abc").unwrap();
        std::fs::write(root.path().join("x.tmp"), b"x").unwrap();
        let tree = local_tree(root.path(), &Filter::new(&["*.tmp".to_string()]).unwrap()).unwrap();
        let paths: Vec<&str> = tree.keys().map(String::as_str).collect();
        assert_eq!(paths, ["d", "d/e", "d/e/f.txt"]);
        match tree["d/e/f.txt"] {
            Node::File(info) => {
                assert_eq!(info.size, Some(3));
                assert!(info.modified.is_some());
            }
            Node::Dir => panic!("a file"),
        }
    }
}
