//! Directory comparison and synchronized browsing, FileZilla's pair of view toggles. The
//! comparison colours each pane's rows by [`Class`] (only on this side, newer, older, different)
//! and can hide identical ones; it is computed once whenever either listing changes (`tick`),
//! never per frame. Synchronized browsing (`sync`) follows a folder change on one side on the
//! other. Both toggles sit at the right of the tab strip; the comparison's options and its
//! colour legend show in a row under it while it is on.

mod classify;
mod sync;

use egui::Color32;

pub use classify::{Class, CompareMode, CompareOptions, Compared, Stamp, compare};
pub use sync::{Missing, SyncRoots};

use super::{AppCommand, FerryApp};
use crate::api::{RemoteTime, SessionId};

/// A pane's share of a comparison: the class of each of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marks {
    pub classes: Vec<Class>,
    pub hide_identical: bool,
}

impl Marks {
    /// Whether the entry at `index` is shown.
    pub fn shows(&self, index: usize) -> bool {
        !(self.hide_identical && self.classes.get(index) == Some(&Class::Identical))
    }
}

/// The colour of a class in the current theme (`None`: no colour), translucent so the table's
/// stripes and hover show through.
pub fn colour(class: Class, dark: bool) -> Option<Color32> {
    let (r, g, b) = match (class, dark) {
        (Class::Identical, _) => return None,
        (Class::OnlyHere, false) => (245, 200, 0),
        (Class::OnlyHere, true) => (200, 160, 0),
        (Class::Newer, false) => (40, 180, 60),
        (Class::Newer, true) => (40, 160, 60),
        (Class::Older, false) => (80, 130, 230),
        (Class::Older, true) => (70, 110, 210),
        (Class::Different, false) => (230, 60, 60),
        (Class::Different, true) => (210, 50, 50),
    };
    Some(Color32::from_rgba_unmultiplied(
        r,
        g,
        b,
        if dark { 90 } else { 80 },
    ))
}

/// What the legend calls a class.
pub fn class_label(class: Class) -> &'static str {
    match class {
        Class::Identical => "Identical",
        Class::OnlyHere => "Only on this side",
        Class::Newer => "Newer",
        Class::Older => "Older",
        Class::Different => "Different size or type",
    }
}

/// Paints a cell's background in its row's comparison colour.
pub fn tint_cell(ui: &mut egui::Ui, class: Option<Class>) {
    if let Some(fill) = class.and_then(|c| colour(c, ui.visuals().dark_mode)) {
        let rect = ui
            .max_rect()
            .expand2(egui::vec2(ui.spacing().item_spacing.x / 2.0, 1.0));
        ui.painter().rect_filled(rect, 0.0, fill);
    }
}

/// The state of both toggles.
#[derive(Debug, Default)]
pub struct Browsing {
    pub comparing: bool,
    pub options: CompareOptions,
    /// What the marks shown were computed from: both panes' generations, the options, the tab.
    computed: Option<(u64, u64, CompareOptions, SessionId)>,
    /// Per tab: the folders synchronized browsing started from.
    pub sync: std::collections::HashMap<SessionId, SyncRoots>,
    /// Tabs where synchronized browsing starts once both listings are in (a site or bookmark).
    pub sync_pending: std::collections::HashSet<SessionId>,
    /// A folder synchronized browsing did not find, offered to be created.
    pub missing: Option<Missing>,
    /// The remote folder synchronized browsing last entered, until its listing ends.
    followed: Option<(SessionId, String)>,
    /// How many rows of each class each side has, for the legend: (class, local, remote).
    counts: Vec<(Class, usize, usize)>,
}

/// The legend's counts of a comparison.
fn counts(compared: &Compared) -> Vec<(Class, usize, usize)> {
    let count = |classes: &[Class], class| classes.iter().filter(|c| **c == class).count();
    [
        Class::OnlyHere,
        Class::Newer,
        Class::Older,
        Class::Different,
    ]
    .into_iter()
    .map(|c| (c, count(&compared.local, c), count(&compared.remote, c)))
    .collect()
}

/// A local time (the local clock's wall time) in UTC, to compare with the server's.
fn local_stamp(time: RemoteTime) -> Stamp {
    use chrono::TimeZone;
    let utc = chrono::Local
        .from_local_datetime(&time.time)
        .earliest()
        .map_or(time.time, |t| t.naive_utc());
    Stamp {
        utc,
        precision: time.precision,
    }
}

impl FerryApp {
    /// Whether directory comparison is on.
    pub fn comparing(&self) -> bool {
        self.browse.comparing
    }

    /// Directory comparison on or off (View → Directory comparison).
    pub fn toggle_comparison(&mut self) {
        self.browse.comparing = !self.browse.comparing;
        self.browse.computed = None;
        if !self.browse.comparing {
            self.local.set_marks(None);
            for index in 0..self.tabs().len() {
                self.tabs.get_mut(index).remote.set_marks(None);
            }
        }
    }

    /// The comparison's options (the row under the toggles).
    pub fn set_compare_options(&mut self, options: CompareOptions) {
        self.browse.options = options;
    }

    /// Compares the two panes again when a listing or an option changed since the last time;
    /// once per frame, nothing to do most of the time.
    pub(super) fn comparison_tick(&mut self) {
        if !self.browse.comparing {
            return;
        }
        let tab = self.tabs.active();
        let (local, remote) = (&self.local, &tab.remote);
        if local.loading || remote.loading {
            return;
        }
        let key = (
            local.generation(),
            remote.generation(),
            self.browse.options,
            tab.session,
        );
        if self.browse.computed == Some(key) {
            return;
        }
        self.browse.computed = Some(key);
        if !tab.connected {
            self.local.set_marks(None);
            return;
        }
        let options = self.browse.options;
        let compared = compare(local.entries(), remote.entries(), &options, local_stamp);
        self.browse.counts = counts(&compared);
        let marks = |classes| Marks {
            classes,
            hide_identical: options.hide_identical,
        };
        self.local.set_marks(Some(marks(compared.local)));
        self.tabs
            .active_mut()
            .remote
            .set_marks(Some(marks(compared.remote)));
        // Setting marks changes no generation: the key stays valid.
    }

    /// The toggles at the right of the tab strip: directory comparison, synchronized browsing,
    /// and the bookmarks menu.
    pub(super) fn view_toggles(&mut self, ui: &mut egui::Ui) {
        let syncing = self.syncing();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .selectable_label(syncing, "Synchronized browsing")
                .on_hover_text(
                    "Entering a folder on one side enters the same one on the other (Ctrl+Y)",
                )
                .clicked()
            {
                self.commands.push(AppCommand::ToggleSyncBrowsing);
            }
            if ui
                .selectable_label(self.browse.comparing, "Directory comparison")
                .on_hover_text("Colour the files that differ between the two folders (Ctrl+O)")
                .clicked()
            {
                self.commands.push(AppCommand::ToggleComparison);
            }
        });
    }

    /// While comparing: what is compared, the threshold, "hide identical", and the legend of
    /// colours with each side's counts.
    pub(super) fn comparison_bar(&mut self, ui: &mut egui::Ui) {
        if !self.browse.comparing {
            return;
        }
        let mut options = self.browse.options;
        let counts = self.browse.counts.clone();
        egui::Panel::top("comparison").show(ui, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Compare:");
                egui::ComboBox::from_id_salt("compare-mode")
                    .selected_text(options.mode.label())
                    .show_ui(ui, |ui| {
                        for mode in CompareMode::ALL {
                            ui.selectable_value(&mut options.mode, mode, mode.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if options.mode != CompareMode::Size {
                    let label = ui.label("Threshold:");
                    ui.add(
                        egui::DragValue::new(&mut options.threshold_minutes)
                            .range(0..=1440)
                            .suffix(" min"),
                    )
                    .labelled_by(label.id);
                }
                ui.checkbox(&mut options.hide_identical, "Hide identical files");
                ui.separator();
                legend(ui, &counts);
            });
        });
        if options != self.browse.options {
            self.set_compare_options(options);
        }
    }
}

/// Each colour named, with how many rows have it on each side.
fn legend(ui: &mut egui::Ui, counts: &[(Class, usize, usize)]) {
    let dark = ui.visuals().dark_mode;
    for &(class, local, remote) in counts {
        let size = egui::vec2(12.0, 12.0);
        let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
        if let Some(fill) = colour(class, dark) {
            ui.painter().rect_filled(rect, 2.0, fill);
            ui.painter().rect_stroke(
                rect,
                2.0,
                egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
                egui::StrokeKind::Inside,
            );
        }
        ui.small(format!(
            "{} ({local} local, {remote} remote)",
            class_label(class)
        ))
        .on_hover_text(format!(
            "{}: {local} in the local folder, {remote} in the remote folder",
            class_label(class)
        ));
    }
}
