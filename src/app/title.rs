//! The window's title: the active site and, while transferring, the overall progress
//! ("Ferry — example.com — 42% (3 of 7)"), sent to the window only when it changes. It also
//! names the window for screen readers.

use super::FerryApp;

/// The title shown and where the current run of transfers started counting.
#[derive(Default)]
pub struct WindowTitle {
    shown: String,
    /// Transfers that had ended when the queue last started after being empty: the run's "3"
    /// counts from there.
    ended_before: Option<usize>,
}

/// The title for the site shown and the progress of the transfers under way.
pub fn title_text(site: Option<&str>, progress: Option<(u64, usize, usize)>) -> String {
    let mut title = "Ferry".to_string();
    if let Some(site) = site {
        title.push_str(&format!(" — {site}"));
    }
    if let Some((percent, done, total)) = progress {
        title.push_str(&format!(" — {percent}% ({done} of {total})"));
    }
    title
}

impl WindowTitle {
    /// `(percent, done, total)` for queue counts `(waiting, ended)` and bytes `(done, total)`;
    /// `None` when nothing waits or runs.
    fn progress(
        &mut self,
        (waiting, ended): (usize, usize),
        bytes: (u64, u64),
    ) -> Option<(u64, usize, usize)> {
        if waiting == 0 {
            self.ended_before = None;
            return None;
        }
        let before = *self.ended_before.get_or_insert(ended);
        let done = ended.saturating_sub(before);
        let percent = match bytes {
            (_, 0) => 0,
            (done, total) => done.min(total) * 100 / total,
        };
        Some((percent, done, done + waiting))
    }
}

impl FerryApp {
    /// The window's title as it is now.
    pub fn window_title(&self) -> &str {
        &self.title.shown
    }

    /// Updates the window's title (the OS hears of it only when it changes) and names the
    /// window for screen readers.
    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let site = self.tab().site.is_some().then(|| self.tab().label.clone());
        let progress = self
            .title
            .progress(self.queue.counts(), self.queue.overall());
        let title = title_text(site.as_deref(), progress);
        if title != self.title.shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title.shown = title;
        }
        let name = self.title.shown.clone();
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| node.set_label(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_counts_the_transfers_of_the_run_under_way() {
        let mut title = WindowTitle::default();
        assert_eq!(title.progress((0, 5), (0, 0)), None);
        // Five had ended before this run of seven started.
        assert_eq!(title.progress((7, 5), (0, 700)), Some((0, 0, 7)));
        assert_eq!(title.progress((4, 8), (294, 700)), Some((42, 3, 7)));
        assert_eq!(
            title_text(Some("example.com"), Some((42, 3, 7))),
            "Ferry — example.com — 42% (3 of 7)"
        );
        assert_eq!(title.progress((0, 12), (0, 0)), None);
        assert_eq!(title_text(None, None), "Ferry");
    }
}
