//! The desktop app: a view over the worker. Each frame it drains the worker's events into its
//! state (input), draws from that state, each panel pushing what the user asked for as
//! [`AppCommand`]s (layout), then carries those out (`commands`): commands to the worker,
//! local file jobs, tabs opened and closed. It never waits on the network; the worker wakes it
//! with `request_repaint` when something happened. What persists between runs is
//! `saved::SavedState`; the worker plumbing is `link::Link`, the tabs `tabs::Tabs`.

mod bookmarks;
mod commands;
mod compare;
mod connect;
mod data_fields;
mod edit;
mod filters;
mod launch;
mod link;
mod local;
mod log_view;
mod menu_bar;
mod menu_windows;
mod pane;
mod prompts;
mod queue_view;
mod renderer;
mod restore;
mod saved;
mod search;
mod settings_view;
mod site_files;
mod site_manager;
mod site_windows;
mod start;
mod tab;
mod tabs;
mod title;
mod wheel;

use std::path::PathBuf;

use crate::api::*;
use crate::sites::{FilterSettings, Keyring, SpeedLimit};

pub use commands::AppCommand;
pub use compare::{Class, CompareMode, CompareOptions};
use connect::QuickConnect;
use edit::Edits;
pub use edit::{EditAction, EditMode, EditState, EditedFile};
pub use launch::run;
use link::Link;
use local::{LocalFs, LocalResult};
pub use log_view::LogView;
use menu_bar::MenuState;
pub use pane::{Pane, PaneAction, Side, human_size};
use prompts::PromptQueue;
pub use queue_view::QueueAction;
use queue_view::QueueView;
pub use renderer::describe as describe_renderers;
use restore::Journal;
use saved::SavedState;
use site_files::SiteFiles;
pub use site_files::{FileChooser, SiteFileJob};
use site_windows::SiteWindows;
pub use start::{AppStart, RemotePath};
pub use tab::Tab;
use tab::TabEffect;
use tabs::Tabs;
use title::WindowTitle;

pub struct FerryApp {
    /// What eframe keeps between runs; everything else lives for this run.
    saved: SavedState,
    link: Link,
    tabs: Tabs,
    quick: QuickConnect,
    pub local: Pane,
    local_fs: LocalFs,
    queue: QueueView,
    prompts: PromptQueue,
    /// The Site Manager and Settings, with the files and the keyring they work on.
    sites: SiteWindows,
    /// What the widgets asked for while drawing this frame; applied once it is drawn.
    commands: Vec<AppCommand>,
    /// The queue's journal, and the rows restored from it.
    journal: Journal,
    /// The speed limits the worker keeps to; the status bar toggles them.
    speed_limit: SpeedLimit,
    /// Directory comparison and synchronized browsing.
    browse: compare::Browsing,
    /// The bookmarks' files and dialogs.
    bookmarks: bookmarks::Bookmarks,
    /// What the menu bar shows and the windows it opens.
    menus: MenuState,
    /// File → Import/Export sites: the files chosen.
    site_files: SiteFiles,
    title: WindowTitle,
    /// The filename filters in force, and their dialog.
    filters: FilterSettings,
    filter_dialog: filters::FilterDialog,
    /// The remote search window.
    search: search::SearchWindow,
    /// Files viewed or edited in place, and the Edited files window.
    edit: Edits,
    /// The file list that had the keyboard last: it gets it back when nothing has it.
    pane_focus: Option<Side>,
    /// Wheel notches taken out of the frame's input, scrolled at the start of its pass.
    wheel: wheel::Wheel,
}

impl FerryApp {
    /// The app, with its worker thread started.
    pub fn new(
        ctx: &egui::Context,
        storage: Option<&dyn eframe::Storage>,
        start: AppStart,
    ) -> std::io::Result<Self> {
        let link = Link::start(ctx, start.config_dir.clone())?;
        let mut local_fs = LocalFs::default();
        local_fs.set_waker(ctx);
        let keyring = start.keyring.unwrap_or_else(Keyring::system);
        let sites = SiteWindows::new(start.config_dir.as_deref(), keyring);
        let settings = sites.settings();
        let tabs = Tabs::new(link.new_session(), settings.log_line_cap as usize);
        let mut app = FerryApp {
            saved: SavedState::load(storage),
            link,
            tabs,
            quick: QuickConnect::default(),
            local: Pane::new(Side::Local),
            queue: QueueView::default(),
            prompts: PromptQueue::default(),
            local_fs,
            sites,
            commands: Vec::new(),
            journal: Journal::none(),
            speed_limit: SpeedLimit::default(),
            browse: compare::Browsing::default(),
            bookmarks: bookmarks::Bookmarks::new(start.config_dir.as_deref()),
            menus: MenuState::default(),
            site_files: SiteFiles::new(ctx),
            title: WindowTitle::default(),
            filters: FilterSettings::default(),
            filter_dialog: filters::FilterDialog::default(),
            search: search::SearchWindow::default(),
            edit: Edits::new(ctx),
            pane_focus: None,
            wheel: wheel::Wheel::new(ctx),
        };
        app.menus.windows.data_dir = start.data_dir.clone();
        app.apply_settings(ctx, &settings);
        app.use_filters(settings.filters.clone());
        app.open_journal(start.data_dir.as_deref());
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
            let site = app.sites.with_settings(site);
            app.connect(site, None);
            app.tab_mut().initial_path = start.connect_path;
        }
        if let Some(connection) = start.open_site {
            app.connect_site(connection);
        }
        Ok(app)
    }

    /// The tab shown.
    pub fn tab(&self) -> &Tab {
        self.tabs.active()
    }

    fn tab_mut(&mut self) -> &mut Tab {
        self.tabs.active_mut()
    }

    pub fn tabs(&self) -> &[Tab] {
        self.tabs.all()
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

    /// "auto (passive in use)", "active", ... for the tab shown.
    pub fn mode_in_use(&self) -> String {
        self.tab().mode_in_use()
    }

    /// Draws one frame (also driven directly by the UI tests): takes in what happened, lays
    /// out the window (each panel pushing what the user asked for), then carries that out.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.wheel.scroll(&ctx);
        self.link.frame_began();
        self.input(&ctx);
        self.sync_tick();
        self.comparison_tick();
        self.menu_bar(ui);
        self.top_bar(ui);
        if self.menus.show_log {
            self.log_panel(ui);
        }
        egui::Panel::top("connection-tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                self.tabs.strip(ui, &mut self.commands);
                self.view_toggles(ui);
            });
        });
        self.comparison_bar(ui);
        self.status_bar(ui);
        if self.menus.show_queue {
            self.queue_panel(ui);
        }
        self.local_panel(ui);
        self.remote_panel(ui);
        self.windows(&ctx);
        self.search_tick();
        let remote = &self.tabs.active().remote;
        pane::keep_focus(&ctx, [&self.local, remote], &mut self.pane_focus);
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // What they change shows in the next frame.
            ctx.request_repaint();
        }
        for command in commands {
            self.apply(&ctx, command);
        }
        self.journal_tick(&ctx);
        self.update_title(&ctx);
    }

    /// The worker's events, local results, and files from the OS hovering or dropped.
    fn input(&mut self, ctx: &egui::Context) {
        self.drain_events();
        self.site_files_chosen();
        self.shortcut_keys(ctx);
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
            self.commands.push(AppCommand::Upload(dropped));
        }
    }

    /// Everything the worker and the local jobs said since the last frame.
    fn drain_events(&mut self) {
        while let Some((event, after)) = self.link.next_event() {
            self.handle(event, after);
        }
        for result in self.local_fs.poll() {
            self.local_result(result);
        }
    }

    fn handle(&mut self, event: Event, after: Option<link::After>) {
        self.journal.feed.observe(&event);
        let Some(event) = self.search.take(event) else {
            return;
        };
        if self.edit_event(&event) {
            return;
        }
        let event = match event {
            Event::Prompt { id, prompt, .. } => return self.prompts.push(id, prompt),
            Event::Transfer { id, state, .. } => return self.queue.update(id, state),
            event => event,
        };
        let session = match &event {
            Event::Log(line) => line.session,
            Event::Connected { session, .. }
            | Event::SessionClosed { session, .. }
            | Event::Listing { session, .. }
            | Event::OpDone { session, .. }
            | Event::QueueIdle { session }
            | Event::ModeInUse { session, .. }
            | Event::Prompt { session, .. }
            | Event::Transfer { session, .. } => *session,
        };
        // Events of a closed tab's session are dropped.
        let Some(index) = self.tabs.position(session) else {
            return;
        };
        match self.tabs.get_mut(index).handle(event, after) {
            Some(TabEffect::Run(op, after)) => self.send_op(index, op, after),
            Some(TabEffect::RefreshBoth) => {
                self.refresh_remote(index);
                self.local_fs.list(self.local.path.clone());
            }
            None => {}
        }
    }

    fn local_result(&mut self, result: LocalResult) {
        match result {
            LocalResult::Listed { path, result } => match result {
                Ok(entries) => self.local.set_listing(&path, entries),
                Err(error) => self.local.finish_listing(Some(error)),
            },
            LocalResult::Picked(Some(folder)) => self.local_fs.list(folder.display().to_string()),
            LocalResult::Picked(None) => {
                self.tab_mut().status =
                    "No folder chosen: type a path in the local path bar instead".to_string();
            }
            LocalResult::PickedFiles(Some(paths)) => self.upload_paths(paths),
            LocalResult::PickedFiles(None) => {}
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

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        let connected = self.is_connected();
        egui::Panel::top("quickconnect").show(ui, |ui| {
            ui.add_space(2.0);
            self.quick
                .show(ui, connected, &self.saved.recent, &mut self.commands);
        });
    }

    fn log_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("message-log")
            .resizable(true)
            .default_size(150.0)
            .min_size(80.0)
            .show(ui, |ui| self.tabs.active_mut().log.show(ui));
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let mode = self.mode_in_use();
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.small(&self.tab().status);
                ui.separator();
                ui.small(format!("Data connections: {mode}"));
                self.speed_limit_toggle(ui);
                let edited = self.edit.files().len();
                if edited > 0 && ui.small_button(format!("Edited files: {edited}")).clicked() {
                    self.commands.push(AppCommand::ShowEditedFiles);
                }
            });
        });
    }

    /// The speed limits' quick toggle, shown once Settings set a limit.
    fn speed_limit_toggle(&mut self, ui: &mut egui::Ui) {
        let mut limit = self.speed_limit;
        if !limit.is_set() {
            return;
        }
        ui.separator();
        let kib = |k: u32| match k {
            0 => "none".to_string(),
            k => format!("{k} KiB/s"),
        };
        let text = format!(
            "Speed limits: download {}, upload {}",
            kib(limit.download_kib),
            kib(limit.upload_kib)
        );
        if ui
            .checkbox(&mut limit.enabled, egui::RichText::new(text).small())
            .changed()
        {
            self.set_speed_limit(limit);
        }
    }

    /// Makes `limit` the worker's speed limits.
    fn set_speed_limit(&mut self, limit: SpeedLimit) {
        self.speed_limit = limit;
        self.link.send(Command::SetSpeedLimits(limit.limits()));
    }

    fn queue_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("queue")
            .resizable(true)
            .default_size(180.0)
            .min_size(120.0)
            .show(ui, |ui| {
                let actions = self.queue.show(ui);
                self.commands
                    .extend(actions.into_iter().map(AppCommand::Queue));
            });
    }

    fn local_panel(&mut self, ui: &mut egui::Ui) {
        let width = ui.ctx().content_rect().width() / 2.0;
        egui::Panel::left("local")
            .resizable(true)
            .default_size(width)
            .show(ui, |ui| {
                let actions = self.local.show(ui, true);
                self.commands.extend(
                    actions
                        .into_iter()
                        .map(|action| AppCommand::Pane(Side::Local, action)),
                );
            });
    }

    fn remote_panel(&mut self, ui: &mut egui::Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            let tab = self.tabs.active_mut();
            let connected = tab.connected;
            let actions = tab.remote.show(ui, connected);
            self.commands.extend(
                actions
                    .into_iter()
                    .map(|action| AppCommand::Pane(Side::Remote, action)),
            );
        });
    }

    /// The Site Manager, Settings, the prompt dialogs and the Edited files window.
    fn windows(&mut self, ctx: &egui::Context) {
        self.sites.show(ctx, &mut self.commands);
        self.menus.windows.show(ctx, &mut self.commands);
        if let Some((prompt, answer)) = self.prompts.show(ctx) {
            self.commands.push(AppCommand::Answer(prompt, answer));
        }
        self.bookmark_windows(ctx);
        self.missing_prompt(ctx);
        if let Some(filters) = self.filter_dialog.show(ctx) {
            self.commands
                .push(AppCommand::FiltersEdited(Box::new(filters)));
        }
        self.search.show(ctx, &mut self.commands);
        self.edit_frame(ctx);
    }
}

impl FerryApp {
    /// A line of the app's own in the current tab's log.
    pub(super) fn say(&mut self, kind: LogKind, text: String) {
        let tab = self.tab_mut();
        let line = LogLine {
            session: tab.session,
            connection: 0,
            time: std::time::SystemTime::now(),
            kind,
            text,
        };
        tab.log.push(line);
    }
}

impl eframe::App for FerryApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.wheel.take_notches(ctx, raw_input);
    }

    /// The panels' colour: the window draws them by clearing ([`unfilled_panels`]).
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        panel_colour(visuals).to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.saved.save(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_journal();
        if let Some(kept) = self.edit.finish() {
            eprintln!(
                "ferry: edited files whose changes were not uploaded are kept in {}",
                kept.display()
            );
        }
    }
}

/// The panels paint no background of their own in the window: the frame is cleared to their
/// colour instead ([`FerryApp::clear_color`]). Without a GPU every pixel a frame paints costs
/// CPU (Mesa's llvmpipe shades about a million for each layer that covers the window), and the
/// panels' fills were such a layer under everything else, on every frame.
fn unfilled_panels(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| style.visuals.panel_fill = egui::Color32::TRANSPARENT);
}

/// The panels' colour in the theme of `visuals` (whose own may be transparent).
fn panel_colour(visuals: &egui::Visuals) -> egui::Color32 {
    match visuals.dark_mode {
        true => egui::Visuals::dark().panel_fill,
        false => egui::Visuals::light().panel_fill,
    }
}
