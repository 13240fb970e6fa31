//! What the user asked for, as [`AppCommand`]s: the widgets push them while the frame is drawn
//! and the app carries them out once it is drawn, so nothing changes under a panel mid-frame.
//! One [`FerryApp::pane_action`] serves both panes: the side decides whether the work goes to
//! the worker (remote) or to the local jobs.

use std::path::PathBuf;

use super::FerryApp;
use super::link::After;
use super::pane::{PaneAction, Side};
use super::queue_view::QueueAction;
use super::site_manager::colour32;
use super::tab::TabEffect;
use crate::api::*;
use crate::sites::{Bookmark, FilterSettings, Settings, SiteConnection};

/// One thing the user asked for in a frame.
#[derive(Debug, Clone)]
pub enum AppCommand {
    /// The quick-connect bar's site (the global settings are applied to it).
    QuickConnect(Box<Site>),
    /// A site from the Site Manager.
    ConnectSite(Box<SiteConnection>),
    OpenSiteManager,
    OpenSettings,
    /// Disconnect the tab shown.
    Disconnect,
    /// Refresh both panes.
    RefreshBoth,
    ShowTab(usize),
    CloseTab(usize),
    /// A pane's request; the remote side is the tab shown.
    Pane(Side, PaneAction),
    Queue(QueueAction),
    /// Files from the OS dropped on the window: uploaded into the remote folder shown.
    Upload(Vec<PathBuf>),
    Answer(PromptId, Answer),
    /// The Settings window saved these.
    SettingsSaved(Box<Settings>),
    /// View → Directory comparison (Ctrl+O).
    ToggleComparison,
    /// View → Synchronized browsing (Ctrl+Y).
    ToggleSyncBrowsing,
    /// Bookmarks → Add bookmark... (Ctrl+B).
    AddBookmark,
    /// Bookmarks → Manage bookmarks...
    ManageBookmarks,
    /// A bookmark chosen in the Bookmarks menu.
    GoToBookmark(Box<Bookmark>),
    /// Create the folder synchronized browsing did not find, and enter it.
    CreateMissingFolder,
    /// The menu bar's and the keyboard's commands (carried out in `menu_bar`).
    NewTab,
    /// Closes the tab shown.
    CloseActiveTab,
    /// Import a FileZilla site manager file, chosen in a file dialog.
    ImportSites,
    /// Export the sites as a FileZilla site manager file, to a file chosen in a file dialog.
    ExportSites,
    /// The file to import from or export to, chosen or typed.
    SiteFile(super::SiteFileJob, PathBuf),
    Quit,
    ToggleLog,
    ToggleQueue,
    /// Starts the queue (and the transfers restored from the last run).
    ProcessQueue,
    PauseQueue,
    ToggleSpeedLimits,
    /// Connects the tab shown again, to the folder it showed.
    Reconnect,
    /// Opens the "Enter custom command" dialog.
    OpenCustomCommand,
    /// Sends this command line as it is in the tab shown; the reply goes to the log.
    RawCommand(String),
    OpenAbout,
    /// Open the directory listing filters (View → Directory listing filters..., Ctrl+I).
    OpenFilters,
    /// The filters dialog's OK or Apply.
    FiltersEdited(Box<FilterSettings>),
    /// Open the remote search window (Server → Search remote files..., F3).
    OpenSearch,
    /// Something asked for from the search window's results.
    Search(super::search::SearchAction),
    /// Open the Edited files window (FileZilla: Edit → Show files currently being edited).
    ShowEditedFiles,
    /// A choice about a file viewed or edited in place.
    Edit(super::EditAction),
}

/// Where transfers started from a side go: away from it.
fn from_side(side: Side) -> Direction {
    match side {
        Side::Local => Direction::Upload,
        Side::Remote => Direction::Download,
    }
}

/// Where transfers of rows dropped on a side go: to it.
fn to_side(side: Side) -> Direction {
    match side {
        Side::Local => Direction::Download,
        Side::Remote => Direction::Upload,
    }
}

impl FerryApp {
    /// Carries out one command, after the frame that asked for it.
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::QuickConnect(site) => {
                let site = self.sites.with_settings(*site);
                self.connect(site, None)
            }
            AppCommand::ConnectSite(connection) => self.connect_site(*connection),
            AppCommand::OpenSiteManager => {
                if let Err(why) = self.sites.open_manager() {
                    self.tab_mut().status = why;
                }
            }
            AppCommand::OpenSettings => {
                if let Err(why) = self.sites.open_settings() {
                    self.tab_mut().status = why;
                }
            }
            AppCommand::Disconnect => self.disconnect(self.tabs.active_index()),
            AppCommand::RefreshBoth => {
                self.refresh_remote(self.tabs.active_index());
                self.local_fs.list(self.local.path.clone());
            }
            AppCommand::ShowTab(index) => self.tabs.show_tab(index),
            AppCommand::CloseTab(index) => self.close_tab(index),
            AppCommand::Pane(side, action) => self.pane_action(ctx, side, action),
            AppCommand::Queue(action) => self.queue_action(action),
            AppCommand::Upload(paths) => self.upload_paths(paths),
            AppCommand::Answer(prompt, answer) => {
                self.link.send(Command::Answer { prompt, answer })
            }
            AppCommand::SettingsSaved(settings) => self.apply_settings(ctx, &settings),
            AppCommand::ToggleComparison => self.toggle_comparison(),
            AppCommand::ToggleSyncBrowsing => self.toggle_sync_browsing(),
            AppCommand::AddBookmark => self.open_add_bookmark(),
            AppCommand::ManageBookmarks => self.open_manage_bookmarks(),
            AppCommand::GoToBookmark(bookmark) => self.go_to_bookmark(&bookmark),
            AppCommand::CreateMissingFolder => self.create_missing(),
            AppCommand::OpenFilters => self.open_filters(),
            AppCommand::FiltersEdited(filters) => self.filters_edited(*filters),
            AppCommand::OpenSearch => self.open_search(),
            AppCommand::Search(action) => self.search_action(action),
            AppCommand::ShowEditedFiles => self.edit.window.open = true,
            AppCommand::Edit(action) => self.edit_action(action),
            command => self.apply_menu_command(ctx, command),
        }
    }

    /// What a pane asked for: on the remote side, operations for the worker in the tab shown;
    /// on the local side, jobs for the local file system.
    fn pane_action(&mut self, ctx: &egui::Context, side: Side, action: PaneAction) {
        let tab = self.tabs.active_index();
        match (side, action) {
            (_, PaneAction::Transfer(entries)) => self.transfer_entries(from_side(side), entries),
            (_, action @ (PaneAction::OpenFile(_) | PaneAction::View(_) | PaneAction::Edit(_))) => {
                self.open_file(side, action)
            }
            (_, PaneAction::AddToQueue(entries)) => {
                self.hold_queue();
                self.transfer_entries(from_side(side), entries);
            }
            (_, PaneAction::EditFilters) => self.open_filters(),
            (_, PaneAction::Search) => self.open_search(),
            // Rows dragged from the other pane.
            (_, PaneAction::Receive(entries)) => self.transfer_entries(to_side(side), entries),
            (Side::Remote, PaneAction::Navigate(path)) => {
                self.follow(side, &path);
                self.send_op(tab, Operation::List(Some(path)), After::Listing)
            }
            (Side::Local, PaneAction::Navigate(path)) => {
                self.follow(side, &path);
                self.local_fs.list(path)
            }
            (Side::Remote, PaneAction::Delete(entries)) => {
                for entry in entries {
                    let path = self.remote().child(&entry.name);
                    let op = if entry.kind == EntryKind::Dir {
                        Operation::DeleteRecursive(path)
                    } else {
                        Operation::Delete(path)
                    };
                    self.send_op(tab, op, After::RefreshRemote);
                }
            }
            (Side::Local, PaneAction::Delete(entries)) => {
                let dir = PathBuf::from(&self.local.path);
                let paths = entries.iter().map(|e| dir.join(&e.name)).collect();
                self.local_fs.delete(paths, self.local.path.clone());
            }
            (Side::Remote, PaneAction::Rename { from, to }) => {
                self.send_op(tab, Operation::Rename { from, to }, After::RefreshRemote)
            }
            (Side::Local, PaneAction::Rename { from, to }) => self.local_fs.rename(from, to),
            (Side::Remote, PaneAction::Mkdir(path)) => {
                self.send_op(tab, Operation::Mkdir(path), After::RefreshRemote)
            }
            (Side::Local, PaneAction::Mkdir(path)) => self.local_fs.mkdir(path),
            (Side::Remote, PaneAction::Chmod { names, mode }) => {
                for path in names {
                    self.send_op(tab, Operation::Chmod { path, mode }, After::RefreshRemote);
                }
            }
            (Side::Remote, PaneAction::CopyUrl(path)) => {
                if let Some(site) = &self.tab().site {
                    ctx.copy_text(site_url(site, &path));
                }
            }
            (Side::Local, PaneAction::OpenInFileManager) => open_in_file_manager(&self.local.path),
            (Side::Local, PaneAction::PickFolder) => {
                self.local_fs.pick_folder(self.local.path.clone())
            }
            (Side::Remote, PaneAction::PickUpload) => {
                self.local_fs.pick_files(self.local.path.clone())
            }
            // Each side's own actions mean nothing on the other.
            (
                Side::Local,
                PaneAction::Chmod { .. } | PaneAction::CopyUrl(_) | PaneAction::PickUpload,
            )
            | (Side::Remote, PaneAction::OpenInFileManager | PaneAction::PickFolder) => {}
        }
    }

    pub(super) fn queue_action(&mut self, action: QueueAction) {
        match action {
            QueueAction::Cancel(transfer) if self.journal.restored.contains_key(&transfer) => {
                self.queue.remove_rows(&[transfer]);
                self.forget_rows(&[transfer]);
            }
            QueueAction::Cancel(transfer) => {
                if let Some(session) = self.link.transfer_session(transfer) {
                    self.link
                        .send(Command::CancelTransfer { session, transfer });
                }
            }
            QueueAction::Retry(id) => self.retry(id),
            QueueAction::Move(transfer, to) => {
                self.queue.move_row(transfer, to);
                if let Some(session) = self.link.transfer_session(transfer) {
                    self.link.send(Command::MoveTransfer {
                        session,
                        transfer,
                        to,
                    });
                }
            }
            QueueAction::Removed(ids) => self.forget_rows(&ids),
            QueueAction::ProcessRestored => self.process_restored(),
            QueueAction::ClearRestored => self.clear_restored(),
            QueueAction::OpenLocalFolder(folder) => open_in_file_manager(&folder.to_string_lossy()),
            QueueAction::SetParallel(parallel) => {
                for session in self.tabs.sessions() {
                    self.link.send(Command::SetParallel { session, parallel });
                }
            }
            QueueAction::Pause(paused) => {
                for session in self.tabs.sessions() {
                    self.link.send(Command::SetPaused { session, paused });
                }
            }
        }
    }

    /// Queues a failed transfer again, on its connection if that is still open.
    fn retry(&mut self, id: TransferId) {
        let session = self
            .link
            .transfer_session(id)
            .filter(|s| self.tabs().iter().any(|t| t.session == *s && t.connected));
        match (self.queue.row(id), session) {
            (Some(row), Some(session)) => {
                let (direction, local, remote, recursive) = (
                    row.direction,
                    row.local.clone(),
                    row.remote.clone(),
                    row.is_dir,
                );
                // The row's local path is the one the engine made (and checked) at first.
                let local = LocalTarget::Path(local);
                self.link
                    .enqueue(session, direction, local, remote, recursive);
                // The new transfer takes the failed one's place in the journal.
                self.journal.feed.forget(id);
            }
            _ => {
                self.tab_mut().status =
                    "That transfer's connection is closed: reconnect to retry it".to_string()
            }
        }
    }

    /// Pauses the queue (if it runs) so what is added next waits for the user's go.
    pub(super) fn hold_queue(&mut self) {
        if !self.queue.paused {
            self.queue.paused = true;
            self.queue_action(QueueAction::Pause(true));
        }
    }

    /// Runs `op` in the tab at `index`; a listing becomes the one its remote pane waits for.
    pub(super) fn send_op(&mut self, index: usize, op: Operation, after: After) {
        let target = match (&op, after) {
            (Operation::List(target), After::Listing) => Some(target.clone()),
            _ => None,
        };
        let session = self.tabs.get_mut(index).session;
        let request = self.link.run(session, op, after);
        if let Some(target) = target {
            self.tabs.get_mut(index).listing_sent(request, target);
        }
    }

    pub(super) fn refresh_remote(&mut self, index: usize) {
        if let Some(TabEffect::Run(op, after)) = self.tabs.get_mut(index).refresh() {
            self.send_op(index, op, after);
        }
    }

    /// Connects `site` in the tab shown when it is idle, else in a new tab. `label` names the
    /// tab (a site manager entry's name and colour); `None` names it after the user and host.
    pub(super) fn connect(&mut self, site: Site, label: Option<(String, Option<egui::Color32>)>) {
        if self.tab().connected || self.tab().remote.loading {
            self.tabs.open_new();
        }
        self.saved.remember(&site);
        let (name, colour) = label.unwrap_or_else(|| {
            let name = if site.user.is_empty() {
                site.host.clone()
            } else {
                format!("{}@{}", site.user, site.host)
            };
            (name, None)
        });
        let session = self.link.new_session();
        self.queue.parallel = site.parallel;
        let tab = self.tab_mut();
        let old = tab.session;
        tab.begin(session, &site, name);
        tab.colour = colour;
        let filters = self.remote_filters();
        self.tab_mut().remote.set_listing_filters(filters);
        self.link.forget(old);
        self.journal
            .feed
            .add_session(session, crate::journal::SiteRef::quick(&site));
        self.link.send(Command::Connect { session, site });
        // One queue for every tab: a tab opened while the queue is paused starts paused, and
        // the parallel count shown is the one every connection uses.
        if self.queue.paused {
            self.link.send(Command::SetPaused {
                session,
                paused: true,
            });
        }
        self.queue_action(QueueAction::SetParallel(self.queue.parallel));
    }

    pub(super) fn disconnect(&mut self, index: usize) {
        let tab = self.tabs.get_mut(index);
        let session = tab.session;
        tab.closed_locally();
        self.link.forget(session);
        self.link.send(Command::Disconnect { session });
    }

    /// Connects to a site from the Site Manager: its name and colour on the tab, its folders.
    pub(super) fn connect_site(&mut self, connection: SiteConnection) {
        let saved = crate::journal::SiteRef::Saved {
            path: connection.path.clone(),
        };
        if let Some(note) = self.sites.keyring_note(&connection) {
            self.tab_mut().status = note;
        }
        if let Some(dir) = &connection.local_dir {
            self.local_fs.list(dir.display().to_string());
        }
        let label = (connection.name.clone(), colour32(connection.colour));
        let path = super::RemotePath::of_site(&connection);
        let (id, local_dir) = (connection.id.clone(), connection.local_dir.is_some());
        self.connect(connection.site, Some(label));
        self.tab_mut().initial_path = path;
        let session = self.tab().session;
        self.journal.feed.add_session(session, saved);
        self.site_browsing(session, id, local_dir);
    }

    /// Disconnects and removes a tab; the last one is replaced by an empty tab.
    pub(super) fn close_tab(&mut self, index: usize) {
        if index >= self.tabs().len() {
            return;
        }
        self.disconnect(index);
        let link = &self.link;
        self.tabs.remove(index, || link.new_session());
    }

    /// The settings for everything from now on: the log, the theme, quick connections.
    pub(super) fn apply_settings(&mut self, ctx: &egui::Context, settings: &Settings) {
        self.tabs
            .set_log(settings.log_line_cap as usize, settings.log_timestamps);
        self.set_speed_limit(settings.speed_limit);
        self.edit.configure(settings);
        ctx.set_theme(match settings.theme {
            crate::sites::Theme::System => egui::ThemePreference::System,
            crate::sites::Theme::Light => egui::ThemePreference::Light,
            crate::sites::Theme::Dark => egui::ThemePreference::Dark,
        });
    }

    /// Files dropped from the OS file manager: uploaded into the remote folder shown.
    pub fn upload_paths(&mut self, paths: Vec<PathBuf>) {
        if !self.is_connected() {
            self.tab_mut().status = "Connect to a server before dropping files on it".to_string();
            return;
        }
        let session = self.tab().session;
        for path in paths {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let remote = self.remote().child(name);
            let recursive = path.is_dir();
            let local = LocalTarget::Path(path);
            self.link
                .enqueue(session, Direction::Upload, local, remote, recursive);
        }
    }

    /// Entries of the folder shown on one side into the folder shown on the other
    /// (recursively for folders).
    pub(super) fn transfer_entries(&mut self, direction: Direction, entries: Vec<Entry>) {
        if direction == Direction::Upload && !self.is_connected() {
            self.tab_mut().status = "Connect to a server to upload".to_string();
            return;
        }
        let session = self.tab().session;
        let folder = PathBuf::from(&self.local.path);
        for entry in entries {
            // A download names only the folder: the engine makes (and checks) the local path
            // from the server's name. An upload's local file is the user's own.
            let local = match direction {
                Direction::Download => LocalTarget::Into {
                    folder: folder.clone(),
                    name: entry.name.clone(),
                },
                Direction::Upload => LocalTarget::Path(folder.join(&entry.name)),
            };
            let remote = self.remote().child(&entry.name);
            let recursive = entry.kind == EntryKind::Dir;
            self.link
                .enqueue(session, direction, local, remote, recursive);
        }
    }
}

/// `ftp://user@host:port/path` for a remote path (never with the password).
fn site_url(site: &Site, path: &str) -> String {
    let scheme = match site.protocol {
        Protocol::Ftp | Protocol::ExplicitTlsIfAvailable => "ftp",
        Protocol::ExplicitTls => "ftpes",
        Protocol::ImplicitTls => "ftps",
    };
    let user = if site.user.is_empty() {
        String::new()
    } else {
        format!("{}@", site.user)
    };
    let absolute = match path.strip_prefix('/') {
        Some(rest) => format!("/%2F{rest}"),
        None => format!("/{path}"),
    };
    format!("{scheme}://{user}{}:{}{absolute}", site.host, site.port)
}

fn open_in_file_manager(path: &str) {
    let program = if cfg!(windows) {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program).arg(path).spawn();
}
