//! One file pane, the same type for the local and the remote side: a path bar with
//! up/back/forward/home, a sortable table (directories first) that lays out only visible rows,
//! multi-selection, keyboard shortcuts, a context menu and a status line. It never touches the
//! network or the disk itself: everything the user asks for comes back as a [`PaneAction`].

use std::collections::BTreeSet;

use super::compare::{Class, Marks};
use crate::api::{Entry, EntryKind};

mod access;
mod cells;
mod dialogs;
mod filter;
mod keys;
mod menu;
mod path_bar;
mod table;

pub use cells::human_size;
use cells::{kind_label, natural_key};
use dialogs::Editing;
use filter::{ListingFilters, QuickFilter};

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
    /// Open the directory listing filters.
    EditFilters,
    /// Open the remote search from this folder.
    Search,
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
    /// The folders among `entries` and the files' total size, kept as entries arrive (the
    /// status line shows them every frame).
    tally: (usize, u64),
    /// Indices into `entries` in sort order.
    sorted: Vec<usize>,
    /// The indices of `sorted` the quick filter lets through: the rows shown.
    order: Vec<usize>,
    filter: QuickFilter,
    /// The filename filters enabled on this side, and how many entries they hide.
    listing_filters: ListingFilters,
    sort: (SortKey, bool),
    selected: BTreeSet<String>,
    anchor: Option<usize>,
    /// The row the keyboard is on (moved by the arrow keys), and the row to scroll to.
    cursor: Option<usize>,
    scroll_to: Option<usize>,
    /// How many rows fit in the table (a page for PageUp/PageDown), as last drawn.
    page_rows: usize,
    pub loading: bool,
    pub error: Option<String>,
    editing: Option<Editing>,
    pending_delete: Option<Vec<Entry>>,
    /// Files from the OS hover over this pane.
    pub drop_highlight: bool,
    /// Rows from the other pane hover over this one (seen last frame).
    rows_hovering: bool,
    /// Directory comparison's class of each entry, while it is on.
    marks: Option<Marks>,
    /// Changes whenever the entries do (directory comparison recomputes then).
    generation: u64,
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
            tally: (0, 0),
            sorted: Vec::new(),
            order: Vec::new(),
            filter: QuickFilter::default(),
            listing_filters: ListingFilters::default(),
            sort: (SortKey::Name, true),
            selected: BTreeSet::new(),
            anchor: None,
            cursor: None,
            scroll_to: None,
            page_rows: 10,
            loading: false,
            error: None,
            editing: None,
            pending_delete: None,
            drop_highlight: false,
            rows_hovering: false,
            marks: None,
            generation: 0,
        }
    }

    /// Forgets everything (disconnected); the filters stay.
    pub fn clear(&mut self) {
        let generation = self.generation + 1;
        let filters = std::mem::take(&mut self.listing_filters);
        *self = Pane::new(self.side);
        self.generation = generation;
        self.set_listing_filters(filters.set);
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
        self.tally = (0, 0);
        self.sorted.clear();
        self.order.clear();
        self.listing_filters.hidden = 0;
        self.selected.clear();
        self.anchor = None;
        self.cursor = None;
        self.error = None;
        self.marks = None;
        self.generation += 1;
    }

    /// More entries of the listing under way: shown at once in arrival order, sorted when the
    /// listing ends (re-sorting 100,000 entries for every batch would stall the window).
    pub fn extend(&mut self, entries: Vec<Entry>) {
        let start = self.entries.len();
        // The listing line each entry was read from is not shown; a 100,000-entry folder kept
        // 10 MB of them.
        self.entries.extend(entries.into_iter().map(|entry| Entry {
            raw: String::new(),
            ..entry
        }));
        for entry in &self.entries[start..] {
            self.tally.0 += usize::from(entry.kind == EntryKind::Dir);
            self.tally.1 += entry.size.unwrap_or(0);
        }
        self.sorted.extend(start..self.entries.len());
        let (filter, listing) = (&self.filter, &mut self.listing_filters);
        let entries = &self.entries;
        let shown = (start..entries.len()).filter(|&i| filter::shows(filter, listing, &entries[i]));
        self.order.extend(shown);
        self.marks = None;
        self.generation += 1;
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
        self.cursor = Some(position);
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
        // One short key per entry, compared with memcmp.
        let names: Vec<Vec<u8>> = if key == SortKey::Name {
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
        let listing = &mut self.listing_filters;
        listing.hidden = 0;
        self.order = self
            .sorted
            .iter()
            .copied()
            .filter(|&i| filter::shows(filter, listing, &entries[i]))
            .filter(|&i| self.marks.as_ref().is_none_or(|m| m.shows(i)))
            .collect();
        self.anchor = None;
        self.cursor = None;
    }

    /// Directory comparison's classes for the entries shown now (`None`: comparison off).
    pub fn set_marks(&mut self, marks: Option<Marks>) {
        if marks.is_none() && self.marks.is_none() {
            return;
        }
        self.marks = marks;
        self.apply_filter();
    }

    /// What directory comparison says of the entry `name`, while it is on.
    pub fn mark_of(&self, name: &str) -> Option<Class> {
        let marks = self.marks.as_ref()?;
        let index = self.entries.iter().position(|e| e.name == name)?;
        marks.classes.get(index).copied()
    }

    /// The names of the rows shown, in order (the filter and "hide identical" applied).
    pub fn shown_names(&self) -> Vec<&str> {
        self.order
            .iter()
            .map(|&i| self.entries[i].name.as_str())
            .collect()
    }

    /// A number that changes whenever the entries do.
    pub fn generation(&self) -> u64 {
        self.generation
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
        let (dirs, total) = self.tally;
        let files = self.entries.len() - dirs;
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
        let hidden = self.entries.len() - self.order.len() - self.listing_filters.hidden;
        if self.filter.is_active() {
            line.push_str(&format!(" · filter hides {hidden}"));
        }
        if self.listing_filters.hidden > 0 {
            line.push_str(&format!(
                " · {} hidden by filters",
                self.listing_filters.hidden
            ));
        }
        line
    }

    /// Draws the pane; returns what the user asked for.
    pub fn show(&mut self, ui: &mut egui::Ui, connected: bool) -> Vec<PaneAction> {
        let mut actions = Vec::new();
        let title = match (self.side, self.listing_filters.is_active()) {
            (Side::Local, false) => "Local site",
            (Side::Local, true) => "Local site (filtered)",
            (Side::Remote, false) => "Remote site",
            (Side::Remote, true) => "Remote site (filtered)",
        };
        self.path_bar(ui, title, connected, &mut actions);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        self.dialogs(ui, &mut actions);
        // Before the table, so what the keys change shows (and scrolls into view) at once.
        self.keyboard(ui, &mut actions);
        let status_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let table_height = (ui.available_height() - status_height).max(60.0);
        // Files or rows hovering, and the keyboard focus, show as a frame around the table.
        let focused = self.has_focus(ui.ctx());
        // Always 2 points wide, so that the rows never move when the focus comes or goes.
        let colour = if self.drop_highlight || self.rows_hovering {
            ui.visuals().selection.stroke.color
        } else if focused {
            ui.visuals().widgets.active.fg_stroke.color
        } else {
            egui::Color32::TRANSPARENT
        };
        let frame = egui::Frame::new().stroke(egui::Stroke::new(2.0, colour));
        let area = frame
            .show(ui, |ui| {
                self.table_area(ui, table_height, connected, focused, &mut actions)
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
            if ListingFilters::button(ui, self.listing_filters.is_active()) {
                actions.push(PaneAction::EditFilters);
            }
            if self.side == Side::Remote
                && connected
                && ui
                    .button("Search...")
                    .on_hover_text("Search remote files from this folder")
                    .clicked()
            {
                actions.push(PaneAction::Search);
            }
        });
        actions
    }

    /// The table, or "Not connected"; the empty space's menu; the keyboard's focus target.
    fn table_area(
        &mut self,
        ui: &mut egui::Ui,
        table_height: f32,
        connected: bool,
        focused: bool,
        actions: &mut Vec<PaneAction>,
    ) {
        ui.set_height(table_height);
        // The keyboard's target: focusable (Tab reaches it), never in a click's way.
        let focus = ui.interact(
            ui.max_rect(),
            keys::focus_id(self.side),
            egui::Sense::focusable_noninteractive(),
        );
        let pressed_here = ui.input(|i| {
            i.pointer.any_pressed()
                && i.pointer
                    .interact_pos()
                    .is_some_and(|p| focus.rect.contains(p))
        });
        if pressed_here && !focused {
            self.take_focus(ui.ctx());
        }
        if !connected && self.side == Side::Remote {
            ui.centered_and_justified(|ui| ui.weak("Not connected to any server"));
        } else {
            // Under the rows (registered before them): the empty space's menu.
            let space = ui.interact(
                ui.max_rect(),
                ui.scope_id().with("empty-space"),
                egui::Sense::click(),
            );
            self.table(ui, actions);
            let side = self.side;
            let mut choice = None;
            space.context_menu(|ui| choice = menu::space_menu(ui, side));
            if let Some(choice) = choice {
                self.menu_choice(choice, actions);
            }
        }
    }
}

pub use keys::keep_focus;
pub use path_bar::glyph_button;

fn side_id(side: Side) -> &'static str {
    match side {
        Side::Local => "local-pane",
        Side::Remote => "remote-pane",
    }
}

#[cfg(test)]
mod tests;
