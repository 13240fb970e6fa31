//! Putting small downloads on the disk together: a thread of its own takes every written
//! `.part` file that waits, flushes them all (on Linux with one `syncfs` per file system: one
//! device flush for the batch instead of one per file), then renames each to its name. A
//! crash before the flush leaves only `.part` files; after it, a renamed file has its bytes.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::mpsc;

use tokio::sync::oneshot;

use super::disk::FlushError;

/// How long the flushing thread lets more files arrive before it flushes what waits.
const GATHER: std::time::Duration = std::time::Duration::from_millis(5);

/// A written file waiting to be flushed, and renamed to `to` when given.
struct Waiting {
    file: File,
    part: PathBuf,
    to: Option<PathBuf>,
    done: oneshot::Sender<Result<(), FlushError>>,
}

/// Flushes `file` (written at `part`) with the others that wait, then renames it to `to`.
pub async fn flush(file: File, part: PathBuf, to: Option<PathBuf>) -> Result<(), FlushError> {
    let (done, flushed) = oneshot::channel();
    let waiting = Waiting {
        file,
        part,
        to,
        done,
    };
    if let Err(mpsc::SendError(waiting)) = flusher().send(waiting) {
        // No flushing thread (it could not be started): this file alone, here.
        return tokio::task::spawn_blocking(move || {
            finish(waiting.file, &waiting.part, waiting.to, Ok(()))
        })
        .await
        .unwrap_or_else(|e| Err(FlushError::Write(io::Error::other(e))));
    }
    flushed.await.unwrap_or_else(|_| {
        Err(FlushError::Write(io::Error::other(
            "the flushing thread stopped",
        )))
    })
}

/// The flushing thread's queue, started at the first use.
fn flusher() -> &'static mpsc::Sender<Waiting> {
    static FLUSHER: OnceLock<mpsc::Sender<Waiting>> = OnceLock::new();
    FLUSHER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Waiting>();
        let started = std::thread::Builder::new()
            .name("ferry-flush".to_string())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    // The files finishing meanwhile join this flush (a group commit): the
                    // transfers' connections do not wait for it, only their reports do.
                    std::thread::sleep(GATHER);
                    let mut batch = vec![first];
                    batch.extend(rx.try_iter());
                    flush_batch(batch);
                }
            });
        if started.is_err() {
            // The receiver is gone with the closure: every send fails and flushes alone.
            let (tx, _) = mpsc::channel();
            return tx;
        }
        tx
    })
}

fn flush_batch(batch: Vec<Waiting>) {
    let synced = sync_together(&batch);
    for (waiting, synced) in batch.into_iter().zip(synced) {
        let result = finish(waiting.file, &waiting.part, waiting.to, synced);
        let _ = waiting.done.send(result);
    }
}

/// After the flush (`synced`), the rename.
fn finish(
    file: File,
    part: &std::path::Path,
    to: Option<PathBuf>,
    synced: io::Result<()>,
) -> Result<(), FlushError> {
    synced.map_err(FlushError::Write)?;
    drop(file);
    match to {
        Some(to) => std::fs::rename(part, to).map_err(FlushError::Rename),
        None => Ok(()),
    }
}

/// Each file's flush: one `syncfs` per file system for a batch on Linux, `sync_all` each
/// elsewhere and for a file alone.
fn sync_together(batch: &[Waiting]) -> Vec<io::Result<()>> {
    #[cfg(target_os = "linux")]
    if batch.len() > 1 {
        return syncfs_each_file_system(batch);
    }
    batch.iter().map(|w| w.file.sync_all()).collect()
}

#[cfg(target_os = "linux")]
fn syncfs_each_file_system(batch: &[Waiting]) -> Vec<io::Result<()>> {
    use std::collections::HashMap;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;

    // The result of each file system's syncfs, kept as (kind, message): io::Error is not Clone.
    let mut synced: HashMap<u64, Result<(), (io::ErrorKind, String)>> = HashMap::new();
    batch
        .iter()
        .map(|w| {
            let device = w.file.metadata()?.dev();
            let result = synced.entry(device).or_insert_with(|| {
                // SAFETY: the descriptor is `w.file`'s, open for the duration of the call.
                let status = unsafe { libc::syncfs(w.file.as_raw_fd()) };
                match status {
                    0 => Ok(()),
                    _ => {
                        let e = io::Error::last_os_error();
                        Err((e.kind(), e.to_string()))
                    }
                }
            });
            result
                .clone()
                .map_err(|(kind, message)| io::Error::new(kind, message))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn files_flushed_together_are_each_renamed_and_a_failed_rename_is_its_own() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        std::fs::write(dir.path().join("folder/inside"), b"x").unwrap();
        let mut waiting = Vec::new();
        for i in 0..40 {
            let part = dir.path().join(format!("f{i}.part"));
            std::fs::write(&part, format!("file {i}")).unwrap();
            let file = File::options().write(true).open(&part).unwrap();
            // The 7th goes where a folder stands.
            let to = match i {
                7 => dir.path().join("folder"),
                _ => dir.path().join(format!("f{i}")),
            };
            waiting.push(tokio::spawn(flush(file, part, Some(to))));
        }
        for (i, flushed) in waiting.into_iter().enumerate() {
            let flushed = flushed.await.unwrap();
            if i == 7 {
                assert!(matches!(flushed, Err(FlushError::Rename(_))), "{flushed:?}");
                assert!(dir.path().join("f7.part").exists());
            } else {
                flushed.unwrap();
                let name = dir.path().join(format!("f{i}"));
                assert_eq!(std::fs::read_to_string(name).unwrap(), format!("file {i}"));
            }
        }
    }
}
