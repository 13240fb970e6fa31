//! File → Import sites / Export sites: the file is chosen in the system's file dialog on a
//! short-lived thread (or by the chooser a test gives), then the FileZilla import or export of
//! `sites::filezilla` runs on the Site Manager's file and the outcome goes to the log.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::FerryApp;
use crate::api::LogKind;

/// Which file is being chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFileJob {
    /// A FileZilla site manager file to read.
    Import,
    /// Where to write the sites as a FileZilla site manager file.
    Export,
}

/// Chooses the file for a job (`None`: cancelled). Runs off the UI thread.
pub type FileChooser = Arc<dyn Fn(SiteFileJob) -> Option<PathBuf> + Send + Sync>;

/// The system's file dialog (rfd). Without a portal or zenity it returns `None` at once.
fn system_dialog(job: SiteFileJob) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().add_filter("FileZilla site manager file", &["xml"]);
    match job {
        SiteFileJob::Import => dialog.set_title("Import sites").pick_file(),
        SiteFileJob::Export => dialog
            .set_title("Export sites")
            .set_file_name("FileZilla.xml")
            .save_file(),
    }
}

pub struct SiteFiles {
    chooser: FileChooser,
    tx: Sender<(SiteFileJob, Option<PathBuf>)>,
    rx: Receiver<(SiteFileJob, Option<PathBuf>)>,
    wake: Option<egui::Context>,
}

impl SiteFiles {
    pub fn new(ctx: &egui::Context) -> SiteFiles {
        let (tx, rx) = channel();
        SiteFiles {
            chooser: Arc::new(system_dialog),
            tx,
            rx,
            wake: Some(ctx.clone()),
        }
    }

    pub fn set_chooser(&mut self, chooser: FileChooser) {
        self.chooser = chooser;
    }

    fn choose(&self, job: SiteFileJob) {
        let (tx, chooser, wake) = (self.tx.clone(), self.chooser.clone(), self.wake.clone());
        std::thread::spawn(move || {
            let _ = tx.send((job, chooser(job)));
            if let Some(ctx) = wake {
                ctx.request_repaint();
            }
        });
    }

    pub fn choose_import(&self) {
        self.choose(SiteFileJob::Import);
    }

    pub fn choose_export(&self) {
        self.choose(SiteFileJob::Export);
    }

    /// The files chosen since the last frame.
    pub fn poll(&self) -> Vec<(SiteFileJob, Option<PathBuf>)> {
        self.rx.try_iter().collect()
    }
}

impl FerryApp {
    /// Makes `chooser` pick the files to import and export (tests give the path directly).
    pub fn set_site_file_chooser(&mut self, chooser: FileChooser) {
        self.site_files.set_chooser(chooser);
    }

    /// Imports or exports with the files chosen since the last frame; when none was chosen
    /// (cancelled, or no file dialog on this system), the path can be typed instead.
    pub(super) fn site_files_chosen(&mut self) {
        for (job, file) in self.site_files.poll() {
            match file {
                Some(file) => self.site_file(job, &file),
                None => self.menus.windows.type_site_file(job),
            }
        }
    }

    /// Imports from or exports to `file`; the outcome goes to the log and the status line.
    pub(super) fn site_file(&mut self, job: SiteFileJob, file: &Path) {
        let outcome = match job {
            SiteFileJob::Import => self.sites.import_filezilla(file),
            SiteFileJob::Export => self.sites.export_filezilla(file),
        };
        match outcome {
            Ok((said, warnings)) => {
                for warning in warnings {
                    self.say(LogKind::Error, format!("Warning: {warning}"));
                }
                self.say(LogKind::Status, said.clone());
                self.tab_mut().status = said;
            }
            Err(why) => {
                self.say(LogKind::Error, why.clone());
                self.tab_mut().status = why;
            }
        }
    }
}
