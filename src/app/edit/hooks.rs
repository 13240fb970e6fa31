//! The app's side of edit in place: View, Edit and the double-click on a remote file from its
//! pane, the Edited files window's and the questions' commands, and the worker's answers that
//! belong to an edited file.

use super::{EditAction, EditMode, SiteKey, site_key};
use crate::api::{Direction, EntryKind, Event, LogKind, SessionId};
use crate::app::pane::{PaneAction, Side};
use crate::app::{AppCommand, FerryApp};
use crate::sites::DoubleClick;

impl FerryApp {
    /// A pane's View, Edit, or double-click (or Enter) on a file: a remote file's double-click
    /// does what Settings say (transfer, view/edit, nothing).
    pub(in crate::app) fn open_file(&mut self, side: Side, action: PaneAction) {
        let (mode, entry) = match action {
            PaneAction::View(entry) => (EditMode::View, entry),
            PaneAction::Edit(entry) => (EditMode::Edit, entry),
            PaneAction::OpenFile(entry) => match (side, self.edit.double_click()) {
                (Side::Local, _) => {
                    return self.transfer_entries(Direction::Upload, vec![entry]);
                }
                (Side::Remote, DoubleClick::Transfer) => {
                    return self.transfer_entries(Direction::Download, vec![entry]);
                }
                (Side::Remote, DoubleClick::ViewEdit) => (EditMode::Edit, entry),
                (Side::Remote, DoubleClick::Nothing) => return,
            },
            _ => return,
        };
        if side == Side::Local || entry.kind == EntryKind::Dir {
            return;
        }
        let tab = self.tab();
        let Some(site) = tab.site.clone().filter(|_| tab.connected) else {
            self.tab_mut().status = "Connect to a server to view or edit its files".to_string();
            return;
        };
        let (session, remote) = (tab.session, self.remote().child(&entry.name));
        let name = entry.name.clone();
        let result = self
            .edit
            .start(&mut self.link, mode, session, &site, remote, entry.name);
        self.tab_mut().status = match result {
            Ok(()) => format!("Opening {name}..."),
            Err(why) => why,
        };
    }

    /// What the user asked of an edited file.
    pub(in crate::app) fn edit_action(&mut self, action: EditAction) {
        let online = self.online();
        if let Err(why) = self.edit.act(&mut self.link, action, &online) {
            self.edit.window.error = Some(why.clone());
            self.tab_mut().status = why;
        }
    }

    /// The connected tabs and their sites: where an edited file can go back.
    fn online(&self) -> Vec<(SessionId, SiteKey)> {
        self.tabs()
            .iter()
            .filter(|t| t.connected)
            .filter_map(|t| Some((t.session, site_key(t.site.as_ref()?))))
            .collect()
    }

    /// Each frame: the saves seen and the uploads to send; the window and the questions.
    pub(in crate::app) fn edit_frame(&mut self, ctx: &egui::Context) {
        let online = self.online();
        self.edit.tick(&mut self.link, &online);
        for note in self.edit.take_notes() {
            if note.failed {
                self.say(LogKind::Error, note.text.clone());
            }
            self.tab_mut().status = note.text;
        }
        let other_prompt = self.prompts_waiting() > 0;
        let actions = self.edit.show(ctx, other_prompt);
        self.commands
            .extend(actions.into_iter().map(AppCommand::Edit));
    }

    /// Takes in an event that belongs to an edited file. `true`: it was an answer only this
    /// module waited for; a transfer's states also go on to the queue (`false`), but not to the
    /// queue's journal (a restored upload would skip the check for changes on the server).
    pub(in crate::app) fn edit_event(&mut self, event: &Event) -> bool {
        match event {
            Event::OpDone {
                request, result, ..
            } => self.edit.op_done(&mut self.link, *request, result),
            Event::SessionClosed { session, .. } => {
                self.edit.session_closed(*session);
                false
            }
            Event::Transfer { id, state, .. } if self.edit.owns_transfer(*id) => {
                self.journal.feed.forget(*id);
                self.edit.transfer(&mut self.link, *id, state);
                false
            }
            _ => false,
        }
    }

    /// The files viewed or edited this run (the Edited files window's rows).
    pub fn edited_files(&self) -> &[super::EditedFile] {
        self.edit.files()
    }

    /// This run's private folder for the copies, once a file was opened.
    pub fn edit_folder(&self) -> Option<std::path::PathBuf> {
        self.edit.temp_folder()
    }
}
