//! The transfer queue at the bottom: tabs for queued, failed and successful transfers, a row
//! per transfer with direction, paths, size, progress, speed, ETA and status, the overall
//! progress, pause/resume of the queue, cancel/retry/remove, and the number of parallel
//! transfers. It keeps its own model from the worker's transfer events.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui_extras::{Column, TableBuilder};

use super::pane::human_size;
use crate::api::{Direction, TransferId, TransferState};

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
}

pub struct QueueView {
    rows: BTreeMap<TransferId, Row>,
    tab: Tab,
    pub parallel: usize,
    pub paused: bool,
}

impl Default for QueueView {
    fn default() -> Self {
        QueueView {
            rows: BTreeMap::new(),
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
                    TransferState::Finished { .. } => {
                        row.state = RowState::Done;
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
        self.rows
            .iter()
            .filter(|(_, row)| !row.is_dir || matches!(row.state, RowState::Failed(_)))
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
        self.table(ui, &mut actions);
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
            self.clear_tab();
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

    /// A row per transfer of the tab shown.
    fn table(&self, ui: &mut egui::Ui, actions: &mut Vec<QueueAction>) {
        let rows = self.in_tab(self.tab);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        TableBuilder::new(ui)
            .id_salt("transfer-queue")
            .striped(true)
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
                });
            });
    }

    /// Removes the rows of the tab shown, unless it is the queue itself.
    fn clear_tab(&mut self) {
        let tab = self.tab;
        self.rows.retain(|_, row| match tab {
            Tab::Queued => true,
            Tab::Failed => !matches!(row.state, RowState::Failed(_)),
            Tab::Successful => !matches!(row.state, RowState::Done | RowState::Skipped(_)),
        });
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

/// A transfer's status, with Cancel or Retry where they apply.
fn status_cell(ui: &mut egui::Ui, id: TransferId, row: &Row, actions: &mut Vec<QueueAction>) {
    let status = match &row.state {
        RowState::Queued => "Queued".to_string(),
        RowState::Running => "Transferring".to_string(),
        RowState::Done => "Done".to_string(),
        RowState::Skipped(reason) => format!("Skipped: {reason}"),
        RowState::Failed(error) => error.clone(),
    };
    ui.label(status);
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
