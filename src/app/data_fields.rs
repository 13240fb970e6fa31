//! The data-connection options as the Site Manager and the Settings window edit them: EPSV,
//! trusting the 227 address, and active mode's external address and port range typed as text
//! and checked when the user saves.

use crate::api::PortRange;
use crate::sites::DataOptions;

/// The typed text of the options that are not checkboxes.
pub struct DataFields {
    external_ip: String,
    ports: String,
}

impl DataFields {
    pub fn new(options: &DataOptions) -> DataFields {
        DataFields {
            external_ip: options
                .active_external_ip
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            ports: options
                .active_ports
                .map(|r| format!("{}-{}", r.first, r.last))
                .unwrap_or_default(),
        }
    }

    /// Four rows of a two-column grid.
    pub fn show(&mut self, ui: &mut egui::Ui, options: &mut DataOptions) {
        ui.label("");
        ui.checkbox(&mut options.use_epsv, "Passive: try EPSV before PASV");
        ui.end_row();
        ui.label("");
        ui.checkbox(
            &mut options.trust_pasv_address,
            "Passive: trust the address in the 227 reply",
        );
        ui.end_row();
        for (label, value, hint) in [
            ("Active: external IPv4:", &mut self.external_ip, "auto"),
            (
                "Active: port range:",
                &mut self.ports,
                "any, e.g. 50000-50100",
            ),
        ] {
            let label = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            ui.end_row();
        }
    }

    /// The typed text into `options`, or what is wrong with it.
    pub fn apply(&self, options: &mut DataOptions) -> Result<(), String> {
        let ip = self.external_ip.trim();
        options.active_external_ip = if ip.is_empty() {
            None
        } else {
            Some(
                ip.parse()
                    .map_err(|_| format!("{ip:?} is not an IPv4 address like 203.0.113.7"))?,
            )
        };
        let ports = self.ports.trim();
        options.active_ports = if ports.is_empty() {
            None
        } else {
            Some(
                PortRange::parse(ports)
                    .ok_or_else(|| format!("{ports:?} is not a port range like 50000-50100"))?,
            )
        };
        Ok(())
    }
}
