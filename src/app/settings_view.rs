//! The Settings window: the global defaults (transfer mode and its options, simultaneous
//! transfers, timeouts, keep-alive, speed limits, the proxy, the default file-exists action,
//! the transfer type and its ASCII extensions, hash verification, preserved times, the log's
//! timestamps and line cap, the theme, the double-click on a remote file and the editors by
//! extension for View/Edit), edited on a copy and saved with "OK"; they apply to new
//! connections.

use super::data_fields::DataFields;
use crate::api::{TransferType, VerifyMode};
use crate::sites::{
    DoubleClick, FileAssociation, KeepAlive, OnExists, Settings, SettingsStore, SpeedLimit, Theme,
    TransferMode,
};

#[derive(Default)]
pub struct SettingsWindow {
    pub open: bool,
    draft: Option<Draft>,
    error: Option<String>,
}

struct Draft {
    settings: Settings,
    data: DataFields,
    /// The ASCII extensions as typed: separated by spaces or commas.
    extensions: String,
    /// The file associations as typed: one `extension command` a line.
    associations: String,
}

impl SettingsWindow {
    pub fn open(&mut self, store: &SettingsStore) {
        let settings = store.settings().clone();
        self.draft = Some(Draft {
            data: DataFields::new(&settings.data_options),
            extensions: settings.ascii_extensions.join(" "),
            associations: associations_text(&settings.file_associations),
            settings,
        });
        self.error = None;
        self.open = true;
    }

    /// Draws the window; returns the settings when the user saved them.
    pub fn show(&mut self, ctx: &egui::Context, store: &mut SettingsStore) -> Option<Settings> {
        if !self.open {
            return None;
        }
        let mut saved = None;
        let mut open = self.open;
        let mut close = false;
        egui::Window::new("Settings")
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ctx, |ui| {
                if let Some(problem) = store.problem() {
                    ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
                }
                let Some(draft) = &mut self.draft else {
                    return;
                };
                egui::Grid::new("settings")
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| fields(ui, draft));
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                ui.horizontal(|ui| {
                    if ui.button("OK").clicked() {
                        match finish(draft).and_then(|mut settings| {
                            // The filters dialog saves its own part meanwhile.
                            settings.filters = store.settings().filters.clone();
                            store
                                .save(settings.clone())
                                .map(|()| settings)
                                .map_err(|e| e.to_string())
                        }) {
                            Ok(settings) => {
                                saved = Some(settings);
                                close = true;
                            }
                            Err(e) => self.error = Some(e),
                        }
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        self.open = open && !close;
        saved
    }
}

/// The draft's text fields parsed into the settings.
fn finish(draft: &Draft) -> Result<Settings, String> {
    let mut settings = draft.settings.clone();
    draft.data.apply(&mut settings.data_options)?;
    settings.ascii_extensions = draft
        .extensions
        .split([' ', ',', ';'])
        .map(|e| e.trim().trim_start_matches('.').to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    settings.file_associations = parse_associations(&draft.associations)?;
    settings.validate().map_err(|e| e.to_string())?;
    Ok(settings)
}

fn combo<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    choices: &[T],
    name: fn(T) -> &'static str,
) {
    let label = ui.label(label);
    egui::ComboBox::from_id_salt(label.id)
        .selected_text(name(*value))
        .show_ui(ui, |ui| {
            for &choice in choices {
                ui.selectable_value(value, choice, name(choice));
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}

fn fields(ui: &mut egui::Ui, draft: &mut Draft) {
    let s = &mut draft.settings;
    combo(
        ui,
        "Transfer mode:",
        &mut s.transfer_mode,
        &TransferMode::ALL,
        TransferMode::label,
    );
    draft.data.show(ui, &mut s.data_options);
    let label = ui.label("Simultaneous transfers:");
    ui.add(egui::DragValue::new(&mut s.simultaneous_transfers).range(1..=10))
        .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Segments per large download:");
    ui.add(
        egui::DragValue::new(&mut s.segments)
            .range(0..=10)
            .custom_formatter(|n, _| {
                if n <= 1.0 {
                    "off".into()
                } else {
                    n.to_string()
                }
            })
            .custom_parser(|t| {
                if t.trim() == "auto" {
                    Some(0.0)
                } else {
                    t.parse().ok()
                }
            }),
    )
    .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Timeout:");
    ui.add(
        egui::DragValue::new(&mut s.timeout_seconds)
            .range(1..=3600)
            .suffix(" s"),
    )
    .labelled_by(label.id);
    ui.end_row();
    keep_alive(ui, &mut s.keepalive);
    limits_and_proxy(ui, s);
    combo(
        ui,
        "When a file exists:",
        &mut s.on_exists,
        &OnExists::ALL,
        OnExists::label,
    );
    transfer_fields(ui, s, &mut draft.extensions);
    ui.label("Message log:");
    ui.checkbox(&mut s.log_timestamps, "Timestamps");
    ui.end_row();
    let label = ui.label("Log lines kept:");
    ui.add(egui::DragValue::new(&mut s.log_line_cap).range(100..=1_000_000))
        .labelled_by(label.id);
    ui.end_row();
    combo(ui, "Theme:", &mut s.theme, &Theme::ALL, Theme::label);
    edit_fields(ui, s, &mut draft.associations);
}

/// View/Edit: what a double-click on a remote file does, and the editor for each extension.
fn edit_fields(ui: &mut egui::Ui, s: &mut Settings, associations: &mut String) {
    combo(
        ui,
        "Double-click on a remote file:",
        &mut s.remote_double_click,
        &DoubleClick::ALL,
        DoubleClick::label,
    );
    let label = ui.label("File associations:");
    ui.add(
        egui::TextEdit::multiline(associations)
            .hint_text("txt code --wait %f\nhtml gedit %f")
            .desired_rows(3)
            .desired_width(320.0),
    )
    .labelled_by(label.id)
    .on_hover_text(
        "One extension and its editor command a line; %f is the file. Other files open in the \
         system's default application.",
    );
    ui.end_row();
}

/// `txt code --wait %f` lines, one an association.
fn associations_text(associations: &[FileAssociation]) -> String {
    associations
        .iter()
        .map(|a| format!("{} {}", a.extension, a.command))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The association lines as typed: an extension (a leading dot is dropped), then the command.
fn parse_associations(text: &str) -> Result<Vec<FileAssociation>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(char::is_whitespace) {
            Some((extension, command)) if !command.trim().is_empty() => Ok(FileAssociation {
                extension: extension.trim_start_matches('.').to_lowercase(),
                command: command.trim().to_string(),
            }),
            _ => Err(format!(
                "file association {line:?}: write the extension, a space, then the command"
            )),
        })
        .collect()
}

/// The keep-alive: on or off, and how often.
fn keep_alive(ui: &mut egui::Ui, keepalive: &mut KeepAlive) {
    let label = ui.label("Keep-alive:");
    ui.horizontal(|ui| {
        let mut on = matches!(keepalive, KeepAlive::Seconds(_));
        if ui.checkbox(&mut on, "NOOP every").changed() {
            *keepalive = if on {
                KeepAlive::Seconds(60)
            } else {
                KeepAlive::Off
            };
        }
        if let KeepAlive::Seconds(seconds) = keepalive {
            ui.add(
                egui::DragValue::new(seconds)
                    .range(KeepAlive::MIN_SECONDS..=KeepAlive::MAX_SECONDS)
                    .suffix(" s"),
            )
            .labelled_by(label.id);
        }
    });
    ui.end_row();
}

/// The transfer type and its extensions, hash verification, preserved times.
fn transfer_fields(ui: &mut egui::Ui, s: &mut Settings, extensions: &mut String) {
    combo(
        ui,
        "Transfer type:",
        &mut s.transfer_type,
        &TransferType::ALL,
        TransferType::label,
    );
    ui.label("ASCII in Auto:");
    ui.add(egui::TextEdit::singleline(extensions).hint_text("txt html php"))
        .on_hover_text("Extensions sent as text in Auto (and files like .htaccess)");
    ui.end_row();
    combo(
        ui,
        "Verify with hashes:",
        &mut s.verify,
        &VerifyMode::ALL,
        VerifyMode::label,
    );
    ui.label("Timestamps:");
    ui.checkbox(&mut s.preserve_times, "Preserve modification times");
    ui.end_row();
}

/// The speed limits (KiB/s, 0 for none; the toggle is also in the status bar) and the proxy.
fn limits_and_proxy(ui: &mut egui::Ui, s: &mut Settings) {
    ui.label("Speed limits:");
    ui.horizontal(|ui| {
        ui.checkbox(&mut s.speed_limit.enabled, "On");
        let max = SpeedLimit::MAX_KIB;
        let label = ui.label("Download");
        ui.add(
            egui::DragValue::new(&mut s.speed_limit.download_kib)
                .range(0..=max)
                .suffix(" KiB/s"),
        )
        .labelled_by(label.id);
        let label = ui.label("Upload");
        ui.add(
            egui::DragValue::new(&mut s.speed_limit.upload_kib)
                .range(0..=max)
                .suffix(" KiB/s"),
        )
        .labelled_by(label.id);
    });
    ui.end_row();
    let label = ui.label("Proxy:");
    ui.add(
        egui::TextEdit::singleline(&mut s.proxy)
            .hint_text("socks5://[user:pass@]host:port or http://host:port")
            .desired_width(320.0),
    )
    .labelled_by(label.id);
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_associations_are_typed_one_a_line_and_read_back() {
        let typed = "txt code --wait %f\n\n  .HTML  'My Editor' %f  \n";
        let parsed = parse_associations(typed).unwrap();
        assert_eq!(
            parsed,
            [
                FileAssociation {
                    extension: "txt".to_string(),
                    command: "code --wait %f".to_string(),
                },
                FileAssociation {
                    extension: "html".to_string(),
                    command: "'My Editor' %f".to_string(),
                },
            ]
        );
        assert_eq!(
            parse_associations(&associations_text(&parsed)).unwrap(),
            parsed
        );
        assert!(parse_associations("txt").is_err());
    }

    #[test]
    fn an_editor_command_with_unbalanced_quotes_is_refused_on_ok() {
        let settings = Settings {
            file_associations: parse_associations("txt 'code %f").unwrap(),
            ..Default::default()
        };
        assert!(settings.validate().is_err());
    }
}
