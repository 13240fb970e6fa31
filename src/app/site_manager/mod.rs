//! The Site Manager window: the tree of folders and sites (search, new, rename, duplicate,
//! delete with confirmation, drag to reorder or move between folders) and the editor of the
//! selected site, whose password goes to the OS keyring. It edits the store by id, so another
//! window's changes are picked up, and hands a ready connection to the app.

mod charset;
mod editor;
mod transfer_options;

use egui::{Color32, RichText};

use super::data_fields::DataFields;
use editor::{Draft, Page};

use crate::sites::{
    Colour, Keyring, KeyringError, Logon, Node, NodeId, SettingsStore, SiteConnection, SiteEntry,
    SiteStore,
};

/// What the manager asks the app to do.
pub enum ManagerAction {
    Connect(Box<SiteConnection>),
}

pub struct SiteManager {
    pub open: bool,
    selected: Option<NodeId>,
    draft: Option<Draft>,
    page: Page,
    search: String,
    renaming: Option<(NodeId, String)>,
    confirm_delete: Option<NodeId>,
    message: Option<(String, bool)>,
    /// A rename typed in the tree, carried out once the tree is drawn.
    pending_rename: Option<(NodeId, String)>,
    /// A site was double-clicked.
    connect_requested: bool,
}

impl Default for SiteManager {
    fn default() -> Self {
        SiteManager {
            open: false,
            selected: None,
            draft: None,
            page: Page::General,
            search: String::new(),
            renaming: None,
            confirm_delete: None,
            message: None,
            pending_rename: None,
            connect_requested: false,
        }
    }
}

/// The colour of a site's label, if it has one.
pub fn colour32(colour: Colour) -> Option<Color32> {
    colour.rgb().map(|[r, g, b]| Color32::from_rgb(r, g, b))
}

/// A dragged tree row.
#[derive(Debug, Clone)]
struct Dragged(NodeId);

/// Where a dragged row was dropped: into a folder (`None`: the top level) at an index.
struct Drop {
    id: NodeId,
    folder: Option<NodeId>,
    index: usize,
}

impl SiteManager {
    fn error(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), true));
    }

    fn note(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), false));
    }

    fn select(&mut self, store: &SiteStore, keyring: &Keyring, id: NodeId) {
        self.draft = store.tree().site(&id).map(|entry| {
            let options = entry.data_options.unwrap_or_default();
            let stored = entry.logon == Logon::Normal && keyring.has(&entry.id).unwrap_or(false);
            Draft {
                entry: entry.clone(),
                // A stored password is not read back into the window: it stays in the keyring.
                password: String::new(),
                password_touched: false,
                stored_password: stored,
                port: entry.port.map(|p| p.to_string()).unwrap_or_default(),
                data: DataFields::new(&options),
            }
        });
        self.selected = Some(id);
    }

    /// The folder new entries go into: the selected folder, or the selected site's folder.
    fn target_folder(&self, store: &SiteStore) -> Option<NodeId> {
        let id = self.selected.as_ref()?;
        if store.tree().folder(id).is_some() {
            return Some(id.clone());
        }
        store.tree().parent(id).flatten().cloned()
    }

    /// Draws the window; returns a connection to open when the user asked for one.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        store: &mut SiteStore,
        settings: &SettingsStore,
        keyring: &Keyring,
    ) -> Option<ManagerAction> {
        if !self.open {
            return None;
        }
        store.reload_if_changed();
        let mut action = None;
        let mut open = self.open;
        egui::Window::new("Site Manager")
            .open(&mut open)
            .default_size([820.0, 540.0])
            .collapsible(false)
            .show(ctx, |ui| {
                if let Some(problem) = store.problem() {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("The sites file cannot be used, so nothing will be saved: {problem}"),
                    );
                }
                if let Some(reason) = keyring.unavailable_reason() {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("No keyring is available ({reason}): passwords are asked for when connecting and never saved."),
                    );
                }
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(300.0);
                        self.tree_side(ui, store, keyring);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        action = self.editor(ui, store, settings, keyring);
                    });
                });
                if let Some((text, is_error)) = &self.message {
                    let colour = if *is_error {
                        ui.visuals().error_fg_color
                    } else {
                        ui.visuals().weak_text_color()
                    };
                    ui.colored_label(colour, text);
                }
            });
        self.open = open && action.is_none();
        self.delete_dialog(ctx, store, keyring);
        action
    }

    fn tree_side(&mut self, ui: &mut egui::Ui, store: &mut SiteStore, keyring: &Keyring) {
        ui.horizontal(|ui| {
            let label = ui.label("Search:");
            ui.add(egui::TextEdit::singleline(&mut self.search).desired_width(220.0))
                .labelled_by(label.id);
        });
        ui.horizontal_wrapped(|ui| self.tree_buttons(ui, store, keyring));
        ui.separator();
        let mut dropped = None;
        egui::ScrollArea::vertical()
            .id_salt("site-tree")
            .max_height(ui.available_height() - 30.0)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.search.trim().is_empty() {
                    let nodes = store.tree().nodes.clone();
                    self.nodes(ui, store, keyring, &nodes, None, &mut dropped);
                } else {
                    let hits: Vec<(NodeId, String)> = store
                        .tree()
                        .search(self.search.trim())
                        .into_iter()
                        .map(|r| (r.site.id.clone(), r.path))
                        .collect();
                    if hits.is_empty() {
                        ui.weak("No site matches.");
                    }
                    for (id, path) in hits {
                        let selected = self.selected.as_ref() == Some(&id);
                        if ui.selectable_label(selected, path).clicked() {
                            self.select(store, keyring, id);
                        }
                    }
                }
            });
        self.after_tree(ui, store, dropped);
    }

    /// Rows dropped below the tree (to the top level), then a move or rename asked for while
    /// the tree was drawn.
    fn after_tree(&mut self, ui: &mut egui::Ui, store: &mut SiteStore, mut dropped: Option<Drop>) {
        // The top level takes rows dropped below the tree.
        let (_, payload) = ui.dnd_drop_zone::<Dragged, ()>(egui::Frame::new(), |ui| {
            ui.weak("Drop here to move to the top level");
        });
        if let Some(payload) = payload {
            dropped = Some(Drop {
                id: payload.0.clone(),
                folder: None,
                index: usize::MAX,
            });
        }
        if let Some(drop) = dropped
            && let Err(e) = store.move_node(&drop.id, drop.folder.as_ref(), drop.index)
        {
            self.error(e.to_string());
        }
        if let Some((id, name)) = self.pending_rename.take() {
            match store.rename(&id, name.trim()) {
                Ok(()) => {
                    if let Some(draft) = &mut self.draft
                        && draft.entry.id == id
                    {
                        draft.entry.name = name.trim().to_string();
                    }
                }
                Err(e) => self.error(e.to_string()),
            }
        }
    }

    /// New site, New folder, Rename, Duplicate, Delete.
    fn tree_buttons(&mut self, ui: &mut egui::Ui, store: &mut SiteStore, keyring: &Keyring) {
        if ui.button("New site").clicked() {
            let folder = self.target_folder(store);
            let name = store.tree().free_name(folder.as_ref(), "New site");
            match store.add_site(folder.as_ref(), SiteEntry::new(name)) {
                Ok(id) => {
                    self.select(store, keyring, id.clone());
                    self.page = Page::General;
                    self.note("New site added: fill in the host and save.");
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        if ui.button("New folder").clicked() {
            let folder = self.target_folder(store);
            let name = store.tree().free_name(folder.as_ref(), "New folder");
            match store.add_folder(folder.as_ref(), &name) {
                Ok(id) => {
                    self.renaming = Some((id.clone(), name));
                    self.selected = Some(id);
                    self.draft = None;
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        let selected = self.selected.clone();
        ui.add_enabled_ui(selected.is_some(), |ui| {
            if ui.button("Rename").clicked()
                && let Some(id) = &selected
                && let Some(node) = store.tree().get(id)
            {
                self.renaming = Some((id.clone(), node.name().to_string()));
            }
            if ui.button("Duplicate").clicked()
                && let Some(id) = &selected
            {
                match store.duplicate(id) {
                    Ok(copy) => {
                        if let Err(e) = keyring.copy_passwords(&copy.sites) {
                            self.error(format!("The copy has no password: {e}"));
                        }
                        self.select(store, keyring, copy.id);
                    }
                    Err(e) => self.error(e.to_string()),
                }
            }
            if ui.button("Delete").clicked() {
                self.confirm_delete = selected.clone();
            }
        });
    }

    fn nodes(
        &mut self,
        ui: &mut egui::Ui,
        store: &SiteStore,
        keyring: &Keyring,
        nodes: &[Node],
        folder: Option<&NodeId>,
        dropped: &mut Option<Drop>,
    ) {
        for (index, node) in nodes.iter().enumerate() {
            let id = node.id().clone();
            if self.rename_field(ui, &id) {
                continue;
            }
            let selected = self.selected.as_ref() == Some(&id);
            let response = match node {
                Node::Folder(f) => {
                    let header = egui::CollapsingHeader::new(format!("📁 {}", f.name))
                        .id_salt(("site-folder", id.as_str()))
                        .default_open(true)
                        .show(ui, |ui| {
                            self.nodes(ui, store, keyring, &f.children, Some(&id), dropped);
                        });
                    header.header_response
                }
                Node::Site(site) => {
                    let mut text = RichText::new(&site.name);
                    if let Some(colour) = colour32(site.colour) {
                        text = text.color(colour);
                    }
                    ui.selectable_label(selected, text)
                }
            };
            let place = (folder, index);
            if let Some(drop) = self.node_response(ui, store, keyring, node, response.rect, place) {
                *dropped = Some(drop);
            }
        }
    }

    /// The name field of the node being renamed, if it is `id`; Enter keeps the new name.
    fn rename_field(&mut self, ui: &mut egui::Ui, id: &NodeId) -> bool {
        let Some((renaming, name)) = &mut self.renaming else {
            return false;
        };
        if renaming != id {
            return false;
        }
        let field = ui.add(egui::TextEdit::singleline(name).desired_width(200.0));
        field.request_focus();
        if field.lost_focus() {
            let name = name.clone();
            self.renaming = None;
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                // The store is read-only here; the rename happens after the tree.
                self.pending_rename = Some((id.clone(), name));
            }
        }
        true
    }

    /// Clicks, double-clicks and drops on a tree row at `rect`; `place` is its folder and index.
    /// Returns a row dropped on it.
    fn node_response(
        &mut self,
        ui: &mut egui::Ui,
        store: &SiteStore,
        keyring: &Keyring,
        node: &Node,
        rect: egui::Rect,
        (folder, index): (Option<&NodeId>, usize),
    ) -> Option<Drop> {
        let id = node.id().clone();
        let response = ui.interact(
            rect,
            egui::Id::unique(("site-row", id.as_str())),
            egui::Sense::click_and_drag(),
        );
        response.dnd_set_drag_payload(Dragged(id.clone()));
        if response.clicked() {
            if matches!(node, Node::Site(_)) {
                self.select(store, keyring, id.clone());
            } else {
                self.selected = Some(id.clone());
                self.draft = None;
            }
        }
        if response.double_clicked() && matches!(node, Node::Site(_)) {
            self.select(store, keyring, id.clone());
            self.connect_requested = true;
        }
        if response.dnd_hover_payload::<Dragged>().is_some() {
            ui.painter().rect_stroke(
                response.rect,
                2.0,
                ui.visuals().selection.stroke,
                egui::StrokeKind::Inside,
            );
        }
        let payload = response
            .dnd_release_payload::<Dragged>()
            .filter(|p| p.0 != id)?;
        // Onto a folder: into it; onto a site: before it, in its folder.
        Some(match node {
            Node::Folder(_) => Drop {
                id: payload.0.clone(),
                folder: Some(id.clone()),
                index: usize::MAX,
            },
            Node::Site(_) => Drop {
                id: payload.0.clone(),
                folder: folder.cloned(),
                index,
            },
        })
    }

    fn delete_dialog(&mut self, ctx: &egui::Context, store: &mut SiteStore, keyring: &Keyring) {
        let Some(id) = self.confirm_delete.clone() else {
            return;
        };
        let Some(node) = store.tree().get(&id) else {
            self.confirm_delete = None;
            return;
        };
        let what = match node {
            Node::Folder(f) => format!("the folder {:?} and everything in it", f.name),
            Node::Site(s) => format!("the site {:?}", s.name),
        };
        egui::Modal::new(egui::Id::unique("site-delete")).show(ctx, |ui| {
            ui.heading("Delete from the Site Manager");
            ui.label(format!(
                "Really delete {what}? Its saved passwords are removed too."
            ));
            ui.horizontal(|ui| {
                if ui.button("Delete").clicked() {
                    match store.delete(&id) {
                        Ok(node) => {
                            if let Err(e) = keyring.forget(&node.site_ids()) {
                                self.error(format!(
                                    "Deleted, but the keyring kept a password: {e}"
                                ));
                            }
                            if self.selected.as_ref() == Some(&id) {
                                self.selected = None;
                                self.draft = None;
                            }
                        }
                        Err(e) => self.error(e.to_string()),
                    }
                    self.confirm_delete = None;
                }
                if ui.button("Cancel").clicked() {
                    self.confirm_delete = None;
                }
            });
        });
    }
}

/// Says once per run that there is no keyring, when a connection found none.
pub fn keyring_note(note: &Option<KeyringError>) -> Option<String> {
    match note {
        Some(KeyringError::Unavailable(reason)) => Some(format!(
            "No keyring is available ({reason}): the password is asked for and not saved"
        )),
        _ => None,
    }
}
