//! The Site Manager window: the tree of folders and sites (search, new, rename, duplicate,
//! delete with confirmation, drag to reorder or move between folders) and the editor of the
//! selected site, whose password goes to the OS keyring. It edits the store by id, so another
//! window's changes are picked up, and hands a ready connection to the app.

use egui::{Color32, RichText};

use crate::api::Secret;
use crate::sites::{
    Colour, DataOptions, KeepAlive, Keyring, KeyringError, Logon, Node, NodeId, SettingsStore,
    SiteConnection, SiteEntry, SiteProtocol, SiteStore, TransferMode, connection,
};

/// What the manager asks the app to do.
pub enum ManagerAction {
    Connect(Box<SiteConnection>),
}

/// Which part of the site editor is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    General,
    Transfer,
    Advanced,
}

/// A site being edited: a copy of the stored entry, saved on "Save" or "Connect".
struct Draft {
    entry: SiteEntry,
    password: String,
    /// The user typed in the password field (else the keyring keeps what it has).
    password_touched: bool,
    /// The keyring holds a password for this site.
    stored_password: bool,
    port: String,
    external_ip: String,
    ports: String,
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
                external_ip: options
                    .active_external_ip
                    .map(|ip| ip.to_string())
                    .unwrap_or_default(),
                ports: options
                    .active_ports
                    .map(|r| format!("{}-{}", r.first, r.last))
                    .unwrap_or_default(),
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
        ui.horizontal_wrapped(|ui| {
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
        });
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
            if let Some((renaming, name)) = &mut self.renaming
                && *renaming == id
            {
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
            let response = ui.interact(
                response.rect,
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
            if let Some(payload) = response.dnd_release_payload::<Dragged>()
                && payload.0 != id
            {
                // Onto a folder: into it; onto a site: before it, in its folder.
                *dropped = Some(match node {
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
                });
            }
            if response.dnd_hover_payload::<Dragged>().is_some() {
                ui.painter().rect_stroke(
                    response.rect,
                    2.0,
                    ui.visuals().selection.stroke,
                    egui::StrokeKind::Inside,
                );
            }
        }
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

    /// Writes the draft to the store and its password to the keyring.
    fn save(&mut self, store: &mut SiteStore, keyring: &Keyring) -> bool {
        let Some(draft) = &mut self.draft else {
            return false;
        };
        let port = draft.port.trim();
        draft.entry.port = if port.is_empty() {
            None
        } else {
            match port.parse::<u16>() {
                Ok(p) if p > 0 => Some(p),
                _ => {
                    let text = format!("The port {port:?} is not a number from 1 to 65535");
                    self.error(text);
                    return false;
                }
            }
        };
        if let Some(options) = &mut draft.entry.data_options {
            let ip = draft.external_ip.trim();
            options.active_external_ip = if ip.is_empty() {
                None
            } else {
                match ip.parse() {
                    Ok(ip) => Some(ip),
                    Err(_) => {
                        let text = format!("{ip:?} is not an IPv4 address like 203.0.113.7");
                        self.error(text);
                        return false;
                    }
                }
            };
            let ports = draft.ports.trim();
            options.active_ports = if ports.is_empty() {
                None
            } else {
                match crate::api::PortRange::parse(ports) {
                    Some(range) => Some(range),
                    None => {
                        let text = format!("{ports:?} is not a port range like 50000-50100");
                        self.error(text);
                        return false;
                    }
                }
            };
        }
        if let Err(problem) = draft.entry.check() {
            self.error(problem);
            return false;
        }
        let entry = draft.entry.clone();
        let password = (draft.password_touched && entry.logon == Logon::Normal)
            .then(|| Secret::new(std::mem::take(&mut draft.password)));
        let forget = entry.logon != Logon::Normal && draft.stored_password;
        if let Err(e) = store.save_site(entry.clone()) {
            self.error(e.to_string());
            return false;
        }
        if let Some(password) = password {
            match keyring.set(&entry.id, &password) {
                Ok(()) => {
                    if let Some(draft) = &mut self.draft {
                        draft.stored_password = true;
                        draft.password_touched = false;
                    }
                }
                Err(e) => {
                    self.error(format!(
                        "Saved, but the password was not ({e}): it will be asked for when connecting"
                    ));
                    return true;
                }
            }
        }
        if forget {
            let _ = keyring.delete(&entry.id);
            if let Some(draft) = &mut self.draft {
                draft.stored_password = false;
            }
        }
        self.note(format!("Saved {:?}.", entry.name));
        true
    }

    fn editor(
        &mut self,
        ui: &mut egui::Ui,
        store: &mut SiteStore,
        settings: &SettingsStore,
        keyring: &Keyring,
    ) -> Option<ManagerAction> {
        if self.draft.is_none() {
            ui.weak("Select a site to edit it, or add one with \"New site\".");
            return None;
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.page, Page::General, "General");
            ui.selectable_value(&mut self.page, Page::Transfer, "Transfer settings");
            ui.selectable_value(&mut self.page, Page::Advanced, "Advanced");
        });
        ui.separator();
        let page = self.page;
        let draft = self.draft.as_mut()?;
        egui::Grid::new("site-editor")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| match page {
                Page::General => general(ui, draft),
                Page::Transfer => transfer(ui, draft),
                Page::Advanced => advanced(ui, draft),
            });
        ui.add_space(8.0);
        let mut connect = std::mem::take(&mut self.connect_requested);
        let mut save = false;
        ui.horizontal(|ui| {
            connect |= ui.button("Connect").clicked();
            save = ui.button("Save").clicked();
        });
        if save {
            self.save(store, keyring);
        }
        if connect && self.save(store, keyring) {
            let id = self.draft.as_ref()?.entry.id.clone();
            match connection(store.tree(), &id, settings.settings(), keyring) {
                Ok(connection) => return Some(ManagerAction::Connect(Box::new(connection))),
                Err(e) => self.error(e.to_string()),
            }
        }
        None
    }
}

fn labelled_text(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) -> egui::Response {
    let label = ui.label(label);
    let response = ui
        .add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(260.0),
        )
        .labelled_by(label.id);
    ui.end_row();
    response
}

fn general(ui: &mut egui::Ui, draft: &mut Draft) {
    let entry = &mut draft.entry;
    let label = ui.label("Protocol:");
    egui::ComboBox::from_id_salt("site-protocol")
        .selected_text(entry.protocol.label())
        .width(260.0)
        .show_ui(ui, |ui| {
            for protocol in SiteProtocol::ALL {
                ui.selectable_value(&mut entry.protocol, protocol, protocol.label());
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    labelled_text(ui, "Host:", &mut entry.host, "ftp.example.com");
    let default_port = entry.protocol.default_port().to_string();
    labelled_text(ui, "Port:", &mut draft.port, &default_port);
    let label = ui.label("Logon type:");
    egui::ComboBox::from_id_salt("site-logon")
        .selected_text(entry.logon.label())
        .show_ui(ui, |ui| {
            for logon in Logon::ALL {
                ui.selectable_value(&mut entry.logon, logon, logon.label());
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    if entry.logon != Logon::Anonymous {
        labelled_text(ui, "User:", &mut entry.user, "");
    }
    if entry.logon == Logon::Normal {
        let label = ui.label("Password:");
        let hint = if draft.stored_password {
            "saved in the keyring"
        } else {
            ""
        };
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut draft.password)
                    .password(true)
                    .hint_text(hint)
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
        if field.changed() {
            draft.password_touched = true;
        }
        ui.end_row();
    }
    if entry.protocol == SiteProtocol::Ftp {
        ui.label("");
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "Plain FTP sends the password and files unencrypted.",
        );
        ui.end_row();
    }
    let label = ui.label("Colour:");
    egui::ComboBox::from_id_salt("site-colour")
        .selected_text(entry.colour.label())
        .show_ui(ui, |ui| {
            for colour in Colour::ALL {
                let mut text = RichText::new(colour.label());
                if let Some(c) = colour32(colour) {
                    text = text.color(c);
                }
                ui.selectable_value(&mut entry.colour, colour, text);
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Comments:");
    ui.add(
        egui::TextEdit::multiline(&mut entry.comments)
            .desired_rows(3)
            .desired_width(260.0),
    )
    .labelled_by(label.id);
    ui.end_row();
}

fn transfer(ui: &mut egui::Ui, draft: &mut Draft) {
    let entry = &mut draft.entry;
    let label = ui.label("Transfer mode:");
    egui::ComboBox::from_id_salt("site-mode")
        .selected_text(
            entry
                .mode
                .map_or("Default (from Settings)", TransferMode::label),
        )
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut entry.mode, None, "Default (from Settings)");
            for mode in TransferMode::ALL {
                ui.selectable_value(&mut entry.mode, Some(mode), mode.label());
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    ui.label("");
    let mut own = entry.data_options.is_some();
    if ui
        .checkbox(
            &mut own,
            "Own data connection options (else the global ones)",
        )
        .changed()
    {
        entry.data_options = own.then(DataOptions::default);
    }
    ui.end_row();
    if let Some(options) = &mut entry.data_options {
        ui.label("");
        ui.checkbox(&mut options.use_epsv, "Passive: try EPSV before PASV");
        ui.end_row();
        ui.label("");
        ui.checkbox(
            &mut options.trust_pasv_address,
            "Passive: trust the address in the 227 reply",
        );
        ui.end_row();
        labelled_text(ui, "Active: external IPv4:", &mut draft.external_ip, "auto");
        labelled_text(
            ui,
            "Active: port range:",
            &mut draft.ports,
            "any, e.g. 50000-50100",
        );
    }
    ui.label("Simultaneous transfers:");
    ui.horizontal(|ui| {
        let mut own = entry.max_connections.is_some();
        if ui.checkbox(&mut own, "Limit to").changed() {
            entry.max_connections = own.then_some(2);
        }
        if let Some(n) = &mut entry.max_connections {
            ui.add(egui::DragValue::new(n).range(1..=10));
        } else {
            ui.weak("default");
        }
    });
    ui.end_row();
    ui.label("Keep-alive:");
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("site-keepalive")
            .selected_text(match entry.keepalive {
                None => "Default",
                Some(KeepAlive::Off) => "Off",
                Some(KeepAlive::Seconds(_)) => "Every",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut entry.keepalive, None, "Default");
                ui.selectable_value(&mut entry.keepalive, Some(KeepAlive::Off), "Off");
                if ui
                    .selectable_label(
                        matches!(entry.keepalive, Some(KeepAlive::Seconds(_))),
                        "Every",
                    )
                    .clicked()
                {
                    entry.keepalive = Some(KeepAlive::Seconds(60));
                }
            });
        if let Some(KeepAlive::Seconds(s)) = &mut entry.keepalive {
            ui.add(
                egui::DragValue::new(s)
                    .range(KeepAlive::MIN_SECONDS..=KeepAlive::MAX_SECONDS)
                    .suffix(" s"),
            );
        }
    });
    ui.end_row();
}

fn advanced(ui: &mut egui::Ui, draft: &mut Draft) {
    let entry = &mut draft.entry;
    let mut local = entry
        .local_dir
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if labelled_text(ui, "Default local folder:", &mut local, "unchanged").changed() {
        entry.local_dir = (!local.trim().is_empty()).then(|| local.trim().into());
    }
    let mut remote = entry.remote_dir.clone().unwrap_or_default();
    if labelled_text(
        ui,
        "Default remote folder:",
        &mut remote,
        "the login folder",
    )
    .changed()
    {
        entry.remote_dir = (!remote.trim().is_empty()).then(|| remote.trim().to_string());
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
