//! The "Search remote files" window (FileZilla's, F3 there): from a remote folder, recursively,
//! by name (substring or `*`/`?` pattern, case option) and optionally size and date (the filter
//! model's conditions), to a bounded depth. Results stream in as folders are listed; the search
//! can be stopped; from the results: download (into the local pane's folder), delete (after a
//! confirmation), open the containing folder. The app side is in `run`.

mod results;
mod run;

use std::collections::BTreeSet;

use crate::api::*;

pub use run::SearchAction;

use super::AppCommand;

/// The depth a new search goes down to.
pub const DEFAULT_DEPTH: usize = 20;

/// One entry found, in the folder it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub folder: String,
    pub entry: Entry,
}

impl Found {
    pub fn path(&self) -> String {
        crate::common::paths::join_remote(&self.folder, &self.entry.name)
    }
}

/// The search running, and where its results come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Running {
    session: SessionId,
    request: RequestId,
}

pub struct SearchWindow {
    pub open: bool,
    /// The folder to search from.
    pub root: String,
    pub pattern: String,
    pub case_sensitive: bool,
    pub files: bool,
    pub folders: bool,
    size: Option<(Compare, u64)>,
    date: Option<(Compare, String)>,
    pub max_depth: usize,
    running: Option<Running>,
    /// The session the results belong to.
    session: Option<SessionId>,
    results: Vec<Found>,
    selected: BTreeSet<usize>,
    status: String,
    /// The entries waiting for the user to confirm their deletion.
    confirm_delete: Option<Vec<Found>>,
    /// A result whose folder was opened: selected in the remote pane once listed.
    reveal: Option<(SessionId, Found)>,
}

impl Default for SearchWindow {
    fn default() -> Self {
        SearchWindow {
            open: false,
            root: String::new(),
            pattern: String::new(),
            case_sensitive: false,
            files: true,
            folders: true,
            size: None,
            date: None,
            max_depth: DEFAULT_DEPTH,
            running: None,
            session: None,
            results: Vec::new(),
            selected: BTreeSet::new(),
            status: String::new(),
            confirm_delete: None,
            reveal: None,
        }
    }
}

impl SearchWindow {
    pub fn results(&self) -> &[Found] {
        &self.results
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    pub fn status(&self) -> &str {
        &self.status
    }

    /// What to look for: a name condition (a pattern when it has `*` or `?`, else a
    /// substring; none when empty), and the size and date conditions that are on.
    pub fn find(&self) -> Filter {
        let text = self.pattern.trim();
        let mut conditions = Vec::new();
        if !text.is_empty() {
            let test = match text.contains(['*', '?']) {
                true => NameTest::Glob,
                false => NameTest::Contains,
            };
            conditions.push(Condition::Name(test, text.to_string()));
        }
        if let Some((compare, bytes)) = self.size {
            conditions.push(Condition::Size(compare, bytes));
        }
        if let Some((compare, day)) = &self.date {
            conditions.push(Condition::Date(*compare, day.clone()));
        }
        if conditions.is_empty() {
            // Everything: a name that contains nothing.
            conditions.push(Condition::Name(NameTest::Contains, String::new()));
        }
        Filter {
            name: "Search".to_string(),
            conditions,
            mode: MatchMode::All,
            files: self.files,
            folders: self.folders,
            case_sensitive: self.case_sensitive,
            ..Filter::default()
        }
    }

    /// Takes the events of the running search; gives back every other event.
    pub fn take(&mut self, event: Event) -> Option<Event> {
        let Some(running) = self.running else {
            return Some(event);
        };
        match event {
            Event::Listing {
                request,
                path,
                entries,
                ..
            } if request == running.request => {
                let found = entries.into_iter().map(|entry| Found {
                    folder: path.clone(),
                    entry,
                });
                self.results.extend(found);
                self.status = format!("Searching... {} found", self.results.len());
                None
            }
            Event::OpDone {
                request, result, ..
            } if request == running.request => {
                self.running = None;
                let found = self.results.len();
                self.status = match result {
                    Ok(_) => format!("Search finished: {found} found"),
                    Err(e) if e.kind == ErrorKind::Cancelled => {
                        format!("Search stopped: {found} found")
                    }
                    Err(e) => format!("Search failed: {} ({found} found)", e.message),
                };
                None
            }
            Event::SessionClosed { session, .. } if session == running.session => {
                self.running = None;
                self.status = "Search stopped: the connection closed".to_string();
                Some(event)
            }
            event => Some(event),
        }
    }

    /// A new search on `session` started as `request`: the old results go.
    fn started(&mut self, session: SessionId, request: RequestId) {
        self.running = Some(Running { session, request });
        self.session = Some(session);
        self.results.clear();
        self.selected.clear();
        self.confirm_delete = None;
        self.status = "Searching...".to_string();
    }

    /// Draws the window while it is open; what the user asked for goes to `commands`.
    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("Search remote files")
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_size([720.0, 480.0])
            .show(ctx, |ui| {
                self.conditions(ui);
                self.buttons(ui, commands);
                ui.separator();
                self.results_table(ui, commands);
            });
        self.open = open;
    }

    /// The folder, the name, the optional size and date, what kinds, how deep.
    fn conditions(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("search-conditions")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label("Search in:");
                ui.add(egui::TextEdit::singleline(&mut self.root).desired_width(360.0))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Name:");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.pattern)
                            .hint_text("text, or a pattern with * and ?")
                            .desired_width(240.0),
                    )
                    .labelled_by(label.id);
                    ui.checkbox(&mut self.case_sensitive, "Match case");
                });
                ui.end_row();
                ui.label("Size:");
                optional(
                    ui,
                    "size",
                    &mut self.size,
                    (Compare::Greater, 0),
                    |ui, v| {
                        compare(ui, "size-compare", &mut v.0, Compare::size_label);
                        ui.add(egui::DragValue::new(&mut v.1).suffix(" bytes"));
                    },
                );
                ui.end_row();
                ui.label("Modified:");
                let today = chrono::Local::now().date_naive().to_string();
                optional(
                    ui,
                    "date",
                    &mut self.date,
                    (Compare::Greater, today),
                    |ui, v| {
                        compare(ui, "date-compare", &mut v.0, Compare::date_label);
                        ui.add(egui::TextEdit::singleline(&mut v.1).desired_width(90.0));
                    },
                );
                ui.end_row();
                ui.label("Find:");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.files, "Files");
                    ui.checkbox(&mut self.folders, "Folders");
                    let label = ui.label("Max depth:");
                    ui.add(egui::DragValue::new(&mut self.max_depth).range(0..=200))
                        .labelled_by(label.id);
                });
                ui.end_row();
            });
    }

    /// Search and Stop, and the status of the search.
    fn buttons(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        let problem = self.find().compile().err().map(|e| e.to_string());
        ui.horizontal(|ui| {
            let can_start = !self.is_running() && problem.is_none() && !self.root.is_empty();
            if ui
                .add_enabled(can_start, egui::Button::new("Search"))
                .clicked()
            {
                commands.push(AppCommand::Search(SearchAction::Start {
                    root: self.root.trim().to_string(),
                    max_depth: self.max_depth,
                    find: self.find(),
                }));
            }
            if ui
                .add_enabled(self.is_running(), egui::Button::new("Stop"))
                .clicked()
                && let Some(running) = self.running
            {
                commands.push(AppCommand::Search(SearchAction::Stop(running.session)));
            }
            if self.is_running() {
                ui.spinner();
            }
            ui.label(problem.as_deref().unwrap_or(&self.status));
        });
    }
}

/// A checkbox that turns an optional condition on (starting from `initial`) and its editor.
fn optional<T: Clone>(
    ui: &mut egui::Ui,
    id: &str,
    value: &mut Option<T>,
    initial: T,
    edit: impl FnOnce(&mut egui::Ui, &mut T),
) {
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        ui.push_id(id, |ui| ui.checkbox(&mut on, ""))
            .inner
            .widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, format!("By {id}"))
            });
        match (on, value.is_some()) {
            (true, false) => *value = Some(initial),
            (false, true) => *value = None,
            _ => {}
        }
        if let Some(v) = value.as_mut() {
            edit(ui, v);
        }
    });
}

fn compare(ui: &mut egui::Ui, id: &str, value: &mut Compare, label: fn(Compare) -> &'static str) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(label(*value))
        .show_ui(ui, |ui| {
            for option in Compare::ALL {
                ui.selectable_value(value, option, label(option));
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conditions(window: &SearchWindow) -> Vec<Condition> {
        window.find().conditions
    }

    #[test]
    fn what_a_search_looks_for() {
        let mut window = SearchWindow::default();
        assert_eq!(
            conditions(&window),
            [Condition::Name(NameTest::Contains, String::new())],
            "everything"
        );
        window.pattern = " *.php ".to_string();
        window.size = Some((Compare::Greater, 10));
        window.date = Some((Compare::Less, "2026-01-01".to_string()));
        window.folders = false;
        let find = window.find();
        assert_eq!(
            find.conditions,
            [
                Condition::Name(NameTest::Glob, "*.php".to_string()),
                Condition::Size(Compare::Greater, 10),
                Condition::Date(Compare::Less, "2026-01-01".to_string()),
            ]
        );
        assert!(find.files && !find.folders && find.mode == MatchMode::All);
        window.pattern = "index".to_string();
        assert_eq!(
            conditions(&window)[0],
            Condition::Name(NameTest::Contains, "index".to_string())
        );
    }

    #[test]
    fn the_running_search_takes_its_own_events_only() {
        let (session, request) = (SessionId(1), RequestId(7));
        let mut window = SearchWindow::default();
        window.started(session, request);
        let listing = |request| Event::Listing {
            session,
            request: RequestId(request),
            path: "/www".to_string(),
            entries: vec![Entry::new("a.php", EntryKind::File, "a.php")],
        };
        assert!(window.take(listing(7)).is_none());
        assert!(
            window.take(listing(8)).is_some(),
            "another request's listing"
        );
        assert_eq!(window.results()[0].path(), "/www/a.php");
        let done = Event::OpDone {
            session,
            request,
            result: Err(ErrorReport {
                kind: ErrorKind::Cancelled,
                message: "cancelled".to_string(),
            }),
        };
        assert!(window.take(done).is_none());
        assert!(!window.is_running());
        assert_eq!(window.status(), "Search stopped: 1 found");
        assert!(window.take(listing(7)).is_some(), "nothing runs any more");
    }
}
