//! A pane's path bar: its title, back/forward/up/home/refresh buttons, the path field, and the
//! breadcrumb under it; every glyph button named for screen readers.

use egui::Key;

use super::{Pane, PaneAction, Side, side_id};

impl Pane {
    pub(super) fn navigate(&mut self, path: String, actions: &mut Vec<PaneAction>) {
        self.loading = true;
        actions.push(PaneAction::Navigate(path));
    }

    pub(super) fn path_bar(
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
                if glyph_button(ui, "⬅", "Back", "Back").clicked()
                    && let Some(previous) = self.back.pop()
                {
                    self.forward.push(self.path.clone());
                    self.navigate(previous, actions);
                }
                if glyph_button(ui, "➡", "Forward", "Forward").clicked()
                    && let Some(next) = self.forward.pop()
                {
                    self.navigate(next, actions);
                }
                if glyph_button(ui, "⬆", "Parent directory", "Parent directory (Backspace)")
                    .clicked()
                    && let Some(parent) = self.parent()
                {
                    self.navigate(parent, actions);
                }
                if glyph_button(ui, "~", "Home directory", "Home").clicked()
                    && !self.home.is_empty()
                {
                    self.navigate(self.home.clone(), actions);
                }
                if glyph_button(ui, "🔄", "Refresh folder", "Refresh (F5)").clicked() {
                    self.navigate(self.path.clone(), actions);
                }
                if self.side == Side::Local
                    && glyph_button(ui, "📂", "Choose a folder", "Choose a folder...").clicked()
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

/// A small button showing a glyph, with a text name for screen readers (the glyph is none)
/// and a tooltip.
pub fn glyph_button(ui: &mut egui::Ui, glyph: &str, name: &str, hint: &str) -> egui::Response {
    let response = ui.small_button(glyph).on_hover_text(hint);
    let name = name.to_string();
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_label(name));
    response
}
