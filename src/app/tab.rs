//! One connection tab: a session with the worker, its remote pane, its message log, the
//! operations in flight, and what auto mode settled on. The app keeps one per connection; the
//! local pane and the transfer queue are shared between them.

use std::collections::HashMap;

use egui::Color32;

use super::log_view::LogView;
use super::pane::{Pane, Side};
use crate::api::*;

/// What to do when an operation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Its listing fills the remote pane.
    Listing,
    /// Refresh the remote pane (a rename, delete, mkdir...).
    RefreshRemote,
}

/// What a tab needs from the app after handling an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabEffect {
    Run(Operation, After),
    /// The queue ran dry: both panes may show stale contents.
    RefreshBoth,
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
    requests: HashMap<RequestId, After>,
    listing_started: bool,
    /// What auto mode settled on, once it has.
    mode_in_use: Option<DataMode>,
    /// The folder to open once connected (a site's default remote folder); `None`: the login
    /// folder.
    pub initial_path: Option<String>,
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
            requests: HashMap::new(),
            listing_started: false,
            mode_in_use: None,
            initial_path: None,
        }
    }

    /// Starts using this tab for `site` under a new session id.
    pub fn begin(&mut self, session: SessionId, site: &Site, label: String) {
        self.session = session;
        self.label = label;
        self.mode_in_use = None;
        self.initial_path = None;
        self.status = format!("Connecting to {}...", site.host);
        self.site = Some(site.clone());
        self.requests.clear();
        self.remote.clear();
        self.remote.loading = true;
    }

    pub fn closed_locally(&mut self) {
        self.connected = false;
        self.remote.clear();
        self.status = "Disconnected".to_string();
    }

    /// Remembers an operation sent for this tab.
    pub fn sent(&mut self, request: RequestId, after: After) {
        self.requests.insert(request, after);
        if after == After::Listing {
            self.listing_started = false;
            self.remote.loading = true;
        }
    }

    /// A refresh of the remote folder shown, when connected.
    pub fn refresh(&self) -> Option<TabEffect> {
        self.connected.then(|| {
            TabEffect::Run(
                Operation::List(Some(self.remote.path.clone())),
                After::Listing,
            )
        })
    }

    /// Takes in one event of this tab's session.
    pub fn handle(&mut self, event: Event) -> Option<TabEffect> {
        match event {
            Event::Log(line) => self.log.push(line),
            Event::Connected { info, .. } => {
                self.connected = true;
                self.status = format!("Connected{}", if info.tls { " (TLS)" } else { "" });
                self.remote.set_home(&info.cwd);
                let start = self.initial_path.take();
                return Some(TabEffect::Run(Operation::List(start), After::Listing));
            }
            Event::SessionClosed { error, .. } => {
                self.connected = false;
                self.remote.clear();
                self.status = error.map_or_else(|| "Disconnected".to_string(), |e| e.message);
            }
            Event::Listing {
                request,
                path,
                entries,
                ..
            } if self.requests.get(&request) == Some(&After::Listing) => {
                if !self.listing_started {
                    self.listing_started = true;
                    self.remote.begin_listing(&path);
                }
                self.remote.extend(entries);
            }
            Event::OpDone {
                request, result, ..
            } => match self.requests.remove(&request) {
                Some(After::Listing) => match result {
                    Ok(OpOutput::Listed { path, .. }) => {
                        if !self.listing_started {
                            self.remote.begin_listing(&path);
                        }
                        self.remote.finish_listing(None);
                    }
                    Ok(_) => self.remote.finish_listing(None),
                    Err(error) => self.remote.finish_listing(Some(error.message)),
                },
                Some(After::RefreshRemote) => {
                    if let Err(error) = result {
                        self.status = error.message;
                    }
                    return self.refresh();
                }
                None => {}
            },
            Event::ModeInUse { mode, .. } => self.mode_in_use = Some(mode),
            Event::QueueIdle { .. } => return Some(TabEffect::RefreshBoth),
            Event::Listing { .. } | Event::Prompt { .. } | Event::Transfer { .. } => {}
        }
        None
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
