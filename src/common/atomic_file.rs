//! Writing small files so that a crash at any moment leaves either the old or the new content.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path`. Parent folders are created.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Prepared::write(path, bytes)?.commit()
}

/// The temporary file of a write that has not replaced its target yet. Dropping it without
/// [`Prepared::commit`] removes the temporary file; a crash leaves it behind, and the target
/// keeps its old content (readers ignore the temporary file, see [`temp_files`]).
pub struct Prepared {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Prepared {
    /// Writes `bytes` to `.NAME.PID.tmp` beside `path` (readable by the user only, on Unix) and
    /// flushes it to disk.
    pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<Prepared> {
        let dir = parent(path);
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{}.{}.tmp", file_name(path), std::process::id()));
        let prepared = Prepared {
            tmp,
            path: path.to_path_buf(),
            committed: false,
        };
        let mut options = std::fs::File::options();
        options.write(true).create(true).truncate(true);
        // Only the user reads Ferry's files (sites name hosts and users).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&prepared.tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(prepared)
    }

    /// Renames the temporary file over the target and flushes the folder entry.
    pub fn commit(mut self) -> std::io::Result<()> {
        std::fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        sync_dir(parent(&self.path));
        Ok(())
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Temporary files that writes of `path` left behind (a crash between writing and renaming).
pub fn temp_files(path: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.", file_name(path));
    let Ok(entries) = std::fs::read_dir(parent(path)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix)
                && name.ends_with(".tmp")
                && name[prefix.len()..name.len() - 4]
                    .chars()
                    .all(|c| c.is_ascii_digit())
        })
        .map(|e| e.path())
        .collect()
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Makes the rename durable (best effort: not every platform can open a folder).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("file.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_crash_before_the_rename_keeps_the_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.json");
        write_atomically(&path, b"old").unwrap();
        // A crash: the process dies after writing the temporary file, before renaming it.
        std::mem::forget(Prepared::write(&path, b"new, half-writ").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let left = temp_files(&path);
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(std::fs::read(&left[0]).unwrap(), b"new, half-writ");
        // An abandoned write (an error before the rename) cleans up after itself.
        drop(Prepared::write(&dir.path().join("other.json"), b"x").unwrap());
        assert!(temp_files(&dir.path().join("other.json")).is_empty());
        assert!(!dir.path().join("other.json").exists());
    }
}
