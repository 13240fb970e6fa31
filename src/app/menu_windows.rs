//! The windows the menus open that belong to no other part of the app: Server → "Enter custom
//! command" (a line sent as it is; the reply shows in the log) and Help → About (version,
//! renderers, licence).

use std::path::PathBuf;

use egui::Key;

use super::AppCommand;

#[derive(Default)]
pub struct MenuWindows {
    /// The custom command being typed, while its dialog is open.
    custom: Option<String>,
    pub about: bool,
    /// Where the renderer note lives (About says which renderer the last run drew with).
    pub data_dir: Option<PathBuf>,
}

impl MenuWindows {
    pub fn open_custom_command(&mut self) {
        self.custom.get_or_insert_with(String::new);
    }

    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        self.custom_command(ctx, commands);
        self.about(ctx);
    }

    fn custom_command(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        let Some(line) = self.custom.as_mut() else {
            return;
        };
        let mut done: Option<bool> = None;
        egui::Modal::new(egui::Id::unique("custom-command")).show(ctx, |ui| {
            ui.heading("Enter custom command");
            ui.label("Sent to the server as it is; the reply shows in the message log.");
            let label = ui.label("Command:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(line)
                        .hint_text("SITE HELP")
                        .desired_width(320.0)
                        .id_salt("custom-command-line"),
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
