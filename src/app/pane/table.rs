//! The pane's table: columns with sort headers, one row per entry laid out only when visible,
//! selection by click (Ctrl toggles, Shift extends), rows dragged to the other pane, and the
//! context menu hook. The rows drawn are handed to `access` for screen readers.

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::access::{self, DrawnRow};
use super::cells::{icon, kind_label, modified_label};
use super::keys::focus_id;
use super::menu::{MenuChoice, context_menu};
use super::{COLUMNS, DraggedRows, Pane, PaneAction, Side, SortKey, human_size, side_id};
use crate::api::{Entry, EntryKind};

/// What the user did to the table in one frame; carried out once it is drawn.
#[derive(Default)]
struct Clicks {
    header: Option<SortKey>,
    row: Option<(usize, egui::Modifiers)>,
    double: Option<usize>,
    menu: Vec<Option<MenuChoice>>,
    /// The rows drawn this frame (the visible ones).
    drawn: Vec<DrawnRow>,
}

/// The table's columns (the local side has no owner column).
fn builder(ui: &mut egui::Ui, side: Side) -> TableBuilder<'_> {
    let table = TableBuilder::new(ui)
        .id_salt(side_id(side))
        .striped(true)
        .resizable(true)
        .sense(Sense::click_and_drag())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(200.0).at_least(80.0).clip(true))
        .column(Column::initial(70.0).at_least(40.0))
        .column(Column::initial(65.0).at_least(30.0).clip(true))
        .column(Column::initial(115.0).at_least(40.0).clip(true));
    match side {
        Side::Remote => table
            .column(Column::initial(80.0).at_least(30.0).clip(true))
            .column(Column::remainder().at_least(60.0).clip(true)),
        Side::Local => table.column(Column::remainder().at_least(30.0).clip(true)),
    }
}

impl Pane {
    pub(super) fn table(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let mut clicks = Clicks::default();
        let columns: &[(SortKey, &str)] = match self.side {
            Side::Remote => &COLUMNS,
            Side::Local => &COLUMNS[..5],
        };
        let mut table = builder(ui, self.side);
        if let Some(position) = self.scroll_to.take() {
            table = table.scroll_to_row(position, None);
        }
        let mut drawn_in = None;
        table
            .header(row_height + 2.0, |mut header| {
                for (key, label) in columns {
                    header.col(|ui| self.header_cell(ui, *key, label, &mut clicks));
                }
            })
            .body(|mut body| {
                drawn_in = Some((body.ui_mut().unique_id(), body.ui_mut().clip_rect()));
                let height = body.ui_mut().clip_rect().height();
                self.page_rows = ((height / row_height) as usize).saturating_sub(1).max(1);
                body.rows(row_height, self.order.len(), |mut row| {
                    self.row(&mut row, &mut clicks);
                });
            });
        if let Some(body) = drawn_in {
            let label = match self.side {
                Side::Local => "Local files",
                Side::Remote => "Remote files",
            };
            let (ctx, table) = (ui.ctx(), focus_id(self.side));
            access::expose(ctx, table, label, body, &clicks.drawn, self.order.len());
        }
        if clicks.row.is_some() || clicks.double.is_some() {
            self.take_focus(ui.ctx());
        }
        if let Some(key) = clicks.header {
            self.sort = if self.sort.0 == key {
                (key, !self.sort.1)
            } else {
                (key, true)
            };
            self.resort();
        }
        if let Some((position, modifiers)) = clicks.row {
            self.click(position, modifiers);
        }
        if let Some(position) = clicks.double {
            self.open(position, actions);
        }
        for choice in clicks.menu.into_iter().flatten() {
            self.menu_choice(choice, actions);
        }
    }

    /// A column's title, with an arrow on the sort column; a click sorts by it.
    fn header_cell(&self, ui: &mut egui::Ui, key: SortKey, label: &str, clicks: &mut Clicks) {
        let (sort_key, ascending) = self.sort;
        let arrow = match (sort_key == key, ascending) {
            (true, true) => " ⬆",
            (true, false) => " ⬇",
            _ => "",
        };
        if ui
            .add(egui::Button::new(RichText::new(format!("{label}{arrow}")).strong()).frame(false))
            .clicked()
        {
            clicks.header = Some(key);
        }
    }

    /// One entry's row: its cells, then what was done to it (drag, click, menu).
    fn row(&self, row: &mut egui_extras::TableRow<'_, '_>, clicks: &mut Clicks) {
        let position = row.index();
        let entry = &self.entries[self.order[position]];
        let selected = self.selected.contains(&entry.name);
        row.set_selected(selected);
        // Directory comparison's colour, under the cells (the selection's own shows instead).
        let class = self.marks.as_ref().filter(|_| !selected);
        let class = class.and_then(|m| m.classes.get(self.order[position]).copied());
        let tint = |ui: &mut egui::Ui| super::super::compare::tint_cell(ui, class);
        let mut name = None;
        let (_, first) = row.col(|ui| {
            tint(ui);
            icon(ui, entry.kind);
            if let Some(reason) = self.refused_reason(entry) {
                // Shown as the server sent it, never renamed; the engine refuses to write it.
                ui.label(RichText::new("⚠").color(ui.visuals().warn_fg_color))
                    .on_hover_text(format!("Ferry will not download this name: {reason}"));
            }
            let label = egui::Label::new(&entry.name).truncate().selectable(false);
            name = Some(ui.add(label).id);
        });
        let mut cells = vec![(first.id, first.rect)];
        let size = match (entry.kind, entry.size) {
            (EntryKind::Dir, _) | (_, None) => String::new(),
            (_, Some(size)) => human_size(size),
        };
        let mut texts = vec![
            size,
            kind_label(entry).to_string(),
            modified_label(entry),
            entry.permissions.clone().unwrap_or_default(),
        ];
        if self.side == Side::Remote {
            texts.push(match (&entry.owner, &entry.group) {
                (Some(o), Some(g)) => format!("{o} {g}"),
                (Some(o), None) => o.clone(),
                _ => String::new(),
            });
        }
        for text in texts {
            // Not selectable: a click or double-click anywhere on the row is the row's.
            let (_, cell) = row.col(|ui| {
                tint(ui);
                ui.add(egui::Label::new(text).selectable(false));
            });
            cells.push((cell.id, cell.rect));
        }
        let response = row.response();
        clicks.drawn.push(DrawnRow {
            position,
            cells,
            name,
            rect: response.rect,
            selected,
        });
        self.row_response(&response, position, clicks);
    }

    fn row_response(&self, response: &egui::Response, position: usize, clicks: &mut Clicks) {
        let entry = &self.entries[self.order[position]];
        if response.drag_started() {
            let entries = if self.selected.contains(&entry.name) {
                self.selected_entries()
            } else {
                vec![entry.clone()]
            };
            egui::DragAndDrop::set_payload(
                &response.ctx,
                DraggedRows {
                    from: self.side,
                    entries,
                },
            );
        }
        if response.double_clicked() {
            clicks.double = Some(position);
        } else if response.clicked() {
            clicks.row = Some((position, response.ctx.input(|i| i.modifiers)));
        }
        if response.secondary_clicked() && !self.selected.contains(&entry.name) {
            clicks.row = Some((position, egui::Modifiers::NONE));
        }
        let side = self.side;
        response.context_menu(|ui| {
            clicks.menu.push(context_menu(ui, side));
        });
    }

    /// Selection with Ctrl (toggle) and Shift (range).
    pub(super) fn click(&mut self, position: usize, modifiers: egui::Modifiers) {
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
        self.cursor = Some(position);
    }
}

impl Pane {
    /// Why a remote entry's name cannot become a local file name, if it cannot.
    fn refused_reason(&self, entry: &Entry) -> Option<&'static str> {
        let listed = self.side == Side::Remote && entry.kind != EntryKind::Unknown;
        listed
            .then(|| crate::common::paths::unsafe_reason(&entry.name))
            .flatten()
    }
}
