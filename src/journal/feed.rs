//! The journal's model, kept from the worker's events: every waiting, running and failed file
//! transfer (a folder until it is expanded into its files), with the site of its session.
//! Finished, skipped and cancelled transfers leave it. Writes are coalesced: at most one every
//! [`WRITE_EVERY`] while the queue changes (progress alone changes nothing), and one on
//! [`Feed::flush`] (a clean exit), on the caller's thread or, [`Feed::in_background`], on a
//! thread of their own. Items restored from the last run stay in the journal until
//! they are processed (queued again, then followed like any other) or cleared.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::file::{Loaded, load, save};
use super::writer::Writer;
use super::{Item, ItemState, SiteRef};
use crate::api::{ErrorKind, Event, SessionId, TransferId, TransferRequest, TransferState};

/// The shortest time between two writes of the journal while the queue changes.
pub const WRITE_EVERY: Duration = Duration::from_millis(500);

/// The journal of one run of a front end.
pub struct Feed {
    /// Where the journal lives (`None`: nowhere, nothing is written).
    path: Option<PathBuf>,
    sites: HashMap<SessionId, SiteRef>,
    live: BTreeMap<TransferId, Item>,
    /// Transfers queued in ASCII mode (the `Queued` event does not say; children inherit it).
    ascii: HashSet<TransferId>,
    /// Items of the last run not processed yet.
    restored: Vec<Item>,
    dirty: bool,
    last_write: Option<Instant>,
    /// The journal on disk could not be read nor moved aside: it is not overwritten.
    blocked: bool,
    writes: u64,
    /// Writes go to this thread (see [`Feed::in_background`]); `None`: written at once.
    writer: Option<Writer>,
}

impl Feed {
    /// Opens the journal at `path` (`None`: keep nothing): its items are the restored ones,
    /// and what loading found is returned for the front end to report.
    pub fn open(path: Option<PathBuf>) -> (Feed, Option<String>) {
        let Loaded {
            items,
            problem,
            blocked,
        } = path.as_deref().map(load).unwrap_or_default();
        let feed = Feed {
            path,
            sites: HashMap::new(),
            live: BTreeMap::new(),
            ascii: HashSet::new(),
            restored: items,
            dirty: false,
            last_write: None,
            blocked,
            writes: 0,
            writer: None,
        };
        (feed, problem)
    }

    /// Writes from now on on a thread of their own (the caller never waits on the disk);
    /// [`Feed::flush`] still waits for the last write, a little.
    pub fn in_background(mut self) -> Feed {
        if let Some(path) = self.path.clone().filter(|_| !self.blocked) {
            match Writer::start(path) {
                Ok(writer) => self.writer = Some(writer),
                Err(e) => log::warn!("no thread for the journal ({e}): written at once"),
            }
        }
        self
    }

    /// The items of the last run, not processed or cleared yet.
    pub fn restored(&self) -> &[Item] {
        &self.restored
    }

    /// The restored items, to queue again: from now on they are followed by their events.
    pub fn take_restored(&mut self) -> Vec<Item> {
        self.dirty |= !self.restored.is_empty();
        std::mem::take(&mut self.restored)
    }

    /// Drops the restored items (the user's "Clear").
    pub fn clear_restored(&mut self) {
        self.take_restored();
    }

    /// Drops one restored item (its row cancelled).
    pub fn drop_restored(&mut self, item: &Item) {
        if let Some(at) = self.restored.iter().position(|i| i == item) {
            self.restored.remove(at);
            self.dirty = true;
        }
    }

    /// A restored item queued again as transfer `id`: from now on its events keep it (it is
    /// never out of the journal in between).
    pub fn requeue(&mut self, item: &Item, id: TransferId) {
        if let Some(at) = self.restored.iter().position(|i| i == item) {
            let mut item = self.restored.remove(at);
            item.state = ItemState::Waiting;
            self.live.insert(id, item);
            self.dirty = true;
        }
    }

    /// The site the transfers of `session` belong to.
    pub fn site_of(&self, session: SessionId) -> Option<&SiteRef> {
        self.sites.get(&session)
    }

    /// Transfers of `session` belong to `site`.
    pub fn add_session(&mut self, session: SessionId, site: SiteRef) {
        self.sites.insert(session, site);
    }

    /// Notes what a `Queued` event does not carry (ASCII mode) of a request about to be sent.
    pub fn note_request(&mut self, request: &TransferRequest) {
        if request.ascii {
            self.ascii.insert(request.id);
        }
    }

    /// Takes a transfer out of the journal (a failed row removed, or retried under a new id).
    pub fn forget(&mut self, id: TransferId) {
        self.dirty |= self.live.remove(&id).is_some();
    }

    /// Follows one event of the worker.
    pub fn observe(&mut self, event: &Event) {
        let Event::Transfer { session, id, state } = event else {
            return;
        };
        let id = *id;
        match state {
            TransferState::Queued {
                direction,
                local,
                remote,
                is_dir,
                parent,
                ..
            } => {
                let Some(site) = self.sites.get(session) else {
                    return;
                };
                let ascii =
                    self.ascii.contains(&id) || parent.is_some_and(|p| self.ascii.contains(&p));
                if ascii {
                    self.ascii.insert(id);
                }
                let item = Item {
                    direction: (*direction).into(),
                    local: local.clone(),
                    remote: remote.clone(),
                    ascii,
                    recursive: *is_dir,
                    site: site.clone(),
                    state: ItemState::Waiting,
                };
                self.live.insert(id, item);
                self.dirty = true;
            }
            TransferState::Started { .. } | TransferState::Progress { .. } => {
                self.set_state(id, ItemState::InProgress)
            }
            TransferState::Finished { .. } | TransferState::Skipped { .. } => self.forget(id),
            TransferState::Failed(error) if error.kind == ErrorKind::Cancelled => self.forget(id),
            // Refused before it started (a name unsafe as a local file): nothing to continue.
            TransferState::Failed(error)
                if error.kind == ErrorKind::Protocol
                    && self
                        .live
                        .get(&id)
                        .is_some_and(|i| i.state == ItemState::Waiting) =>
            {
                self.forget(id)
            }
            TransferState::Failed(error) => self.set_state(
                id,
                ItemState::Failed {
                    message: error.message.clone(),
                },
            ),
        }
    }

    fn set_state(&mut self, id: TransferId, state: ItemState) {
        if let Some(item) = self.live.get_mut(&id)
            && item.state != state
        {
            item.state = state;
            self.dirty = true;
        }
    }

    /// What the journal holds now: the restored items, then the others in queue order.
    pub fn items(&self) -> Vec<Item> {
        let live = self.live.values().cloned();
        self.restored.iter().cloned().chain(live).collect()
    }

    /// Something changed since the last write.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// How long until a write is due (`None`: nothing to write).
    pub fn due_in(&self, now: Instant) -> Option<Duration> {
        if !self.dirty {
            return None;
        }
        let since = self.last_write.map(|t| now.saturating_duration_since(t));
        Some(since.map_or(Duration::ZERO, |since| WRITE_EVERY.saturating_sub(since)))
    }

    /// Writes the journal when a write is due; what went wrong, for the user (a background
    /// write's failure comes with a later call).
    pub fn tick(&mut self, now: Instant) -> Option<String> {
        let problem = match self.due_in(now) {
            Some(wait) if wait.is_zero() => self.write(now),
            _ => None,
        };
        problem.or_else(|| self.writer.as_ref()?.problem())
    }

    /// Writes the journal now if anything changed (a clean exit), waiting for a background
    /// write a second at most; what went wrong, for the user.
    pub fn flush(&mut self) -> Option<String> {
        let problem = self.write(Instant::now());
        // Later writes (if any) are made at once.
        if let Some(mut writer) = self.writer.take() {
            writer.finish(Duration::from_secs(1));
            return problem.or_else(|| writer.problem());
        }
        problem
    }

    fn write(&mut self, now: Instant) -> Option<String> {
        if !self.dirty {
            return None;
        }
        self.dirty = false;
        self.last_write = Some(now);
        let path = self.path.as_ref().filter(|_| !self.blocked)?;
        self.writes += 1;
        if let Some(writer) = &self.writer {
            writer.write(self.items());
            return None;
        }
        save(path, &self.items()).err().map(|e| {
            format!(
                "Could not save the transfer queue to {}: {e}",
                path.display()
            )
        })
    }

    /// How many times the journal was written (coalescing is tested with it).
    pub fn writes(&self) -> u64 {
        self.writes
    }
}
