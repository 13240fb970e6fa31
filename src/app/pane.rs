//! One file pane, the same type for the local and the remote side: a path bar with
//! up/back/forward/home, a sortable table (directories first) that lays out only visible rows,
//! multi-selection, keyboard shortcuts, a context menu and a status line. It never touches the
//! network or the disk itself: everything the user asks for comes back as a [`PaneAction`].

use std::collections::BTreeSet;

use egui::{Color32, Key, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use crate::api::{Entry, EntryKind, TimePrecision};

/// Which side a pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Local,
    Remote,
}

/// What the user asked a pane for; the app carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneAction {
    /// List this directory (navigation, refresh).
    Navigate(String),
    /// Transfer these entries to the other side (recursively for directories).
    Transfer(Vec<Entry>),
    Delete(Vec<Entry>),
    Rename {
        from: String,
        to: String,
    },
    Mkdir(String),
    Chmod {
        names: Vec<String>,
        mode: u32,
    },
    CopyUrl(String),
    OpenInFileManager,
    /// Pick a local folder with the system's file dialog.
    PickFolder,
    /// Rows dragged from the other pane were dropped here: transfer them to this side.
    Receive(Vec<Entry>),
}

/// What a row drag carries from one pane to the other.
#[derive(Debug, Clone)]
pub struct DraggedRows {
    pub from: Side,
    pub entries: Vec<Entry>,
}

/// The columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Size,
    Kind,
    Modified,
    Permissions,
    Owner,
}

const COLUMNS: [(SortKey, &str); 6] = [
    (SortKey::Name, "Name"),
    (SortKey::Size, "Size"),
    (SortKey::Kind, "Type"),
    (SortKey::Modified, "Modified"),
    (SortKey::Permissions, "Permissions"),
    (SortKey::Owner, "Owner/Group"),
];

/// A small text input the pane asks for (new folder, rename, permissions).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Editing {
    Mkdir(String),
    Rename { from: String, to: String },
    Chmod { names: Vec<String>, octal: String },
}

pub struct Pane {
    pub side: Side,
    /// The directory shown (as the listing reported it).
    pub path: String,
    path_edit: String,
    home: String,
    back: Vec<String>,
    forward: Vec<String>,
    entries: Vec<Entry>,
    /// Indices into `entries` in display order.
    order: Vec<usize>,
    sort: (SortKey, bool),
    selected: BTreeSet<String>,
    anchor: Option<usize>,
    pub loading: bool,
    pub error: Option<String>,
    editing: Option<Editing>,
    pending_delete: Option<Vec<Entry>>,
    /// Files from the OS hover over this pane.
    pub drop_highlight: bool,
    /// Rows from the other pane hover over this one (seen last frame).
    rows_hovering: bool,
}

impl Pane {
    pub fn new(side: Side) -> Self {
        Pane {
            side,
            path: String::new(),
            path_edit: String::new(),
            home: String::new(),
            back: Vec::new(),
            forward: Vec::new(),
            entries: Vec::new(),
            order: Vec::new(),
            sort: (SortKey::Name, true),
            selected: BTreeSet::new(),
            anchor: None,
            loading: false,
            error: None,
            editing: None,
            pending_delete: None,
            drop_highlight: false,
            rows_hovering: false,
        }
    }

    /// Forgets everything (disconnected).
    pub fn clear(&mut self) {
        *self = Pane::new(self.side);
    }

    /// The directory the user lands in with "home".
    pub fn set_home(&mut self, home: &str) {
        self.home = home.to_string();
    }

    /// A listing of `path` starts: the old entries go, new ones arrive with [`Pane::extend`].
    pub fn begin_listing(&mut self, path: &str) {
        if !self.path.is_empty() && self.path != path && self.back.last() != Some(&self.path) {
            self.back.push(self.path.clone());
        }
        self.path = path.to_string();
        self.path_edit = path.to_string();
        self.entries.clear();
        self.order.clear();
        self.selected.clear();
        self.anchor = None;
        self.error = None;
    }

    /// More entries of the listing under way: shown at once in arrival order, sorted when the
    /// listing ends (re-sorting 100,000 entries for every batch would stall the window).
    pub fn extend(&mut self, entries: Vec<Entry>) {
        let start = self.entries.len();
        self.entries.extend(entries);
        self.order.extend(start..self.entries.len());
    }

    /// The listing ended, with an error to show if it failed.
    pub fn finish_listing(&mut self, error: Option<String>) {
        self.loading = false;
        self.error = error;
        self.path_edit = self.path.clone();
        self.resort();
    }

    /// Replaces the whole listing at once (the local side).
    pub fn set_listing(&mut self, path: &str, entries: Vec<Entry>) {
        self.begin_listing(path);
        self.extend(entries);
        self.finish_listing(None);
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn selected_entries(&self) -> Vec<Entry> {
        self.order
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| self.selected.contains(&e.name))
            .cloned()
            .collect()
    }

    fn resort(&mut self) {
        let (key, ascending) = self.sort;
        let entries = &self.entries;
        // Natural name keys are computed once per entry, not once per comparison.
        let names: Vec<_> = if key == SortKey::Name {
            entries.iter().map(|e| natural_key(&e.name)).collect()
        } else {
            Vec::new()
        };
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&i, &j| {
            let (a, b) = (&entries[i], &entries[j]);
            let dirs_first = (b.kind == EntryKind::Dir).cmp(&(a.kind == EntryKind::Dir));
            let by_key = match key {
                SortKey::Name => names[i].cmp(&names[j]),
                SortKey::Size => a.size.cmp(&b.size),
                SortKey::Kind => kind_label(a).cmp(kind_label(b)),
                SortKey::Modified => a.modified.map(|t| t.time).cmp(&b.modified.map(|t| t.time)),
                SortKey::Permissions => a.permissions.cmp(&b.permissions),
                SortKey::Owner => a.owner.cmp(&b.owner),
            };
            let by_key = if ascending { by_key } else { by_key.reverse() };
            dirs_first.then(by_key).then_with(|| a.name.cmp(&b.name))
        });
        self.order = order;
    }

    /// The parent of the current directory (`/` stays `/`).
    pub fn parent(&self) -> Option<String> {
        let trimmed = self.path.trim_end_matches(['/', '\\']);
        if trimmed.is_empty() {
            return None;
        }
        let cut = trimmed.rfind(['/', '\\'])?;
        let parent = &trimmed[..cut];
        Some(if parent.is_empty() {
            "/".to_string()
        } else {
            parent.to_string()
        })
    }

    /// `name` inside the current directory.
    pub fn child(&self, name: &str) -> String {
        match self.side {
            Side::Remote => crate::paths::join_remote(&self.path, name),
            Side::Local => std::path::Path::new(&self.path)
                .join(name)
                .display()
                .to_string(),
        }
    }

    /// "12 files and 3 directories. Total size: 1.2 MB"
    pub fn status_line(&self) -> String {
        let dirs = self
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Dir)
            .count();
        let files = self.entries.len() - dirs;
        let total: u64 = self.entries.iter().filter_map(|e| e.size).sum();
        let selected = self.selected.len();
        let mut line = format!(
            "{files} file{} and {dirs} director{}. Total size: {}",
            if files == 1 { "" } else { "s" },
            if dirs == 1 { "y" } else { "ies" },
            human_size(total)
        );
        if selected > 0 {
            line.push_str(&format!(" ({selected} selected)"));
        }
        line
    }

    /// Draws the pane; returns what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui, connected: bool) -> Vec<PaneAction> {
        let mut actions = Vec::new();
        let title = match self.side {
            Side::Local => "Local site",
            Side::Remote => "Remote site",
        };
        self.path_bar(ui, title, connected, &mut actions);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        self.dialogs(ui, &mut actions);
        let status_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let table_height = (ui.available_height() - status_height).max(60.0);
        let frame = if self.drop_highlight || self.rows_hovering {
            egui::Frame::new().stroke(egui::Stroke::new(2.0, ui.visuals().selection.stroke.color))
        } else {
            egui::Frame::new()
        };
        let area = frame
            .show(ui, |ui| {
                ui.set_height(table_height);
                if !connected && self.side == Side::Remote {
                    ui.centered_and_justified(|ui| ui.weak("Not connected to any server"));
                } else {
                    self.table(ui, &mut actions);
                }
            })
            .response;
        let from_other_side = |rows: &DraggedRows| rows.from != self.side;
        self.rows_hovering = connected
            && area
                .dnd_hover_payload::<DraggedRows>()
                .is_some_and(|r| from_other_side(&r));
        if let Some(rows) = area.dnd_release_payload::<DraggedRows>()
            && from_other_side(&rows)
            && connected
        {
            actions.push(PaneAction::Receive(rows.entries.clone()));
        }
        ui.horizontal(|ui| {
            ui.small(self.status_line());
            if self.loading {
                ui.spinner();
            }
        });
        self.keyboard(ui, &mut actions);
        actions
    }

    fn navigate(&mut self, path: String, actions: &mut Vec<PaneAction>) {
        self.loading = true;
        actions.push(PaneAction::Navigate(path));
    }

    fn path_bar(
        &mut self,
        ui: &mut egui::Ui,
        title: &str,
        connected: bool,
        actions: &mut Vec<PaneAction>,
    ) {
        ui.horizontal(|ui| {
            let title_label = ui.strong(title);
            let enabled = connected || self.side == Side::Local;
            ui.add_enabled_ui(enabled, |ui| {
                if ui.small_button("⬅").on_hover_text("Back").clicked()
                    && let Some(previous) = self.back.pop()
                {
                    self.forward.push(self.path.clone());
                    self.navigate(previous, actions);
                }
                if ui.small_button("➡").on_hover_text("Forward").clicked()
                    && let Some(next) = self.forward.pop()
                {
                    self.navigate(next, actions);
                }
                if ui
                    .small_button("⬆")
                    .on_hover_text("Parent directory (Backspace)")
                    .clicked()
                    && let Some(parent) = self.parent()
                {
                    self.navigate(parent, actions);
                }
                if ui.small_button("~").on_hover_text("Home").clicked() && !self.home.is_empty() {
                    self.navigate(self.home.clone(), actions);
                }
                if ui
                    .small_button("🔄")
                    .on_hover_text("Refresh (F5)")
                    .clicked()
                {
                    self.navigate(self.path.clone(), actions);
                }
                if self.side == Side::Local
                    && ui
                        .small_button("📂")
                        .on_hover_text("Choose a folder...")
                        .clicked()
                {
                    actions.push(PaneAction::PickFolder);
                }
                let edit = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.path_edit)
                            .desired_width(f32::INFINITY)
                            .id_salt((title, "path")),
                    )
                    .labelled_by(title_label.id);
                if edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    let target = self.path_edit.trim().to_string();
                    if !target.is_empty() {
                        self.navigate(target, actions);
                    }
                }
            });
        });
    }

    fn table(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let mut clicked_header = None;
        let mut clicked_row: Option<(usize, egui::Modifiers)> = None;
        let mut double_clicked: Option<usize> = None;
        let mut menu_actions = Vec::new();
        let side = self.side;
        let mut table = TableBuilder::new(ui)
            .id_salt(side_id(side))
            .striped(true)
            .resizable(true)
            .sense(Sense::click_and_drag())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(200.0).at_least(80.0).clip(true))
            .column(Column::initial(70.0).at_least(40.0))
            .column(Column::initial(65.0).at_least(30.0).clip(true))
            .column(Column::initial(115.0).at_least(40.0).clip(true));
        table = match side {
            Side::Remote => table
                .column(Column::initial(80.0).at_least(30.0).clip(true))
                .column(Column::remainder().at_least(60.0).clip(true)),
            Side::Local => table.column(Column::remainder().at_least(30.0).clip(true)),
        };
        let columns: &[(SortKey, &str)] = match side {
            Side::Remote => &COLUMNS,
            Side::Local => &COLUMNS[..5],
        };
        let (sort_key, ascending) = self.sort;
        table
            .header(row_height + 2.0, |mut header| {
                for (key, label) in columns {
                    header.col(|ui| {
                        let arrow = match (sort_key == *key, ascending) {
                            (true, true) => " ⬆",
                            (true, false) => " ⬇",
                            _ => "",
                        };
                        if ui
                            .add(
                                egui::Button::new(
                                    RichText::new(format!("{label}{arrow}")).strong(),
                                )
                                .frame(false),
                            )
                            .clicked()
                        {
                            clicked_header = Some(*key);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.order.len(), |mut row| {
                    let position = row.index();
                    let entry = &self.entries[self.order[position]];
                    row.set_selected(self.selected.contains(&entry.name));
                    row.col(|ui| {
                        icon(ui, entry.kind);
                        ui.add(egui::Label::new(&entry.name).truncate().selectable(false));
                    });
                    row.col(|ui| {
                        let size = match (entry.kind, entry.size) {
                            (EntryKind::Dir, _) | (_, None) => String::new(),
                            (_, Some(size)) => human_size(size),
                        };
                        ui.label(size);
                    });
                    row.col(|ui| {
                        ui.label(kind_label(entry));
                    });
                    row.col(|ui| {
                        ui.label(modified_label(entry));
                    });
                    row.col(|ui| {
                        ui.label(entry.permissions.clone().unwrap_or_default());
                    });
                    if side == Side::Remote {
                        row.col(|ui| {
                            let owner = match (&entry.owner, &entry.group) {
                                (Some(o), Some(g)) => format!("{o} {g}"),
                                (Some(o), None) => o.clone(),
                                _ => String::new(),
                            };
                            ui.label(owner);
                        });
                    }
                    let response = row.response();
                    if response.drag_started() {
                        let entries = if self.selected.contains(&entry.name) {
                            self.selected_entries()
                        } else {
                            vec![entry.clone()]
                        };
                        egui::DragAndDrop::set_payload(
                            &response.ctx,
                            DraggedRows {
                                from: side,
                                entries,
                            },
                        );
                    }
                    if response.double_clicked() {
                        double_clicked = Some(position);
                    } else if response.clicked() {
                        clicked_row = Some((position, response.ctx.input(|i| i.modifiers)));
                    }
                    if response.secondary_clicked() && !self.selected.contains(&entry.name) {
                        clicked_row = Some((position, egui::Modifiers::NONE));
                    }
                    response.context_menu(|ui| {
                        menu_actions.push(context_menu(ui, side));
                    });
                });
            });
        if let Some(key) = clicked_header {
            self.sort = if self.sort.0 == key {
                (key, !self.sort.1)
            } else {
                (key, true)
            };
            self.resort();
        }
        if let Some((position, modifiers)) = clicked_row {
            self.click(position, modifiers);
        }
        if let Some(position) = double_clicked {
            self.open(position, actions);
        }
        for choice in menu_actions.into_iter().flatten() {
            self.menu_choice(choice, actions);
        }
    }

    /// Selection with Ctrl (toggle) and Shift (range).
    fn click(&mut self, position: usize, modifiers: egui::Modifiers) {
        let name = self.entries[self.order[position]].name.clone();
        if modifiers.shift
            && let Some(anchor) = self.anchor
        {
            let (from, to) = if anchor <= position {
                (anchor, position)
            } else {
                (position, anchor)
            };
            if !modifiers.command {
                self.selected.clear();
            }
            for i in from..=to {
                self.selected
                    .insert(self.entries[self.order[i]].name.clone());
            }
        } else if modifiers.command {
            if !self.selected.remove(&name) {
                self.selected.insert(name);
            }
            self.anchor = Some(position);
        } else {
            self.selected.clear();
            self.selected.insert(name);
            self.anchor = Some(position);
        }
    }

    /// Double-click or Enter: into a directory, or transfer a file.
    fn open(&mut self, position: usize, actions: &mut Vec<PaneAction>) {
        let entry = self.entries[self.order[position]].clone();
        match entry.kind {
            EntryKind::Dir => {
                self.forward.clear();
                let target = self.child(&entry.name);
                self.navigate(target, actions);
            }
            EntryKind::Link if self.side == Side::Remote && entry.size.is_none() => {
                let target = self.child(&entry.name);
                self.navigate(target, actions);
            }
            EntryKind::Unknown => {}
            _ => actions.push(PaneAction::Transfer(vec![entry])),
        }
    }

    fn menu_choice(&mut self, choice: MenuChoice, actions: &mut Vec<PaneAction>) {
        let selected = self.selected_entries();
        match choice {
            MenuChoice::Transfer if !selected.is_empty() => {
                actions.push(PaneAction::Transfer(selected))
            }
            MenuChoice::Open => {
                if let Some(first) = selected.first()
                    && let Some(position) = self
                        .order
                        .iter()
                        .position(|&i| self.entries[i].name == first.name)
                {
                    self.open(position, actions);
                }
            }
            MenuChoice::Mkdir => self.editing = Some(Editing::Mkdir(String::new())),
            MenuChoice::Rename => {
                if let Some(first) = selected.first() {
                    self.editing = Some(Editing::Rename {
                        from: first.name.clone(),
                        to: first.name.clone(),
                    });
                }
            }
            MenuChoice::Delete if !selected.is_empty() => self.pending_delete = Some(selected),
            MenuChoice::Chmod if !selected.is_empty() => {
                let octal = selected
                    .first()
                    .and_then(|e| e.permissions.as_deref())
                    .and_then(octal_of)
                    .map(|m| format!("{m:03o}"))
                    .unwrap_or_else(|| "644".to_string());
                self.editing = Some(Editing::Chmod {
                    names: selected.iter().map(|e| e.name.clone()).collect(),
                    octal,
                });
            }
            MenuChoice::CopyUrl => {
                if let Some(first) = selected.first() {
                    actions.push(PaneAction::CopyUrl(self.child(&first.name)));
                }
            }
            MenuChoice::Refresh => self.navigate(self.path.clone(), actions),
            MenuChoice::FileManager => actions.push(PaneAction::OpenInFileManager),
            _ => {}
        }
    }

    fn keyboard(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        // Keys act on the pane the pointer is over, unless a text field has focus.
        let hovered = ui.ui_contains_pointer();
        let typing = ui.ctx().text_edit_focused();
        if !hovered || typing || self.editing.is_some() || self.pending_delete.is_some() {
            return;
        }
        let (enter, back, f5, f2, delete, all) = ui.input(|i| {
            (
                i.key_pressed(Key::Enter),
                i.key_pressed(Key::Backspace),
                i.key_pressed(Key::F5),
                i.key_pressed(Key::F2),
                i.key_pressed(Key::Delete),
                i.modifiers.command && i.key_pressed(Key::A),
            )
        });
        if enter {
            self.menu_choice(MenuChoice::Open, actions);
        }
        if back && let Some(parent) = self.parent() {
            self.navigate(parent, actions);
        }
        if f5 {
            self.navigate(self.path.clone(), actions);
        }
        if f2 {
            self.menu_choice(MenuChoice::Rename, actions);
        }
        if delete {
            self.menu_choice(MenuChoice::Delete, actions);
        }
        if all {
            self.selected = self.entries.iter().map(|e| e.name.clone()).collect();
        }
    }

    /// The small dialogs a pane opens: new folder, rename, permissions, confirm delete.
    fn dialogs(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        if let Some(entries) = self.pending_delete.clone() {
            let mut close = false;
            egui::Modal::new(egui::Id::unique((side_id(self.side), "delete"))).show(ui.ctx(), |ui| {
                ui.heading("Confirm deletion");
                let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
                ui.label(format!(
                    "Really delete {} item{} ({})? Directories are deleted with everything in them.",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ));
                ui.horizontal(|ui| {
                    if ui.button("Delete").clicked() {
                        actions.push(PaneAction::Delete(entries.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
            if close {
                self.pending_delete = None;
            }
        }
        let Some(editing) = self.editing.as_mut() else {
            return;
        };
        let mut done: Option<bool> = None;
        egui::Modal::new(egui::Id::unique((side_id(self.side), "edit"))).show(ui.ctx(), |ui| {
            let (title, text) = match editing {
                Editing::Mkdir(name) => ("Create directory", name),
                Editing::Rename { to, .. } => ("Rename", to),
                Editing::Chmod { octal, .. } => ("File permissions (octal, e.g. 755)", octal),
            };
            let heading = ui.heading(title);
            let field = ui
                .add(egui::TextEdit::singleline(text).id_salt("pane-edit"))
                .labelled_by(heading.id);
            field.request_focus();
            if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                done = Some(true);
            }
            if let Editing::Chmod { octal, .. } = editing {
                chmod_checkboxes(ui, octal);
            }
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    done = Some(false);
                }
            });
        });
        match done {
            Some(true) => match self.editing.take() {
                Some(Editing::Mkdir(name)) if !name.trim().is_empty() => {
                    actions.push(PaneAction::Mkdir(self.child(name.trim())))
                }
                Some(Editing::Rename { from, to }) if !to.trim().is_empty() && to != from => {
                    actions.push(PaneAction::Rename {
                        from: self.child(&from),
                        to: self.child(to.trim()),
                    })
                }
                Some(Editing::Chmod { names, octal }) => {
                    if let Ok(mode) = u32::from_str_radix(octal.trim(), 8) {
                        let names = names.iter().map(|n| self.child(n)).collect();
                        actions.push(PaneAction::Chmod { names, mode });
                    }
                }
                _ => {}
            },
            Some(false) => self.editing = None,
            None => {}
        }
    }
}

/// Nine checkboxes bound to an octal permission string.
fn chmod_checkboxes(ui: &mut egui::Ui, octal: &mut String) {
    let mut mode = u32::from_str_radix(octal.trim(), 8).unwrap_or(0o644) & 0o777;
    egui::Grid::new("chmod").show(ui, |ui| {
        ui.label("");
        for what in ["Read", "Write", "Execute"] {
            ui.label(what);
        }
        ui.end_row();
        for (row, who) in ["Owner", "Group", "Public"].iter().enumerate() {
            ui.label(*who);
            for column in 0..3 {
                let bit = 1 << (8 - (row * 3 + column));
                let mut on = mode & bit != 0;
                if ui.checkbox(&mut on, "").changed() {
                    mode ^= bit;
                    *octal = format!("{mode:03o}");
                }
            }
            ui.end_row();
        }
    });
}

/// `rwxr-xr-x` as a number.
fn octal_of(permissions: &str) -> Option<u32> {
    let chars: Vec<char> = permissions.chars().collect();
    if chars.len() != 9 {
        return None;
    }
    Some(chars.iter().enumerate().fold(
        0,
        |mode, (i, c)| {
            if *c == '-' { mode } else { mode | 1 << (8 - i) }
        },
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MenuChoice {
    Transfer,
    Open,
    Mkdir,
    Rename,
    Delete,
    Chmod,
    CopyUrl,
    Refresh,
    FileManager,
}

fn context_menu(ui: &mut egui::Ui, side: Side) -> Option<MenuChoice> {
    let mut choice = None;
    let transfer = match side {
        Side::Remote => "Download",
        Side::Local => "Upload",
    };
    let mut item = |ui: &mut egui::Ui, label: &str, what: MenuChoice| {
        if ui.button(label).clicked() {
            choice = Some(what);
            ui.close();
        }
    };
    item(ui, transfer, MenuChoice::Transfer);
    item(ui, "Open / Enter", MenuChoice::Open);
    ui.separator();
    item(ui, "Create directory", MenuChoice::Mkdir);
    item(ui, "Rename", MenuChoice::Rename);
    item(ui, "Delete", MenuChoice::Delete);
    if side == Side::Remote {
        item(ui, "File permissions...", MenuChoice::Chmod);
        item(ui, "Copy URL to clipboard", MenuChoice::CopyUrl);
    } else {
        item(ui, "Open in file manager", MenuChoice::FileManager);
    }
    ui.separator();
    item(ui, "Refresh", MenuChoice::Refresh);
    choice
}

fn side_id(side: Side) -> &'static str {
    match side {
        Side::Local => "local-pane",
        Side::Remote => "remote-pane",
    }
}

/// A small drawn icon (fonts differ too much between systems to rely on emoji).
fn icon(ui: &mut egui::Ui, kind: EntryKind) {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), Sense::hover());
    let painter = ui.painter();
    let r = rect.shrink(1.5);
    match kind {
        EntryKind::Dir => {
            let color = Color32::from_rgb(222, 178, 64);
            let tab = egui::Rect::from_min_max(
                r.min,
                egui::pos2(r.min.x + r.width() * 0.45, r.min.y + r.height() * 0.3),
            );
            painter.rect_filled(tab, 1.0, color);
            let body =
                egui::Rect::from_min_max(egui::pos2(r.min.x, r.min.y + r.height() * 0.2), r.max);
            painter.rect_filled(body, 1.5, color);
        }
        EntryKind::Link => {
            let stroke = egui::Stroke::new(1.5, Color32::from_rgb(90, 150, 220));
            painter.rect_stroke(r, 1.5, stroke, egui::StrokeKind::Inside);
            painter.arrow(
                egui::pos2(r.min.x + 2.5, r.max.y - 2.5),
                egui::vec2(r.width() * 0.55, -r.height() * 0.55),
                stroke,
            );
        }
        EntryKind::Unknown => {
            painter.text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                "?",
                egui::FontId::proportional(size * 0.8),
                Color32::GRAY,
            );
        }
        _ => {
            let stroke = egui::Stroke::new(1.2, ui.visuals().text_color());
            let page = egui::Rect::from_min_max(
                egui::pos2(r.min.x + r.width() * 0.15, r.min.y),
                egui::pos2(r.max.x - r.width() * 0.15, r.max.y),
            );
            painter.rect_stroke(page, 1.0, stroke, egui::StrokeKind::Inside);
            for line in 1..=3 {
                let y = page.min.y + page.height() * line as f32 / 4.0;
                painter.line_segment(
                    [
                        egui::pos2(page.min.x + 2.0, y),
                        egui::pos2(page.max.x - 2.0, y),
                    ],
                    egui::Stroke::new(1.0, Color32::GRAY),
                );
            }
        }
    }
}

fn kind_label(entry: &Entry) -> &'static str {
    match entry.kind {
        EntryKind::Dir => "Directory",
        EntryKind::File => "File",
        EntryKind::Link => "Link",
        EntryKind::Device => "Device",
        EntryKind::Other => "Other",
        EntryKind::Unknown => "Unknown",
    }
}

fn modified_label(entry: &Entry) -> String {
    match entry.modified {
        Some(t) if t.precision == TimePrecision::Day => t.time.format("%Y-%m-%d").to_string(),
        Some(t) => t.time.format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

/// Sorts `file10` after `file9`.
fn natural_key(name: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                key.push((1, 0, std::mem::take(&mut text).to_lowercase()));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            text.push(c);
        }
    }
    if !digits.is_empty() {
        key.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !text.is_empty() {
        key.push((1, 0, text.to_lowercase()));
    }
    key
}

/// 1536 → "1.5 KiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
        Entry {
            name: name.to_string(),
            kind,
            size: Some(size),
            modified: None,
            permissions: None,
            owner: None,
            group: None,
            link_target: None,
            raw: name.to_string(),
        }
    }

    #[test]
    fn directories_first_then_natural_name_order() {
        let mut pane = Pane::new(Side::Remote);
        pane.set_listing(
            "/",
            vec![
                entry("file10", EntryKind::File, 1),
                entry("zdir", EntryKind::Dir, 0),
                entry("file9", EntryKind::File, 1),
                entry("adir", EntryKind::Dir, 0),
            ],
        );
        let names: Vec<&str> = pane
            .order
            .iter()
            .map(|&i| pane.entries[i].name.as_str())
            .collect();
        assert_eq!(names, ["adir", "zdir", "file9", "file10"]);
        assert_eq!(
            pane.status_line(),
            "2 files and 2 directories. Total size: 2 bytes"
        );
    }

    #[test]
    fn shift_and_ctrl_selection() {
        let mut pane = Pane::new(Side::Local);
        pane.set_listing(
            "/x",
            (0..5)
                .map(|i| entry(&format!("f{i}"), EntryKind::File, 1))
                .collect(),
        );
        pane.click(1, egui::Modifiers::NONE);
        pane.click(3, egui::Modifiers::SHIFT);
        assert_eq!(pane.selected.len(), 3);
        pane.click(0, egui::Modifiers::COMMAND);
        assert_eq!(pane.selected.len(), 4);
        pane.click(2, egui::Modifiers::NONE);
        assert_eq!(pane.selected_entries().len(), 1);
    }

    #[test]
    fn a_listing_of_100000_entries_arrives_and_sorts_quickly() {
        let mut pane = Pane::new(Side::Remote);
        pane.begin_listing("/big");
        let started = std::time::Instant::now();
        for batch in 0..50 {
            pane.extend(
                (0..2000)
                    .map(|i| entry(&format!("file{}", batch * 2000 + i), EntryKind::File, 1))
                    .collect(),
            );
        }
        pane.finish_listing(None);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(pane.order.len(), 100_000);
        assert_eq!(pane.entries[pane.order[10]].name, "file10");
    }

    #[test]
    fn parents_sizes_and_permissions() {
        let mut pane = Pane::new(Side::Remote);
        pane.set_listing("/a/b", Vec::new());
        assert_eq!(pane.parent().as_deref(), Some("/a"));
        pane.set_listing("/a", Vec::new());
        assert_eq!(pane.parent().as_deref(), Some("/"));
        pane.set_listing("/", Vec::new());
        assert_eq!(pane.parent(), None);
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(octal_of("rwxr-xr-x"), Some(0o755));
    }
}
