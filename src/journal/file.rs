//! The journal's file: `queue.json` in Ferry's data folder, versioned JSON, replaced atomically
//! (`common::atomic_file`). A journal that cannot be read (torn, edited, from a newer Ferry) is
//! never dropped or overwritten: it is renamed aside (`queue.json.broken-<time>`) and the
//! reason is returned for the front end to show.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Item;
use crate::common::atomic_file::write_atomically;

/// The journal's file name in the data folder.
pub const JOURNAL_FILE: &str = "queue.json";
/// The format written; a journal of a newer version is kept aside, not misread.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    items: Vec<Item>,
}

/// The journal's path in `data_dir`.
pub fn journal_path(data_dir: &Path) -> PathBuf {
    data_dir.join(JOURNAL_FILE)
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub items: Vec<Item>,
    /// Why the journal could not be used, for the user (it was kept, see [`load`]).
    pub problem: Option<String>,
    /// The unreadable journal is still where it was (it could not be renamed aside): it must
    /// not be overwritten.
    pub blocked: bool,
}

#[derive(Debug, thiserror::Error)]
enum Unreadable {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error("it was written by a newer Ferry (format {0})")]
    Newer(u32),
}

/// Loads the journal at `path`: none is an empty queue; one that cannot be read is renamed
/// aside and reported.
pub fn load(path: &Path) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => return keep_aside(path, Unreadable::Io(e)),
    };
    match parse(&bytes) {
        Ok(items) => Loaded {
            items,
            ..Loaded::default()
        },
        Err(why) => keep_aside(path, why),
    }
}

fn parse(bytes: &[u8]) -> Result<Vec<Item>, Unreadable> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let Version { version } = serde_json::from_slice(bytes)?;
    if version > VERSION {
        return Err(Unreadable::Newer(version));
    }
    let stored: Stored = serde_json::from_slice(bytes)?;
    Ok(stored.items)
}

/// Renames an unreadable journal to `NAME.broken-<time>` and says so.
fn keep_aside(path: &Path, why: Unreadable) -> Loaded {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut aside = path.with_file_name(format!("{JOURNAL_FILE}.broken-{stamp}"));
    for n in 1.. {
        if !aside.exists() {
            break;
        }
        aside = path.with_file_name(format!("{JOURNAL_FILE}.broken-{stamp}-{n}"));
    }
    let shown = path.display();
    match std::fs::rename(path, &aside) {
        Ok(()) => Loaded {
            items: Vec::new(),
            problem: Some(format!(
                "The transfer queue saved at {shown} could not be read ({why}); it was kept as {} and the queue starts empty",
                aside.display()
            )),
            blocked: false,
        },
        Err(e) => Loaded {
            items: Vec::new(),
            problem: Some(format!(
                "The transfer queue saved at {shown} could not be read ({why}) nor moved aside ({e}); it is left as it is and the queue is not saved this time"
            )),
            blocked: true,
        },
    }
}

/// Writes `items` as the journal at `path`, atomically; no items removes the journal.
pub fn save(path: &Path, items: &[Item]) -> std::io::Result<()> {
    if items.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let stored = Stored {
        version: VERSION,
        items: items.to_vec(),
    };
    let json = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
    write_atomically(path, &json)
}

#[cfg(test)]
mod tests {
    use super::super::{ItemState, SiteRef, Way};
    use super::*;

    fn item(name: &str) -> Item {
        Item {
            direction: Way::Download,
            local: PathBuf::from(format!("/tmp/{name}")),
            remote: format!("/{name}"),
            ascii: false,
            recursive: false,
            site: SiteRef::Saved {
                path: "Work/Server".to_string(),
            },
            state: ItemState::Waiting,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_journal_round_trips_and_an_empty_queue_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = journal_path(dir.path());
        assert!(load(&path).items.is_empty() && load(&path).problem.is_none());
        let items = vec![item("a"), item("b")];
        save(&path, &items).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
        let loaded = load(&path);
        assert_eq!((loaded.items, loaded.problem), (items, None));
        save(&path, &[]).unwrap();
        assert!(!path.exists());
        save(&path, &[]).unwrap();
    }

    #[test]
    fn a_torn_or_newer_journal_is_reported_and_kept_aside() {
        for content in [
            &b"{\"version\":1,\"items\":[{\"direc"[..],
            b"{\"version\":7,\"items\":[]}",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = journal_path(dir.path());
            std::fs::write(&path, content).unwrap();
            let loaded = load(&path);
            assert!(loaded.items.is_empty() && !loaded.blocked);
            let problem = loaded.problem.expect("a problem reported");
            assert!(problem.contains("could not be read"), "{problem}");
            let kept = names(dir.path());
            assert_eq!(kept.len(), 1, "{kept:?}");
            assert!(kept[0].starts_with("queue.json.broken-"), "{kept:?}");
            assert!(problem.contains(&kept[0]), "{problem}");
            assert_eq!(std::fs::read(dir.path().join(&kept[0])).unwrap(), content);
        }
    }
}
