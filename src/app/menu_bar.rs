//! The menu bar at the top of the window (File, Edit, View, Transfer, Server, Bookmarks, Help), the
//! keyboard shortcuts that do the same from anywhere, and what those commands do that no other
//! part of the app does: tabs opened from the menu, the log and the queue shown or hidden, the
//! queue started or paused, a reconnection, a custom command. Every item pushes an
//! [`AppCommand`]; one small function per menu, so new items go where FileZilla users look.

use egui::accesskit::Role;
use egui::{Key, KeyboardShortcut, Modifiers};

use std::collections::HashMap;

use super::menu_windows::MenuWindows;
use super::{AppCommand, FerryApp, RemotePath};
use crate::api::{Operation, SessionId};

pub const SITE_MANAGER: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const NEW_TAB: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::T);
pub const CLOSE_TAB: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::W);
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
pub const REFRESH: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F5);
pub const PROCESS_QUEUE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::P);
pub const RECONNECT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::R);
pub const DISCONNECT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::D);
pub const COMPARE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SYNC_BROWSING: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
pub const FILTERS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);
pub const SEARCH: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F3);
pub const ADD_BOOKMARK: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::B);
pub const MANAGE_BOOKMARKS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::B);

/// The shortcuts and what each asks for.
fn shortcuts() -> [(KeyboardShortcut, AppCommand); 14] {
    [
        // Before Ctrl+B: the shortcut with more modifiers is taken first.
        (MANAGE_BOOKMARKS, AppCommand::ManageBookmarks),
        (SITE_MANAGER, AppCommand::OpenSiteManager),
        (NEW_TAB, AppCommand::NewTab),
        (CLOSE_TAB, AppCommand::CloseActiveTab),
        (QUIT, AppCommand::Quit),
        (REFRESH, AppCommand::RefreshBoth),
        (PROCESS_QUEUE, AppCommand::ProcessQueue),
        (RECONNECT, AppCommand::Reconnect),
        (DISCONNECT, AppCommand::Disconnect),
        (COMPARE, AppCommand::ToggleComparison),
        (SYNC_BROWSING, AppCommand::ToggleSyncBrowsing),
        (FILTERS, AppCommand::OpenFilters),
        (SEARCH, AppCommand::OpenSearch),
        (ADD_BOOKMARK, AppCommand::AddBookmark),
    ]
}

/// What the menus show and open besides their items.
pub struct MenuState {
    pub show_log: bool,
    pub show_queue: bool,
    pub windows: MenuWindows,
    /// The remote folder each session showed last: Reconnect goes back there, even after the
    /// pane was emptied by a disconnection.
    folders: HashMap<SessionId, String>,
}

impl Default for MenuState {
    fn default() -> Self {
        MenuState {
            show_log: true,
            show_queue: true,
            windows: MenuWindows::default(),
            folders: HashMap::new(),
        }
    }
}

/// A menu item with its shortcut shown beside it; whether it was clicked (the menu closes).
/// Screen readers hear its name and, apart, its shortcut.
fn item(ui: &mut egui::Ui, label: &str, shortcut: Option<&KeyboardShortcut>) -> bool {
    let keys = shortcut.map(|s| ui.ctx().format_shortcut(s));
    let mut button = egui::Button::new(label);
    if let Some(keys) = &keys {
        button = button.shortcut_text(keys.as_str());
    }
    let response = ui.add(button);
    ui.ctx().accesskit_node_builder(response.id, |node| {
        node.set_role(Role::MenuItem);
        node.set_label(label.to_string());
        if let Some(keys) = keys {
            node.set_keyboard_shortcut(keys);
        }
    });
    let clicked = response.clicked();
    if clicked {
        ui.close();
    }
    clicked
}

/// An item that is on or off (a checkbox in the menu); whether it was clicked.
fn toggle(ui: &mut egui::Ui, on: bool, label: &str) -> bool {
    let mut value = on;
    let response = ui.checkbox(&mut value, label);
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_role(Role::MenuItemCheckBox));
    let clicked = response.clicked();
    if clicked {
        ui.close();
    }
    clicked
}

impl FerryApp {
    /// The menu bar, the first panel of the window.
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| self.file_menu(ui));
                ui.menu_button("Edit", |ui| self.edit_menu(ui));
                ui.menu_button("View", |ui| self.view_menu(ui));
                ui.menu_button("Transfer", |ui| self.transfer_menu(ui));
                ui.menu_button("Server", |ui| self.server_menu(ui));
                ui.menu_button("Bookmarks", |ui| self.bookmarks_menu(ui));
                ui.menu_button("Help", |ui| self.help_menu(ui));
            });
        });
    }

    /// The shortcuts pressed this frame, as commands (taken from the input: no widget sees
    /// them too); the folder shown, for Reconnect.
    pub(super) fn shortcut_keys(&mut self, ctx: &egui::Context) {
        let (session, path) = (self.tab().session, self.remote().path.clone());
        if self.is_connected() && !path.is_empty() {
            self.menus.folders.insert(session, path);
        }
        for (shortcut, command) in shortcuts() {
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.commands.push(command);
            }
        }
    }

    fn file_menu(&mut self, ui: &mut egui::Ui) {
        let commands = &mut self.commands;
        if item(ui, "Site Manager...", Some(&SITE_MANAGER)) {
            commands.push(AppCommand::OpenSiteManager);
        }
        ui.separator();
        if item(ui, "New tab", Some(&NEW_TAB)) {
            commands.push(AppCommand::NewTab);
        }
        if item(ui, "Close tab", Some(&CLOSE_TAB)) {
            commands.push(AppCommand::CloseActiveTab);
        }
        ui.separator();
        if item(ui, "Import sites...", None) {
            commands.push(AppCommand::ImportSites);
        }
        if item(ui, "Export sites...", None) {
            commands.push(AppCommand::ExportSites);
        }
        ui.separator();
        if item(ui, "Quit", Some(&QUIT)) {
            commands.push(AppCommand::Quit);
        }
    }

    fn edit_menu(&mut self, ui: &mut egui::Ui) {
        if item(ui, "Settings...", None) {
            self.commands.push(AppCommand::OpenSettings);
        }
        if item(ui, "Edited files...", None) {
            self.commands.push(AppCommand::ShowEditedFiles);
        }
    }

    fn view_menu(&mut self, ui: &mut egui::Ui) {
        if item(ui, "Refresh", Some(&REFRESH)) {
            self.commands.push(AppCommand::RefreshBoth);
        }
        ui.separator();
        if toggle(ui, self.menus.show_log, "Message log") {
            self.commands.push(AppCommand::ToggleLog);
        }
        if toggle(ui, self.menus.show_queue, "Transfer queue") {
            self.commands.push(AppCommand::ToggleQueue);
        }
        ui.separator();
        if item(ui, "Directory listing filters...", Some(&FILTERS)) {
            self.commands.push(AppCommand::OpenFilters);
        }
        if toggle(ui, self.comparing(), "Directory comparison") {
            self.commands.push(AppCommand::ToggleComparison);
        }
        if toggle(ui, self.syncing(), "Synchronized browsing") {
            self.commands.push(AppCommand::ToggleSyncBrowsing);
        }
    }

    fn transfer_menu(&mut self, ui: &mut egui::Ui) {
        if item(ui, "Process queue", Some(&PROCESS_QUEUE)) {
            self.commands.push(AppCommand::ProcessQueue);
        }
        if toggle(ui, self.queue.paused, "Pause queue") {
            let command = if self.queue.paused {
                AppCommand::ProcessQueue
            } else {
                AppCommand::PauseQueue
            };
            self.commands.push(command);
        }
        ui.separator();
        let limit = self.speed_limit;
        let label = if limit.is_set() {
            "Speed limits"
        } else {
            "Speed limits (none set in Settings)"
        };
        ui.add_enabled_ui(limit.is_set(), |ui| {
            if toggle(ui, limit.enabled && limit.is_set(), label) {
                self.commands.push(AppCommand::ToggleSpeedLimits);
            }
        });
    }

    fn server_menu(&mut self, ui: &mut egui::Ui) {
        let (connected, used) = (self.is_connected(), self.tab().site.is_some());
        ui.add_enabled_ui(used, |ui| {
            if item(ui, "Reconnect", Some(&RECONNECT)) {
                self.commands.push(AppCommand::Reconnect);
            }
        });
        ui.add_enabled_ui(connected, |ui| {
            if item(ui, "Disconnect", Some(&DISCONNECT)) {
                self.commands.push(AppCommand::Disconnect);
            }
            ui.separator();
            if item(ui, "Enter custom command...", None) {
                self.commands.push(AppCommand::OpenCustomCommand);
            }
            if item(ui, "Search remote files...", Some(&SEARCH)) {
                self.commands.push(AppCommand::OpenSearch);
            }
        });
    }

    fn help_menu(&mut self, ui: &mut egui::Ui) {
        if item(ui, "About Ferry", None) {
            self.commands.push(AppCommand::OpenAbout);
        }
    }

    /// Carries out the commands of the menu bar and the shortcuts.
    pub(super) fn apply_menu_command(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::NewTab => self.new_tab(),
            AppCommand::CloseActiveTab => self.close_tab(self.tabs.active_index()),
            AppCommand::ImportSites => self.site_files.choose_import(),
            AppCommand::ExportSites => self.site_files.choose_export(),
            AppCommand::SiteFile(job, file) => self.site_file(job, &file),
            AppCommand::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            AppCommand::ToggleLog => self.menus.show_log = !self.menus.show_log,
            AppCommand::ToggleQueue => self.menus.show_queue = !self.menus.show_queue,
            AppCommand::ProcessQueue => self.process_queue(),
            AppCommand::PauseQueue => self.hold_queue(),
            AppCommand::ToggleSpeedLimits => {
                let mut limit = self.speed_limit;
                limit.enabled = !limit.enabled;
                self.set_speed_limit(limit);
            }
            AppCommand::Reconnect => self.reconnect(),
            AppCommand::OpenCustomCommand => self.menus.windows.open_custom_command(),
            AppCommand::RawCommand(line) => self.raw_command(line),
            AppCommand::OpenAbout => self.menus.windows.about = true,
            // The other commands are carried out in `commands`.
            _ => {}
        }
    }

    /// A new empty tab, shown.
    fn new_tab(&mut self) {
        self.tabs.open_new();
        let session = self.link.new_session();
        self.tab_mut().session = session;
    }

    /// Starts the queue: unpaused, with the transfers restored from the last run.
    fn process_queue(&mut self) {
        if self.queue.paused {
            self.queue.paused = false;
            self.queue_action(super::QueueAction::Pause(false));
        }
        if !self.queue.restored().is_empty() {
            self.process_restored();
        }
    }

    /// Connects the tab shown again with the same site, back to the folder it showed.
    fn reconnect(&mut self) {
        let Some(site) = self.tab().site.clone() else {
            self.tab_mut().status = "Nothing to reconnect: this tab was never connected".into();
            return;
        };
        let label = (self.tab().label.clone(), self.tab().colour);
        let session = self.tab().session;
        let path = self.menus.folders.remove(&session);
        if self.is_connected() {
            self.disconnect(self.tabs.active_index());
        }
        self.connect(site, Some(label));
        if let Some(path) = path {
            self.tab_mut().initial_path = Some(RemotePath { path, folder: true });
        }
    }

    /// A command line typed by the user, sent as it is. The worker logs it and its reply; a
    /// command may change the folder shown (`DELE`, `SITE CHMOD`), so it is listed again.
    fn raw_command(&mut self, line: String) {
        let line = line.trim().to_string();
        if line.is_empty() {
            return;
        }
        if !self.is_connected() {
            self.tab_mut().status = "Connect to a server to send it commands".to_string();
            return;
        }
        let index = self.tabs.active_index();
        self.send_op(
            index,
            Operation::Raw(line),
            super::link::After::RefreshRemote,
        );
    }
}
