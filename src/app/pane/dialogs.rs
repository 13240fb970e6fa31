//! The small dialogs a pane opens: new folder, rename, permissions (checkboxes and octal), and
//! the confirmation before deleting.

use egui::Key;

use super::{Pane, PaneAction, side_id};

/// A small text input the pane asks for (new folder, rename, permissions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Editing {
    Mkdir(String),
    Rename { from: String, to: String },
    Chmod { names: Vec<String>, octal: String },
}

impl Pane {
    /// The small dialogs a pane opens: new folder, rename, permissions, confirm delete.
    pub(super) fn dialogs(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
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
pub(super) fn octal_of(permissions: &str) -> Option<u32> {
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
