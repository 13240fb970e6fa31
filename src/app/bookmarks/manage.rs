//! "Manage bookmarks": the global bookmarks and the site's in one list; the one chosen can be
//! renamed, deleted or opened.

use super::{Managing, Scope};
use crate::app::{AppCommand, FerryApp};
use crate::sites::bookmarks::{self, Bookmark};

/// What the window was asked to do this frame.
enum Chosen {
    Pick(Scope, String),
    Rename,
    Delete,
    Go(Bookmark),
    Close,
}

impl FerryApp {
    pub(super) fn manage_bookmarks_window(&mut self, ctx: &egui::Context) {
        if self.bookmarks.managing.is_none() {
            return;
        }
        let site = self.current_site();
        let (global, site_list) = self.bookmarks.lists(site.as_ref());
        let Some(managing) = &mut self.bookmarks.managing else {
            return;
        };
        let mut chosen = None;
        let mut open = true;
        egui::Window::new("Manage bookmarks")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                let mut group =
                    |ui: &mut egui::Ui, title: &str, scope: Scope, list: &[Bookmark]| {
                        ui.strong(title);
                        if list.is_empty() {
                            ui.weak("(none)");
                        }
                        for bookmark in list {
                            let key = (scope.clone(), bookmark.name.clone());
                            let on = managing.chosen.as_ref() == Some(&key);
                            if ui.selectable_label(on, &bookmark.name).clicked() {
                                chosen = Some(Chosen::Pick(key.0, key.1));
                            }
                        }
                    };
                group(ui, "Global bookmarks", Scope::Global, &global);
                if let (Some(id), Some((name, list))) = (&site, &site_list) {
                    group(
                        ui,
                        &format!("Bookmarks of {name}"),
                        Scope::Site(id.clone()),
                        list,
                    );
                }
                ui.separator();
                chosen = chosen
                    .take()
                    .or_else(|| details(ui, managing, &global, &site_list));
            });
        if !open {
            chosen = Some(Chosen::Close);
        }
        if let Some(chosen) = chosen {
            self.managed(chosen);
        }
    }

    fn managed(&mut self, chosen: Chosen) {
        let Some(managing) = &mut self.bookmarks.managing else {
            return;
        };
        let result = match chosen {
            Chosen::Pick(scope, name) => {
                managing.name = name.clone();
                managing.chosen = Some((scope, name));
                managing.error = None;
                return;
            }
            Chosen::Close => {
                self.bookmarks.managing = None;
                return;
            }
            Chosen::Go(bookmark) => {
                self.commands
                    .push(AppCommand::GoToBookmark(Box::new(bookmark)));
                return;
            }
            Chosen::Rename => {
                let Some((scope, from)) = managing.chosen.clone() else {
                    return;
                };
                let to = managing.name.trim().to_string();
                let done = self
                    .bookmarks
                    .edit(&scope, |list| bookmarks::rename(list, &from, &to));
                done.map(|()| Some((scope, to)))
            }
            Chosen::Delete => {
                let Some((scope, name)) = managing.chosen.clone() else {
                    return;
                };
                let done = self
                    .bookmarks
                    .edit(&scope, |list| bookmarks::remove(list, &name).map(drop));
                done.map(|()| None)
            }
        };
        if let Some(managing) = &mut self.bookmarks.managing {
            match result {
                Ok(chosen) => {
                    managing.chosen = chosen;
                    managing.error = None;
                }
                Err(error) => managing.error = Some(error),
            }
        }
    }
}

/// The chosen bookmark's folders, its name to edit, and the buttons.
fn details(
    ui: &mut egui::Ui,
    managing: &mut Managing,
    global: &[Bookmark],
    site: &Option<(String, Vec<Bookmark>)>,
) -> Option<Chosen> {
    let (scope, name) = managing.chosen.clone()?;
    let list = match scope {
        Scope::Global => global,
        Scope::Site(_) => site.as_ref().map_or(&[][..], |(_, l)| l.as_slice()),
    };
    let bookmark = list.iter().find(|b| b.name == name)?;
    let label = ui.label("Name:");
    ui.text_edit_singleline(&mut managing.name)
        .labelled_by(label.id);
    let folder = |dir: Option<String>| dir.unwrap_or_else(|| "(unchanged)".to_string());
    ui.label(format!(
        "Local folder: {}",
        folder(bookmark.local_dir.as_ref().map(|d| d.display().to_string()))
    ));
    ui.label(format!(
        "Remote folder: {}",
        folder(bookmark.remote_dir.clone())
    ));
    if let Some(error) = &managing.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    let mut chosen = None;
    ui.horizontal(|ui| {
        if ui.button("Rename").clicked() {
            chosen = Some(Chosen::Rename);
        }
        if ui.button("Delete").clicked() {
            chosen = Some(Chosen::Delete);
        }
        if ui.button("Go to").clicked() {
            chosen = Some(Chosen::Go(bookmark.clone()));
        }
    });
    chosen
}
