//! The transfer queue at the bottom: tabs for queued, failed and successful transfers, a row
//! per transfer with direction, paths, size, progress, speed, ETA and status, the overall
//! progress, pause/resume of the queue, cancel/retry/remove (buttons and context menus), and
//! the number of parallel transfers, moving waiting rows up and down, and the rows restored from
//! the journal ("Process queue", "Clear"). It keeps its own model from the worker's transfer
//! events.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use egui_extras::{Column, TableBuilder};

use super::pane::human_size;
use crate::api::{Direction, QueuePlace, TransferId, TransferState};

/// One transfer as the queue shows it.
#[derive(Debug, Clone)]
pub struct Row {
    pub direction: Direction,
    pub local: PathBuf,
    pub remote: String,
    pub size: Option<u64>,
    pub done: u64,
    pub rate: u64,
    pub is_dir: bool,
    pub state: RowState,
    /// The hash a finished transfer was checked with (`SHA-256`…).
    pub verified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    Queued,
    Running,
    Done,
    Skipped(String),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Queued,
    Failed,
    Successful,
}

/// What the user asked the queue for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueAction {
    Cancel(TransferId),
    /// Queue this transfer again (a new id is made by the app).
    Retry(TransferId),
    SetParallel(usize),
    /// Pausing holds back new transfers; running ones finish.
    Pause(bool),
    /// Show this transfer's local folder in the file manager.
    OpenLocalFolder(PathBuf),
    /// Move a waiting transfer in the queue.
    Move(TransferId, QueuePlace),
    /// These rows were removed from the view (they leave the journal too).
    Removed(Vec<TransferId>),
    /// Queue the rows restored from the journal again, resuming what was interrupted.
    ProcessRestored,
    /// Drop the rows restored from the journal.
    ClearRestored,
}

/// Rows the user took out of the queue view with a context menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Removal {
    Row(TransferId),
    /// Every row of the tab shown ("Remove all").
    Tab,
}

pub struct QueueView {
    rows: BTreeMap<TransferId, Row>,
    /// The rows in the order shown (the queue's order, moves included).
    order: Vec<TransferId>,
    /// Rows restored from the journal, waiting for "Process queue" or "Clear".
    restored: HashSet<TransferId>,
    tab: Tab,
    pub parallel: usize,
    pub paused: bool,
}

impl Default for QueueView {
    fn default() -> Self {
        QueueView {
            rows: BTreeMap::new(),
            order: Vec::new(),
            restored: HashSet::new(),
            tab: Tab::Queued,
            parallel: 2,
            paused: false,
        }
    }
}

impl QueueView {
    /// How many transfers the queue knows of (in any tab).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn row(&self, id: TransferId) -> Option<&Row> {
        self.rows.get(&id)
    }

    pub fn update(&mut self, id: TransferId, state: TransferState) {
        match state {
            TransferState::Queued {
                direction,
                local,
                remote,
                size,
                is_dir,
                ..
            } => {
                if !self.rows.contains_key(&id) {
                    self.order.push(id);
                }
                self.rows.insert(
                    id,
                    Row {
                        direction,
                        local,
                        remote,
                        size,
                        done: 0,
                        rate: 0,
                        is_dir,
                        state: RowState::Queued,
                        verified: None,
                    },
                );
            }
            other => {
                let Some(row) = self.rows.get_mut(&id) else {
                    return;
                };
                match other {
                    TransferState::Started { offset, total } => {
                        row.state = RowState::Running;
                        row.done = offset;
                        row.size = total.or(row.size);
                    }
                    TransferState::Progress {
                        done,
                        total,
                        bytes_per_sec,
                    } => {
                        row.state = RowState::Running;
                        row.done = done;
                        row.size = total.or(row.size);
                        row.rate = bytes_per_sec;
                    }
                    TransferState::Finished { verified, .. } => {
                        row.state = RowState::Done;
                        row.verified = verified;
                        row.done = row.size.unwrap_or(row.done);
                    }
                    TransferState::Skipped { reason } => row.state = RowState::Skipped(reason),
                    TransferState::Failed(error) => row.state = RowState::Failed(error.message),
                    TransferState::Queued { .. } => {}
                }
            }
        }
    }

    fn in_tab(&self, tab: Tab) -> Vec<(TransferId, &Row)> {
        self.order
            .iter()
            .filter_map(|id| Some((id, self.rows.get(id)?)))
            .filter(|(id, row)| {
                !row.is_dir
                    || matches!(row.state, RowState::Failed(_))
                    || self.restored.contains(id)
            })
            .filter(|(_, row)| {
                matches!(
                    (tab, &row.state),
                    (Tab::Queued, RowState::Queued | RowState::Running)
                        | (Tab::Failed, RowState::Failed(_))
                        | (Tab::Successful, RowState::Done | RowState::Skipped(_))
                )
            })
            .map(|(id, row)| (*id, row))
            .collect()
    }

    /// How many transfers wait or run, and how many have ended (done, skipped or failed): the
    /// window title's "3 of 7".
    pub fn counts(&self) -> (usize, usize) {
        let ended = self.in_tab(Tab::Successful).len() + self.in_tab(Tab::Failed).len();
        (self.in_tab(Tab::Queued).len(), ended)
    }

    /// Bytes done and known total over the transfers still in the queue.
    pub fn overall(&self) -> (u64, u64) {
        self.in_tab(Tab::Queued)
            .iter()
            .fold((0, 0), |(done, total), (_, row)| {
                (done + row.done, total + row.size.unwrap_or(row.done))
            })
    }

    pub fn show(&mut self, ui: &mut egui::Ui) -> Vec<QueueAction> {
        let mut actions = Vec::new();
        ui.horizontal(|ui| self.toolbar(ui, &mut actions));
        // Under the rows (registered before them): the empty space's menu.
        let space = ui.interact(
            ui.available_rect_before_wrap(),
            ui.scope_id().with("queue-space"),
            egui::Sense::click(),
        );
        let mut removal = self.table(ui, &mut actions);
        space.context_menu(|ui| {
            removal = removal.or(self.space_menu(ui, &mut actions));
        });
        let removed = match removal {
            Some(Removal::Row(id)) => vec![id],
            Some(Removal::Tab) => self.tab_ids(),
            None => Vec::new(),
        };
        if !removed.is_empty() {
            self.remove_rows(&removed);
            actions.push(QueueAction::Removed(removed));
        }
        actions
    }

    /// The tabs, pause/resume, the parallel count, "Remove all" and the overall progress.
    fn toolbar(&mut self, ui: &mut egui::Ui, actions: &mut Vec<QueueAction>) {
        let counts = [Tab::Queued, Tab::Failed, Tab::Successful].map(|t| self.in_tab(t).len());
        ui.selectable_value(
            &mut self.tab,
            Tab::Queued,
            format!("Queued files ({})", counts[0]),
        );
        ui.selectable_value(
            &mut self.tab,
            Tab::Failed,
            format!("Failed transfers ({})", counts[1]),
        );
        ui.selectable_value(
            &mut self.tab,
            Tab::Successful,
            format!("Successful transfers ({})", counts[2]),
        );
        ui.separator();
        let pause_label = if self.paused {
            "Resume queue"
        } else {
            "Pause queue"
        };
        if ui.button(pause_label).clicked() {
            self.paused = !self.paused;
            actions.push(QueueAction::Pause(self.paused));
        }
        let label = ui.label("Parallel:");
        let before = self.parallel;
        ui.add(egui::DragValue::new(&mut self.parallel).range(1..=crate::api::MAX_PARALLEL))
            .labelled_by(label.id);
        if self.parallel != before {
            actions.push(QueueAction::SetParallel(self.parallel));
        }
        if self.tab != Tab::Queued && ui.button("Remove all").clicked() {
            let removed = self.tab_ids();
            self.remove_rows(&removed);
            actions.push(QueueAction::Removed(removed));
        }
        if !self.restored.is_empty() {
            ui.separator();
            if ui.button("Process queue").clicked() {
                actions.push(QueueAction::ProcessRestored);
            }
            if ui.button("Clear").clicked() {
                actions.push(QueueAction::ClearRestored);
            }
        }
        let (done, total) = self.overall();
        if total > 0 {
            ui.add(
                egui::ProgressBar::new(done as f32 / total as f32)
                    .desired_width(160.0)
                    .text(format!("{} of {}", human_size(done), human_size(total))),
            );
        }
    }

    /// The menu on the queue's empty space: what applies to every row of the tab shown.
    fn space_menu(&self, ui: &mut egui::Ui, actions: &mut Vec<QueueAction>) -> Option<Removal> {
        let rows = self.in_tab(self.tab);
        let mut removal = None;
        if self.tab == Tab::Queued {
            if ui
                .add_enabled(!rows.is_empty(), egui::Button::new("Cancel all"))
                .clicked()
            {
                actions.extend(rows.iter().map(|(id, _)| QueueAction::Cancel(*id)));
                ui.close();
            }
        } else {
            if self.tab == Tab::Failed
                && ui
                    .add_enabled(!rows.is_empty(), egui::Button::new("Retry all"))
                    .clicked()
            {
                actions.extend(rows.iter().map(|(id, _)| QueueAction::Retry(*id)));
                ui.close();
            }
            if ui
                .add_enabled(!rows.is_empty(), egui::Button::new("Remove all"))
                .clicked()
            {
                removal = Some(Removal::Tab);
                ui.close();
            }
        }
        removal
    }

    /// A row per transfer of the tab shown; a row removed with its context menu.
    fn table(&self, ui: &mut egui::Ui, actions: &mut Vec<QueueAction>) -> Option<Removal> {
        let rows = self.in_tab(self.tab);
        let mut removal = None;
        // The row takes the right click for its menu, not the text under the pointer.
        ui.style_mut().interaction.selectable_labels = false;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        TableBuilder::new(ui)
            .id_salt("transfer-queue")
            .striped(true)
            .sense(egui::Sense::click())
            .resizable(true)
            .column(Column::initial(30.0))
            .column(Column::initial(260.0).clip(true))
            .column(Column::initial(260.0).clip(true))
            .column(Column::initial(80.0))
            .column(Column::initial(170.0))
            .column(Column::remainder().clip(true))
            .header(row_height, |mut header| {
                for title in [
                    "",
                    "Local file",
                    "Remote file",
                    "Size",
                    "Progress",
                    "Status",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut table_row| {
                    let (id, row) = rows[table_row.index()];
                    table_row.col(|ui| {
                        ui.label(match row.direction {
                            Direction::Download => "⬇",
                            Direction::Upload => "⬆",
                        });
                    });
                    table_row.col(|ui| {
                        ui.label(row.local.display().to_string());
                    });
                    table_row.col(|ui| {
                        ui.label(&row.remote);
                    });
                    table_row.col(|ui| {
                        ui.label(row.size.map(human_size).unwrap_or_default());
                    });
                    table_row.col(|ui| {
                        let (fraction, text) = progress(row);
                        ui.add(egui::ProgressBar::new(fraction).text(text));
                    });
                    table_row.col(|ui| status_cell(ui, id, row, actions));
                    table_row.response().context_menu(|ui| {
                        let movable = !self.restored.contains(&id);
                        removal = removal.or(row_menu(ui, id, row, movable, actions));
                    });
                });
            });
        removal
    }

    /// The rows of the tab shown (folders included), unless it is the queue itself: what
    /// "Remove all" removes.
    fn tab_ids(&self) -> Vec<TransferId> {
        let tab = self.tab;
        let rows = self.rows.iter().filter(|(_, row)| match tab {
            Tab::Queued => false,
            Tab::Failed => matches!(row.state, RowState::Failed(_)),
            Tab::Successful => matches!(row.state, RowState::Done | RowState::Skipped(_)),
        });
        rows.map(|(id, _)| *id).collect()
    }

    /// Takes rows out of the view.
    pub fn remove_rows(&mut self, ids: &[TransferId]) {
        for id in ids {
            self.rows.remove(id);
            self.restored.remove(id);
        }
        self.order.retain(|id| self.rows.contains_key(id));
    }

    /// A row restored from the journal: waiting until it is processed or cleared.
    pub fn add_restored(&mut self, id: TransferId, row: Row) {
        self.rows.insert(id, row);
        self.order.push(id);
        self.restored.insert(id);
    }

    /// The rows restored from the journal, in the order shown.
    pub fn restored(&self) -> Vec<TransferId> {
        let restored = self.order.iter().filter(|id| self.restored.contains(id));
        restored.copied().collect()
    }

    /// The remote paths of the waiting rows, in the order shown.
    pub fn waiting(&self) -> Vec<String> {
        let rows = self.in_tab(Tab::Queued).into_iter();
        let waiting = rows.filter(|(_, row)| row.state == RowState::Queued);
        waiting.map(|(_, row)| row.remote.clone()).collect()
    }

    /// Moves the waiting row `id` among the waiting rows, as the worker moves it in its queue.
    pub fn move_row(&mut self, id: TransferId, to: QueuePlace) {
        let waiting: Vec<usize> = (0..self.order.len())
            .filter(|&i| {
                let row = self.rows.get(&self.order[i]);
                row.is_some_and(|r| r.state == RowState::Queued)
            })
            .collect();
        let Some(at) = waiting.iter().position(|&i| self.order[i] == id) else {
            return;
        };
        let target = match to {
            QueuePlace::Top => 0,
            QueuePlace::Up => at.saturating_sub(1),
            QueuePlace::Down => (at + 1).min(waiting.len() - 1),
            QueuePlace::Bottom => waiting.len() - 1,
        };
        if target == at {
            return;
        }
        let moved = self.order.remove(waiting[at]);
        // Positions after the one removed shift down by one.
        let slot = waiting[target] - usize::from(waiting[target] > waiting[at]);
        let slot = if target > at { slot + 1 } else { slot };
        self.order.insert(slot, moved);
    }
}

/// How far a transfer got, and the text on its progress bar (with speed and time left while it
/// runs).
fn progress(row: &Row) -> (f32, String) {
    let fraction = match row.size {
        Some(size) if size > 0 => row.done as f32 / size as f32,
        _ if row.state == RowState::Done => 1.0,
        _ => 0.0,
    };
    let mut text = format!("{:.0}%", fraction * 100.0);
    if row.state == RowState::Running && row.rate > 0 {
        text.push_str(&format!(" {}/s", human_size(row.rate)));
        if let Some(size) = row.size {
            let eta = size.saturating_sub(row.done) / row.rate.max(1);
            text.push_str(&format!(", {eta} s left"));
        }
    }
    (fraction, text)
}

/// A row's context menu: cancel or retry it, remove it once it ended, open its local folder.
fn row_menu(
    ui: &mut egui::Ui,
    id: TransferId,
    row: &Row,
    movable: bool,
    actions: &mut Vec<QueueAction>,
) -> Option<Removal> {
    let mut removal = None;
    let mut chosen = None;
    match row.state {
        RowState::Queued | RowState::Running => {
            if ui.button("Cancel").clicked() {
                chosen = Some(QueueAction::Cancel(id));
            }
            if row.state == RowState::Queued && movable {
                chosen = chosen.or(move_menu(ui, id));
            }
        }
        _ => {
            if matches!(row.state, RowState::Failed(_)) && ui.button("Retry").clicked() {
                chosen = Some(QueueAction::Retry(id));
            }
            if ui.button("Remove").clicked() {
                removal = Some(Removal::Row(id));
                ui.close();
            }
        }
    }
    let folder = if row.is_dir {
        Some(row.local.as_path())
    } else {
        row.local.parent()
    };
    if let Some(folder) = folder
        && ui.button("Open local folder").clicked()
    {
        chosen = Some(QueueAction::OpenLocalFolder(folder.to_path_buf()));
    }
    if let Some(action) = chosen {
        actions.push(action);
        ui.close();
    }
    removal
}

/// "Move up", "Move down", "Move to top", "Move to bottom" for a waiting row.
fn move_menu(ui: &mut egui::Ui, id: TransferId) -> Option<QueueAction> {
    let mut chosen = None;
    for (label, to) in [
        ("Move up", QueuePlace::Up),
        ("Move down", QueuePlace::Down),
        ("Move to top", QueuePlace::Top),
        ("Move to bottom", QueuePlace::Bottom),
    ] {
        if ui.button(label).clicked() {
            chosen = Some(QueueAction::Move(id, to));
        }
    }
    chosen
}

/// A transfer's status, with Cancel or Retry where they apply.
fn status_cell(ui: &mut egui::Ui, id: TransferId, row: &Row, actions: &mut Vec<QueueAction>) {
    ui.label(status_text(row));
    let button = match row.state {
        RowState::Queued | RowState::Running => Some(("Cancel", QueueAction::Cancel(id))),
        RowState::Failed(_) => Some(("Retry", QueueAction::Retry(id))),
        _ => None,
    };
    if let Some((label, action)) = button
        && ui.small_button(label).clicked()
    {
        actions.push(action);
    }
}

/// What a row's status column says (a verified transfer names its hash).
fn status_text(row: &Row) -> String {
    match &row.state {
        RowState::Queued => "Queued".to_string(),
        RowState::Running => "Transferring".to_string(),
        RowState::Done => match &row.verified {
            Some(hash) => format!("Done, verified ({hash})"),
            None => "Done".to_string(),
        },
        RowState::Skipped(reason) => format!("Skipped: {reason}"),
        RowState::Failed(error) => error.clone(),
    }
}

#[cfg(test)]
#[path = "queue_view_tests.rs"]
mod tests;
