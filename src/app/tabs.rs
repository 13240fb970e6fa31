//! The connection tabs: the list (never empty), which one is shown, the log settings new tabs
//! start with, and the strip of tabs at the top of the window.

use super::AppCommand;
use super::tab::Tab;
use crate::api::SessionId;

pub struct Tabs {
    list: Vec<Tab>,
    active: usize,
    /// How many lines each tab's log keeps, and whether it shows times.
    log_cap: usize,
    log_timestamps: bool,
}

impl Tabs {
    /// One empty tab on `session`.
    pub fn new(session: SessionId, log_cap: usize) -> Tabs {
        Tabs {
            list: vec![Tab::new(session, log_cap)],
            active: 0,
            log_cap,
            log_timestamps: false,
        }
    }

    pub fn all(&self) -> &[Tab] {
        &self.list
    }

    /// The tab shown.
    pub fn active(&self) -> &Tab {
        &self.list[self.active]
    }

    pub fn active_mut(&mut self) -> &mut Tab {
        &mut self.list[self.active]
    }

    pub fn active_index(&self) -> usize {
        self.active
    }

    pub fn get_mut(&mut self, index: usize) -> &mut Tab {
        &mut self.list[index]
    }

    /// Shows the tab at `index`, if there is one.
    pub fn show_tab(&mut self, index: usize) {
        if index < self.list.len() {
            self.active = index;
        }
    }

    /// Where the tab of `session` is.
    pub fn position(&self, session: SessionId) -> Option<usize> {
        self.list.iter().position(|t| t.session == session)
    }

    /// The sessions of open tabs (queue-wide settings go to each).
    pub fn sessions(&self) -> Vec<SessionId> {
        self.list.iter().map(|t| t.session).collect()
    }

    /// Opens a new tab (on a session still to be given) and shows it.
    pub fn open_new(&mut self) {
        let mut tab = Tab::new(SessionId(0), self.log_cap);
        tab.log.timestamps = self.log_timestamps;
        self.list.push(tab);
        self.active = self.list.len() - 1;
    }

    /// Removes a tab; the last one is replaced by an empty tab on a `fresh` session.
    pub fn remove(&mut self, index: usize, fresh: impl FnOnce() -> SessionId) {
        if index >= self.list.len() {
            return;
        }
        self.list.remove(index);
        if self.list.is_empty() {
            self.list.push(Tab::new(fresh(), self.log_cap));
        }
        if self.active >= index && self.active > 0 {
            self.active -= 1;
        }
    }

    /// The log settings for every tab, open and new.
    pub fn set_log(&mut self, cap: usize, timestamps: bool) {
        self.log_cap = cap;
        self.log_timestamps = timestamps;
        for tab in &mut self.list {
            tab.log.set_cap(cap);
            tab.log.timestamps = timestamps;
        }
    }

    /// The strip of tabs: click to show one, × to close it.
    pub fn strip(&self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        ui.horizontal(|ui| {
            for (index, tab) in self.list.iter().enumerate() {
                let state = if tab.connected { "" } else { " (disconnected)" };
                let mut text = egui::RichText::new(format!("{}{state}", tab.label));
                if let Some(colour) = tab.colour {
                    text = text.color(colour);
                }
                if ui
                    .selectable_label(index == self.active, text)
                    .on_hover_text(
                        tab.site
                            .as_ref()
                            .map_or(String::new(), |s| format!("{}:{}", s.host, s.port)),
                    )
                    .clicked()
                {
                    commands.push(AppCommand::ShowTab(index));
                }
                if self.list.len() > 1 || tab.site.is_some() {
                    let name = format!("Close the tab {}", tab.label);
                    let button = super::pane::glyph_button(ui, "×", &name, &name);
                    if button.clicked() {
                        commands.push(AppCommand::CloseTab(index));
                    }
                }
                ui.separator();
            }
        });
    }
}
