//! The Site Manager's editor of one site: a draft copy of the stored entry on four pages
//! (General, Transfer settings, Advanced, Charset), saved to the store with its password going to the
//! keyring, and the Connect button.

use egui::RichText;

use super::{ManagerAction, SiteManager, colour32};
use crate::api::{Secret, ServerType};
use crate::app::data_fields::DataFields;
use crate::sites::{
    Colour, DataOptions, KeepAlive, Keyring, Logon, MAX_TIMEZONE_OFFSET, SettingsStore, SiteEntry,
    SiteProtocol, SiteStore, TransferMode, connection,
};

/// Which part of the site editor is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    General,
    Transfer,
    Advanced,
    Charset,
}

/// A site being edited: a copy of the stored entry, saved on "Save" or "Connect".
pub(super) struct Draft {
    pub(super) entry: SiteEntry,
    pub(super) password: String,
    /// The user typed in the password field (else the keyring keeps what it has).
    pub(super) password_touched: bool,
    /// The keyring holds a password for this site.
    pub(super) stored_password: bool,
    pub(super) port: String,
    pub(super) data: DataFields,
}

impl SiteManager {
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
        if let Some(options) = &mut draft.entry.data_options
            && let Err(problem) = draft.data.apply(options)
        {
            self.error(problem);
            return false;
        }
        if let Err(problem) = super::charset::check(&draft.entry) {
            self.error(problem);
            return false;
        }
        if let Err(problem) = draft.entry.check() {
            self.error(problem);
            return false;
        }
        let entry = draft.entry.clone();
        let password = (draft.password_touched && entry.logon == Logon::Normal)
            .then(|| Secret::new(std::mem::take(&mut draft.password)));
        let forget = entry.logon != Logon::Normal && draft.stored_password;
        // The bookmarks are the store's (added from the main window while this was open).
        let saved = store.update(|tree| {
            let mut entry = entry.clone();
            if let Some(current) = tree.site(&entry.id) {
                entry.bookmarks = current.bookmarks.clone();
            }
            tree.save_site(entry)
        });
        if let Err(e) = saved {
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

    pub(super) fn editor(
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
            ui.selectable_value(&mut self.page, Page::Charset, "Charset");
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
                Page::Charset => super::charset::charset_page(ui, &mut draft.entry),
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
        password(
            ui,
            &mut draft.password,
            draft.stored_password,
            &mut draft.password_touched,
        );
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

/// The password field: empty with a hint when the keyring holds the password; typing marks it
/// to be saved.
fn password(ui: &mut egui::Ui, password: &mut String, stored: bool, touched: &mut bool) {
    let label = ui.label("Password:");
    let hint = if stored { "saved in the keyring" } else { "" };
    let field = ui
        .add(
            egui::TextEdit::singleline(password)
                .password(true)
                .hint_text(hint)
                .desired_width(260.0),
        )
        .labelled_by(label.id);
    if field.changed() {
        *touched = true;
    }
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
        draft.data.show(ui, options);
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
    super::transfer_options::show(ui, entry);
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
    ui.label("Browsing:");
    ui.vertical(|ui| {
        ui.checkbox(&mut entry.sync_browsing, "Use synchronized browsing");
        ui.checkbox(&mut entry.directory_comparison, "Directory comparison");
    });
    ui.end_row();
    listing_settings(ui, entry);
    ui.label("Proxy:");
    ui.checkbox(
        &mut entry.bypass_proxy,
        "Bypass the proxy from Settings (connect directly)",
    );
    ui.end_row();
}

/// Server type and timezone offset (FileZilla's "Server type" and "Adjust server time").
fn listing_settings(ui: &mut egui::Ui, entry: &mut SiteEntry) {
    let label = ui.label("Server type:");
    egui::ComboBox::from_id_salt("site-server-type")
        .selected_text(entry.server_type.label())
        .show_ui(ui, |ui| {
            for server_type in ServerType::ALL {
                ui.selectable_value(&mut entry.server_type, server_type, server_type.label());
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Timezone offset:");
    ui.horizontal(|ui| {
        let mut hours = entry.timezone_offset / 60;
        let mut minutes = entry.timezone_offset % 60;
        let h = ui
            .add(
                egui::DragValue::new(&mut hours)
                    .range(-24..=24)
                    .suffix(" h"),
            )
            .labelled_by(label.id);
        let m = ui.add(
            egui::DragValue::new(&mut minutes)
                .range(-59..=59)
                .suffix(" min"),
        );
        if h.changed() || m.changed() {
            entry.timezone_offset =
                (hours * 60 + minutes).clamp(-MAX_TIMEZONE_OFFSET, MAX_TIMEZONE_OFFSET);
        }
        ui.weak("added to LIST times");
    });
    ui.end_row();
}
