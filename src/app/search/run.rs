//! The app's side of the search window: starting and stopping the search on the connection of
//! the tab shown, and what the results' buttons ask for (downloads into the local pane's
//! folder, deletes, the containing folder opened in the remote pane with the entry selected).

use std::path::PathBuf;

use super::Found;
use crate::api::*;
use crate::app::FerryApp;
use crate::app::link::After;

/// What the search window asks the app for.
#[derive(Debug, Clone)]
pub enum SearchAction {
    Start {
        root: String,
        max_depth: usize,
        find: Filter,
    },
    Stop(SessionId),
    Download(SessionId, Vec<Found>),
    Delete(SessionId, Vec<Found>),
    OpenFolder(SessionId, Found),
}

impl FerryApp {
    /// The search window, searching from the remote folder shown.
    pub(in crate::app) fn open_search(&mut self) {
        if !self.search.is_running() && self.is_connected() {
            self.search.root = self.remote().path.clone();
        }
        self.search.open = true;
    }

    /// The search window's own, for tests and the menu: its state.
    pub fn search_window(&self) -> &super::SearchWindow {
        &self.search
    }

    pub(in crate::app) fn search_action(&mut self, action: SearchAction) {
        match action {
            SearchAction::Start {
                root,
                max_depth,
                find,
            } => {
                if !self.is_connected() {
                    self.search.status = "Connect to a server to search it".to_string();
                    return;
                }
                let session = self.tab().session;
                let op = Operation::Search {
                    root,
                    max_depth,
                    find,
                };
                let request = self.link.run_unattended(session, op);
                self.search.started(session, request);
            }
            SearchAction::Stop(session) => self.link.send(Command::CancelOperation { session }),
            SearchAction::Download(session, found) => {
                let folder = PathBuf::from(&self.local.path);
                for found in found {
                    let local = LocalTarget::Into {
                        folder: folder.clone(),
                        name: found.entry.name.clone(),
                    };
                    let recursive = found.entry.kind == EntryKind::Dir;
                    self.link
                        .enqueue(session, Direction::Download, local, found.path(), recursive);
                }
            }
            SearchAction::Delete(session, found) => {
                let Some(index) = self.tabs.position(session) else {
                    return;
                };
                for found in found {
                    let op = match found.entry.kind {
                        EntryKind::Dir => Operation::DeleteRecursive(found.path()),
                        _ => Operation::Delete(found.path()),
                    };
                    self.send_op(index, op, After::RefreshRemote);
                }
            }
            SearchAction::OpenFolder(session, found) => {
                let Some(index) = self.tabs.position(session) else {
                    return;
                };
                self.tabs.show_tab(index);
                let op = Operation::List(Some(found.folder.clone()));
                self.send_op(index, op, After::Listing);
                self.search.reveal = Some((session, found));
            }
        }
    }

    /// Selects the entry whose folder was opened from the results, once its listing is shown.
    pub(in crate::app) fn search_tick(&mut self) {
        let Some((session, found)) = &self.search.reveal else {
            return;
        };
        let Some(index) = self.tabs.position(*session) else {
            self.search.reveal = None;
            return;
        };
        let pane = &mut self.tabs.get_mut(index).remote;
        if pane.loading {
            return;
        }
        if pane.path == found.folder {
            pane.select_only(&found.entry.name);
        }
        self.search.reveal = None;
    }
}
