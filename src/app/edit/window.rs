//! The Edited files window (each file, its remote path and its state; upload now, open again,
//! remove) and the questions about an edited file: upload it back after a save (with "always
//! for this file" and "for this session"), and what to do when the server's copy changed since
//! it was opened (overwrite, keep both, discard).

use egui::RichText;

use super::{
    EditAction, EditMode, EditState, EditedFile, Edits, Question, RemoteFacts, Resolution,
};
use crate::app::pane::human_size;

/// The window's own state and the choices of the question shown.
#[derive(Default)]
pub struct EditWindow {
    pub open: bool,
    /// The last thing that went wrong (a copy that could not be removed or opened).
    pub error: Option<String>,
    always_file: bool,
    always_session: bool,
}

impl Edits {
    /// Draws the window when it is open and the first question (unless another prompt is
    /// shown); returns what the user asked for.
    pub fn show(&mut self, ctx: &egui::Context, other_prompt: bool) -> Vec<EditAction> {
        let mut actions = Vec::new();
        if self.window.open {
            self.list_window(ctx, &mut actions);
        }
        if !other_prompt
            && let Some(question) = self.questions.front().copied()
            && let Some(action) = self.question(ctx, question)
        {
            self.window.always_file = false;
            self.window.always_session = false;
            actions.push(action);
        }
        actions
    }

    fn list_window(&mut self, ctx: &egui::Context, actions: &mut Vec<EditAction>) {
        let mut open = true;
        egui::Window::new("Edited files")
            .open(&mut open)
            .default_width(720.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui| {
                if let Some(error) = &self.window.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if self.files.is_empty() {
                    ui.weak(
                        "No file is being viewed or edited. Choose View or Edit on a remote file.",
                    );
                    return;
                }
                egui::Grid::new("edited-files")
                    .num_columns(4)
                    .striped(true)
                    .spacing([16.0, 6.0])
                    .show(ui, |ui| {
                        for heading in ["Name", "Remote path", "State", ""] {
                            ui.strong(heading);
                        }
                        ui.end_row();
                        for file in &self.files {
                            row(ui, file, actions);
                        }
                    });
                let folder = self.temp_folder().unwrap_or_default();
                ui.weak("The copies are deleted with Remove, or when Ferry closes.")
                    .on_hover_text(format!("They are kept in {}", folder.display()));
            });
        self.window.open = open;
    }

    fn question(&mut self, ctx: &egui::Context, question: Question) -> Option<EditAction> {
        let (Question::Upload(id) | Question::Conflict(id)) = question;
        let file = self.files.iter().find(|f| f.id == id)?;
        let mut answer = None;
        egui::Modal::new(egui::Id::unique(("edit-question", id))).show(ctx, |ui| {
            ui.set_max_width(560.0);
            answer = match question {
                Question::Upload(_) => upload_question(ui, file, &mut self.window),
                Question::Conflict(_) => conflict_question(ui, file),
            };
        });
        answer
    }
}

fn row(ui: &mut egui::Ui, file: &EditedFile, actions: &mut Vec<EditAction>) {
    ui.label(&file.name);
    ui.label(&file.remote);
    let mut state = file.state.label();
    if file.mode == EditMode::View {
        state.push_str(" (view only)");
    } else if file.state == EditState::Uploaded && file.kept_both {
        state.push_str(" (as a copy)");
    }
    let colour = match file.state {
        EditState::Conflict | EditState::Failed(_) => Some(ui.visuals().error_fg_color),
        EditState::Modified => Some(ui.visuals().warn_fg_color),
        _ => None,
    };
    match colour {
        Some(colour) => ui.colored_label(colour, state),
        None => ui.label(state),
    };
    let id = file.id;
    ui.horizontal(|ui| {
        let can_upload = file.mode == EditMode::Edit
            && matches!(
                file.state,
                EditState::Modified
                    | EditState::Failed(_)
                    | EditState::Opened
                    | EditState::Uploaded
            );
        if ui
            .add_enabled(can_upload, egui::Button::new("Upload now"))
            .clicked()
        {
            actions.push(EditAction::Upload {
                id,
                always_file: false,
                always_session: false,
            });
        }
        let downloaded = file.state != EditState::Downloading;
        if ui
            .add_enabled(downloaded, egui::Button::new("Open again"))
            .clicked()
        {
            actions.push(EditAction::Reopen(id));
        }
        let remove = ui
            .add_enabled(!file.state.busy(), egui::Button::new("Remove"))
            .on_hover_text("Forget this file and delete its temporary copy");
        if remove.clicked() {
            actions.push(EditAction::Remove(id));
        }
    });
    ui.end_row();
}

fn upload_question(
    ui: &mut egui::Ui,
    file: &EditedFile,
    window: &mut EditWindow,
) -> Option<EditAction> {
    ui.heading("File changed");
    ui.label(format!(
        "\"{}\" was saved in its editor. Upload it back to the server as {}?",
        file.name, file.remote
    ));
    ui.checkbox(
        &mut window.always_file,
        "Always upload this file without asking",
    );
    ui.checkbox(
        &mut window.always_session,
        "Upload changed files without asking until Ferry closes",
    );
    let mut answer = None;
    ui.horizontal(|ui| {
        if ui.button("Upload").clicked() {
            answer = Some(EditAction::Upload {
                id: file.id,
                always_file: window.always_file,
                always_session: window.always_session,
            });
        }
        if ui.button("Not now").clicked() {
            answer = Some(EditAction::NotNow(file.id));
        }
    });
    answer
}

fn conflict_question(ui: &mut egui::Ui, file: &EditedFile) -> Option<EditAction> {
    let red = ui.visuals().error_fg_color;
    ui.heading(RichText::new("The file changed on the server").color(red));
    ui.label(format!(
        "{} changed on the server since you opened it: uploading your copy would replace \
         that change.",
        file.remote
    ));
    egui::Grid::new("edit-conflict")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("When opened");
            ui.label(describe(&file.baseline));
            ui.end_row();
            ui.label("Now");
            ui.label(describe(&file.conflict.unwrap_or_default()));
            ui.end_row();
        });
    let id = file.id;
    let mut answer = None;
    ui.horizontal(|ui| {
        let choices = [
            (
                "Overwrite",
                Resolution::Overwrite,
                "Upload your copy over the server's",
            ),
            (
                "Keep both",
                Resolution::KeepBoth,
                "Upload your copy under a free name next to the server's",
            ),
            (
                "Discard my changes",
                Resolution::Discard,
                "Do not upload; delete your copy",
            ),
        ];
        for (label, resolution, hint) in choices {
            if ui.button(label).on_hover_text(hint).clicked() {
                answer = Some(EditAction::Resolve(id, resolution));
            }
        }
    });
    answer
}

/// "1.2 KB, 2026-11-30 12:00:01 UTC"
fn describe(facts: &RemoteFacts) -> String {
    let size = match facts.size {
        Some(size) => human_size(size),
        None => "not on the server".to_string(),
    };
    match facts.modified {
        Some(time) => format!("{size}, {} UTC", time.time.format("%Y-%m-%d %H:%M:%S")),
        None => size,
    }
}
