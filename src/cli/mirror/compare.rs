//! The tree comparison behind `ferry mirror`: two trees (the source's and the destination's,
//! relative paths to files and folders) in, the plan out (folders to create, files to
//! transfer and how, what to delete, what is up to date). Pure: no file system, no network.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

/// A time-only difference up to this many seconds is no difference (file systems and servers
/// round times differently).
pub const TOLERANCE_SECS: i64 = 2;

/// What one side knows about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileInfo {
    pub size: Option<u64>,
    /// The modification time in UTC, to the second; `None` where the side has none (a server
    /// that lists no times, or only to the minute).
    pub modified: Option<NaiveDateTime>,
}

/// One object of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    File(FileInfo),
    Dir,
}

/// A side's tree: relative paths (`a/b/c`, `/` between levels, no leading `/`) to their nodes.
pub type Tree = BTreeMap<String, Node>;

/// How a file is transferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The destination is missing: write it.
    New,
    /// The destination is missing and an earlier download left its `NAME.part` file: continue
    /// that.
    Unfinished,
    /// The destination differs: write it anew.
    Replace,
    /// The destination is a shorter file written after the source last changed (an interrupted
    /// transfer): continue it from its end.
    Continue,
}

/// What the mirror does, in order: folders (parents first), transfers, then deletions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub mkdirs: Vec<String>,
    pub transfers: Vec<(String, How)>,
    /// Files (`false`) and folders with everything in them (`true`) the source lacks; a folder's
    /// contents are not listed separately.
    pub deletes: Vec<(String, bool)>,
    /// Paths that are a file on one side and a folder on the other: left alone, reported.
    pub conflicts: Vec<String>,
    /// Files that compare equal.
    pub up_to_date: usize,
}

/// The plan that makes `dest` like `source`; with `delete`, also removing what `source` lacks.
/// `download`: the destination is local, where `NAME.part` is the unfinished download of the
/// source's `NAME` (neither compared nor deleted).
pub fn compare(source: &Tree, dest: &Tree, delete: bool, download: bool) -> Plan {
    let mut plan = Plan::default();
    for (path, node) in source {
        let in_conflict = |c: &String| {
            path.strip_prefix(c.as_str())
                .is_some_and(|r| r.starts_with('/'))
        };
        if plan.conflicts.iter().any(in_conflict) {
            continue;
        }
        match (node, dest.get(path)) {
            (Node::Dir, None) => plan.mkdirs.push(path.clone()),
            (Node::Dir, Some(Node::Dir)) => {}
            (Node::File(_), None) => {
                let part = download && dest.contains_key(&format!("{path}.part"));
                let how = if part { How::Unfinished } else { How::New };
                plan.transfers.push((path.clone(), how))
            }
            (Node::File(src), Some(Node::File(dst))) => match how(src, dst) {
                Some(how) => plan.transfers.push((path.clone(), how)),
                None => plan.up_to_date += 1,
            },
            (Node::Dir, Some(Node::File(_))) | (Node::File(_), Some(Node::Dir)) => {
                plan.conflicts.push(path.clone())
            }
        }
    }
    if delete {
        for (path, node) in dest {
            let unfinished = download
                && path
                    .strip_suffix(".part")
                    .is_some_and(|name| matches!(source.get(name), Some(Node::File(_))));
            let covered = parent(path).is_some_and(|p| source.get(p) != Some(&Node::Dir));
            if !source.contains_key(path) && !unfinished && !covered {
                plan.deletes.push((path.clone(), *node == Node::Dir));
            }
        }
    }
    plan
}

/// How a file that exists on both sides is transferred, or `None` when it is up to date: a
/// different size, or a source newer than the destination (beyond the tolerance); size alone
/// where either side has no time.
fn how(src: &FileInfo, dst: &FileInfo) -> Option<How> {
    let newer = |a: Option<NaiveDateTime>, b: Option<NaiveDateTime>| match (a, b) {
        (Some(a), Some(b)) => (a - b).num_seconds() > TOLERANCE_SECS,
        _ => false,
    };
    match (src.size, dst.size) {
        (Some(s), Some(d)) if s != d => {
            // Written after the source last changed and shorter: what an interrupted transfer
            // leaves. Without both times nothing proves that, so the file is written anew.
            let after = matches!((src.modified, dst.modified), (Some(_), Some(_)))
                && !newer(src.modified, dst.modified);
            Some(if d < s && after {
                How::Continue
            } else {
                How::Replace
            })
        }
        _ if newer(src.modified, dst.modified) => Some(How::Replace),
        _ => None,
    }
}

/// The folder `path` is in, `None` at the top.
fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(parent, _)| parent)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at(secs: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(2026, 1, 2)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .map(|t| t + chrono::Duration::seconds(i64::from(secs)))
    }

    fn file(size: u64, modified: Option<NaiveDateTime>) -> Node {
        Node::File(FileInfo {
            size: Some(size),
            modified,
        })
    }

    fn tree(nodes: &[(&str, Node)]) -> Tree {
        nodes.iter().map(|(p, n)| (p.to_string(), *n)).collect()
    }

    #[test]
    fn missing_files_and_folders_are_created_parents_first() {
        let source = tree(&[
            ("a", Node::Dir),
            ("a/b", Node::Dir),
            ("a/b/f", file(1, None)),
            ("g", file(2, None)),
        ]);
        let plan = compare(&source, &Tree::new(), true, false);
        assert_eq!(plan.mkdirs, ["a", "a/b"]);
        assert_eq!(
            plan.transfers,
            [("a/b/f".to_string(), How::New), ("g".to_string(), How::New)]
        );
        assert!(plan.deletes.is_empty());
        assert_eq!(plan.up_to_date, 0);
    }

    #[test]
    fn equal_files_are_up_to_date_and_the_tolerance_holds() {
        let source = tree(&[("same", file(5, at(10))), ("close", file(5, at(12)))]);
        let dest = tree(&[("same", file(5, at(10))), ("close", file(5, at(10)))]);
        let plan = compare(&source, &dest, false, false);
        assert!(plan.transfers.is_empty(), "{plan:?}");
        assert_eq!(plan.up_to_date, 2);
    }

    #[test]
    fn a_newer_source_or_another_size_is_transferred() {
        let source = tree(&[
            ("newer", file(5, at(100))),
            ("older", file(5, at(0))),
            ("bigger", file(9, at(0))),
            ("smaller", file(3, at(0))),
        ]);
        let dest = tree(&[
            ("newer", file(5, at(0))),
            ("older", file(5, at(100))),
            ("bigger", file(5, at(100))),
            ("smaller", file(5, at(100))),
        ]);
        let plan = compare(&source, &dest, false, false);
        assert_eq!(
            plan.transfers,
            [
                ("bigger".to_string(), How::Continue),
                ("newer".to_string(), How::Replace),
                ("smaller".to_string(), How::Replace),
            ]
        );
        assert_eq!(plan.up_to_date, 1);
    }

    #[test]
    fn a_shorter_destination_is_continued_only_when_written_after_the_source() {
        let source = tree(&[("stale", file(9, at(100))), ("untimed", file(9, None))]);
        let dest = tree(&[("stale", file(5, at(0))), ("untimed", file(5, at(200)))]);
        let plan = compare(&source, &dest, false, false);
        assert_eq!(
            plan.transfers,
            [
                ("stale".to_string(), How::Replace),
                ("untimed".to_string(), How::Replace)
            ]
        );
    }

    #[test]
    fn without_times_size_alone_decides() {
        let source = tree(&[("f", file(5, None))]);
        let dest = tree(&[("f", file(5, at(0)))]);
        assert_eq!(compare(&source, &dest, false, false).up_to_date, 1);
    }

    #[test]
    fn delete_removes_the_top_of_what_the_source_lacks() {
        let source = tree(&[("keep", Node::Dir), ("keep/f", file(1, None))]);
        let dest = tree(&[
            ("keep", Node::Dir),
            ("keep/f", file(1, None)),
            ("keep/old", file(1, None)),
            ("gone", Node::Dir),
            ("gone/sub", Node::Dir),
            ("gone/sub/f", file(1, None)),
        ]);
        let plan = compare(&source, &dest, true, false);
        assert_eq!(
            plan.deletes,
            [("gone".to_string(), true), ("keep/old".to_string(), false)]
        );
        assert!(compare(&source, &dest, false, false).deletes.is_empty());
    }

    #[test]
    fn a_download_keeps_the_part_file_of_a_source_file() {
        let source = tree(&[("big", file(100, None))]);
        let dest = tree(&[("big.part", file(40, None)), ("other.part", file(1, None))]);
        let plan = compare(&source, &dest, true, true);
        assert_eq!(plan.transfers, [("big".to_string(), How::Unfinished)]);
        assert_eq!(plan.deletes, [("other.part".to_string(), false)]);
        let upload = compare(&source, &dest, true, false);
        assert_eq!(upload.deletes.len(), 2);
    }

    #[test]
    fn a_file_where_a_folder_is_is_a_conflict() {
        let source = tree(&[("x", Node::Dir), ("y", file(1, None))]);
        let dest = tree(&[("x", file(1, None)), ("y", Node::Dir)]);
        let plan = compare(&source, &dest, true, false);
        assert_eq!(plan.conflicts, ["x", "y"]);
        assert!(plan.transfers.is_empty() && plan.mkdirs.is_empty());
    }
}
