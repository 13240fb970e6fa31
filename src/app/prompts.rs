//! The dialogs that answer the worker's prompts: an unknown certificate (subject, issuer,
//! validity, fingerprint, what failed, "always trust") and an existing file (both sides' size
//! and date, every action, "always use this action") and a password asked at logon. Prompts
//! queue up and show one at a time.

use std::collections::VecDeque;
use std::time::SystemTime;

use egui::RichText;

use super::pane::human_size;
use crate::api::{Answer, CertAnswer, ExistsAction, FileFacts, Prompt, PromptId, Secret};

pub struct PromptQueue {
    waiting: VecDeque<(PromptId, Prompt)>,
    /// The choices of the dialog shown.
    always_trust: bool,
    action: ExistsAction,
    for_all: bool,
    password: String,
    password_focused: bool,
}

impl Default for PromptQueue {
    fn default() -> Self {
        PromptQueue {
            waiting: VecDeque::new(),
            always_trust: false,
            action: ExistsAction::Overwrite,
            for_all: false,
            password: String::new(),
            password_focused: false,
        }
    }
}

impl PromptQueue {
    pub fn push(&mut self, id: PromptId, prompt: Prompt) {
        self.waiting.push_back((id, prompt));
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Shows the first waiting prompt; returns its answer once the user gave one.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<(PromptId, Answer)> {
        let (id, prompt) = self.waiting.front()?.clone();
        let mut answer = None;
        egui::Modal::new(egui::Id::unique(("prompt", id.0))).show(ctx, |ui| {
            ui.set_max_width(560.0);
            answer = match &prompt {
                Prompt::Certificate(cert) => self.certificate(ui, cert),
                Prompt::FileExists {
                    source,
                    destination,
                    ..
                } => self.file_exists(ui, source, destination),
                Prompt::Password { host, user } => self.password(ui, host, user),
            };
            if self.waiting.len() > 1 {
                ui.weak(format!("{} more questions waiting", self.waiting.len() - 1));
            }
        });
        let answer = answer?;
        self.waiting.pop_front();
        self.always_trust = false;
        self.for_all = false;
        self.password.clear();
        self.password_focused = false;
        Some((id, answer))
    }

    fn certificate(
        &mut self,
        ui: &mut egui::Ui,
        cert: &crate::api::CertificateInfo,
    ) -> Option<Answer> {
        match cert.change_warning() {
            Some(warning) => {
                let red = ui.visuals().error_fg_color;
                ui.heading(
                    RichText::new("The certificate has CHANGED")
                        .color(red)
                        .strong(),
                );
                ui.label(RichText::new(warning).color(red));
            }
            None => {
                ui.heading("Unknown certificate");
                ui.label(format!(
                    "The server {}:{} sent a certificate that is not trusted: {}.",
                    cert.host, cert.port, cert.reason
                ));
            }
        }
        egui::Grid::new("certificate")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, value) in [
                    ("Subject", &cert.subject),
                    ("Issuer", &cert.issuer),
                    ("Valid from", &cert.not_before),
                    ("Valid to", &cert.not_after),
                    ("SHA-256 fingerprint", &cert.fingerprint),
                ] {
                    ui.label(label);
                    ui.label(RichText::new(value).monospace());
                    ui.end_row();
                }
            });
        ui.checkbox(
            &mut self.always_trust,
            "Always trust this certificate for this server",
        );
        let mut answer = None;
        ui.horizontal(|ui| {
            if ui.button("Trust").clicked() {
                answer = Some(if self.always_trust {
                    CertAnswer::TrustAlways
                } else {
                    CertAnswer::TrustOnce
                });
            }
            if ui.button("Reject").clicked() {
                answer = Some(CertAnswer::Reject);
            }
        });
        answer.map(Answer::Certificate)
    }

    fn file_exists(
        &mut self,
        ui: &mut egui::Ui,
        source: &FileFacts,
        destination: &FileFacts,
    ) -> Option<Answer> {
        ui.heading("Target file already exists");
        egui::Grid::new("exists").num_columns(3).show(ui, |ui| {
            for (label, facts) in [("Source", source), ("Target", destination)] {
                ui.label(label);
                ui.label(&facts.path);
                ui.label(describe(facts));
                ui.end_row();
            }
        });
        ui.separator();
        for action in ExistsAction::ALL {
            ui.radio_value(&mut self.action, action, action.label());
        }
        ui.checkbox(&mut self.for_all, "Always use this action for this queue");
        let mut answer = None;
        if ui.button("OK").clicked() {
            answer = Some(Answer::FileExists {
                action: self.action,
                for_all: self.for_all,
            });
        }
        answer
    }
}

impl PromptQueue {
    fn password(&mut self, ui: &mut egui::Ui, host: &str, user: &str) -> Option<Answer> {
        ui.heading("Password needed");
        ui.label("The site asks for its password at logon. It is kept for this connection only.");
        let mut submitted = false;
        ui.horizontal(|ui| {
            let label = ui.label(format!("Password for {user}@{host}:"));
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.password).password(true))
                .labelled_by(label.id);
            if !self.password_focused {
                self.password_focused = true;
                field.request_focus();
            }
            submitted = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
        let mut answer = None;
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() || submitted {
                answer = Some(Answer::Password(Some(Secret::new(std::mem::take(
                    &mut self.password,
                )))));
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Answer::Password(None));
            }
        });
        answer
    }
}

fn describe(facts: &FileFacts) -> String {
    let size = facts
        .size
        .map(human_size)
        .unwrap_or_else(|| "size unknown".to_string());
    let date = facts
        .modified
        .map(|t: SystemTime| {
            let local: chrono::DateTime<chrono::Local> = t.into();
            local.format("%Y-%m-%d %H:%M").to_string()
        })
        .unwrap_or_else(|| "date unknown".to_string());
    format!("{size}, {date}")
}
