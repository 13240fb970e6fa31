//! The windows the menus open that belong to no other part of the app: Server → "Enter custom
//! command" (a line sent as it is; the reply shows in the log), Help → About (version,
//! renderers, licence), and the path of a file to import or export typed by hand when no file
//! was chosen in the system's dialog.

use std::path::PathBuf;

use egui::Key;

use super::{AppCommand, SiteFileJob};

#[derive(Default)]
pub struct MenuWindows {
    /// The custom command being typed, while its dialog is open.
    custom: Option<String>,
    pub about: bool,
    /// The path being typed for an import or export, while its dialog is open.
    site_file: Option<(SiteFileJob, String)>,
    /// Where the renderer note lives (About says which renderer the last run drew with).
    pub data_dir: Option<PathBuf>,
}

impl MenuWindows {
    pub fn open_custom_command(&mut self) {
        self.custom.get_or_insert_with(String::new);
    }

    /// Asks for the path of the file for `job` (no file was chosen in the system's dialog).
    pub fn type_site_file(&mut self, job: SiteFileJob) {
        self.site_file = Some((job, String::new()));
    }

    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        self.custom_command(ctx, commands);
        self.typed_site_file(ctx, commands);
        self.about(ctx);
    }

    fn typed_site_file(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        let Some((job, path)) = self.site_file.as_mut() else {
            return;
        };
        let title = match job {
            SiteFileJob::Import => "Import sites",
            SiteFileJob::Export => "Export sites",
        };
        let done = line_dialog(
            ctx,
            "site-file",
            title,
            "FileZilla site manager file:",
            path,
        );
        match done {
            Some(true) => {
                if let Some((job, path)) = self.site_file.take()
                    && !path.trim().is_empty()
                {
                    commands.push(AppCommand::SiteFile(job, PathBuf::from(path.trim())));
                }
            }
            Some(false) => self.site_file = None,
            None => {}
        }
    }

    fn custom_command(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        let Some(line) = self.custom.as_mut() else {
            return;
        };
        let done = line_dialog(
            ctx,
            "custom-command",
            "Enter custom command",
            "Command:",
            line,
        );
        match done {
            Some(true) => {
                let line = self.custom.take().unwrap_or_default();
                commands.push(AppCommand::RawCommand(line));
            }
            Some(false) => self.custom = None,
            None => {}
        }
    }

    fn about(&mut self, ctx: &egui::Context) {
        if !self.about {
            return;
        }
        let renderers = super::describe_renderers(self.data_dir.as_deref());
        let mut open = true;
        egui::Window::new("About Ferry")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| {
                ui.heading(format!("Ferry {}", env!("CARGO_PKG_VERSION")));
                ui.label(env!("CARGO_PKG_DESCRIPTION"));
                ui.label(format!("Licence: {}", env!("CARGO_PKG_LICENSE")));
                ui.hyperlink(env!("CARGO_PKG_HOMEPAGE"));
                ui.separator();
                for line in renderers.lines() {
                    ui.label(line);
                }
            });
        self.about = open;
    }
}

/// A small modal asking for one line (its field has the focus): `Some(true)` for OK or Enter,
/// `Some(false)` for Cancel or Escape, `None` while it stays open.
fn line_dialog(
    ctx: &egui::Context,
    id: &str,
    title: &str,
    label: &str,
    line: &mut String,
) -> Option<bool> {
    let mut done = None;
    egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.heading(title);
        let label = ui.label(label);
        let field = ui
            .add(
                egui::TextEdit::singleline(line)
                    .desired_width(360.0)
                    .id_salt((id, "line")),
            )
            .labelled_by(label.id);
        field.request_focus();
        if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            done = Some(true);
        }
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() {
                done = Some(true);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                done = Some(false);
            }
        });
    });
    done
}
