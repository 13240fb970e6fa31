//! The message log, like FileZilla's: one line per event with its `Status:`/`Command:`/
//! `Response:`/`Error:` prefix, coloured for dark and light themes, monospace, selectable,
//! filtered, optionally timestamped, following new lines until the user scrolls up, and capped
//! so a long session never grows memory without bound.

use std::collections::VecDeque;

use egui::{Color32, RichText};

use crate::api::{LogKind, LogLine};

/// The most lines kept; the oldest go first.
pub const DEFAULT_CAP: usize = 10_000;

pub struct LogView {
    lines: VecDeque<LogLine>,
    cap: usize,
    pub filter: String,
    pub timestamps: bool,
}

impl Default for LogView {
    fn default() -> Self {
        LogView::new(DEFAULT_CAP)
    }
}

impl LogView {
    pub fn new(cap: usize) -> Self {
        LogView {
            lines: VecDeque::new(),
            cap: cap.max(1),
            filter: String::new(),
            timestamps: false,
        }
    }

    /// Keeps at most `cap` lines from now on (the oldest go first).
    pub fn set_cap(&mut self, cap: usize) {
        self.cap = cap.max(1);
        while self.lines.len() > self.cap {
            self.lines.pop_front();
        }
    }

    pub fn push(&mut self, line: LogLine) {
        while self.lines.len() >= self.cap {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    /// The lines as text, `Kind:\ttext` (what the user copies).
    pub fn text(&self) -> Vec<String> {
        self.lines
            .iter()
            .map(|l| format!("{}\t{}", l.kind.label(), l.text))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    fn visible(&self) -> Vec<&LogLine> {
        let filter = self.filter.to_lowercase();
        self.lines
            .iter()
            .filter(|l| {
                filter.is_empty()
                    || l.text.to_lowercase().contains(&filter)
                    || l.kind.label().to_lowercase().contains(&filter)
            })
            .collect()
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.strong("Message log");
            let filter = ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text("Filter")
                    .desired_width(160.0),
            );
            ui.ctx().accesskit_node_builder(filter.id, |node| {
                node.set_label("Filter the message log");
            });
            ui.checkbox(&mut self.timestamps, "Timestamps");
            if ui.small_button("Copy all").clicked() {
                ui.ctx().copy_text(self.text().join("\n"));
            }
            if ui.small_button("Clear").clicked() {
                self.lines.clear();
            }
        });
        let dark = ui.visuals().dark_mode;
        let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
        let visible = self.visible();
        let timestamps = self.timestamps;
        // Under the lines (registered before them): the empty space's menu.
        let space = ui.interact(
            ui.available_rect_before_wrap(),
            ui.scope_id().with("log-space"),
            egui::Sense::click(),
        );
        let mut clear = false;
        // A named log region for screen readers, its lines inside.
        let region = egui::UiBuilder::new()
            .accessibility_role(egui::accesskit::Role::Log)
            .accessibility_label("Messages");
        ui.scope_builder(region, |ui| {
            egui::ScrollArea::both()
                .id_salt("message-log")
                .auto_shrink(false)
                .stick_to_bottom(true)
                .show_rows(ui, row_height, visible.len(), |ui, rows| {
                    for line in &visible[rows] {
                        let mut text = String::new();
                        if timestamps {
                            let time: chrono::DateTime<chrono::Local> = line.time.into();
                            text.push_str(&time.format("%H:%M:%S ").to_string());
                        }
                        text.push_str(&format!("{:<10}{}", line.kind.label(), line.text));
                        let colour = color(line.kind, dark);
                        let label =
                            egui::Label::new(RichText::new(&text).monospace().color(colour))
                                .extend()
                                .selectable(true);
                        ui.add(label).context_menu(|ui| {
                            clear |= self.menu(ui, Some(&text));
                        });
                    }
                });
        });
        space.context_menu(|ui| clear |= self.menu(ui, None));
        if clear {
            self.lines.clear();
        }
    }

    /// The log's context menu: copy the line it was opened on, copy all, clear (returned: the
    /// lines are borrowed while drawn).
    fn menu(&self, ui: &mut egui::Ui, line: Option<&str>) -> bool {
        if let Some(line) = line
            && ui.button("Copy").clicked()
        {
            ui.ctx().copy_text(line.to_string());
            ui.close();
        }
        if ui.button("Copy all").clicked() {
            ui.ctx().copy_text(self.text().join("\n"));
            ui.close();
        }
        let clear = ui.button("Clear").clicked();
        if clear {
            ui.close();
        }
        clear
    }
}

/// FileZilla's colours: errors red, commands blue, responses green, status plain.
pub fn color(kind: LogKind, dark: bool) -> Color32 {
    match (kind, dark) {
        (LogKind::Error, true) => Color32::from_rgb(255, 110, 110),
        (LogKind::Error, false) => Color32::from_rgb(190, 0, 0),
        (LogKind::Command, true) => Color32::from_rgb(120, 170, 255),
        (LogKind::Command, false) => Color32::from_rgb(0, 0, 160),
        (LogKind::Response, true) => Color32::from_rgb(110, 210, 110),
        (LogKind::Response, false) => Color32::from_rgb(0, 120, 0),
        (LogKind::Status, true) => Color32::from_gray(210),
        (LogKind::Status, false) => Color32::from_gray(40),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> LogLine {
        LogLine {
            session: crate::api::SessionId(1),
            connection: 0,
            time: std::time::SystemTime::now(),
            kind: LogKind::Status,
            text: format!("line {n}"),
        }
    }

    #[test]
    fn the_oldest_lines_go_when_the_cap_is_reached() {
        let mut log = LogView::new(3);
        for n in 0..5 {
            log.push(line(n));
        }
        assert_eq!(
            log.text(),
            ["Status:\tline 2", "Status:\tline 3", "Status:\tline 4"]
        );
    }

    #[test]
    fn the_filter_matches_text_and_kind() {
        let mut log = LogView::new(10);
        log.push(line(1));
        log.push(line(22));
        log.filter = "22".to_string();
        assert_eq!(log.visible().len(), 1);
        log.filter = "status".to_string();
        assert_eq!(log.visible().len(), 2);
    }
}
