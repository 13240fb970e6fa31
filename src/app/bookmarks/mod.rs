//! Bookmarks in the app: the Bookmarks menu (its items drawn by [`FerryApp::bookmarks_menu`]
//! for the menu bar and the toolbar), "Add bookmark…" (name, both folders prefilled from the
//! panes, global or for this site, synchronized browsing and comparison switches), "Manage
//! bookmarks…" (rename, delete), and going to one: both panes open their folders. Global
//! bookmarks live in the settings file, a site's with the site (`sites::bookmarks`); this
//! reads and writes them through its own stores, which lock and re-read the files.

mod manage;

use std::collections::HashMap;
use std::path::Path;

use super::{AppCommand, FerryApp};
use crate::api::{Operation, SessionId};
use crate::app::link::After;
use crate::sites::bookmarks::{self, Bookmark};
use crate::sites::{EditError, NodeId, SettingsStore, SiteStore, StoreError};

/// Where a bookmark is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    Site(NodeId),
}

/// The "Add bookmark" dialog's fields.
#[derive(Debug, Clone, Default)]
struct Adding {
    name: String,
    local: String,
    remote: String,
    for_site: bool,
    sync: bool,
    comparison: bool,
    error: Option<String>,
}

/// The "Manage bookmarks" window: the bookmark chosen and its name being edited.
#[derive(Debug, Clone, Default)]
struct Managing {
    chosen: Option<(Scope, String)>,
    name: String,
    error: Option<String>,
}

#[derive(Default)]
pub struct Bookmarks {
    /// The settings (global bookmarks) and the sites (theirs); `None` without a config folder.
    stores: Option<(SiteStore, SettingsStore)>,
    /// The saved site each tab connected to, for its bookmarks.
    pub site_of: HashMap<SessionId, NodeId>,
    adding: Option<Adding>,
    managing: Option<Managing>,
}

fn invalid(e: bookmarks::BookmarkError) -> EditError {
    EditError::Invalid(e.to_string())
}

impl Bookmarks {
    pub fn new(config_dir: Option<&Path>) -> Bookmarks {
        Bookmarks {
            stores: config_dir.map(|dir| (SiteStore::open(dir), SettingsStore::open(dir))),
            ..Bookmarks::default()
        }
    }

    /// The global bookmarks and those of `site`, as on disk now.
    fn lists(&mut self, site: Option<&NodeId>) -> (Vec<Bookmark>, Option<(String, Vec<Bookmark>)>) {
        let Some((sites, settings)) = &mut self.stores else {
            return (Vec::new(), None);
        };
        sites.reload_if_changed();
        settings.reload_if_changed();
        let site = site
            .and_then(|id| sites.tree().site(id))
            .map(|s| (s.name.clone(), s.bookmarks.clone()));
        (settings.settings().bookmarks.clone(), site)
    }

    /// Runs `edit` on the list of `scope` and writes it.
    fn edit(
        &mut self,
        scope: &Scope,
        edit: impl FnOnce(&mut Vec<Bookmark>) -> Result<(), bookmarks::BookmarkError>,
    ) -> Result<(), String> {
        let Some((sites, settings)) = &mut self.stores else {
            return Err("No config folder: bookmarks cannot be saved".to_string());
        };
        let result: Result<(), StoreError> = match scope {
            Scope::Global => settings.update(|s| edit(&mut s.bookmarks).map_err(invalid)),
            Scope::Site(id) => sites.update(|tree| {
                let mut site = tree
                    .site(id)
                    .cloned()
                    .ok_or_else(|| EditError::NotFound(id.clone()))?;
                edit(&mut site.bookmarks).map_err(invalid)?;
                tree.save_site(site)
            }),
        };
        result.map_err(|e| e.to_string())
    }

    /// The saved site's entry (its synchronized browsing and comparison switches).
    pub fn site(&mut self, id: &NodeId) -> Option<crate::sites::SiteEntry> {
        let (sites, _) = self.stores.as_mut()?;
        sites.reload_if_changed();
        sites.tree().site(id).cloned()
    }
}

/// The Bookmarks menu's items: add, manage, then the global bookmarks and the site's.
pub fn menu_items(
    ui: &mut egui::Ui,
    global: &[Bookmark],
    site: Option<&(String, Vec<Bookmark>)>,
    commands: &mut Vec<AppCommand>,
) {
    let mut item = |ui: &mut egui::Ui, label: &str, command: AppCommand| {
        if ui.button(label).clicked() {
            commands.push(command);
            ui.close();
        }
    };
    item(ui, "Add bookmark...", AppCommand::AddBookmark);
    item(ui, "Manage bookmarks...", AppCommand::ManageBookmarks);
    if !global.is_empty() {
        ui.separator();
    }
    for bookmark in global {
        item(
            ui,
            &bookmark.name,
            AppCommand::GoToBookmark(Box::new(bookmark.clone())),
        );
    }
    if let Some((name, list)) = site.filter(|(_, list)| !list.is_empty()) {
        ui.separator();
        ui.weak(format!("Bookmarks of {name}"));
        for bookmark in list {
            item(
                ui,
                &bookmark.name,
                AppCommand::GoToBookmark(Box::new(bookmark.clone())),
            );
        }
    }
}

impl FerryApp {
    fn current_site(&self) -> Option<NodeId> {
        self.bookmarks.site_of.get(&self.tab().session).cloned()
    }

    /// Draws the Bookmarks menu's items into `ui` (the menu bar's Bookmarks menu).
    pub fn bookmarks_menu(&mut self, ui: &mut egui::Ui) {
        let site = self.current_site();
        let (global, site) = self.bookmarks.lists(site.as_ref());
        menu_items(ui, &global, site.as_ref(), &mut self.commands);
    }

    /// The global bookmarks and, for a tab of a saved site, the site's name and bookmarks.
    pub fn bookmark_lists(&mut self) -> (Vec<Bookmark>, Option<(String, Vec<Bookmark>)>) {
        let site = self.current_site();
        self.bookmarks.lists(site.as_ref())
    }

    /// Opens "Add bookmark" with the folders shown.
    pub fn open_add_bookmark(&mut self) {
        let remote = if self.is_connected() {
            self.remote().path.clone()
        } else {
            String::new()
        };
        self.bookmarks.adding = Some(Adding {
            local: self.local.path.clone(),
            remote,
            for_site: self.current_site().is_some(),
            ..Adding::default()
        });
    }

    pub fn open_manage_bookmarks(&mut self) {
        self.bookmarks.managing = Some(Managing::default());
    }

    /// Opens a bookmark's folders in both panes; switches synchronized browsing (from those
    /// folders) and directory comparison on when it says so.
    pub fn go_to_bookmark(&mut self, bookmark: &Bookmark) {
        let session = self.tab().session;
        self.browse.sync.remove(&session);
        if let Some(local) = &bookmark.local_dir {
            self.local.loading = true;
            self.local_fs.list(local.display().to_string());
        }
        if let Some(remote) = &bookmark.remote_dir {
            if self.is_connected() {
                let tab = self.tabs.active_index();
                self.send_op(tab, Operation::List(Some(remote.clone())), After::Listing);
            } else {
                self.tab_mut().status =
                    format!("Connect to a server to open the bookmark's {remote}");
            }
        }
        if bookmark.syncs() && self.is_connected() {
            self.browse.sync_pending.insert(session);
        }
        if bookmark.directory_comparison && !self.comparing() {
            self.toggle_comparison();
        }
    }

    /// The bookmark dialogs that are open.
    pub(super) fn bookmark_windows(&mut self, ctx: &egui::Context) {
        self.add_bookmark_dialog(ctx);
        self.manage_bookmarks_window(ctx);
    }

    fn add_bookmark_dialog(&mut self, ctx: &egui::Context) {
        if self.bookmarks.adding.is_none() {
            return;
        }
        let site = self.current_site();
        let site_name = site
            .as_ref()
            .and_then(|id| self.bookmarks.site(id))
            .map(|s| s.name);
        let Some(adding) = &mut self.bookmarks.adding else {
            return;
        };
        let mut done = None;
        egui::Modal::new(egui::Id::unique("add-bookmark")).show(ctx, |ui| {
            ui.heading("New bookmark");
            egui::Grid::new("bookmark-fields")
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, text) in [
                        ("Name:", &mut adding.name),
                        ("Local folder:", &mut adding.local),
                        ("Remote folder:", &mut adding.remote),
                    ] {
                        let label = ui.label(label);
                        ui.add(egui::TextEdit::singleline(text).desired_width(320.0))
                            .labelled_by(label.id);
                        ui.end_row();
                    }
                });
            ui.radio_value(&mut adding.for_site, false, "Global bookmark");
            let this_site = match &site_name {
                Some(name) => format!("Site-specific bookmark for {name}"),
                None => "Site-specific bookmark (connect to a saved site first)".to_string(),
            };
            ui.add_enabled_ui(site_name.is_some(), |ui| {
                ui.radio_value(&mut adding.for_site, true, this_site);
            });
            ui.checkbox(&mut adding.sync, "Use synchronized browsing");
            ui.checkbox(&mut adding.comparison, "Directory comparison");
            if let Some(error) = &adding.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.horizontal(|ui| {
                if ui.button("OK").clicked() {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    done = Some(false);
                }
            });
        });
        match done {
            Some(true) => self.save_new_bookmark(site),
            Some(false) => self.bookmarks.adding = None,
            None => {}
        }
    }

    fn save_new_bookmark(&mut self, site: Option<NodeId>) {
        let Some(adding) = self.bookmarks.adding.clone() else {
            return;
        };
        let mut bookmark = Bookmark::new(&adding.name, &adding.local, &adding.remote);
        bookmark.sync_browsing = adding.sync;
        bookmark.directory_comparison = adding.comparison;
        let scope = match (adding.for_site, site) {
            (true, Some(id)) => Scope::Site(id),
            _ => Scope::Global,
        };
        let name = bookmark.name.clone();
        match self
            .bookmarks
            .edit(&scope, |list| bookmarks::add(list, bookmark))
        {
            Ok(()) => {
                self.bookmarks.adding = None;
                self.tab_mut().status = format!("Bookmark {name:?} added");
            }
            Err(error) => {
                if let Some(adding) = &mut self.bookmarks.adding {
                    adding.error = Some(error);
                }
            }
        }
    }
}

impl FerryApp {
    /// A tab now connecting to the saved site `id`: its bookmarks are offered, and its
    /// synchronized browsing and comparison switches apply (`local_dir`: a local folder is
    /// being listed for it).
    pub(super) fn site_browsing(&mut self, session: SessionId, id: NodeId, local_dir: bool) {
        let entry = self.bookmarks.site(&id);
        self.bookmarks.site_of.insert(session, id);
        let Some(entry) = entry else {
            return;
        };
        if entry.sync_browsing {
            self.browse.sync_pending.insert(session);
            self.local.loading |= local_dir;
        }
        if entry.directory_comparison && !self.comparing() {
            self.toggle_comparison();
        }
    }
}
