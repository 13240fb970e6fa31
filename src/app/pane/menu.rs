//! What a pane does when asked: open (enter a folder or transfer a file) and the context menus'
//! choices (on a row, on the empty space); the keys come here through `keys`.

use super::dialogs::{Editing, format_mode, octal_of};
use super::{Pane, PaneAction, Side};
use crate::api::{Entry, EntryKind};

impl Pane {
    /// Double-click or Enter: into a directory; a local file is transferred, a remote one does
    /// what Settings say (`OpenFile`: transfer, view/edit, nothing).
    pub(super) fn open(&mut self, position: usize, actions: &mut Vec<PaneAction>) {
        let entry = self.entries[self.order[position]].clone();
        match entry.kind {
            EntryKind::Dir => {
                self.forward.clear();
                let target = self.child(&entry.name);
                self.navigate(target, actions);
            }
            EntryKind::Link if self.side == Side::Remote && entry.size.is_none() => {
                let target = self.child(&entry.name);
                self.navigate(target, actions);
            }
            EntryKind::Unknown => {}
            _ if self.side == Side::Remote => actions.push(PaneAction::OpenFile(entry)),
            _ => actions.push(PaneAction::Transfer(vec![entry])),
        }
    }

    pub(super) fn menu_choice(&mut self, choice: MenuChoice, actions: &mut Vec<PaneAction>) {
        let selected = self.selected_entries();
        match choice {
            MenuChoice::Transfer if !selected.is_empty() => {
                actions.push(PaneAction::Transfer(selected))
            }
            MenuChoice::AddToQueue if !selected.is_empty() => {
                actions.push(PaneAction::AddToQueue(selected))
            }
            MenuChoice::Open => {
                if let Some(first) = selected.first()
                    && let Some(position) = self
                        .order
                        .iter()
                        .position(|&i| self.entries[i].name == first.name)
                {
                    self.open(position, actions);
                }
            }
            MenuChoice::Mkdir => self.editing = Some(Editing::Mkdir(String::new())),
            MenuChoice::Rename => {
                if let Some(first) = selected.first() {
                    self.editing = Some(Editing::Rename {
                        from: first.name.clone(),
                        to: first.name.clone(),
                    });
                }
            }
            MenuChoice::Delete if !selected.is_empty() => self.pending_delete = Some(selected),
            MenuChoice::Chmod if !selected.is_empty() => {
                let octal = common_mode(&selected).map(format_mode).unwrap_or_default();
                self.editing = Some(Editing::Chmod {
                    names: selected.iter().map(|e| e.name.clone()).collect(),
                    octal,
                });
            }
            MenuChoice::CopyUrl => {
                if let Some(first) = selected.first() {
                    actions.push(PaneAction::CopyUrl(self.child(&first.name)));
                }
            }
            MenuChoice::Refresh => self.navigate(self.path.clone(), actions),
            MenuChoice::FileManager => actions.push(PaneAction::OpenInFileManager),
            MenuChoice::UploadHere => actions.push(PaneAction::PickUpload),
            MenuChoice::View | MenuChoice::Edit => {
                if let Some(file) = selected.into_iter().find(|e| e.kind != EntryKind::Dir) {
                    actions.push(match choice {
                        MenuChoice::View => PaneAction::View(file),
                        _ => PaneAction::Edit(file),
                    });
                }
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MenuChoice {
    Transfer,
    Open,
    Mkdir,
    Rename,
    Delete,
    Chmod,
    AddToQueue,
    CopyUrl,
    Refresh,
    FileManager,
    UploadHere,
    View,
    Edit,
}

/// The menu of a pane's empty space (an empty folder has no row to open one on).
pub(super) fn space_menu(ui: &mut egui::Ui, side: Side) -> Option<MenuChoice> {
    let mut choice = None;
    let mut item = |ui: &mut egui::Ui, label: &str, what: MenuChoice| {
        if ui.button(label).clicked() {
            choice = Some(what);
            ui.close();
        }
    };
    item(ui, "Create directory", MenuChoice::Mkdir);
    match side {
        Side::Remote => item(ui, "Upload here...", MenuChoice::UploadHere),
        Side::Local => item(ui, "Open in file manager", MenuChoice::FileManager),
    }
    ui.separator();
    item(ui, "Refresh", MenuChoice::Refresh);
    choice
}

pub(super) fn context_menu(ui: &mut egui::Ui, side: Side) -> Option<MenuChoice> {
    let mut choice = None;
    let transfer = match side {
        Side::Remote => "Download",
        Side::Local => "Upload",
    };
    let mut item = |ui: &mut egui::Ui, label: &str, what: MenuChoice| {
        if ui.button(label).clicked() {
            choice = Some(what);
            ui.close();
        }
    };
    item(ui, transfer, MenuChoice::Transfer);
    item(ui, "Add to queue", MenuChoice::AddToQueue);
    item(ui, "Open / Enter", MenuChoice::Open);
    if side == Side::Remote {
        item(ui, "View", MenuChoice::View);
        item(ui, "Edit", MenuChoice::Edit);
    }
    ui.separator();
    item(ui, "Create directory", MenuChoice::Mkdir);
    item(ui, "Rename", MenuChoice::Rename);
    item(ui, "Delete", MenuChoice::Delete);
    if side == Side::Remote {
        item(ui, "File permissions...", MenuChoice::Chmod);
        item(ui, "Copy URL to clipboard", MenuChoice::CopyUrl);
    } else {
        item(ui, "Open in file manager", MenuChoice::FileManager);
    }
    ui.separator();
    item(ui, "Refresh", MenuChoice::Refresh);
    choice
}

/// The mode every selected entry has, or `None` when one is unknown or they differ: the
/// permissions dialog then starts empty rather than assuming a mode.
pub(super) fn common_mode(selected: &[Entry]) -> Option<u32> {
    let mut modes = selected
        .iter()
        .map(|e| e.permissions.as_deref().and_then(octal_of));
    let first = modes.next()??;
    modes.all(|m| m == Some(first)).then_some(first)
}
