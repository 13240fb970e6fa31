//! The search window's results: a table laid out only where visible (name, folder, size,
//! modified), selection by click (Ctrl toggles), and the actions on the selected rows.

use egui::Sense;
use egui_extras::{Column, TableBuilder};

use super::{Found, SearchAction, SearchWindow};
use crate::api::EntryKind;
use crate::app::{AppCommand, human_size};

impl SearchWindow {
    /// The rows selected, in the table's order.
    pub fn selected(&self) -> Vec<Found> {
        self.selected
            .iter()
            .filter_map(|&i| self.results.get(i).cloned())
            .collect()
    }

    /// Selects only the row of `name` in `folder`; whether there is one.
    pub fn select_only(&mut self, folder: &str, name: &str) -> bool {
        let Some(index) = self
            .results
            .iter()
            .position(|f| f.folder == folder && f.entry.name == name)
        else {
            return false;
        };
        self.selected = [index].into();
        true
    }

    /// Results deleted on the server leave the list.
    pub(super) fn forget(&mut self, gone: &[Found]) {
        self.results.retain(|f| !gone.contains(f));
        self.selected.clear();
    }

    pub(super) fn results_table(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        self.actions(ui, commands);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("search-results")
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(200.0).at_least(80.0).clip(true))
            .column(Column::initial(240.0).at_least(80.0).clip(true))
            .column(Column::initial(80.0).at_least(40.0))
            .column(Column::remainder().at_least(60.0).clip(true))
            .header(row_height + 2.0, |mut header| {
                for title in ["Name", "Folder", "Size", "Modified"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.results.len(), |mut row| {
                    let index = row.index();
                    let found = &self.results[index];
                    row.set_selected(self.selected.contains(&index));
                    row.col(|ui| {
                        let name = match found.entry.kind {
                            EntryKind::Dir => format!("{}/", found.entry.name),
                            _ => found.entry.name.clone(),
                        };
                        ui.add(egui::Label::new(name).selectable(false));
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(&found.folder).selectable(false));
                    });
                    row.col(|ui| {
                        ui.label(found.entry.size.map(human_size).unwrap_or_default());
                    });
                    row.col(|ui| {
                        let time = found
                            .entry
                            .modified
                            .map(|t| t.time.format("%Y-%m-%d %H:%M"));
                        ui.label(time.map(|t| t.to_string()).unwrap_or_default());
                    });
                    if row.response().clicked() {
                        clicked = Some(index);
                    }
                });
            });
        if let Some(index) = clicked {
            let toggle = ui.input(|i| i.modifiers.command);
            if !toggle {
                self.selected.clear();
            }
            if !self.selected.remove(&index) {
                self.selected.insert(index);
            }
        }
    }

    /// Download, Delete (asking first), Open containing folder: on the selected rows.
    fn actions(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        let selected = self.selected();
        let some = !selected.is_empty();
        let Some(session) = self.session else {
            return;
        };
        ui.horizontal(|ui| {
            if ui
                .add_enabled(some, egui::Button::new("Download"))
                .clicked()
            {
                commands.push(AppCommand::Search(SearchAction::Download(
                    session,
                    selected.clone(),
                )));
            }
            if ui.add_enabled(some, egui::Button::new("Delete")).clicked() {
                self.confirm_delete = Some(selected.clone());
            }
            let one = selected.len() == 1;
            if ui
                .add_enabled(one, egui::Button::new("Open containing folder"))
                .clicked()
            {
                commands.push(AppCommand::Search(SearchAction::OpenFolder(
                    session,
                    selected[0].clone(),
                )));
            }
            ui.weak(format!(
                "{} found, {} selected",
                self.results.len(),
                selected.len()
            ));
        });
        let Some(doomed) = self.confirm_delete.clone() else {
            return;
        };
        ui.horizontal(|ui| {
            let what = match doomed.as_slice() {
                [one] => one.path(),
                many => format!("{} items", many.len()),
            };
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("Delete {what} from the server? Folders go with everything in them."),
            );
            if ui.button("Yes, delete").clicked() {
                self.confirm_delete = None;
                self.forget(&doomed);
                commands.push(AppCommand::Search(SearchAction::Delete(session, doomed)));
            }
            if ui.button("No").clicked() {
                self.confirm_delete = None;
            }
        });
    }
}
