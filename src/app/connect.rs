//! The quick-connect bar: host (or a whole `ftp://` URL), user, password, port, protocol and
//! data mode, Connect/Disconnect/Refresh, and a drop-down of recent connections that never holds
//! a password.

use super::AppCommand;
use super::saved::Recent;
use crate::api::{DataMode, Protocol, Secret, Site};

#[derive(Default)]
pub struct QuickConnect {
    pub host: String,
    pub user: String,
    pub password: String,
    pub port: String,
    pub protocol: Protocol,
    pub mode: DataMode,
    pub error: Option<String>,
}

pub(super) fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Ftp => "FTP",
        Protocol::ExplicitTls => "FTPES (explicit TLS)",
        Protocol::ImplicitTls => "FTPS (implicit TLS)",
        Protocol::ExplicitTlsIfAvailable => "FTP (explicit TLS if available)",
    }
}

fn protocol_from(name: &str) -> Protocol {
    match name {
        "FTPES (explicit TLS)" => Protocol::ExplicitTls,
        "FTPS (implicit TLS)" => Protocol::ImplicitTls,
        "FTP (explicit TLS if available)" => Protocol::ExplicitTlsIfAvailable,
        _ => Protocol::Ftp,
    }
}

impl QuickConnect {
    /// Fills the fields from a site (a URL given on the command line, the demo).
    pub fn fill(&mut self, site: &Site) {
        self.host = site.host.clone();
        self.user = site.user.clone();
        self.password = site.password.expose().to_string();
        self.port = site.port.to_string();
        self.protocol = site.protocol;
        self.mode = site.mode;
    }

    /// The site the fields describe, or why they don't.
    pub fn site(&self) -> Result<Site, String> {
        let host = self.host.trim();
        if host.contains("://") {
            let mut url = crate::common::url::parse(host).map_err(|e| e.to_string())?;
            if !self.user.is_empty() && url.site.user.is_empty() {
                url.site.user = self.user.clone();
            }
            if !url.has_password && !self.password.is_empty() {
                url.site.password = Secret::new(self.password.clone());
                url.has_password = true;
            }
            let mut site = super::start::site_of(&url);
            site.mode = self.mode;
            return Ok(site);
        }
        if host.is_empty() {
            return Err("Enter a host to connect to".to_string());
        }
        let mut site = Site::new(host, self.protocol);
        if !self.port.trim().is_empty() {
            site.port = self
                .port
                .trim()
                .parse()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{:?} is not a port number", self.port))?;
        }
        site.user = self.user.trim().to_string();
        site.password = Secret::new(self.password.clone());
        site.mode = self.mode;
        Ok(site)
    }

    /// Draws the bar; what the user asks for goes to `commands`.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        connected: bool,
        recent: &[Recent],
        commands: &mut Vec<AppCommand>,
    ) {
        // One row at 1280 points: Settings is in the Edit menu.
        ui.horizontal(|ui| {
            if ui
                .button("Site Manager")
                .on_hover_text("Your saved sites (Ctrl+S)")
                .clicked()
            {
                commands.push(AppCommand::OpenSiteManager);
            }
            ui.separator();
            let enter = self.fields(ui);
            if ui.button("Quickconnect").clicked() || enter {
                match self.site() {
                    Ok(site) => {
                        self.error = None;
                        commands.push(AppCommand::QuickConnect(Box::new(site)));
                    }
                    Err(error) => self.error = Some(error),
                }
            }
            self.recent_menu(ui, recent);
            ui.separator();
            if ui
                .add_enabled(connected, egui::Button::new("Disconnect"))
                .clicked()
            {
                commands.push(AppCommand::Disconnect);
            }
            ui.add_enabled_ui(connected, |ui| {
                if super::pane::glyph_button(
                    ui,
                    "🔄",
                    "Refresh both sides",
                    "Refresh both sides (F5)",
                )
                .clicked()
                {
                    commands.push(AppCommand::RefreshBoth);
                }
            });
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
    }

    /// The fields and drop-downs; whether Enter was pressed in one of the text fields.
    fn fields(&mut self, ui: &mut egui::Ui) -> bool {
        let host = field(ui, "Host:", &mut self.host, "ftp.example.com", 115.0, false);
        field(ui, "Username:", &mut self.user, "anonymous", 80.0, false);
        let password = field(ui, "Password:", &mut self.password, "", 80.0, true);
        // Wide enough for any port, 65535 included.
        let digits = ui.ctx().fonts_mut(|f| {
            f.layout_no_wrap(
                "65535".to_string(),
                egui::TextStyle::Body.resolve(ui.style()),
                egui::Color32::WHITE,
            )
            .size()
            .x
        });
        let port_width = digits + 2.0 * ui.spacing().button_padding.x + 4.0;
        let port = field(ui, "Port:", &mut self.port, "21", port_width, false);
        let protocol_label = ui.label("Protocol:");
        egui::ComboBox::from_id_salt("qc-protocol")
            .width(74.0)
            .selected_text(match self.protocol {
                Protocol::Ftp => "FTP",
                Protocol::ExplicitTls => "FTPES",
                Protocol::ImplicitTls => "FTPS",
                Protocol::ExplicitTlsIfAvailable => "FTP (TLS if available)",
            })
            .show_ui(ui, |ui| {
                for protocol in [Protocol::Ftp, Protocol::ExplicitTls, Protocol::ImplicitTls] {
                    ui.selectable_value(&mut self.protocol, protocol, protocol_name(protocol));
                }
            })
            .response
            .labelled_by(protocol_label.id);
        let mode_label = ui.label("Mode:");
        egui::ComboBox::from_id_salt("qc-mode")
            .width(74.0)
            .selected_text(match self.mode {
                DataMode::Auto => "Auto",
                DataMode::Passive => "Passive",
                DataMode::Active => "Active",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.mode, DataMode::Auto, "Auto");
                ui.selectable_value(&mut self.mode, DataMode::Passive, "Passive");
                ui.selectable_value(&mut self.mode, DataMode::Active, "Active");
            })
            .response
            .labelled_by(mode_label.id);
        (host.lost_focus() || password.lost_focus() || port.lost_focus())
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
    }

    /// The drop-down of recent connections: choosing one fills the fields (not the password).
    fn recent_menu(&mut self, ui: &mut egui::Ui, recent: &[Recent]) {
        ui.menu_button("Recent", |ui| {
            if recent.is_empty() {
                ui.weak("No recent connections");
            }
            let mut chosen = None;
            for recent in recent {
                let label = format!(
                    "{}@{}:{} ({})",
                    if recent.user.is_empty() {
                        "anonymous"
                    } else {
                        &recent.user
                    },
                    recent.host,
                    recent.port,
                    recent.protocol
                );
                if ui.button(label).clicked() {
                    chosen = Some(recent.clone());
                    ui.close();
                }
            }
            if let Some(recent) = chosen {
                self.host = recent.host;
                self.port = recent.port.to_string();
                self.user = recent.user;
                self.protocol = protocol_from(&recent.protocol);
                self.password.clear();
            }
        })
        .response
        .on_hover_text("Recent connections");
    }
}

/// A labelled text field (the label names it for screen readers and tests).
fn field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: f32,
    password: bool,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .password(password)
            .desired_width(width)
            .id_salt(label.id),
    )
    .labelled_by(label.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_or_a_url_make_a_site() {
        let mut quick = QuickConnect {
            host: "example.com".into(),
            port: "2121".into(),
            user: "bob".into(),
            password: "pw".into(),
            protocol: Protocol::ExplicitTls,
            ..QuickConnect::default()
        };
        let site = quick.site().unwrap();
        assert_eq!(
            (site.port, site.protocol, site.user.as_str()),
            (2121, Protocol::ExplicitTls, "bob")
        );
        quick.port = "x".into();
        assert!(quick.site().is_err());
        quick.host = "ftps://alice@host/".into();
        let site = quick.site().unwrap();
        assert_eq!((site.user.as_str(), site.port), ("alice", 990));
    }
}
