//! Streamed directory listings: MLSD where the server has it, else `LIST -a`, else `LIST`;
//! entries are handed on in batches as they arrive, lines are bounded in length, and names a
//! transfer would refuse are pointed out in the log.

use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::time::timeout;

use crate::api::{Entry, EntryKind};
use crate::common::paths::check_remote_name;
use crate::engine::connection::{Connection, ListingStyle};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::ftp::control::Control;
use crate::engine::ftp::data::{self, DataStream};
use crate::engine::ftp::listing::{LineSplitter, ListParser, parse_mlsd_line};

/// The longest listing line kept; longer lines are cut, never buffered without bound.
const MAX_LINE: usize = 64 * 1024;
/// Entries handed on at once, at the latest every [`FLUSH_EVERY`].
const BATCH: usize = 2000;
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Lists `path` (the working directory for `None`), handing entries to `on_entries` in batches
/// as they arrive. Returns the listed directory and the number of entries.
pub async fn list_dir(
    conn: &mut Connection,
    path: Option<&str>,
    mut on_entries: impl FnMut(&str, Vec<Entry>),
) -> EngineResult<(String, usize)> {
    if let Some(path) = path {
        conn.ctl.cwd(path).await?;
    }
    let dir = conn.ctl.cwd.clone();
    let mlsd = conn.ctl.features.mlst;
    let (command, stream) = conn.data.open_listing(&mut conn.ctl, mlsd).await?;
    let knew_not_utf8 = conn.ctl.codec.learned_not_utf8();
    let style = if mlsd { None } else { Some(conn.listing) };
    let count = read_entries(&mut conn.ctl, stream, style, |batch| {
        on_entries(&dir, batch)
    })
    .await?;
    data::finish(&mut conn.ctl, command).await?;
    if !knew_not_utf8 && conn.ctl.codec.learned_not_utf8() {
        conn.ctl.log.status(
            "The server's names are not UTF-8: they are read and sent as windows-1252 \
             (the site's charset setting chooses another)",
        );
    }
    conn.ctl
        .log
        .status(format!("Directory listing of \"{dir}\" successful"));
    Ok((dir, count))
}

/// Entries on their way out: handed on when a batch is full or has waited long enough.
struct Batches<F: FnMut(Vec<Entry>)> {
    on_entries: F,
    batch: Vec<Entry>,
    count: usize,
    last_flush: Instant,
}

impl<F: FnMut(Vec<Entry>)> Batches<F> {
    fn push(&mut self, entry: Entry) {
        self.batch.push(entry);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush_if_due(&mut self, at_end: bool) {
        if (at_end || self.last_flush.elapsed() >= FLUSH_EVERY) && !self.batch.is_empty() {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.count += self.batch.len();
        (self.on_entries)(std::mem::take(&mut self.batch));
        self.last_flush = Instant::now();
    }
}

/// Reads the listing off `stream` to its end, parsing each line as it completes: as MLSD for
/// `None`, else as LIST in the site's `style`.
async fn read_entries(
    ctl: &mut Control,
    mut stream: DataStream,
    style: Option<ListingStyle>,
    on_entries: impl FnMut(Vec<Entry>),
) -> EngineResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    let mlsd = style.is_none();
    let style = style.unwrap_or_default();
    // One parser for the whole listing: a VMS entry may span two lines.
    let mut parser =
        ListParser::new(style.server_type, now).with_timezone_offset(style.timezone_offset);
    let mut splitter = LineSplitter::new(MAX_LINE, ctl.codec.clone());
    let mut buf = vec![0u8; 64 * 1024];
    let mut lines = Vec::new();
    let mut out = Batches {
        on_entries,
        batch: Vec::new(),
        count: 0,
        last_flush: Instant::now(),
    };
    let mut at_end = false;
    while !at_end {
        let n = match timeout(ctl.timeouts.inactivity, stream.read(&mut buf)).await {
            Err(_) => {
                data::abort(ctl, stream).await;
                return Err(EngineError::timeout(
                    "the listing (no data arrived)",
                    ctl.timeouts.inactivity,
                ));
            }
            // A TLS peer that closes without close_notify: the final reply tells success.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Ok(Err(e)) => {
                data::abort(ctl, stream).await;
                return Err(EngineError::Broken(format!("the listing broke off: {e}")));
            }
            Ok(Ok(n)) => n,
        };
        if n == 0 {
            splitter.finish(&mut lines);
            at_end = true;
        } else {
            splitter.push(&buf[..n], &mut lines);
        }
        for line in lines.drain(..) {
            let entries = if mlsd {
                parse_mlsd_line(&line).into_iter().collect()
            } else {
                parser.push(&line)
            };
            entries
                .into_iter()
                .filter_map(|e| accept(ctl, e))
                .for_each(|e| out.push(e));
        }
        if at_end && !mlsd {
            parser
                .finish()
                .into_iter()
                .filter_map(|e| accept(ctl, e))
                .for_each(|e| out.push(e));
        }
        out.flush_if_due(at_end);
    }
    Ok(out.count)
}

/// An entry to show (`None` for `.` and `..`); an unsafe name is kept for display but pointed out.
fn accept(ctl: &Control, entry: Entry) -> Option<Entry> {
    let entry = Some(entry).filter(|e| e.name != "." && e.name != "..")?;
    if entry.kind != EntryKind::Unknown && check_remote_name(&entry.name).is_err() {
        ctl.log.error(format!(
            "The server listed an unsafe name {:?}: it will not be transferred",
            entry.name
        ));
    }
    Some(entry)
}
