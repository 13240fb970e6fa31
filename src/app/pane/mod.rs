//! One file pane, the same type for the local and the remote side: a path bar with
//! up/back/forward/home, a sortable table (directories first) that lays out only visible rows,
//! multi-selection, keyboard shortcuts, a context menu and a status line. It never touches the
//! network or the disk itself: everything the user asks for comes back as a [`PaneAction`].

use std::collections::BTreeSet;

use egui::Key;

use crate::api::{Entry, EntryKind};

mod cells;
mod dialogs;
mod filter;
mod menu;
mod table;

pub use cells::human_size;
use cells::{kind_label, natural_key};
use dialogs::Editing;
use filter::QuickFilter;

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
    /// Queue these entries for the other side without starting: the queue is held until the
    /// user resumes it (FileZilla's "Add files to queue").
    AddToQueue(Vec<Entry>),
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
    /// Pick local files with the system's file dialog and upload them into the remote folder
    /// shown.
    PickUpload,
    /// Rows dragged from the other pane were dropped here: transfer them to this side.
    Receive(Vec<Entry>),
    /// A remote file double-clicked or entered: what Settings say (transfer, view/edit,
    /// nothing).
    OpenFile(Entry),
    /// Open a remote file in its viewer or editor (edit in place).
    View(Entry),
    Edit(Entry),
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

pub struct Pane {
    pub side: Side,
    /// The directory shown (as the listing reported it).
    pub path: String,
    path_edit: String,
    home: String,
    back: Vec<String>,
    forward: Vec<String>,
    entries: Vec<Entry>,
    /// Indices into `entries` in sort order.
    sorted: Vec<usize>,
    /// The indices of `sorted` the quick filter lets through: the rows shown.
    order: Vec<usize>,
    filter: QuickFilter,
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
            sorted: Vec::new(),
            order: Vec::new(),
            filter: QuickFilter::default(),
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
        self.sorted.clear();
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
        self.sorted.extend(start..self.entries.len());
        let filter = &self.filter;
        let shown = (start..self.entries.len()).filter(|&i| filter.matches(&self.entries[i].name));
        self.order.extend(shown);
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

    /// Selects only the entry named `name`; whether there is one.
    pub fn select_only(&mut self, name: &str) -> bool {
        let Some(position) = self
            .order
            .iter()
            .position(|&i| self.entries[i].name == name)
        else {
            return false;
        };
        self.selected.clear();
        self.selected.insert(name.to_string());
        self.anchor = Some(position);
        true
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
        self.sorted = order;
        self.apply_filter();
    }

    /// The rows the quick filter lets through, in sort order (no re-sort: instant on 100,000
    /// entries).
    fn apply_filter(&mut self) {
        let (entries, filter) = (&self.entries, &self.filter);
        self.order = self
            .sorted
            .iter()
            .copied()
            .filter(|&i| filter.matches(&entries[i].name))
            .collect();
        self.anchor = None;
    }

    /// The parent of the current directory (`/` stays `/`).
    pub fn parent(&self) -> Option<String> {
        if self.side == Side::Local {
            return crate::common::local_path::parent(&self.path);
        }
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
            Side::Remote => crate::common::paths::join_remote(&self.path, name),
            Side::Local => crate::common::local_path::child(&self.path, name),
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
        let hidden = self.entries.len() - self.order.len();
        if self.filter.is_active() {
            line.push_str(&format!(" · filter hides {hidden}"));
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
                    // Under the rows (registered before them): the empty space's menu.
                    let space = ui.interact(
                        ui.max_rect(),
                        ui.scope_id().with("empty-space"),
                        egui::Sense::click(),
                    );
                    self.table(ui, &mut actions);
                    let side = self.side;
                    let mut choice = None;
                    space.context_menu(|ui| choice = menu::space_menu(ui, side));
                    if let Some(choice) = choice {
                        self.menu_choice(choice, &mut actions);
                    }
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
                ui.small("Loading...");
            }
            ui.add_space(12.0);
            if self.filter.show(ui, side_id(self.side)) {
                self.apply_filter();
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
        if connected || self.side == Side::Local {
            self.breadcrumb(ui, actions);
        }
    }

    /// The folders from the root down to the one shown, each a click away.
    fn breadcrumb(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        let crumbs = crate::common::local_path::crumbs(&self.path);
        let mut target = None;
        egui::ScrollArea::horizontal()
            .id_salt((side_id(self.side), "breadcrumb"))
            .stick_to_right(true)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 2.0;
                    let last = crumbs.len().saturating_sub(1);
                    for (index, (label, path)) in crumbs.iter().enumerate() {
                        if index > 0 {
                            ui.weak("›");
                        }
                        let text = egui::RichText::new(label.as_str()).small();
                        let text = if index == last { text.strong() } else { text };
                        if ui
                            .add(egui::Button::new(text).frame(false))
                            .on_hover_text(path.as_str())
                            .clicked()
                            && index != last
                        {
                            target = Some(path.clone());
                        }
                    }
                });
            });
        if let Some(path) = target {
            self.navigate(path, actions);
        }
    }
}

fn side_id(side: Side) -> &'static str {
    match side {
        Side::Local => "local-pane",
        Side::Remote => "remote-pane",
    }
}

#[cfg(test)]
mod tests;
