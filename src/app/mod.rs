//! The desktop app: a view over the worker. Each frame it drains the worker's events into its
//! state, draws from that state, and turns what the user does into `Command`s. It never waits
//! on the network; the worker wakes it with `request_repaint` when something happened.

mod connect;
mod local;
mod log_view;
mod pane;
mod prompts;
mod queue_view;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use crate::api::*;
use crate::events::EventSink;
use crate::worker::{Worker, WorkerConfig};

use connect::{ConnectAction, QuickConnect, Recent};
use local::{LocalFs, LocalResult};
pub use log_view::LogView;
pub use pane::{Pane, PaneAction, Side, human_size};
use prompts::PromptQueue;
use queue_view::{QueueAction, QueueView};

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct AppStart {
    /// Connect to this site at once (a URL on the command line, the demo server).
    pub connect: Option<Site>,
    /// The folder the local pane shows first (default: the home folder).
    pub local_dir: Option<PathBuf>,
    /// Where the worker keeps trusted certificates (`None`: nowhere).
    pub config_dir: Option<PathBuf>,
}

/// What to refresh when an operation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Listing,
    RefreshRemote,
}

pub struct FerryApp {
    worker: Worker,
    events: Receiver<Event>,
    session: SessionId,
    connected: bool,
    site: Option<Site>,
    quick: QuickConnect,
    pub log: LogView,
    pub local: Pane,
    pub remote: Pane,
    queue: QueueView,
    prompts: PromptQueue,
    local_fs: LocalFs,
    requests: HashMap<RequestId, After>,
    listing_started: bool,
    /// What auto mode settled on, once it has.
    mode_in_use: Option<DataMode>,
    /// Every transfer asked for, to retry it.
    asked: HashMap<TransferId, TransferRequest>,
    status: String,
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
        let session = SessionId(worker.next_id());
        let mut app = FerryApp {
            worker,
            events,
            session,
            connected: false,
            site: None,
            quick,
            log: LogView::default(),
            local: Pane::new(Side::Local),
            remote: Pane::new(Side::Remote),
            queue: QueueView::default(),
            prompts: PromptQueue::default(),
            local_fs,
            requests: HashMap::new(),
            listing_started: false,
            mode_in_use: None,
            asked: HashMap::new(),
            status: String::new(),
        };
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
            app.connect(site);
        }
        Ok(app)
    }

    pub fn is_connected(&self) -> bool {
        self.connected
    }

    pub fn queue(&self) -> &QueueView {
        &self.queue
    }

    pub fn prompts_waiting(&self) -> usize {
        self.prompts.len()
    }

    fn send_op(&mut self, op: Operation, after: After) {
        let request = RequestId(self.worker.next_id());
        self.requests.insert(request, after);
        if after == After::Listing {
            self.listing_started = false;
            self.remote.loading = true;
        }
        self.worker.send(Command::Run {
            session: self.session,
            request,
            op,
        });
    }

    fn connect(&mut self, site: Site) {
        if self.connected {
            self.disconnect();
        }
        self.session = SessionId(self.worker.next_id());
        self.mode_in_use = None;
        self.quick.remember(&site);
        self.status = format!("Connecting to {}...", site.host);
        self.queue.parallel = site.parallel;
        self.site = Some(site.clone());
        self.remote.clear();
        self.remote.loading = true;
        self.worker.send(Command::Connect {
            session: self.session,
            site,
        });
    }

    fn disconnect(&mut self) {
        self.worker.send(Command::Disconnect {
            session: self.session,
        });
        self.connected = false;
        self.remote.clear();
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
                    self.status =
                        "No folder chosen: type a path in the local path bar instead".to_string();
                }
                LocalResult::Changed { dir, error } => {
                    if let Some(error) = error {
                        self.status = error;
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
            Event::Log(line) if line.session == self.session => self.log.push(line),
            Event::Connected { session, info } if session == self.session => {
                self.connected = true;
                self.status = format!("Connected{}", if info.tls { " (TLS)" } else { "" });
                self.remote.set_home(&info.cwd);
                self.send_op(Operation::List(None), After::Listing);
            }
            Event::SessionClosed { session, error } if session == self.session => {
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
                    self.refresh_remote();
                }
                None => {}
            },
            Event::Prompt {
                id,
                session,
                prompt,
            } if session == self.session => {
                self.prompts.push(id, prompt);
            }
            Event::Transfer { session, id, state } if session == self.session => {
                self.queue.update(id, state);
            }
            Event::ModeInUse { session, mode } if session == self.session => {
                self.mode_in_use = Some(mode);
            }
            Event::QueueIdle { session } if session == self.session => {
                self.refresh_remote();
                self.local_fs.list(self.local.path.clone());
            }
            _ => {}
        }
    }

    fn refresh_remote(&mut self) {
        if self.connected {
            self.send_op(
                Operation::List(Some(self.remote.path.clone())),
                After::Listing,
            );
        }
    }

    fn transfer(&mut self, direction: Direction, local: PathBuf, remote: String, recursive: bool) {
        let request = TransferRequest {
            id: TransferId(self.worker.next_id()),
            direction,
            local,
            remote,
            recursive,
            ascii: false,
        };
        self.asked.insert(request.id, request.clone());
        self.worker.send(Command::Enqueue {
            session: self.session,
            transfers: vec![request],
        });
    }

    /// Files dropped from the OS file manager: uploaded into the remote folder shown.
    pub fn upload_paths(&mut self, paths: Vec<PathBuf>) {
        if !self.connected {
            self.status = "Connect to a server before dropping files on it".to_string();
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
            let remote = self.remote.child(&name);
            let recursive = path.is_dir();
            self.transfer(Direction::Upload, path, remote, recursive);
        }
    }

    /// Remote entries (of the folder shown) into the local folder shown.
    fn download(&mut self, entries: Vec<Entry>) {
        for entry in entries {
            let local = PathBuf::from(&self.local.path).join(&entry.name);
            let remote = self.remote.child(&entry.name);
            let recursive = entry.kind == EntryKind::Dir;
            self.transfer(Direction::Download, local, remote, recursive);
        }
    }

    /// Local entries (of the folder shown) into the remote folder shown.
    fn upload(&mut self, entries: Vec<Entry>) {
        if !self.connected {
            self.status = "Connect to a server to upload".to_string();
            return;
        }
        for entry in entries {
            let local = PathBuf::from(&self.local.path).join(&entry.name);
            let remote = self.remote.child(&entry.name);
            let recursive = entry.kind == EntryKind::Dir;
            self.transfer(Direction::Upload, local, remote, recursive);
        }
    }

    fn remote_action(&mut self, ctx: &egui::Context, action: PaneAction) {
        match action {
            PaneAction::Navigate(path) => self.send_op(Operation::List(Some(path)), After::Listing),
            PaneAction::Transfer(entries) => self.download(entries),
            PaneAction::Delete(entries) => {
                for entry in entries {
                    let path = self.remote.child(&entry.name);
                    let op = if entry.kind == EntryKind::Dir {
                        Operation::DeleteRecursive(path)
                    } else {
                        Operation::Delete(path)
                    };
                    self.send_op(op, After::RefreshRemote);
                }
            }
            PaneAction::Rename { from, to } => {
                self.send_op(Operation::Rename { from, to }, After::RefreshRemote)
            }
            PaneAction::Mkdir(path) => self.send_op(Operation::Mkdir(path), After::RefreshRemote),
            PaneAction::Chmod { names, mode } => {
                for path in names {
                    self.send_op(Operation::Chmod { path, mode }, After::RefreshRemote);
                }
            }
            PaneAction::CopyUrl(path) => {
                if let Some(site) = &self.site {
                    ctx.copy_text(site_url(site, &path));
                }
            }
            // Local rows dropped on the remote pane.
            PaneAction::Receive(entries) => self.upload(entries),
            PaneAction::OpenInFileManager | PaneAction::PickFolder => {}
        }
    }

    fn local_action(&mut self, action: PaneAction) {
        match action {
            PaneAction::Navigate(path) => self.local_fs.list(path),
            PaneAction::Transfer(entries) => self.upload(entries),
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
            PaneAction::Receive(entries) => self.download(entries),
            PaneAction::Chmod { .. } | PaneAction::CopyUrl(_) => {}
        }
    }

    fn queue_action(&mut self, action: QueueAction) {
        match action {
            QueueAction::Cancel(transfer) => self.worker.send(Command::CancelTransfer {
                session: self.session,
                transfer,
            }),
            QueueAction::Retry(id) => {
                if let Some(row) = self.queue.row(id) {
                    let (direction, local, remote, recursive) = (
                        row.direction,
                        row.local.clone(),
                        row.remote.clone(),
                        row.is_dir,
                    );
                    self.transfer(direction, local, remote, recursive);
                }
            }
            QueueAction::SetParallel(parallel) => self.worker.send(Command::SetParallel {
                session: self.session,
                parallel,
            }),
            QueueAction::Pause(paused) => self.worker.send(Command::SetPaused {
                session: self.session,
                paused,
            }),
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
        self.remote.drop_highlight = hovering;
        if !dropped.is_empty() {
            self.upload_paths(dropped);
        }
        let mode = self.mode_in_use();
        egui::Panel::top("quickconnect").show(ui, |ui| {
            ui.add_space(2.0);
            match self.quick.show(ui, self.connected) {
                Some(ConnectAction::Connect(site)) => self.connect(*site),
                Some(ConnectAction::Disconnect) => self.disconnect(),
                Some(ConnectAction::Refresh) => {
                    self.refresh_remote();
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
                self.log.show(ui);
            });
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.small(&self.status);
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
            let connected = self.connected;
            for action in self.remote.show(ui, connected) {
                self.remote_action(&ctx, action);
            }
        });
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
        Protocol::Ftp => "ftp",
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
