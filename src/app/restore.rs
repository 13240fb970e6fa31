//! The queue that outlives the app, on the app's side: the journal (`crate::journal`) is fed
//! every transfer event; at start its items show as waiting rows with the queue paused;
//! "Process queue" opens (or reuses) a tab per site and queues them again with the `Resume`
//! policy (a saved site's password comes from the keyring, a quick connection asks for it);
//! "Clear" drops them and the journal. A journal that could not be read is said in the log and
//! the status bar.

use std::collections::HashMap;
use std::time::Instant;

use super::FerryApp;
use super::queue_view::{Row, RowState};
use crate::api::{LogKind, SessionId, TransferId, TransferRequest};
use crate::journal::{Feed, Item, SiteRef, journal_path};

/// The journal of this run and the rows restored from the last one.
pub struct Journal {
    pub feed: Feed,
    /// The restored rows of the queue view, and the item each stands for.
    pub restored: HashMap<TransferId, Item>,
}

impl Journal {
    pub fn none() -> Journal {
        Journal {
            feed: Feed::open(None).0,
            restored: HashMap::new(),
        }
    }
}

impl FerryApp {
    /// Loads the journal in `data_dir`; its items become paused, waiting rows.
    pub(super) fn open_journal(&mut self, data_dir: Option<&std::path::Path>) {
        let (feed, problem) = Feed::open(data_dir.map(journal_path));
        // The UI thread never waits on the disk for it.
        self.journal.feed = feed.in_background();
        if let Some(problem) = problem {
            self.say_error(problem);
        }
        let items = self.journal.feed.restored().to_vec();
        if items.is_empty() {
            return;
        }
        for item in items {
            let id = self.link.new_transfer();
            let row = Row {
                direction: item.direction.into(),
                local: item.local.clone(),
                remote: item.remote.clone(),
                size: None,
                done: 0,
                rate: 0,
                is_dir: item.recursive,
                state: RowState::Queued,
                verified: None,
            };
            self.queue.add_restored(id, row);
            self.journal.restored.insert(id, item);
        }
        self.queue.paused = true;
        let count = self.journal.restored.len();
        self.tab_mut().status = format!(
            "{count} transfer{} left from the last run: \"Process queue\" continues them",
            if count == 1 { "" } else { "s" }
        );
    }

    /// An error line in the log of the tab shown, and the status bar.
    fn say_error(&mut self, text: String) {
        self.say(LogKind::Error, text.clone());
        self.tab_mut().status = text;
    }

    /// Queues the restored rows again, each on a tab of its site, and lets the queue run.
    pub(super) fn process_restored(&mut self) {
        let mut sessions: HashMap<SiteRef, Option<SessionId>> = HashMap::new();
        let mut batches: Vec<(SessionId, Vec<TransferRequest>)> = Vec::new();
        for id in self.queue.restored() {
            let Some(item) = self.journal.restored.get(&id).cloned() else {
                continue;
            };
            let session = match sessions.get(&item.site) {
                Some(session) => *session,
                None => {
                    let session = self.session_for(&item.site);
                    sessions.insert(item.site.clone(), session);
                    session
                }
            };
            // A site that cannot be opened keeps its rows (the status bar says why).
            let Some(session) = session else {
                continue;
            };
            let request = item.request(self.link.new_transfer());
            self.journal.feed.requeue(&item, request.id);
            self.journal.restored.remove(&id);
            self.queue.remove_rows(&[id]);
            match batches.iter_mut().find(|(s, _)| *s == session) {
                Some((_, batch)) => batch.push(request),
                None => batches.push((session, vec![request])),
            }
        }
        for (session, transfers) in batches {
            self.link.enqueue_requests(session, transfers);
        }
        if self.queue.paused {
            self.queue.paused = false;
            self.queue_action(super::QueueAction::Pause(false));
        }
    }

    /// A connected tab of `site`, or a new connection to it; `None` when a saved site is gone.
    fn session_for(&mut self, site: &SiteRef) -> Option<SessionId> {
        let open = self.tabs().iter().find(|tab| {
            (tab.connected || tab.remote.loading)
                && self.journal.feed.site_of(tab.session) == Some(site)
        });
        if let Some(tab) = open {
            return Some(tab.session);
        }
        match site {
            SiteRef::Saved { path } => match self.sites.connection_at(path) {
                Ok(connection) => self.connect_site(connection),
                Err(why) => {
                    self.say_error(format!("Cannot open the saved site {path}: {why}"));
                    return None;
                }
            },
            SiteRef::Quick { .. } => {
                let quick = site.quick_site()?;
                let quick = self.sites.with_settings(quick);
                self.connect(quick, None);
            }
        }
        Some(self.tab().session)
    }

    /// Drops the restored rows and their items from the journal.
    pub(super) fn clear_restored(&mut self) {
        let ids = self.queue.restored();
        self.queue.remove_rows(&ids);
        self.journal.restored.clear();
        self.journal.feed.clear_restored();
    }

    /// Rows taken out of the view leave the journal (a restored one, or a failed one).
    pub(super) fn forget_rows(&mut self, ids: &[TransferId]) {
        for id in ids {
            match self.journal.restored.remove(id) {
                Some(item) => self.journal.feed.drop_restored(&item),
                None => self.journal.feed.forget(*id),
            }
        }
    }

    /// Writes the journal when a write is due, and wakes the app for the next one.
    pub(super) fn journal_tick(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        if let Some(problem) = self.journal.feed.tick(now) {
            self.say_error(problem);
        }
        if let Some(wait) = self.journal.feed.due_in(now) {
            ctx.request_repaint_after(wait);
        }
    }

    /// Writes what is left (a clean exit).
    pub fn save_journal(&mut self) {
        if let Some(problem) = self.journal.feed.flush() {
            log::warn!("{problem}");
        }
    }
}
