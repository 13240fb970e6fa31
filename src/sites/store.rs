//! `SiteStore` and `SettingsStore`: a file in the config folder and the value last read from
//! it. Every change locks the file, re-reads it, applies the change addressed by id and
//! replaces the file atomically, so two windows (or processes) editing different sites both
//! keep their changes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::{self, Document, FORMAT_VERSION, Stamp, StoreError, WriteLock};
use super::model::{Folder, Node, NodeId, SiteEntry};
use super::settings::Settings;
use super::tree::{Duplicated, EditError, SiteTree};

/// A versioned JSON file and its last-read value.
///
/// Reading is free (`get`, `tree`, `settings` return references); call
/// [`reload_if_changed`](Store::reload_if_changed) now and then (one `stat`) to see other
/// windows' changes. When the file cannot be read, [`problem`](Store::problem) says why (path,
/// line), the value is empty, and every change is refused with that error: the file is kept
/// for the user to fix, never overwritten.
#[derive(Debug)]
pub struct Store<D> {
    path: PathBuf,
    lock_path: PathBuf,
    value: D,
    problem: Option<StoreError>,
    stamp: Option<Stamp>,
}

/// `sites.json`: the site manager's folders and sites.
pub type SiteStore = Store<SiteTree>;
/// `settings.json`: the global settings.
pub type SettingsStore = Store<Settings>;

impl<D: Document> Store<D> {
    /// Reads the file in `config_dir` (missing: empty). Never fails: see [`Store::problem`].
    pub fn open(config_dir: &Path) -> Store<D> {
        let mut store = Store {
            path: config_dir.join(D::FILE_NAME),
            lock_path: config_dir.join(D::LOCK_NAME),
            value: D::default(),
            problem: None,
            stamp: None,
        };
        store.reload();
        store
    }

    /// Like [`Store::open`], but a file that cannot be read is an error.
    pub fn load(config_dir: &Path) -> Result<Store<D>, StoreError> {
        let mut store = Store::open(config_dir);
        match store.problem.take() {
            Some(problem) => Err(problem),
            None => Ok(store),
        }
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value last read or written.
    pub fn get(&self) -> &D {
        &self.value
    }

    /// Why the file could not be read, if it could not.
    pub fn problem(&self) -> Option<&StoreError> {
        self.problem.as_ref()
    }

    /// Reads the file again.
    pub fn reload(&mut self) {
        match file::read::<D>(&self.path) {
            Ok(loaded) => {
                self.value = loaded.value;
                self.stamp = loaded.stamp;
                self.problem = None;
            }
            Err(problem) => {
                self.value = D::default();
                self.stamp = file::stamp(&self.path).ok().flatten();
                self.problem = Some(problem);
            }
        }
    }

    /// Reads the file again if it changed on disk since this store last read or wrote it
    /// (another window, another Ferry, an editor). Returns whether it did.
    pub fn reload_if_changed(&mut self) -> bool {
        if file::stamp(&self.path).ok().flatten() == self.stamp {
            return false;
        }
        self.reload();
        true
    }

    /// Changes the value: locks the file, re-reads it, applies `edit`, checks the result and
    /// replaces the file (keeping the previous one as `NAME.bak`). On any error nothing is
    /// written; after it, [`Store::get`] shows the file as it is on disk.
    pub fn update<R, E: Into<StoreError>>(
        &mut self,
        edit: impl FnOnce(&mut D) -> Result<R, E>,
    ) -> Result<R, StoreError> {
        let _lock = WriteLock::acquire(&self.lock_path, &self.path)?;
        let loaded = match file::read::<D>(&self.path) {
            Ok(loaded) => loaded,
            Err(problem) => {
                self.value = D::default();
                self.stamp = file::stamp(&self.path).ok().flatten();
                self.problem = Some(problem.clone());
                return Err(problem);
            }
        };
        self.value = loaded.value.clone();
        self.stamp = loaded.stamp;
        self.problem = None;
        let mut value = loaded.value;
        let result = edit(&mut value).map_err(Into::into)?;
        value.check().map_err(EditError::Invalid)?;
        let text = value.to_json();
        if loaded.bytes.as_deref() != Some(text.as_bytes()) {
            self.stamp = file::replace(&self.path, loaded.bytes.as_deref(), text.as_bytes())?;
        }
        self.value = value;
        Ok(result)
    }
}

/// The site manager's edits, each addressed by id.
impl Store<SiteTree> {
    /// The folders and sites.
    pub fn tree(&self) -> &SiteTree {
        &self.value
    }

    /// Adds a site to a folder (`None`: the top level), at the end. Returns its id.
    pub fn add_site(
        &mut self,
        folder: Option<&NodeId>,
        site: SiteEntry,
    ) -> Result<NodeId, StoreError> {
        self.update(|tree| tree.insert(folder, None, Node::Site(site)))
    }

    /// Adds an empty folder (`None`: at the top level), at the end. Returns its id.
    pub fn add_folder(
        &mut self,
        parent: Option<&NodeId>,
        name: &str,
    ) -> Result<NodeId, StoreError> {
        self.update(|tree| tree.insert(parent, None, Node::Folder(Folder::new(name))))
    }

    /// Renames a site or folder.
    pub fn rename(&mut self, id: &NodeId, name: &str) -> Result<(), StoreError> {
        self.update(|tree| tree.rename(id, name))
    }

    /// Replaces the site with `site.id` by `site` (the manager's "OK" on an edited copy).
    pub fn save_site(&mut self, site: SiteEntry) -> Result<(), StoreError> {
        self.update(|tree| tree.save_site(site))
    }

    /// Copies a site or folder next to it as `Copy of NAME`. Copy the passwords with
    /// [`Keyring::copy_passwords`](super::Keyring::copy_passwords)`(&dup.sites)`.
    pub fn duplicate(&mut self, id: &NodeId) -> Result<Duplicated, StoreError> {
        self.update(|tree| tree.duplicate(id))
    }

    /// Deletes a site or a folder with everything in it (ask the user first) and returns it.
    /// Forget the passwords with
    /// [`Keyring::forget`](super::Keyring::forget)`(&node.site_ids())`.
    pub fn delete(&mut self, id: &NodeId) -> Result<Node, StoreError> {
        self.update(|tree| tree.remove(id))
    }

    /// Moves a site or folder into `folder` (`None`: the top level) at `index` (as counted
    /// after taking it out; past the end means last): drag and drop.
    pub fn move_node(
        &mut self,
        id: &NodeId,
        folder: Option<&NodeId>,
        index: usize,
    ) -> Result<(), StoreError> {
        self.update(|tree| tree.move_node(id, folder, index))
    }
}

impl Store<Settings> {
    pub fn settings(&self) -> &Settings {
        &self.value
    }

    /// Checks and saves new settings (the Settings window's "OK"); they apply to connections
    /// made from now on. The bookmarks on disk stay: they are changed only by `update`.
    pub fn save(&mut self, mut settings: Settings) -> Result<(), StoreError> {
        settings.validate()?;
        self.update(|current| {
            settings.bookmarks = std::mem::take(&mut current.bookmarks);
            *current = settings;
            Ok::<_, StoreError>(())
        })
    }
}

#[derive(Serialize)]
struct SitesOut<'a> {
    version: u64,
    sites: &'a SiteTree,
}

#[derive(Deserialize)]
struct SitesIn {
    #[allow(dead_code)]
    version: u64,
    #[serde(default)]
    sites: SiteTree,
}

impl Document for SiteTree {
    const FILE_NAME: &'static str = "sites.json";
    const LOCK_NAME: &'static str = "sites.lock";

    fn from_json(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str::<SitesIn>(text).map(|f| f.sites)
    }

    fn to_json(&self) -> String {
        pretty(&SitesOut {
            version: FORMAT_VERSION,
            sites: self,
        })
    }

    fn check(&self) -> Result<(), String> {
        SiteTree::check(self)
    }
}

#[derive(Serialize)]
struct SettingsOut<'a> {
    version: u64,
    settings: &'a Settings,
}

#[derive(Deserialize)]
struct SettingsIn {
    #[allow(dead_code)]
    version: u64,
    #[serde(default)]
    settings: Settings,
}

impl Document for Settings {
    const FILE_NAME: &'static str = "settings.json";
    const LOCK_NAME: &'static str = "settings.lock";

    fn from_json(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str::<SettingsIn>(text).map(|f| f.settings)
    }

    fn to_json(&self) -> String {
        pretty(&SettingsOut {
            version: FORMAT_VERSION,
            settings: self,
        })
    }

    fn check(&self) -> Result<(), String> {
        self.validate().map_err(|e| e.to_string())
    }
}

fn pretty(value: &impl Serialize) -> String {
    // Serialising plain structs of strings, numbers and enums cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
