//! The steps of an edited file on the worker's answers: SIZE and MDTM before the download, the
//! download, the watcher and the editor, a save, the same check before the upload (a change on
//! the server becomes a conflict to decide), the upload, and the new baseline after it.

use super::launch;
use super::*;
use crate::api::{
    Direction, ErrorReport, ExistsPolicy, LocalTarget, OpOutput, Operation, TransferRequest,
    TransferState,
};
use crate::app::link::{After, Link};

impl Edits {
    /// Starts viewing or editing `remote`, a file of the folder shown on `session`. A file
    /// already open the same way opens its copy again (none is downloaded over unsaved work).
    pub fn start(
        &mut self,
        link: &mut Link,
        mode: EditMode,
        session: SessionId,
        site: &Site,
        remote: String,
        name: String,
    ) -> Result<(), String> {
        let key = site_key(site);
        let open = self.files.iter().find(|f| {
            f.remote == remote
                && f.site == key
                && f.mode == mode
                && !matches!(f.state, EditState::Failed(_))
        });
        if let Some(file) = open {
            return match file.state {
                EditState::Downloading => Ok(()),
                _ => self.act(link, EditAction::Reopen(file.id), &[]),
            };
        }
        let id = self.add(mode, session, site, remote, name)?;
        self.probe(link, id, session, Purpose::Download);
        Ok(())
    }

    /// Asks the server for the file's size and time.
    fn probe(&mut self, link: &mut Link, id: u64, session: SessionId, purpose: Purpose) {
        let Some(file) = self.files.iter().find(|f| f.id == id) else {
            return;
        };
        let path = file.remote.clone();
        let ops = [
            (Operation::Size(path.clone()), Fact::Size),
            (Operation::Mdtm(path), Fact::Time),
        ];
        for (op, fact) in ops {
            let request = link.run(session, op, After::Edit);
            self.requests.insert(request, (id, fact));
        }
        self.probes.insert(
            id,
            Probe {
                purpose,
                size: None,
                modified: None,
            },
        );
    }

    /// Takes in an operation's result if it is one of this module's (`true`). A failed SIZE
    /// or MDTM counts as unknown: a file gone has no size, a server without MDTM no time.
    pub fn op_done(
        &mut self,
        link: &mut Link,
        request: RequestId,
        result: &Result<OpOutput, ErrorReport>,
    ) -> bool {
        let Some((id, fact)) = self.requests.remove(&request) else {
            return false;
        };
        let Some(probe) = self.probes.get_mut(&id) else {
            return true;
        };
        match (fact, result) {
            (Fact::Size, Ok(OpOutput::Size(size))) => probe.size = Some(Some(*size)),
            (Fact::Size, _) => probe.size = Some(None),
            (Fact::Time, Ok(OpOutput::Time(time))) => probe.modified = Some(Some(*time)),
            (Fact::Time, _) => probe.modified = Some(None),
        }
        if let (Some(size), Some(modified)) = (probe.size, probe.modified) {
            let purpose = probe.purpose;
            self.probes.remove(&id);
            self.probed(link, id, purpose, RemoteFacts { size, modified });
        }
        true
    }

    fn probed(&mut self, link: &mut Link, id: u64, purpose: Purpose, now: RemoteFacts) {
        let Some(file) = self.file(id) else {
            return;
        };
        match purpose {
            Purpose::Download => {
                file.baseline = now;
                self.transfer_file(link, id, Direction::Download, ExistsPolicy::Overwrite);
            }
            Purpose::Upload if now.changed_since(&file.baseline) => {
                file.conflict = Some(now);
                self.set_state(id, EditState::Conflict);
                self.questions.push_back(Question::Conflict(id));
            }
            Purpose::Upload => {
                self.transfer_file(link, id, Direction::Upload, ExistsPolicy::Overwrite);
            }
            Purpose::Rebaseline => {
                file.baseline = now;
                let saved_again = std::mem::take(&mut file.saved_again);
                self.set_state(id, EditState::Uploaded);
                if saved_again {
                    self.saved(id);
                }
            }
        }
    }

    /// Queues the file's download into its folder, or the upload of its copy, through the
    /// worker's queue (the engine makes and checks the copy's path from the server's name).
    fn transfer_file(&mut self, link: &mut Link, id: u64, direction: Direction, on: ExistsPolicy) {
        let Some(file) = self.files.iter_mut().find(|f| f.id == id) else {
            return;
        };
        let local = match direction {
            Direction::Download => LocalTarget::Into {
                folder: file.folder.clone(),
                name: file.name.clone(),
            },
            Direction::Upload => {
                file.state = EditState::Uploading;
                file.stamp = Stamp::of(&file.local);
                file.kept_both = on == ExistsPolicy::Rename;
                LocalTarget::Path(file.local.clone())
            }
        };
        let request = TransferRequest {
            id: link.new_transfer(),
            direction,
            local,
            remote: file.remote.clone(),
            recursive: false,
            ascii: false,
            size: None,
            on_exists: Some(on),
        };
        self.transfers.insert(request.id, id);
        link.enqueue_requests(file.session, vec![request]);
    }

    /// A state of one of the files' transfers.
    pub fn transfer(&mut self, link: &mut Link, transfer: TransferId, state: &TransferState) {
        let Some(&id) = self.transfers.get(&transfer) else {
            return;
        };
        let Some(file) = self.files.iter_mut().find(|f| f.id == id) else {
            return;
        };
        let downloading = file.state == EditState::Downloading;
        let failed = match state {
            TransferState::Queued { local, .. } if downloading => {
                file.local = local.clone();
                return;
            }
            TransferState::Finished { .. } => None,
            TransferState::Skipped { reason } => Some(reason.clone()),
            TransferState::Failed(error) => Some(error.message.clone()),
            _ => return,
        };
        self.transfers.remove(&transfer);
        match failed {
            Some(why) => self.set_state(id, EditState::Failed(why)),
            None if downloading => self.downloaded(id),
            None => {
                let session = file.session;
                self.probe(link, id, session, Purpose::Rebaseline);
            }
        }
    }

    /// A connection closed: what its files waited for (a check, a transfer) will not come, so
    /// they fail and can be uploaded again (on another connection to the site) or removed.
    pub fn session_closed(&mut self, session: SessionId) {
        let stuck: Vec<u64> = self
            .files
            .iter()
            .filter(|f| f.session == session && f.state.busy())
            .map(|f| f.id)
            .collect();
        for id in stuck {
            self.probes.remove(&id);
            self.requests.retain(|_, (file, _)| *file != id);
            self.transfers.retain(|_, file| *file != id);
            let why = "the connection closed before it ended".to_string();
            self.set_state(id, EditState::Failed(why));
        }
    }

    /// The copy arrived: watched (when edited), then opened.
    fn downloaded(&mut self, id: u64) {
        let Some(file) = self.files.iter_mut().find(|f| f.id == id) else {
            return;
        };
        file.stamp = Stamp::of(&file.local);
        let state = if file.mode == EditMode::Edit
            && let Err(e) = self.watch.watch(&file.folder)
        {
            EditState::Failed(format!("the copy cannot be watched: {e}"))
        } else {
            match launch::open(&self.associations, &file.local) {
                Ok(_) => EditState::Opened,
                Err(e) => EditState::Failed(e.to_string()),
            }
        };
        self.set_state(id, state);
    }

    /// Takes in the saves seen since the last frame, and checks and uploads the files waiting
    /// for it on the `online` connections.
    pub fn tick(&mut self, link: &mut Link, online: &[(SessionId, SiteKey)]) {
        for path in self.watch.changed() {
            let file = self.files.iter().find(|f| {
                f.mode == EditMode::Edit && (path == f.local || path.parent() == Some(&f.folder))
            });
            if let Some(id) = file.map(|f| f.id) {
                self.maybe_saved(id);
            }
        }
        for id in std::mem::take(&mut self.to_upload) {
            self.begin_upload(link, id, online);
        }
    }

    /// Something changed in the copy's folder: a save if the copy's stamp changed.
    fn maybe_saved(&mut self, id: u64) {
        let Some(file) = self.file(id) else {
            return;
        };
        let now = Stamp::of(&file.local);
        if now.is_none() || now == file.stamp || file.state == EditState::Downloading {
            return;
        }
        file.stamp = now;
        match file.state {
            // The upload takes the copy as it is when the user decides.
            EditState::Conflict => {}
            EditState::Uploading => file.saved_again = true,
            _ => self.saved(id),
        }
    }

    /// The copy was saved: upload it, or ask first.
    fn saved(&mut self, id: u64) {
        let without_asking = self.upload_without_asking;
        let Some(file) = self.file(id) else {
            return;
        };
        file.state = EditState::Modified;
        if file.always_upload || without_asking {
            self.to_upload.push(id);
        } else if !self.questions.contains(&Question::Upload(id)) {
            self.questions.push_back(Question::Upload(id));
        }
    }

    /// Checks the server's copy before uploading, on the file's connection or another one to
    /// the same site.
    fn begin_upload(&mut self, link: &mut Link, id: u64, online: &[(SessionId, SiteKey)]) {
        let Some(file) = self.file(id) else {
            return;
        };
        let session = online
            .iter()
            .find(|(s, _)| *s == file.session)
            .or_else(|| online.iter().find(|(_, key)| *key == file.site))
            .map(|(s, _)| *s);
        let Some(session) = session else {
            let why = format!(
                "not connected to {}: connect, then choose Upload now",
                file.site.0
            );
            return self.set_state(id, EditState::Failed(why));
        };
        file.session = session;
        file.state = EditState::Uploading;
        file.conflict = None;
        self.probe(link, id, session, Purpose::Upload);
    }

    /// Carries out what the user asked of a file.
    pub fn act(
        &mut self,
        link: &mut Link,
        action: EditAction,
        online: &[(SessionId, SiteKey)],
    ) -> Result<(), String> {
        match action {
            EditAction::Upload {
                id,
                always_file,
                always_session,
            } => {
                self.upload_without_asking |= always_session;
                if let Some(file) = self.file(id) {
                    file.always_upload |= always_file;
                }
                self.questions.retain(|q| *q != Question::Upload(id));
                self.begin_upload(link, id, online);
            }
            EditAction::NotNow(id) => self.questions.retain(|q| *q != Question::Upload(id)),
            EditAction::Resolve(id, resolution) => {
                self.questions.retain(|q| *q != Question::Conflict(id));
                let policy = match resolution {
                    Resolution::Overwrite => ExistsPolicy::Overwrite,
                    Resolution::KeepBoth => ExistsPolicy::Rename,
                    Resolution::Discard => return self.remove(id),
                };
                self.transfer_file(link, id, Direction::Upload, policy);
            }
            EditAction::Reopen(id) => {
                if let Some(file) = self.files.iter().find(|f| f.id == id) {
                    launch::open(&self.associations, &file.local).map_err(|e| e.to_string())?;
                }
            }
            EditAction::Remove(id) => return self.remove(id),
        }
        Ok(())
    }
}
