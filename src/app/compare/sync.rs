//! Synchronized browsing: switched on in a tab, it keeps the pair of folders shown then as
//! roots; from then on a folder entered (or left) on one side is entered on the other at the
//! same path relative to its root. A folder the other side lacks is said in the status bar and
//! offered to be created; leaving the roots switches it off. Started on by a site or bookmark
//! that says so, once both of their listings are in.

use std::path::{Component, Path};

use crate::api::{EntryKind, Operation};
use crate::app::link::After;
use crate::app::pane::Side;
use crate::app::{AppCommand, FerryApp};

/// The pair of folders synchronized browsing started from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRoots {
    pub local: String,
    pub remote: String,
}

/// A folder synchronized browsing wanted to enter and did not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub side: Side,
    pub path: String,
}

/// The names leading from `root` to `target` on the remote side (`None`: not inside it).
fn remote_relative(root: &str, target: &str) -> Option<Vec<String>> {
    let parts = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_string)
            .collect()
    };
    let (root, target) = (parts(root), parts(target));
    target
        .starts_with(&root)
        .then(|| target[root.len()..].to_vec())
}

/// The names leading from `root` to `target` on the local side.
fn local_relative(root: &str, target: &str) -> Option<Vec<String>> {
    let rest = Path::new(target).strip_prefix(Path::new(root)).ok()?;
    rest.components()
        .map(|c| match c {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// `names` inside `root` on `side`.
fn join(side: Side, root: &str, names: &[String]) -> String {
    names.iter().fold(root.to_string(), |dir, name| match side {
        Side::Remote => crate::common::paths::join_remote(&dir, name),
        Side::Local => crate::common::local_path::child(&dir, name),
    })
}

/// The same place on the other side: where `target` (on `side`) lies relative to its root.
pub fn counterpart(roots: &SyncRoots, side: Side, target: &str) -> Option<String> {
    match side {
        Side::Local => local_relative(&roots.local, target)
            .map(|names| join(Side::Remote, &roots.remote, &names)),
        Side::Remote => remote_relative(&roots.remote, target)
            .map(|names| join(Side::Local, &roots.local, &names)),
    }
}

impl FerryApp {
    /// Whether synchronized browsing is on in the tab shown.
    pub fn syncing(&self) -> bool {
        self.browse.sync.contains_key(&self.tab().session)
    }

    /// The folder synchronized browsing offers to create, if any.
    pub fn missing_folder(&self) -> Option<&super::Missing> {
        self.browse.missing.as_ref()
    }

    /// Synchronized browsing on (from the two folders shown) or off, in the tab shown.
    pub fn toggle_sync_browsing(&mut self) {
        let session = self.tab().session;
        if self.browse.sync.remove(&session).is_some() {
            self.tab_mut().status = "Synchronized browsing off".to_string();
            return;
        }
        if !self.is_connected() {
            self.tab_mut().status = "Connect to a server to browse both sides in step".to_string();
            return;
        }
        let roots = SyncRoots {
            local: self.local.path.clone(),
            remote: self.remote().path.clone(),
        };
        self.tab_mut().status = format!(
            "Synchronized browsing on: {} and {}",
            roots.local, roots.remote
        );
        self.browse.sync.insert(session, roots);
    }

    /// A pane of the tab shown is going to `target`: the other side follows when synchronized
    /// browsing is on.
    pub(in crate::app) fn follow(&mut self, side: Side, target: &str) {
        let session = self.tab().session;
        let Some(roots) = self.browse.sync.get(&session) else {
            return;
        };
        let Some(other) = counterpart(roots, side, target) else {
            self.browse.sync.remove(&session);
            self.tab_mut().status =
                format!("Synchronized browsing off: {target} is outside the synchronized folders");
            return;
        };
        match side {
            Side::Remote if !Path::new(&other).is_dir() => self.offer(Side::Local, other),
            Side::Remote => {
                self.local.loading = true;
                self.local_fs.list(other);
            }
            Side::Local if self.remote_lacks(&other) => self.offer(Side::Remote, other),
            Side::Local => {
                let tab = self.tabs.active_index();
                self.send_op(tab, Operation::List(Some(other.clone())), After::Listing);
                self.browse.followed = Some((session, other));
            }
        }
    }

    /// A remote folder followed into could not be listed (it is not there, or deeper than the
    /// listing shown could tell): offered to be created like one known to be missing.
    fn followed_failed(&mut self) {
        let tab = self.tab();
        let Some((session, path)) = &self.browse.followed else {
            return;
        };
        if *session != tab.session || tab.remote.loading {
            return;
        }
        let failed = tab.remote.error.is_some() && tab.remote.path != *path;
        let path = path.clone();
        self.browse.followed = None;
        if failed && self.browse.missing.is_none() {
            self.offer(Side::Remote, path);
        }
    }

    /// Whether the remote folder `path` is known not to exist: its parent is listed in the
    /// pane and has no folder of that name. (Elsewhere, the listing says.)
    fn remote_lacks(&self, path: &str) -> bool {
        let pane = self.remote();
        let name = crate::common::paths::remote_basename(path);
        let parent = remote_relative(&pane.path, path);
        !pane.loading
            && parent.is_some_and(|names| names.len() == 1)
            && !pane
                .entries()
                .iter()
                .any(|e| e.name == name && matches!(e.kind, EntryKind::Dir | EntryKind::Link))
    }

    /// Says that `path` is missing on `side` and asks whether to create it.
    fn offer(&mut self, side: Side, path: String) {
        let where_ = match side {
            Side::Local => "locally",
            Side::Remote => "on the server",
        };
        self.tab_mut().status = format!("Synchronized browsing: {path} does not exist {where_}");
        self.browse.missing = Some(super::Missing { side, path });
    }

    /// Creates the missing folder and enters it.
    pub(in crate::app) fn create_missing(&mut self) {
        let Some(missing) = self.browse.missing.take() else {
            return;
        };
        match missing.side {
            Side::Local => match std::fs::create_dir_all(&missing.path) {
                Ok(()) => {
                    self.local.loading = true;
                    self.local_fs.list(missing.path);
                }
                Err(e) => self.tab_mut().status = format!("{}: {e}", missing.path),
            },
            Side::Remote => {
                let tab = self.tabs.active_index();
                for dir in self.remote_folders_to_make(&missing.path) {
                    self.send_op(tab, Operation::Mkdir(dir), After::RefreshRemote);
                }
                self.send_op(tab, Operation::List(Some(missing.path)), After::Listing);
            }
        }
    }

    /// The remote folders to make, outermost first, for `path` to exist: those below the
    /// folder shown (or below the synchronized root) that its listing does not show.
    fn remote_folders_to_make(&self, path: &str) -> Vec<String> {
        let pane = self.remote();
        let root = self.browse.sync.get(&self.tab().session);
        let base = match remote_relative(&pane.path, path) {
            Some(_) => pane.path.clone(),
            None => root.map_or_else(|| "/".to_string(), |r| r.remote.clone()),
        };
        let names = remote_relative(&base, path).unwrap_or_default();
        let listed =
            |name: &str| base == pane.path && pane.entries().iter().any(|e| e.name == name);
        let mut dir = base.clone();
        let mut folders = Vec::new();
        for (depth, name) in names.iter().enumerate() {
            dir = crate::common::paths::join_remote(&dir, name);
            if depth > 0 || !listed(name) {
                folders.push(dir.clone());
            }
        }
        folders
    }

    /// Starts synchronized browsing where a site or bookmark asked for it, once both panes
    /// show their folders.
    pub(in crate::app) fn sync_tick(&mut self) {
        self.followed_failed();
        let tab = self.tab();
        if !self.browse.sync_pending.contains(&tab.session) {
            return;
        }
        if !tab.connected || tab.remote.loading || tab.remote.path.is_empty() || self.local.loading
        {
            return;
        }
        let session = tab.session;
        self.browse.sync_pending.remove(&session);
        self.browse.sync.remove(&session);
        self.toggle_sync_browsing();
    }

    /// The question about a missing folder.
    pub(in crate::app) fn missing_prompt(&mut self, ctx: &egui::Context) {
        let Some(missing) = &self.browse.missing else {
            return;
        };
        let where_ = match missing.side {
            Side::Local => "in the local folders",
            Side::Remote => "on the server",
        };
        let text = format!(
            "Synchronized browsing: the folder {} does not exist {where_}. Create it?",
            missing.path
        );
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("sync-missing")).show(ctx, |ui| {
            ui.heading("Folder missing");
            ui.label(text);
            ui.horizontal(|ui| {
                if ui.button("Create it").clicked() {
                    answer = Some(true);
                }
                if ui.button("Don't create").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => self.commands.push(AppCommand::CreateMissingFolder),
            Some(false) => self.browse.missing = None,
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_side_is_the_same_place_relative_to_its_root() {
        let roots = SyncRoots {
            local: "/home/ann/site".to_string(),
            remote: "/var/www".to_string(),
        };
        assert_eq!(
            counterpart(&roots, Side::Remote, "/var/www/img/icons").as_deref(),
            Some("/home/ann/site/img/icons")
        );
        assert_eq!(
            counterpart(&roots, Side::Local, "/home/ann/site/css").as_deref(),
            Some("/var/www/css")
        );
        assert_eq!(
            counterpart(&roots, Side::Remote, "/var/www").as_deref(),
            Some("/home/ann/site")
        );
        assert_eq!(counterpart(&roots, Side::Remote, "/var"), None);
        assert_eq!(counterpart(&roots, Side::Local, "/home/ann"), None);
        // A name that only starts like the root is not inside it.
        assert_eq!(counterpart(&roots, Side::Remote, "/var/www2"), None);
    }
}
