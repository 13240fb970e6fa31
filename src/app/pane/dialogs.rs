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
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            // An invalid octal mode closes nothing: Enter and OK wait for a valid one.
            let mut valid = true;
            if let Editing::Chmod { octal, .. } = editing {
                chmod_checkboxes(ui, octal);
                valid = parse_mode(octal).is_some();
            }
            if entered && valid {
                done = Some(true);
            }
            ui.horizontal(|ui| {
                if ui.add_enabled(valid, egui::Button::new("OK")).clicked() {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    done = Some(false);
                }
            });
        });
        match done {
            Some(true) => self.finish_edit(actions),
            Some(false) => self.editing = None,
            None => {}
        }
    }

    /// The action of the dialog just confirmed with OK or Enter.
    fn finish_edit(&mut self, actions: &mut Vec<PaneAction>) {
        match self.editing.take() {
            Some(Editing::Mkdir(name)) if !name.trim().is_empty() => {
                actions.push(PaneAction::Mkdir(self.child(name.trim())))
            }
            Some(Editing::Rename { from, to }) if !to.trim().is_empty() && to != from => actions
                .push(PaneAction::Rename {
                    from: self.child(&from),
                    to: self.child(to.trim()),
                }),
            Some(Editing::Chmod { names, octal }) => {
                if let Some(mode) = parse_mode(&octal) {
                    let names = names.iter().map(|n| self.child(n)).collect();
                    actions.push(PaneAction::Chmod { names, mode });
                }
            }
            _ => {}
        }
    }
}

/// The permission checkboxes bound to an octal string: read/write/execute for owner, group and
/// public, and the setuid, setgid and sticky bits. An empty string (permissions unknown) shows
/// every box clear until one is changed; nothing is assumed.
fn chmod_checkboxes(ui: &mut egui::Ui, octal: &mut String) {
    let known = parse_mode(octal);
    if known.is_none() {
        ui.label("The current permissions are unknown: tick them or type an octal mode.");
    }
    let mut mode = known.unwrap_or(0);
    let mut changed = false;
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
                changed |= bit_checkbox(ui, &mut mode, bit, "");
            }
            ui.end_row();
        }
        ui.label("Special");
        changed |= bit_checkbox(ui, &mut mode, 0o4000, "setuid");
        changed |= bit_checkbox(ui, &mut mode, 0o2000, "setgid");
        changed |= bit_checkbox(ui, &mut mode, 0o1000, "sticky");
        ui.end_row();
    });
    if changed {
        *octal = format_mode(mode);
    }
}

fn bit_checkbox(ui: &mut egui::Ui, mode: &mut u32, bit: u32, label: &str) -> bool {
    let mut on = *mode & bit != 0;
    let changed = ui.checkbox(&mut on, label).changed();
    if changed {
        *mode ^= bit;
    }
    changed
}

/// An octal mode as typed (`755`, `4755`), or `None` when it is not one.
pub(super) fn parse_mode(octal: &str) -> Option<u32> {
    let octal = octal.trim();
    if octal.is_empty() || octal.len() > 4 {
        return None;
    }
    u32::from_str_radix(octal, 8).ok()
}

/// `755`, or `4755` with special bits.
pub(super) fn format_mode(mode: u32) -> String {
    if mode > 0o777 {
        format!("{mode:04o}")
    } else {
        format!("{mode:03o}")
    }
}

/// `rwxr-xr-x` as a number, with `s`/`S` (setuid, setgid) and `t`/`T` (sticky) read as well; a
/// leading type letter (`d`) and a trailing ACL or SELinux marker (`+`, `.`, `@`) are ignored.
pub(super) fn octal_of(permissions: &str) -> Option<u32> {
    let mut chars: Vec<char> = permissions.chars().collect();
    if chars.len() == 11 || (chars.len() == 10 && matches!(chars[9], '+' | '.' | '@')) {
        chars.pop();
    }
    if chars.len() == 10 {
        chars.remove(0);
    }
    if chars.len() != 9 {
        return None;
    }
    let mut mode = 0;
    for (i, c) in chars.iter().enumerate() {
        let bit = 1 << (8 - i);
        let special = match i {
            2 => 0o4000,
            5 => 0o2000,
            8 => 0o1000,
            _ => 0,
        };
        match (c, i % 3) {
            ('-', _) => {}
            ('r', 0) | ('w', 1) | ('x', 2) => mode |= bit,
            ('s', 2) if i != 8 => mode |= bit | special,
            ('S', 2) if i != 8 => mode |= special,
            ('t', 2) if i == 8 => mode |= bit | special,
            ('T', 2) if i == 8 => mode |= special,
            _ => return None,
        }
    }
    Some(mode)
}
