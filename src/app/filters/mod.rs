//! The "Directory listing filters" dialog (FileZilla's, Ctrl+I there): the named filters with
//! a tick per side (local, remote), the selected filter's rules (conditions, how they combine,
//! files and/or folders, case), and "apply to transfers". OK and Apply hand the edited filters
//! to the app, which saves them with the settings and applies them at once.

mod condition;

use crate::api::filter::FilterSet;
use crate::api::{Filter, MatchMode};
use crate::sites::FilterSettings;

#[derive(Default)]
pub struct FilterDialog {
    pub open: bool,
    draft: FilterSettings,
    selected: usize,
}

/// What a press of OK or Apply hands back.
enum Pressed {
    Ok,
    Apply,
    Cancel,
}

impl FilterDialog {
    /// Opens the dialog on the filters in force.
    pub fn open(&mut self, current: &FilterSettings) {
        self.draft = current.clone();
        self.selected = 0;
        self.open = true;
    }

    /// Draws the dialog while it is open; the filters when OK or Apply was pressed.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<FilterSettings> {
        if !self.open {
            return None;
        }
        let mut open = true;
        let mut pressed = None;
        egui::Window::new("Directory listing filters")
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(720.0)
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| self.list(ui));
                    ui.add_space(16.0);
                    ui.vertical(|ui| self.editor(ui));
                });
                ui.separator();
                ui.checkbox(
                    &mut self.draft.apply_to_transfers,
                    "Apply to transfers: recursive transfers skip what the enabled filters hide",
                );
                ui.horizontal(|ui| {
                    if ui.button("OK").clicked() {
                        pressed = Some(Pressed::Ok);
                    }
                    if ui.button("Apply").clicked() {
                        pressed = Some(Pressed::Apply);
                    }
                    if ui.button("Cancel").clicked() {
                        pressed = Some(Pressed::Cancel);
                    }
                });
            });
        self.open = open;
        match pressed? {
            Pressed::Ok => {
                self.open = false;
                Some(self.draft.clone())
            }
            Pressed::Apply => Some(self.draft.clone()),
            Pressed::Cancel => {
                self.open = false;
                None
            }
        }
    }

    /// The filters, each with its local and remote tick; New, Copy and Delete under them.
    fn list(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("filter-list")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.strong("Filter");
                ui.strong("Local");
                ui.strong("Remote");
                ui.end_row();
                for (index, filter) in self.draft.filters.iter_mut().enumerate() {
                    if ui
                        .selectable_label(self.selected == index, &filter.name)
                        .clicked()
                    {
                        self.selected = index;
                    }
                    tick(ui, &mut filter.local, format!("Local: {}", filter.name));
                    tick(ui, &mut filter.remote, format!("Remote: {}", filter.name));
                    ui.end_row();
                }
            });
        ui.horizontal(|ui| {
            if ui.button("New filter").clicked() {
                self.draft.filters.push(Filter {
                    conditions: vec![condition::new_condition()],
                    ..Filter::default()
                });
                self.selected = self.draft.filters.len() - 1;
            }
            let chosen = self.draft.filters.get(self.selected).cloned();
            if let Some(mut copy) = chosen.clone()
                && ui.button("Copy").clicked()
            {
                copy.name = format!("Copy of {}", copy.name);
                self.draft.filters.push(copy);
                self.selected = self.draft.filters.len() - 1;
            }
            if chosen.is_some() && ui.button("Delete filter").clicked() {
                self.draft.filters.remove(self.selected);
                self.selected = self.selected.saturating_sub(1);
            }
        });
    }

    /// The selected filter's name and rules.
    fn editor(&mut self, ui: &mut egui::Ui) {
        let Some(filter) = self.draft.filters.get_mut(self.selected) else {
            ui.weak("No filter: add one with New filter");
            return;
        };
        ui.horizontal(|ui| {
            let label = ui.label("Filter name:");
            ui.text_edit_singleline(&mut filter.name)
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            ui.label("Filter out items matching");
            egui::ComboBox::from_id_salt("filter-mode")
                .selected_text(filter.mode.label())
                .show_ui(ui, |ui| {
                    for mode in MatchMode::ALL {
                        ui.selectable_value(&mut filter.mode, mode, mode.label());
                    }
                });
        });
        let mut remove = None;
        for (index, condition) in filter.conditions.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                if condition::row(ui, index, condition) {
                    remove = Some(index);
                }
            });
        }
        if let Some(index) = remove {
            filter.conditions.remove(index);
        }
        if ui.button("Add condition").clicked() {
            filter.conditions.push(condition::new_condition());
        }
        ui.horizontal(|ui| {
            ui.label("Filter applies to:");
            ui.checkbox(&mut filter.files, "Files");
            ui.checkbox(&mut filter.folders, "Folders");
        });
        ui.checkbox(&mut filter.case_sensitive, "Conditions are case sensitive");
        if let Err(e) = filter.compile() {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
        } else if filter.conditions.is_empty() {
            ui.weak("A filter without conditions hides nothing");
        }
    }
}

/// A checkbox without text, named `name` for screen readers and tests.
fn tick(ui: &mut egui::Ui, value: &mut bool, name: String) {
    let response = ui.checkbox(value, "");
    let selected = *value;
    response
        .widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, selected, &name));
}

impl super::FerryApp {
    /// Opens the filters dialog (View → Directory listing filters, a pane's Filters button).
    pub(super) fn open_filters(&mut self) {
        self.filter_dialog.open(&self.filters);
    }

    /// The filters from the dialog: saved with the settings and applied at once.
    pub(super) fn filters_edited(&mut self, filters: FilterSettings) {
        if let Err(why) = self.sites.save_filters(&filters) {
            self.tab_mut().status = format!("The filters could not be saved: {why}");
        }
        self.use_filters(filters);
    }

    /// Makes `filters` the ones in force: on the local pane, every tab's remote pane, and the
    /// worker's recursive transfers.
    pub(super) fn use_filters(&mut self, filters: FilterSettings) {
        self.local
            .set_listing_filters(FilterSet::new(filters.enabled(false)));
        for index in 0..self.tabs().len() {
            let set = FilterSet::new(filters.enabled(true));
            self.tabs.get_mut(index).remote.set_listing_filters(set);
        }
        self.link.send(crate::api::Command::SetTransferFilter(
            filters.for_transfers(),
        ));
        self.filters = filters;
    }

    /// The remote filters for a tab that starts a connection.
    pub(super) fn remote_filters(&self) -> FilterSet {
        FilterSet::new(self.filters.enabled(true))
    }
}
