//! View / edit in place (FileZilla's "View/Edit" and "Edited files"): a remote file is
//! downloaded through the worker's queue into the run's private temporary folder, opened with
//! its editor, and watched; a save asks "upload back?", and before uploading the server's copy
//! is checked (SIZE and MDTM) against what was downloaded, so a file changed on the server in
//! between is never overwritten without the user's word. This module owns the state machine of
//! each edited file; `flow` its steps on the worker's answers, `launch` the editor and the
//! folder, `watch` the file watcher, `window` the Edited files window and the questions,
//! `hooks` the app's side (panes, commands, events).

mod flow;
mod hooks;
mod launch;
mod watch;
mod window;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use crate::api::{RemoteTime, RequestId, SessionId, Site, TransferId};
use crate::sites::{DoubleClick, FileAssociation, Settings};
use launch::TempFolder;
use watch::{FileWatch, Stamp};
pub use window::EditWindow;

/// Viewed files are only opened; edited ones are watched and uploaded back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditMode {
    View,
    Edit,
}

/// Where an edited file stands (the Edited files window's "State").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditState {
    Downloading,
    /// Open in its editor, unchanged since the download or the last upload.
    Opened,
    /// Saved in the editor, not uploaded yet.
    Modified,
    /// Checking the server's copy, then uploading.
    Uploading,
    Uploaded,
    /// The server's copy changed since the download: waiting for the user's choice.
    Conflict,
    Failed(String),
}

impl EditState {
    pub fn label(&self) -> String {
        match self {
            EditState::Downloading => "downloading".to_string(),
            EditState::Opened => "opened".to_string(),
            EditState::Modified => "modified".to_string(),
            EditState::Uploading => "uploading".to_string(),
            EditState::Uploaded => "uploaded".to_string(),
            EditState::Conflict => "conflict".to_string(),
            EditState::Failed(why) => format!("failed: {why}"),
        }
    }

    /// A transfer or a check runs: the copy must stay.
    pub fn busy(&self) -> bool {
        matches!(self, EditState::Downloading | EditState::Uploading)
    }
}

/// What the server said about the file: its size and modification time (SIZE, MDTM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemoteFacts {
    pub size: Option<u64>,
    pub modified: Option<RemoteTime>,
}

impl RemoteFacts {
    /// Whether the server's copy changed from `before` to `self`: the size differs (a file gone
    /// has none), or both times are known and differ.
    pub fn changed_since(&self, before: &RemoteFacts) -> bool {
        let times_differ = matches!((before.modified, self.modified), (Some(a), Some(b)) if a != b);
        self.size != before.size || times_differ
    }
}

/// The host, port and user a file came from: a new connection to the same gives it a way back.
type SiteKey = (String, u16, String);

fn site_key(site: &Site) -> SiteKey {
    (site.host.clone(), site.port, site.user.clone())
}

/// One file opened from the server.
#[derive(Debug)]
pub struct EditedFile {
    pub id: u64,
    pub name: String,
    pub remote: String,
    /// The copy (its place is known once the download is queued).
    pub local: PathBuf,
    /// The copy's own folder in the temporary folder.
    folder: PathBuf,
    pub mode: EditMode,
    pub state: EditState,
    /// Where it goes back: this connection, else another one to the same site.
    session: SessionId,
    site: SiteKey,
    /// The server's copy when it was downloaded or last uploaded.
    baseline: RemoteFacts,
    /// The server's copy when a conflict was found.
    pub conflict: Option<RemoteFacts>,
    /// The copy's stamp after the download or the last upload began.
    stamp: Option<Stamp>,
    /// "Always upload this file without asking".
    pub always_upload: bool,
    /// Saved again while an upload ran: asked about again when it ends.
    saved_again: bool,
    /// The last upload went under a free name next to the server's copy ("keep both").
    kept_both: bool,
}

/// Why the server's facts of a file were asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Before the download: what an upload is later checked against.
    Download,
    /// Before an upload: has the server's copy changed?
    Upload,
    /// After an upload: the new baseline.
    Rebaseline,
}

/// SIZE and MDTM on their way for one file.
#[derive(Debug)]
struct Probe {
    purpose: Purpose,
    size: Option<Option<u64>>,
    modified: Option<Option<RemoteTime>>,
}

/// Which of the two facts a SIZE or MDTM request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fact {
    Size,
    Time,
}

/// A question for the user about one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    /// It was saved: upload it back?
    Upload(u64),
    /// The server's copy changed meanwhile: overwrite, keep both, or discard?
    Conflict(u64),
}

/// What the user decided about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Upload over the server's changed copy.
    Overwrite,
    /// Upload under a free name next to it.
    KeepBoth,
    /// Throw the local changes away: the copy is removed.
    Discard,
}

/// What the user asked of an edited file (from the window or a question).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditAction {
    /// Upload it back (checked first); the flags stop asking for this file or this run.
    Upload {
        id: u64,
        always_file: bool,
        always_session: bool,
    },
    /// Not now: it stays modified, "Upload" in the window sends it later.
    NotNow(u64),
    Resolve(u64, Resolution),
    /// Open the copy in its editor again.
    Reopen(u64),
    /// Forget it and remove its copy (never while a transfer of it runs).
    Remove(u64),
}

/// Every file viewed or edited this run, the questions about them, and the settings they use.
pub struct Edits {
    files: Vec<EditedFile>,
    next_id: u64,
    /// Made at the first file.
    temp: Option<TempFolder>,
    watch: FileWatch,
    requests: HashMap<RequestId, (u64, Fact)>,
    probes: HashMap<u64, Probe>,
    transfers: HashMap<TransferId, u64>,
    questions: VecDeque<Question>,
    /// Files to check and upload at the next tick (it knows the open connections).
    to_upload: Vec<u64>,
    /// "Upload changed files without asking for the rest of this session".
    upload_without_asking: bool,
    associations: Vec<FileAssociation>,
    double_click: DoubleClick,
    pub window: EditWindow,
    /// What happened since the last frame, for the status bar (and the log when it failed).
    notes: Vec<Note>,
}

/// A line for the status bar; a failure also goes to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub failed: bool,
    pub text: String,
}

impl Edits {
    pub fn new(waker: &egui::Context) -> Edits {
        Edits {
            files: Vec::new(),
            next_id: 0,
            temp: None,
            watch: FileWatch::new(waker),
            requests: HashMap::new(),
            probes: HashMap::new(),
            transfers: HashMap::new(),
            questions: VecDeque::new(),
            to_upload: Vec::new(),
            upload_without_asking: false,
            associations: Vec::new(),
            double_click: DoubleClick::Transfer,
            window: EditWindow::default(),
            notes: Vec::new(),
        }
    }

    /// The editors and the double-click action from Settings.
    pub fn configure(&mut self, settings: &Settings) {
        self.associations = settings.file_associations.clone();
        self.double_click = settings.remote_double_click;
    }

    pub fn double_click(&self) -> DoubleClick {
        self.double_click
    }

    pub fn files(&self) -> &[EditedFile] {
        &self.files
    }

    /// The temporary folder of this run, once a file was opened.
    pub fn temp_folder(&self) -> Option<PathBuf> {
        self.temp.as_ref().map(|t| t.path().to_path_buf())
    }

    /// Whether this transfer is one of a file's download or upload.
    pub fn owns_transfer(&self, id: TransferId) -> bool {
        self.transfers.contains_key(&id)
    }

    /// What happened since the last call.
    pub fn take_notes(&mut self) -> Vec<Note> {
        std::mem::take(&mut self.notes)
    }

    /// Sets a file's state; a failure is noted for the log.
    fn set_state(&mut self, id: u64, state: EditState) {
        let Some(file) = self.files.iter_mut().find(|f| f.id == id) else {
            return;
        };
        let text = match &state {
            EditState::Opened => format!("Opened {}", file.name),
            EditState::Uploaded => format!("Uploaded {} back to {}", file.remote, file.site.0),
            EditState::Conflict => {
                format!("{} changed on the server since it was opened", file.remote)
            }
            EditState::Failed(why) => format!("{}: {why}", file.remote),
            _ => String::new(),
        };
        let failed = matches!(state, EditState::Failed(_));
        file.state = state;
        if !text.is_empty() {
            self.notes.push(Note { failed, text });
        }
    }

    fn file(&mut self, id: u64) -> Option<&mut EditedFile> {
        self.files.iter_mut().find(|f| f.id == id)
    }

    /// A new row for `remote`, its copy's folder made; `Err` says why there is none.
    fn add(
        &mut self,
        mode: EditMode,
        session: SessionId,
        site: &Site,
        remote: String,
        name: String,
    ) -> Result<u64, String> {
        let temp = match &mut self.temp {
            Some(temp) => temp,
            None => self
                .temp
                .insert(TempFolder::create().map_err(|e| format!("no temporary folder: {e}"))?),
        };
        let folder = temp
            .new_slot()
            .map_err(|e| format!("no temporary folder: {e}"))?;
        self.next_id += 1;
        let id = self.next_id;
        self.files.push(EditedFile {
            id,
            local: folder.join(&name),
            folder,
            name,
            remote,
            mode,
            state: EditState::Downloading,
            session,
            site: site_key(site),
            baseline: RemoteFacts::default(),
            conflict: None,
            stamp: None,
            always_upload: false,
            saved_again: false,
            kept_both: false,
        });
        Ok(id)
    }

    /// Forgets a file and removes its copy; refused while a transfer of it runs.
    fn remove(&mut self, id: u64) -> Result<(), String> {
        let Some(index) = self.files.iter().position(|f| f.id == id) else {
            return Ok(());
        };
        if self.files[index].state.busy() {
            return Err(format!(
                "{} is being transferred: remove it once that ended",
                self.files[index].name
            ));
        }
        let file = self.files.remove(index);
        self.watch.unwatch(&file.folder);
        self.questions
            .retain(|q| !matches!(q, Question::Upload(i) | Question::Conflict(i) if *i == id));
        std::fs::remove_dir_all(&file.folder)
            .map_err(|e| format!("could not remove the copy of {}: {e}", file.name))
    }

    /// The app closes cleanly: the copies go, except those whose changes never reached the
    /// server (modified, uploading, in conflict), which stay where they are. Returns the
    /// folder kept, if any.
    pub fn finish(&mut self) -> Option<PathBuf> {
        let keep = self.files.iter().any(|f| {
            f.mode == EditMode::Edit
                && matches!(
                    f.state,
                    EditState::Modified | EditState::Uploading | EditState::Conflict
                )
        });
        self.files.clear();
        self.temp.take()?.close(keep).ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TimePrecision;

    fn facts(size: Option<u64>, second: Option<u32>) -> RemoteFacts {
        RemoteFacts {
            size,
            modified: second.map(|s| RemoteTime {
                time: chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
                    .unwrap()
                    .and_hms_opt(12, 0, s)
                    .unwrap(),
                precision: TimePrecision::Second,
            }),
        }
    }

    #[test]
    fn a_change_of_size_or_time_is_a_change_on_the_server() {
        let before = facts(Some(10), Some(1));
        assert!(!facts(Some(10), Some(1)).changed_since(&before));
        assert!(facts(Some(11), Some(1)).changed_since(&before));
        assert!(facts(Some(10), Some(2)).changed_since(&before));
        // Gone from the server.
        assert!(facts(None, None).changed_since(&before));
        // A server without MDTM is judged by the size alone.
        assert!(!facts(Some(10), None).changed_since(&before));
        assert!(!facts(Some(10), Some(3)).changed_since(&facts(Some(10), None)));
    }
}
