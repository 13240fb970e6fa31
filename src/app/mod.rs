//! The desktop app: a view over the worker. Each frame it drains the worker's events into its
//! state, draws from that state, and turns what the user does into `Command`s. It never waits
//! on the network; the worker wakes it with `request_repaint` when something happened.

mod connect;
mod data_fields;
mod local;
mod log_view;
mod pane;
mod prompts;
mod queue_view;
mod settings_view;
mod site_manager;
mod tab;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use crate::api::*;
use crate::engine::events::EventSink;
use crate::engine::worker::{Worker, WorkerConfig};
use crate::sites::{Keyring, Settings, SettingsStore, SiteConnection, SiteStore};

use connect::{ConnectAction, QuickConnect, Recent};
use local::{LocalFs, LocalResult};
pub use log_view::LogView;
pub use pane::{Pane, PaneAction, Side, human_size};
use prompts::PromptQueue;
use queue_view::{QueueAction, QueueView};
use settings_view::SettingsWindow;
use site_manager::{ManagerAction, SiteManager, colour32};
pub use tab::Tab;
use tab::{After, TabEffect};

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct AppStart {
    /// Connect to this site at once (a URL on the command line, the demo server).
    pub connect: Option<Site>,
    /// The folder the local pane shows first (default: the home folder).
    pub local_dir: Option<PathBuf>,
    /// Where the worker keeps trusted certificates and the app its sites and settings
    /// (`None`: nowhere; the Site Manager and Settings are then unavailable).
    pub config_dir: Option<PathBuf>,
    /// Where site passwords live (`None`: the OS keyring).
    pub keyring: Option<Keyring>,
    /// Connect to this stored site at once (`ferry site:Folder/Name`).
    pub open_site: Option<SiteConnection>,
}

pub struct FerryApp {
    worker: Worker,
    events: Receiver<Event>,
    quick: QuickConnect,
    /// One per connection; never empty.
    tabs: Vec<Tab>,
    active: usize,
    pub local: Pane,
    queue: QueueView,
    prompts: PromptQueue,
    local_fs: LocalFs,
    /// Which session each transfer was queued on.
    transfer_sessions: HashMap<TransferId, SessionId>,
    log_cap: usize,
    /// The Site Manager's and Settings' files (`None` without a config folder).
    stores: Option<(SiteStore, SettingsStore)>,
    keyring: Keyring,
    manager: SiteManager,
    settings_window: SettingsWindow,
    /// "No keyring" was said once already.
    keyring_warned: bool,
    log_timestamps: bool,
}

const RECENT_KEY: &str = "ferry-recent-connections";

impl FerryApp {
    /// The app, with its worker thread started.
    pub fn new(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        start: AppStart,
    ) -> std::io::Result<Self> {
        let waker = ctx.clone();
        let (sink, events) = EventSink::channel();
        let sink = sink.with_wake(move || waker.request_repaint());
        let worker = Worker::start(
            WorkerConfig {
                config_dir: start.config_dir.clone(),
            },
            sink,
        )?;
        let mut local_fs = LocalFs::default();
        local_fs.set_waker(ctx);
        let mut quick = QuickConnect::default();
        if let Some(recent) = storage.and_then(|s| eframe::get_value::<Vec<Recent>>(s, RECENT_KEY))
        {
            quick.recent = recent;
        }
        let stores = start
            .config_dir
            .as_deref()
            .map(|dir| (SiteStore::open(dir), SettingsStore::open(dir)));
        let settings = stores
            .as_ref()
            .map(|(_, s)| s.settings().clone())
            .unwrap_or_default();
        let log_cap = settings.log_line_cap as usize;
        let first = Tab::new(SessionId(worker.next_id()), log_cap);
        let mut app = FerryApp {
            worker,
            events,
            quick,
            tabs: vec![first],
            active: 0,
            local: Pane::new(Side::Local),
            queue: QueueView::default(),
            prompts: PromptQueue::default(),
            local_fs,
            transfer_sessions: HashMap::new(),
            log_cap,
            stores,
            keyring: start.keyring.unwrap_or_else(Keyring::system),
            manager: SiteManager::default(),
            settings_window: SettingsWindow::default(),
            keyring_warned: false,
            log_timestamps: false,
        };
        app.apply_settings(ctx, &settings);
        let home = start
            .local_dir
            .or_else(|| directories::UserDirs::new().map(|d| d.home_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from("."));
        let home = home.display().to_string();
        app.local.set_home(&home);
        app.local.loading = true;
        app.local_fs.list(home);
        if let Some(site) = start.connect {
            app.quick.fill(&site);
            app.connect(site, None);
        }
        if let Some(connection) = start.open_site {
            app.connect_site(connection);
        }
        Ok(app)
    }

    /// The tab shown.
    pub fn tab(&self) -> &Tab {
        &self.tabs[self.active]
    }

    fn tab_mut(&mut self) -> &mut Tab {
        &mut self.tabs[self.active]
    }

    pub fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    /// The remote pane of the tab shown.
    pub fn remote(&self) -> &Pane {
        &self.tab().remote
    }

    /// The message log of the tab shown.
    pub fn log(&self) -> &LogView {
        &self.tab().log
    }

    pub fn is_connected(&self) -> bool {
        self.tab().connected
    }

    pub fn queue(&self) -> &QueueView {
        &self.queue
    }

    pub fn prompts_waiting(&self) -> usize {
        self.prompts.len()
    }

    fn send_op(&mut self, tab: usize, op: Operation, after: After) {
        let request = RequestId(self.worker.next_id());
        let tab = &mut self.tabs[tab];
        tab.sent(request, after);
        self.worker.send(Command::Run {
            session: tab.session,
            request,
            op,
        });
    }

    /// Connects `site` in the tab shown when it is idle, else in a new tab. `label` names the
    /// tab (a site manager entry's name and colour); `None` names it after the user and host.
    pub fn connect(&mut self, site: Site, label: Option<(String, Option<egui::Color32>)>) {
        if self.tab().connected || self.tab().remote.loading {
            let mut tab = Tab::new(SessionId(0), self.log_cap);
            tab.log.timestamps = self.log_timestamps;
            self.tabs.push(tab);
            self.active = self.tabs.len() - 1;
        }
        self.quick.remember(&site);
        let (name, colour) = label.unwrap_or_else(|| {
            let name = if site.user.is_empty() {
                site.host.clone()
            } else {
                format!("{}@{}", site.user, site.host)
            };
            (name, None)
        });
        let session = SessionId(self.worker.next_id());
        self.queue.parallel = site.parallel;
        let tab = self.tab_mut();
        tab.begin(session, &site, name);
        tab.colour = colour;
        self.worker.send(Command::Connect { session, site });
    }

    fn disconnect(&mut self, tab: usize) {
        let tab = &mut self.tabs[tab];
        self.worker.send(Command::Disconnect {
            session: tab.session,
        });
        tab.closed_locally();
    }

    /// Connects to a site from the Site Manager: its name and colour on the tab, its folders.
    fn connect_site(&mut self, connection: SiteConnection) {
        if let Some(note) = site_manager::keyring_note(&connection.keyring_note)
            && !self.keyring_warned
        {
            self.keyring_warned = true;
            self.tab_mut().status = note;
        }
        if let Some(dir) = &connection.local_dir {
            self.local_fs.list(dir.display().to_string());
        }
        let label = (connection.name.clone(), colour32(connection.colour));
        self.connect(connection.site, Some(label));
        self.tab_mut().initial_path = connection.remote_path;
    }

    /// The settings for everything from now on: the log, the theme, quick connections.
    fn apply_settings(&mut self, ctx: &egui::Context, settings: &Settings) {
        self.log_cap = settings.log_line_cap as usize;
        self.log_timestamps = settings.log_timestamps;
        for tab in &mut self.tabs {
            tab.log.set_cap(self.log_cap);
            tab.log.timestamps = settings.log_timestamps;
        }
        ctx.set_theme(match settings.theme {
            crate::sites::Theme::System => egui::ThemePreference::System,
            crate::sites::Theme::Light => egui::ThemePreference::Light,
            crate::sites::Theme::Dark => egui::ThemePreference::Dark,
        });
    }

    /// A quick-connect site with the global settings, when there are any.
    fn with_settings(&self, site: Site) -> Site {
        match &self.stores {
            Some((_, settings)) => crate::sites::quick_site(site, settings.settings()),
            None => site,
        }
    }

    /// Disconnects and removes a tab; the last one is replaced by an empty tab.
    fn close_tab(&mut self, index: usize) {
        self.disconnect(index);
        self.tabs.remove(index);
        if self.tabs.is_empty() {
            self.tabs
                .push(Tab::new(SessionId(self.worker.next_id()), self.log_cap));
        }
        if self.active >= index && self.active > 0 {
            self.active -= 1;
        }
    }

    /// Everything the worker said since the last frame.
    fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.handle(event);
        }
        for result in self.local_fs.poll() {
            match result {
                LocalResult::Listed { path, result } => match result {
                    Ok(entries) => self.local.set_listing(&path, entries),
                    Err(error) => self.local.finish_listing(Some(error)),
                },
                LocalResult::Picked(Some(folder)) => {
                    self.local_fs.list(folder.display().to_string())
                }
                LocalResult::Picked(None) => {
                    self.tab_mut().status =
                        "No folder chosen: type a path in the local path bar instead".to_string();
                }
                LocalResult::Changed { dir, error } => {
                    if let Some(error) = error {
                        self.tab_mut().status = error;
                    }
                    if dir == self.local.path {
                        self.local_fs.list(dir);
                    }
                }
            }
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Prompt { id, prompt, .. } => self.prompts.push(id, prompt),
            Event::Transfer { session, id, state } => {
                self.transfer_sessions.insert(id, session);
                self.queue.update(id, state);
            }
            event => {
                let session = match &event {
                    Event::Log(line) => line.session,
                    Event::Connected { session, .. }
                    | Event::SessionClosed { session, .. }
                    | Event::Listing { session, .. }
                    | Event::OpDone { session, .. }
                    | Event::QueueIdle { session }
                    | Event::ModeInUse { session, .. } => *session,
                    Event::Prompt { session, .. } | Event::Transfer { session, .. } => *session,
                };
                // Events of a closed tab's session are dropped.
                let Some(index) = self.tabs.iter().position(|t| t.session == session) else {
                    return;
                };
                match self.tabs[index].handle(event) {
                    Some(TabEffect::Run(op, after)) => self.send_op(index, op, after),
                    Some(TabEffect::RefreshBoth) => {
                        self.refresh_remote(index);
                        self.local_fs.list(self.local.path.clone());
                    }
                    None => {}
                }
            }
        }
    }

    fn refresh_remote(&mut self, tab: usize) {
        if let Some(TabEffect::Run(op, after)) = self.tabs[tab].refresh() {
            self.send_op(tab, op, after);
        }
    }

    fn transfer(
        &mut self,
        session: SessionId,
        direction: Direction,
        local: PathBuf,
        remote: String,
        recursive: bool,
    ) {
        let request = TransferRequest {
            id: TransferId(self.worker.next_id()),
            direction,
            local,
            remote,
            recursive,
            ascii: false,
        };
        self.transfer_sessions.insert(request.id, session);
        self.worker.send(Command::Enqueue {
            session,
            transfers: vec![request],
        });
    }

    /// Files dropped from the OS file manager: uploaded into the remote folder shown.
    pub fn upload_paths(&mut self, paths: Vec<PathBuf>) {
        if !self.is_connected() {
            self.tab_mut().status = "Connect to a server before dropping files on it".to_string();
            return;
        }
        for path in paths {
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            let remote = self.remote().child(&name);
            let recursive = path.is_dir();
            self.transfer(
                self.tab().session,
                Direction::Upload,
                path,
                remote,
                recursive,
            );
        }
    }

    /// Entries of the folder shown on one side into the folder shown on the other
    /// (recursively for folders).
    fn transfer_entries(&mut self, direction: Direction, entries: Vec<Entry>) {
        if direction == Direction::Upload && !self.is_connected() {
            self.tab_mut().status = "Connect to a server to upload".to_string();
            return;
        }
        for entry in entries {
            let local = PathBuf::from(&self.local.path).join(&entry.name);
            let remote = self.remote().child(&entry.name);
            let recursive = entry.kind == EntryKind::Dir;
            self.transfer(self.tab().session, direction, local, remote, recursive);
        }
    }

    fn remote_action(&mut self, ctx: &egui::Context, action: PaneAction) {
        let tab = self.active;
        match action {
            PaneAction::Navigate(path) => {
                self.send_op(tab, Operation::List(Some(path)), After::Listing)
            }
            PaneAction::Transfer(entries) => self.transfer_entries(Direction::Download, entries),
            PaneAction::AddToQueue(entries) => {
                self.hold_queue();
                self.transfer_entries(Direction::Download, entries);
            }
            PaneAction::Delete(entries) => {
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
            PaneAction::Rename { from, to } => {
                self.send_op(tab, Operation::Rename { from, to }, After::RefreshRemote)
            }
            PaneAction::Mkdir(path) => {
                self.send_op(tab, Operation::Mkdir(path), After::RefreshRemote)
            }
            PaneAction::Chmod { names, mode } => {
                for path in names {
                    self.send_op(tab, Operation::Chmod { path, mode }, After::RefreshRemote);
                }
            }
            PaneAction::CopyUrl(path) => {
                if let Some(site) = &self.tab().site {
                    ctx.copy_text(site_url(site, &path));
                }
            }
            // Local rows dropped on the remote pane.
            PaneAction::Receive(entries) => self.transfer_entries(Direction::Upload, entries),
            PaneAction::OpenInFileManager | PaneAction::PickFolder => {}
        }
    }

    fn local_action(&mut self, action: PaneAction) {
        match action {
            PaneAction::Navigate(path) => self.local_fs.list(path),
            PaneAction::Transfer(entries) => self.transfer_entries(Direction::Upload, entries),
            PaneAction::AddToQueue(entries) => {
                self.hold_queue();
                self.transfer_entries(Direction::Upload, entries);
            }
            PaneAction::Delete(entries) => {
                let paths = entries
                    .iter()
                    .map(|e| PathBuf::from(&self.local.path).join(&e.name))
                    .collect();
                self.local_fs.delete(paths, self.local.path.clone());
            }
            PaneAction::Rename { from, to } => self.local_fs.rename(from, to),
            PaneAction::Mkdir(path) => self.local_fs.mkdir(path),
            PaneAction::OpenInFileManager => open_in_file_manager(&self.local.path),
            PaneAction::PickFolder => self.local_fs.pick_folder(self.local.path.clone()),
            // Remote rows dropped on the local pane.
            PaneAction::Receive(entries) => self.transfer_entries(Direction::Download, entries),
            PaneAction::Chmod { .. } | PaneAction::CopyUrl(_) => {}
        }
    }

    /// The sessions of open tabs (queue-wide settings go to each).
    fn sessions(&self) -> Vec<SessionId> {
        self.tabs.iter().map(|t| t.session).collect()
    }

    fn queue_action(&mut self, action: QueueAction) {
        match action {
            QueueAction::Cancel(transfer) => {
                if let Some(&session) = self.transfer_sessions.get(&transfer) {
                    self.worker
                        .send(Command::CancelTransfer { session, transfer });
                }
            }
            QueueAction::Retry(id) => {
                let session = self
                    .transfer_sessions
                    .get(&id)
                    .copied()
                    .filter(|s| self.tabs.iter().any(|t| t.session == *s && t.connected));
                match (self.queue.row(id), session) {
                    (Some(row), Some(session)) => {
                        let (direction, local, remote, recursive) = (
                            row.direction,
                            row.local.clone(),
                            row.remote.clone(),
                            row.is_dir,
                        );
                        self.transfer(session, direction, local, remote, recursive);
                    }
                    _ => {
                        self.tab_mut().status =
                            "That transfer's connection is closed: reconnect to retry it"
                                .to_string()
                    }
                }
            }
            QueueAction::SetParallel(parallel) => {
                for session in self.sessions() {
                    self.worker.send(Command::SetParallel { session, parallel });
                }
            }
            QueueAction::Pause(paused) => {
                for session in self.sessions() {
                    self.worker.send(Command::SetPaused { session, paused });
                }
            }
        }
    }

    /// Pauses the queue (if it runs) so what is added next waits for the user's go.
    fn hold_queue(&mut self) {
        if !self.queue.paused {
            self.queue.paused = true;
            self.queue_action(QueueAction::Pause(true));
        }
    }

    /// "auto (passive in use)", "active", ... for the tab shown.
    pub fn mode_in_use(&self) -> String {
        self.tab().mode_in_use()
    }

    /// The connection tabs: click to show one, × to close it.
    fn tab_strip(&mut self, ui: &mut egui::Ui) {
        let mut close = None;
        ui.horizontal(|ui| {
            for (index, tab) in self.tabs.iter().enumerate() {
                let state = if tab.connected { "" } else { " (disconnected)" };
                let mut text = egui::RichText::new(format!("{}{state}", tab.label));
                if let Some(colour) = tab.colour {
                    text = text.color(colour);
                }
                if ui
                    .selectable_label(index == self.active, text)
                    .on_hover_text(
                        tab.site
                            .as_ref()
                            .map_or(String::new(), |s| format!("{}:{}", s.host, s.port)),
                    )
                    .clicked()
                {
                    self.active = index;
                }
                if self.tabs.len() > 1 || tab.site.is_some() {
                    let button = ui
                        .small_button("×")
                        .on_hover_text(format!("Close the tab {}", tab.label));
                    if button.clicked() {
                        close = Some(index);
                    }
                }
                ui.separator();
            }
        });
        if let Some(index) = close {
            self.close_tab(index);
        }
    }

    /// Draws one frame (also driven directly by the UI tests).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.drain_events();
        let ctx = ui.ctx().clone();
        let (hovering, dropped) = ctx.input(|i| {
            (
                !i.raw.hovered_files.is_empty(),
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect::<Vec<_>>(),
            )
        });
        self.tab_mut().remote.drop_highlight = hovering;
        if !dropped.is_empty() {
            self.upload_paths(dropped);
        }
        let mode = self.mode_in_use();
        egui::Panel::top("quickconnect").show(ui, |ui| {
            ui.add_space(2.0);
            match self.quick.show(ui, self.is_connected()) {
                Some(ConnectAction::Connect(site)) => {
                    let site = self.with_settings(*site);
                    self.connect(site, None)
                }
                Some(ConnectAction::OpenSiteManager) => match &self.stores {
                    Some(_) => self.manager.open = true,
                    None => {
                        self.tab_mut().status =
                            "No config folder: the Site Manager cannot save sites".to_string()
                    }
                },
                Some(ConnectAction::OpenSettings) => match &self.stores {
                    Some((_, settings)) => self.settings_window.open(settings),
                    None => {
                        self.tab_mut().status =
                            "No config folder: settings cannot be saved".to_string()
                    }
                },
                Some(ConnectAction::Disconnect) => self.disconnect(self.active),
                Some(ConnectAction::Refresh) => {
                    self.refresh_remote(self.active);
                    self.local_fs.list(self.local.path.clone());
                }
                None => {}
            }
        });
        egui::Panel::top("message-log")
            .resizable(true)
            .default_size(150.0)
            .min_size(80.0)
            .show(ui, |ui| {
                self.tabs[self.active].log.show(ui);
            });
        egui::Panel::top("connection-tabs").show(ui, |ui| self.tab_strip(ui));
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.small(&self.tab().status);
                ui.separator();
                ui.small(format!("Data connections: {mode}"));
            });
        });
        egui::Panel::bottom("queue")
            .resizable(true)
            .default_size(180.0)
            .min_size(120.0)
            .show(ui, |ui| {
                for action in self.queue.show(ui) {
                    self.queue_action(action);
                }
            });
        egui::Panel::left("local")
            .resizable(true)
            .default_size(ctx.content_rect().width() / 2.0)
            .show(ui, |ui| {
                for action in self.local.show(ui, true) {
                    self.local_action(action);
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let connected = self.is_connected();
            for action in self.tabs[self.active].remote.show(ui, connected) {
                self.remote_action(&ctx, action);
            }
        });
        if let Some((sites, settings)) = &mut self.stores {
            let action = self.manager.show(&ctx, sites, settings, &self.keyring);
            let saved = self.settings_window.show(&ctx, settings);
            if let Some(ManagerAction::Connect(connection)) = action {
                self.connect_site(*connection);
            }
            if let Some(saved) = saved {
                self.apply_settings(&ctx, &saved);
            }
        }
        if let Some((prompt, answer)) = self.prompts.show(&ctx) {
            self.worker.send(Command::Answer { prompt, answer });
        }
    }
}

impl eframe::App for FerryApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.quick.recent);
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

/// Opens the window and runs until it is closed.
pub fn run(start: AppStart) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ferry")
            .with_app_id("ferry")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([720.0, 480.0])
            .with_icon(window_icon()),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "Ferry",
        options,
        Box::new(move |cc| Ok(Box::new(FerryApp::new(&cc.egui_ctx, cc.storage, start)?))),
    )
    .map_err(|e| e.to_string())
}

/// The window icon: Ferry's icon at 256 px (`packaging/icons.sh` renders it from `assets/ferry.svg`).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/ferry-256.png"))
        .unwrap_or_default()
}
