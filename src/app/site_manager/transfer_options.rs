//! The site editor's per-site transfer options on the Transfer settings page: transfer type,
//! hash verification and preserved times, each "Default (from Settings)" unless the site sets
//! its own.

use crate::api::{TransferType, VerifyMode};
use crate::sites::SiteEntry;

const DEFAULT: &str = "Default (from Settings)";

/// The three options, one grid row each.
pub(super) fn show(ui: &mut egui::Ui, entry: &mut SiteEntry) {
    own_or_default(
        ui,
        "Transfer type:",
        &mut entry.transfer_type,
        &TransferType::ALL,
        TransferType::label,
    );
    own_or_default(
        ui,
        "Verify with hashes:",
        &mut entry.verify,
        &VerifyMode::ALL,
        VerifyMode::label,
    );
    own_or_default(
        ui,
        "Preserve times:",
        &mut entry.preserve_times,
        &[true, false],
        |on| if on { "Yes" } else { "No" },
    );
}

/// A chooser of the site's own value or the global default (`None`).
fn own_or_default<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<T>,
    choices: &[T],
    name: fn(T) -> &'static str,
) {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(label.id)
        .selected_text(value.map_or(DEFAULT, name))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, DEFAULT);
            for &choice in choices {
                ui.selectable_value(value, Some(choice), name(choice));
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}
