//! One connection tab: a session with the worker, its remote pane, its message log, the
//! operations in flight, and what auto mode settled on. The app keeps one per connection; the
//! local pane and the transfer queue are shared between them.

use egui::Color32;

use super::link::After;
use super::log_view::LogView;
use super::pane::{Pane, Side};
use super::start::{RemotePath, split_file};
use crate::api::*;

/// What a tab needs from the app after handling an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabEffect {
    Run(Operation, After),
    /// The queue ran dry: both panes may show stale contents.
    RefreshBoth,
}

/// A listing on its way to the remote pane.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listing {
    request: RequestId,
    /// The folder asked for (`None`: the current one).
    target: Option<String>,
    /// Its first entries arrived (the pane shows its folder).
    started: bool,
}

pub struct Tab {
    pub session: SessionId,
    /// `None` until the tab is used for a connection.
    pub site: Option<Site>,
    /// The name on the tab: the site manager's name, else `user@host`.
    pub label: String,
    /// The site's colour label.
    pub colour: Option<Color32>,
    pub connected: bool,
    pub remote: Pane,
    pub log: LogView,
    pub status: String,
    /// The listing that fills the remote pane: the last one asked for. A listing asked for
    /// before it (a refresh, an earlier click) is superseded and its entries are dropped.
    listing: Option<Listing>,
    /// What auto mode settled on, once it has.
    mode_in_use: Option<DataMode>,
    /// Where to go once connected (a site's remote folder, a URL's path); `None`: the login
    /// folder.
    pub initial_path: Option<RemotePath>,
    /// The path asked for at connection when it may name a file: if listing it fails, its
    /// folder is listed instead (see `select`).
    maybe_file: Option<String>,
    /// The name to select once the listing of this folder ends, and the error to show if it
    /// is not there.
    select: Option<Selecting>,
}

/// A file named at connection, selected once its folder is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selecting {
    folder: Option<String>,
    name: String,
    error: String,
}

impl Tab {
    pub fn new(session: SessionId, log_cap: usize) -> Tab {
        Tab {
            session,
            site: None,
            label: "New tab".to_string(),
            colour: None,
            connected: false,
            remote: Pane::new(Side::Remote),
            log: LogView::new(log_cap),
            status: String::new(),
            listing: None,
            mode_in_use: None,
            initial_path: None,
            maybe_file: None,
            select: None,
        }
    }

    /// Starts using this tab for `site` under a new session id.
    pub fn begin(&mut self, session: SessionId, site: &Site, label: String) {
        self.session = session;
        self.label = label;
        self.mode_in_use = None;
        self.initial_path = None;
        self.maybe_file = None;
        self.select = None;
        self.status = format!("Connecting to {}...", site.host);
        self.site = Some(site.clone());
        self.listing = None;
        self.remote.clear();
        self.remote.loading = true;
    }

    pub fn closed_locally(&mut self) {
        self.connected = false;
        self.listing = None;
        self.remote.clear();
        self.status = "Disconnected".to_string();
    }

    /// A listing of `target` was sent for the remote pane: it supersedes any listing before it.
    pub fn listing_sent(&mut self, request: RequestId, target: Option<String>) {
        self.listing = Some(Listing {
            request,
            target,
            started: false,
        });
        self.remote.loading = true;
    }

    fn is_current(&self, request: RequestId) -> bool {
        self.listing.as_ref().is_some_and(|l| l.request == request)
    }

    /// A refresh of the remote folder shown, when connected; while a listing is on its way,
    /// of the folder it goes to (a refresh must not take the user back where they just left).
    pub fn refresh(&self) -> Option<TabEffect> {
        self.connected.then(|| {
            let target = match &self.listing {
                Some(listing) => listing.target.clone(),
                None => Some(self.remote.path.clone()),
            };
            TabEffect::Run(Operation::List(target), After::Listing)
        })
    }

    /// Takes in one event of this tab's session; `after` is what an ended operation asked for.
    pub fn handle(&mut self, event: Event, after: Option<After>) -> Option<TabEffect> {
        match event {
            Event::Log(line) => self.log.push(line),
            Event::Connected { info, .. } => {
                self.connected = true;
                self.status = format!("Connected{}", if info.tls { " (TLS)" } else { "" });
                self.remote.set_home(&info.cwd);
                let start = self.initial_path.take();
                self.maybe_file = start.as_ref().filter(|p| !p.folder).map(|p| p.path.clone());
                let start = start.map(|p| p.path);
                return Some(TabEffect::Run(Operation::List(start), After::Listing));
            }
            Event::SessionClosed { error, .. } => {
                self.connected = false;
                self.listing = None;
                self.remote.clear();
                self.status = error.map_or_else(|| "Disconnected".to_string(), |e| e.message);
            }
            Event::Listing {
                request,
                path,
                entries,
                ..
            } if self.is_current(request) => {
                if let Some(listing) = self.listing.as_mut()
                    && !listing.started
                {
                    listing.started = true;
                    self.remote.begin_listing(&path);
                }
                self.remote.extend(entries);
            }
            Event::OpDone {
                request, result, ..
            } => match after {
                Some(After::Listing) if self.is_current(request) => {
                    return self.listing_ended(result);
                }
                // Superseded by a later listing.
                Some(After::Listing) => {}
                Some(After::RefreshRemote) => {
                    if let Err(error) = result {
                        self.status = error.message;
                    }
                    return self.refresh();
                }
                Some(After::Edit) | None => {}
            },
            Event::ModeInUse { mode, .. } => self.mode_in_use = Some(mode),
            Event::QueueIdle { .. } => return Some(TabEffect::RefreshBoth),
            Event::Listing { .. } | Event::Prompt { .. } | Event::Transfer { .. } => {}
        }
        None
    }

    /// The listing for the pane ended. One of a path given at connection that failed may have
    /// named a file: its folder is listed next, to select it.
    fn listing_ended(&mut self, result: Result<OpOutput, ErrorReport>) -> Option<TabEffect> {
        let listing = self.listing.take();
        let started = listing.as_ref().is_some_and(|l| l.started);
        let target = listing.and_then(|l| l.target);
        let maybe_file = self.maybe_file.take();
        if let Err(error) = &result
            && let Some(path) = maybe_file.filter(|p| target.as_ref() == Some(p))
        {
            let (folder, name) = split_file(&path);
            self.select = Some(Selecting {
                folder: folder.clone(),
                name,
                error: error.message.clone(),
            });
            return Some(TabEffect::Run(Operation::List(folder), After::Listing));
        }
        let listed = result.is_ok();
        self.listing_done(started, result);
        if let Some(select) = self.select.take()
            && listed
            && select.folder == target
            && !self.remote.select_only(&select.name)
        {
            self.remote.error = Some(select.error);
        }
        None
    }

    fn listing_done(&mut self, started: bool, result: Result<OpOutput, ErrorReport>) {
        match result {
            Ok(OpOutput::Listed { path, .. }) => {
                if !started {
                    self.remote.begin_listing(&path);
                }
                self.remote.finish_listing(None);
            }
            Ok(_) => self.remote.finish_listing(None),
            Err(error) => self.remote.finish_listing(Some(error.message)),
        }
    }

    /// "auto (passive in use)", "active", ...
    pub fn mode_in_use(&self) -> String {
        let name = |mode: DataMode| format!("{mode:?}").to_lowercase();
        match (&self.site, self.mode_in_use) {
            (Some(site), _) if !self.connected => format!("{} (not connected)", name(site.mode)),
            (Some(site), Some(used)) if site.mode == DataMode::Auto => {
                format!("auto ({} in use)", name(used))
            }
            (Some(site), _) => name(site.mode),
            (None, _) => "not connected".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(request: u64, path: &str, names: &[&str]) -> [Event; 2] {
        let session = SessionId(1);
        let request = RequestId(request);
        [
            Event::Listing {
                session,
                request,
                path: path.to_string(),
                entries: names
                    .iter()
                    .map(|n| Entry::new(n, EntryKind::File, n))
                    .collect(),
            },
            Event::OpDone {
                session,
                request,
                result: Ok(OpOutput::Listed {
                    path: path.to_string(),
                    entries: names.len(),
                }),
            },
        ]
    }

    fn connected_in(path: &str) -> Tab {
        let mut tab = Tab::new(SessionId(1), 100);
        tab.connected = true;
        tab.remote.set_listing(path, Vec::new());
        tab
    }

    /// A refresh (the queue ran dry) and then a click elsewhere: both listings are in flight
    /// and arrive in order. Only the last one asked for fills the pane.
    #[test]
    fn the_last_listing_asked_for_wins_over_one_sent_before_it() {
        let mut tab = connected_in("/folder");
        let Some(TabEffect::Run(Operation::List(target), After::Listing)) = tab.refresh() else {
            panic!("no refresh");
        };
        tab.listing_sent(RequestId(10), target);
        tab.listing_sent(RequestId(11), Some("/".to_string()));
        for event in listing(10, "/folder", &["inner.bin"]) {
            tab.handle(event, Some(After::Listing));
        }
        assert!(tab.remote.loading, "the pane waits for the last listing");
        assert_eq!(tab.remote.path, "/folder");
        for event in listing(11, "/", &["folder"]) {
            tab.handle(event, Some(After::Listing));
        }
        assert!(!tab.remote.loading);
        assert_eq!(tab.remote.path, "/");
        let names: Vec<_> = tab.remote.entries().iter().map(|e| &e.name).collect();
        assert_eq!(names, ["folder"]);
    }

    /// A click elsewhere and then a refresh before the listing arrived: the refresh lists where
    /// the user is going, not where they were.
    #[test]
    fn a_refresh_while_a_listing_is_on_its_way_lists_its_folder() {
        let mut tab = connected_in("/folder");
        tab.listing_sent(RequestId(11), Some("/".to_string()));
        assert_eq!(
            tab.refresh(),
            Some(TabEffect::Run(
                Operation::List(Some("/".to_string())),
                After::Listing
            ))
        );
    }
}
