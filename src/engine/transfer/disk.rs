//! The local file's side of a transfer, on a blocking thread of its own: a download's writer
//! fed full buffers through a small bounded ring, and an upload's reader that reads ahead into
//! one. The network task never waits on the disk, and a buffer changes threads once per
//! [`CHUNK`], not once per socket read.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The size of the buffers handed between the network task and the disk thread.
pub const CHUNK: usize = 1 << 20;
/// Full buffers waiting for the other side at most.
const RING: usize = 3;

/// Where a download's bytes go: `path` (a `.part` file), written from `offset` on. It is opened
/// by the thread that writes it, so a file that fits in one buffer is opened and written in one
/// trip to a blocking thread. A missing folder is made then.
#[derive(Debug, Clone)]
pub struct PartFile {
    pub path: PathBuf,
    /// Where writing starts: 0 empties the file, more cuts it there and continues it.
    pub offset: u64,
}

impl PartFile {
    fn open(&self) -> io::Result<File> {
        let open = || {
            OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(self.offset == 0)
                .open(&self.path)
        };
        let mut file = match open() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => match self.path.parent() {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    open()?
                }
                None => return Err(e),
            },
            other => other?,
        };
        if self.offset > 0 {
            file.set_len(self.offset)?;
            file.seek(SeekFrom::Start(self.offset))?;
        }
        Ok(file)
    }
}

/// Why [`DiskWriter::finish`] failed: writing the `.part` file, or renaming it.
#[derive(Debug)]
pub enum FlushError {
    Write(io::Error),
    Rename(io::Error),
}

/// A download's file, written by a thread of its own, started at the first full buffer.
pub struct DiskWriter {
    part: PartFile,
    full: Option<mpsc::Sender<Vec<u8>>>,
    empty: mpsc::Receiver<Vec<u8>>,
    empty_tx: Option<mpsc::Sender<Vec<u8>>>,
    /// Buffers made so far (the ring bounds how many can exist).
    made: usize,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl DiskWriter {
    /// A writer for `part`; nothing is opened until there is something to write.
    pub fn start(part: PartFile) -> DiskWriter {
        let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>(RING + 2);
        DiskWriter {
            part,
            full: None,
            empty: empty_rx,
            empty_tx: Some(empty_tx),
            made: 0,
            thread: None,
        }
    }

    /// Starts the thread that opens the file, writes the buffers it is handed in order and,
    /// once the channel closes, flushes the file to the disk.
    fn spawn(&mut self) {
        let (full_tx, mut full_rx) = mpsc::channel::<Vec<u8>>(RING);
        let empty_tx = self.empty_tx.take();
        let part = self.part.clone();
        self.thread = Some(tokio::task::spawn_blocking(move || {
            let mut file = part.open()?;
            let mut at = part.offset;
            while let Some(mut buf) = full_rx.blocking_recv() {
                file.write_all(&buf)?;
                start_writeback(&file, at, buf.len() as u64);
                at += buf.len() as u64;
                buf.clear();
                // The network task may have finished and stopped taking buffers back.
                if let Some(empty) = &empty_tx {
                    let _ = empty.try_send(buf);
                }
            }
            file.sync_all()
        }));
        self.full = Some(full_tx);
    }

    /// An empty buffer of [`CHUNK`] capacity: one the thread has written, or a new one while
    /// fewer than the ring holds exist.
    pub async fn buffer(&mut self) -> Vec<u8> {
        if let Ok(buf) = self.empty.try_recv() {
            return buf;
        }
        if self.made < RING + 2 {
            self.made += 1;
            return Vec::with_capacity(CHUNK);
        }
        self.empty
            .recv()
            .await
            .unwrap_or_else(|| Vec::with_capacity(CHUNK))
    }

    /// Hands `buf` to the thread (started now if it is the first); waits while the ring is
    /// full. An error is the thread's: the open or the write that failed.
    pub async fn write(&mut self, buf: Vec<u8>) -> io::Result<()> {
        if buf.is_empty() {
            return Ok(());
        }
        if self.thread.is_none() {
            self.spawn();
        }
        let sent = match &self.full {
            Some(full) => full.send(buf).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The thread stopped: its result says why.
            self.full = None;
            Err(self.join().await.err().unwrap_or_else(stopped))
        }
    }

    /// Writes `last`, waits until every buffer is written and the file is on the disk, then
    /// renames it to `rename_to` when given. A file never handed a buffer before is opened and
    /// written in one trip to a blocking thread (an empty file is made too: a download of zero
    /// bytes leaves one), then flushed and renamed with the others that wait ([`flush`]).
    ///
    /// [`flush`]: super::flush
    pub async fn finish(
        mut self,
        last: Vec<u8>,
        rename_to: Option<PathBuf>,
    ) -> Result<(), FlushError> {
        if self.thread.is_none() {
            let part = self.part;
            let path = part.path.clone();
            let written = tokio::task::spawn_blocking(move || {
                let mut file = part.open()?;
                // No early writeback here: the flush that follows within milliseconds writes
                // the batch's files together (one plugged pass, not one I/O per file).
                file.write_all(&last)?;
                Ok(file)
            });
            let file = written
                .await
                .unwrap_or_else(|e| Err(io::Error::other(e)))
                .map_err(FlushError::Write)?;
            return super::flush::flush(file, path, rename_to).await;
        }
        let wrote = self.write(last).await;
        self.full = None;
        let flushed = self.join().await;
        wrote.and(flushed).map_err(FlushError::Write)?;
        match rename_to {
            Some(to) => tokio::fs::rename(&self.part.path, to)
                .await
                .map_err(FlushError::Rename),
            None => Ok(()),
        }
    }

    async fn join(&mut self) -> io::Result<()> {
        match self.thread.take() {
            Some(thread) => thread.await.unwrap_or_else(|e| Err(io::Error::other(e))),
            None => Err(stopped()),
        }
    }
}

/// Asks the OS to start writing `len` bytes at `offset` to the disk now, without waiting, so
/// the `sync_all` at the end finds little left to flush: on Linux, where a 256 MiB download's
/// final flush otherwise took 150 ms after the last byte arrived (about half of the whole
/// transfer's time on loopback). Elsewhere the flush at the end does it all. Advice only: an
/// error changes nothing, the final `sync_all` still decides.
fn start_writeback(file: &File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
            return;
        };
        // SAFETY: the descriptor is `file`'s, open for the duration of the call; the call
        // takes no pointers.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

/// An upload's file, opened and its first buffer read in one trip to a blocking thread, so a
/// file that cannot be opened or read is known before anything is sent; a small file is read
/// whole in that trip.
pub struct Opened {
    pub first: Vec<u8>,
    /// The file, positioned after the first buffer; `None` when that buffer held all of it.
    pub rest: Option<File>,
}

impl Opened {
    pub async fn open(path: PathBuf, offset: u64) -> io::Result<Opened> {
        tokio::task::spawn_blocking(move || {
            let mut file = File::open(&path)?;
            if offset > 0 {
                file.seek(SeekFrom::Start(offset))?;
            }
            // Not `fill`: a small file's read touches only its own bytes, not a zeroed chunk.
            let mut first = Vec::with_capacity(CHUNK);
            (&mut file).take(CHUNK as u64).read_to_end(&mut first)?;
            let rest = (first.len() == CHUNK).then_some(file);
            Ok(Opened { first, rest })
        })
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)))
    }
}

/// An upload's file, read ahead by a thread of its own.
pub struct DiskReader {
    /// The buffers read ahead; `None` once the file ended (a buffer shorter than [`CHUNK`]
    /// came, or the first one held all of it).
    full: Option<mpsc::Receiver<io::Result<Vec<u8>>>>,
    empty: Option<mpsc::Sender<Vec<u8>>>,
    /// The first buffer, read before the reader was made.
    first: Option<Vec<u8>>,
}

impl DiskReader {
    /// Hands out `opened`'s first buffer, then reads the rest of the file in buffers of
    /// [`CHUNK`] bytes (the last one shorter) on a thread of its own, a few ahead.
    pub fn start(opened: Opened) -> DiskReader {
        let Opened { first, rest } = opened;
        let Some(mut file) = rest else {
            return DiskReader {
                full: None,
                empty: None,
                first: Some(first),
            };
        };
        let (full_tx, full_rx) = mpsc::channel::<io::Result<Vec<u8>>>(RING);
        let (empty_tx, mut empty_rx) = mpsc::channel::<Vec<u8>>(RING + 2);
        tokio::task::spawn_blocking(move || {
            let mut made = 0;
            loop {
                let mut buf = match empty_rx.try_recv() {
                    Ok(buf) => buf,
                    Err(_) if made < RING + 1 => {
                        made += 1;
                        vec![0; CHUNK]
                    }
                    Err(_) => match empty_rx.blocking_recv() {
                        Some(buf) => buf,
                        // The upload ended early: nothing more to read.
                        None => return,
                    },
                };
                let result = fill(&mut file, &mut buf, CHUNK).map(|()| buf);
                let last = matches!(&result, Ok(buf) if buf.len() < CHUNK) || result.is_err();
                if full_tx.blocking_send(result).is_err() || last {
                    return;
                }
            }
        });
        DiskReader {
            full: Some(full_rx),
            empty: Some(empty_tx),
            first: Some(first),
        }
    }

    /// The next buffer of the file; empty at its end.
    pub async fn next(&mut self) -> io::Result<Vec<u8>> {
        if let Some(first) = self.first.take() {
            return Ok(first);
        }
        let Some(full) = self.full.as_mut() else {
            return Ok(Vec::new());
        };
        let buf = full.recv().await.unwrap_or_else(|| Err(stopped()))?;
        if buf.len() < CHUNK {
            self.full = None;
        }
        Ok(buf)
    }

    /// Gives a sent buffer back to the reader (as it is: its next read overwrites it).
    pub fn recycle(&mut self, buf: Vec<u8>) {
        if let Some(empty) = &self.empty {
            let _ = empty.try_send(buf);
        }
    }
}

/// Reads into `buf` until it holds `size` bytes or the file ends, in reads as large as what
/// is missing. A buffer that was full before is not zeroed again.
pub fn fill(file: &mut File, buf: &mut Vec<u8>, size: usize) -> io::Result<()> {
    buf.resize(size, 0);
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(filled);
                return Err(e);
            }
        }
    }
    buf.truncate(filled);
    Ok(())
}

fn stopped() -> io::Error {
    io::Error::other("the disk thread stopped")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_writer_writes_every_buffer_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.part");
        let mut writer = DiskWriter::start(PartFile {
            path: path.clone(),
            offset: 0,
        });
        let mut expected = Vec::new();
        for i in 0..20u8 {
            let mut buf = writer.buffer().await;
            buf.extend(std::iter::repeat_n(i, 70_000 + i as usize));
            expected.extend_from_slice(&buf);
            writer.write(buf).await.unwrap();
        }
        let renamed = dir.path().join("sub/out");
        writer
            .finish(b"end".to_vec(), Some(renamed.clone()))
            .await
            .unwrap();
        expected.extend_from_slice(b"end");
        assert_eq!(std::fs::read(&renamed).unwrap(), expected);
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn a_file_that_fits_one_buffer_is_written_whole_at_the_end_after_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/folder/f.part");
        let writer = DiskWriter::start(PartFile {
            path: path.clone(),
            offset: 0,
        });
        writer.finish(b"small".to_vec(), None).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"small");
        // Continued: cut at the offset, the rest written after it.
        std::fs::write(&path, b"smallXXXX").unwrap();
        let writer = DiskWriter::start(PartFile {
            path: path.clone(),
            offset: 5,
        });
        let to = dir.path().join("f");
        writer
            .finish(b" end".to_vec(), Some(to.clone()))
            .await
            .unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"small end");
        // Nothing at all still makes the (empty) file.
        let empty = dir.path().join("empty.part");
        let writer = DiskWriter::start(PartFile {
            path: empty.clone(),
            offset: 0,
        });
        writer.finish(Vec::new(), None).await.unwrap();
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    }

    #[tokio::test]
    async fn a_failed_write_is_reported_as_the_disk_error() {
        // A path below a file cannot be opened.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        let mut writer = DiskWriter::start(PartFile {
            path: dir.path().join("file/below.part"),
            offset: 0,
        });
        let mut error = None;
        for _ in 0..10 {
            let mut buf = writer.buffer().await;
            buf.extend_from_slice(b"data");
            if let Err(e) = writer.write(buf).await {
                error = Some(e);
                break;
            }
        }
        let error = match error {
            Some(e) => e,
            None => match writer.finish(Vec::new(), None).await {
                Err(FlushError::Write(e)) => e,
                other => panic!("{other:?}"),
            },
        };
        assert_ne!(error.to_string(), stopped().to_string(), "{error}");
    }

    #[tokio::test]
    async fn the_reader_reads_the_file_from_its_position_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in");
        let data: Vec<u8> = (0..(CHUNK * 2 + 12_345)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut reader = DiskReader::start(Opened::open(path, 100).await.unwrap());
        let mut got = Vec::new();
        let mut sizes = Vec::new();
        loop {
            let buf = reader.next().await.unwrap();
            if buf.is_empty() {
                break;
            }
            sizes.push(buf.len());
            got.extend_from_slice(&buf);
            reader.recycle(buf);
        }
        assert_eq!(got, data[100..]);
        assert_eq!(sizes, vec![CHUNK, CHUNK, 12_245]);
    }

    #[tokio::test]
    async fn the_reader_fails_before_anything_is_read_for_a_missing_file_and_reads_a_small_one_once()
     {
        let dir = tempfile::tempdir().unwrap();
        let missing = Opened::open(dir.path().join("missing"), 0).await;
        assert_eq!(
            missing.err().map(|e| e.kind()),
            Some(io::ErrorKind::NotFound)
        );
        let path = dir.path().join("small");
        std::fs::write(&path, b"small file").unwrap();
        let mut reader = DiskReader::start(Opened::open(path.clone(), 0).await.unwrap());
        assert_eq!(reader.next().await.unwrap(), b"small file");
        assert!(reader.next().await.unwrap().is_empty());
        assert!(reader.next().await.unwrap().is_empty());
        // A file of exactly one buffer ends with an empty one.
        std::fs::write(&path, vec![7u8; CHUNK]).unwrap();
        let mut reader = DiskReader::start(Opened::open(path, 0).await.unwrap());
        assert_eq!(reader.next().await.unwrap().len(), CHUNK);
        assert!(reader.next().await.unwrap().is_empty());
    }
}
