//! A pane's quick filter: the text box under the table that narrows the rows shown as the user
//! types (a substring, or a `*`/`?` glob), with a case switch. Hidden rows are not selected and
//! not acted on; the status line says how many the filter hides. And the filename filters
//! enabled on the pane's side, with the button that opens their dialog.

use globset::{GlobBuilder, GlobMatcher};

use super::Pane;
use crate::api::Entry;
use crate::api::filter::FilterSet;

impl Pane {
    /// The filename filters enabled on this side: the rows they hide are not shown.
    pub fn set_listing_filters(&mut self, set: FilterSet) {
        self.listing_filters = ListingFilters::new(set);
        self.apply_filter();
    }

    /// How many entries the filename filters hide.
    pub fn hidden_by_filters(&self) -> usize {
        self.listing_filters.hidden
    }
}

/// Whether the quick filter and the filename filters let `entry` through (counting what the
/// filename filters hide).
pub(super) fn shows(filter: &QuickFilter, listing: &mut ListingFilters, entry: &Entry) -> bool {
    listing.lets_through(entry) && filter.matches(&entry.name)
}

/// The filename filters enabled on one side, and how many entries of the listing they hide.
#[derive(Default)]
pub struct ListingFilters {
    pub set: FilterSet,
    pub hidden: usize,
}

impl ListingFilters {
    pub fn new(set: FilterSet) -> Self {
        ListingFilters { set, hidden: 0 }
    }

    pub fn is_active(&self) -> bool {
        !self.set.is_empty()
    }

    /// Whether `entry` is shown; one hidden is counted.
    pub fn lets_through(&mut self, entry: &Entry) -> bool {
        let hides = self.set.hides(entry);
        self.hidden += usize::from(hides);
        !hides
    }

    /// The button that opens the filters dialog (highlighted while filters are on); whether
    /// it was clicked.
    pub fn button(ui: &mut egui::Ui, active: bool) -> bool {
        let text = if active {
            "Filters (on)..."
        } else {
            "Filters..."
        };
        ui.selectable_label(active, text)
            .on_hover_text("Directory listing filters")
            .clicked()
    }
}

#[derive(Default)]
pub struct QuickFilter {
    pub text: String,
    pub case_sensitive: bool,
    matcher: Option<GlobMatcher>,
}

impl QuickFilter {
    /// Whether `name` is shown: everything when the filter is empty.
    pub fn matches(&self, name: &str) -> bool {
        self.matcher.as_ref().is_none_or(|m| m.is_match(name))
    }

    pub fn is_active(&self) -> bool {
        self.matcher.is_some()
    }

    /// Builds the matcher for the current text: a glob when it has `*` or `?`, else a
    /// substring (the text taken literally).
    fn rebuild(&mut self) {
        let text = self.text.trim();
        self.matcher = if text.is_empty() {
            None
        } else {
            let pattern = if text.contains(['*', '?']) {
                text.to_string()
            } else {
                format!("*{}*", globset::escape(text))
            };
            GlobBuilder::new(&pattern)
                .case_insensitive(!self.case_sensitive)
                .literal_separator(false)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        };
    }

    /// The box and the case switch; whether the filter changed.
    pub fn show(&mut self, ui: &mut egui::Ui, id: &str) -> bool {
        let edit = ui.add(
            egui::TextEdit::singleline(&mut self.text)
                .id_salt(("quick-filter", id))
                .hint_text("Filter (text, * or ?)")
                .desired_width(150.0),
        );
        let case = ui
            .selectable_label(self.case_sensitive, "Aa")
            .on_hover_text("Match case");
        let selected = self.case_sensitive;
        case.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::CheckBox, true, selected, "Match case")
        });
        // Screen readers (and tests) find it by this name; the hint is not a name.
        edit.widget_info(|| {
            let mut info = egui::WidgetInfo::text_edit(true, "", &self.text, "");
            info.label = Some("Quick filter".to_string());
            info
        });
        if case.clicked() {
            self.case_sensitive = !self.case_sensitive;
        }
        let changed = case.clicked() || edit.changed();
        if changed {
            self.rebuild();
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Condition, EntryKind, Filter, NameTest};

    /// The filename filters hide their rows, count them while a listing streams in and after
    /// it is sorted, and stay when the pane is cleared.
    #[test]
    fn listing_filters_hide_and_count() {
        let logs = Filter {
            conditions: vec![Condition::Name(NameTest::EndsWith, ".log".to_string())],
            ..Filter::default()
        };
        let entries = |names: &[&str]| -> Vec<Entry> {
            names
                .iter()
                .map(|n| Entry::new(n, EntryKind::File, n))
                .collect()
        };
        let mut pane = Pane::new(super::super::Side::Remote);
        pane.set_listing_filters(FilterSet::new([&logs]));
        pane.set_listing("/", entries(&["a.log", "b.txt", "c.log"]));
        assert_eq!(pane.hidden_by_filters(), 2);
        assert!(pane.status_line().ends_with(" · 2 hidden by filters"));
        pane.begin_listing("/other");
        pane.extend(entries(&["d.log", "e.txt"]));
        assert_eq!(pane.hidden_by_filters(), 1, "counted while streaming");
        pane.finish_listing(None);
        assert_eq!(pane.hidden_by_filters(), 1);
        pane.clear();
        pane.set_listing("/", entries(&["f.log"]));
        assert_eq!(
            pane.hidden_by_filters(),
            1,
            "the filters outlive a disconnect"
        );
        pane.set_listing_filters(FilterSet::default());
        assert_eq!(pane.hidden_by_filters(), 0);
    }

    fn filter(text: &str, case_sensitive: bool) -> QuickFilter {
        let mut f = QuickFilter {
            text: text.to_string(),
            case_sensitive,
            matcher: None,
        };
        f.rebuild();
        f
    }

    #[test]
    fn substrings_globs_and_case() {
        assert!(filter("", false).matches("anything"));
        assert!(filter("read", false).matches("README.txt"));
        assert!(!filter("read", true).matches("README.txt"));
        assert!(filter("*.txt", false).matches("notes.TXT"));
        assert!(!filter("*.txt", false).matches("notes.txt.bak"));
        assert!(filter("f?le", false).matches("file"));
        // Glob syntax in a plain substring is taken literally.
        assert!(filter("[1]", false).matches("photo [1].jpg"));
        assert!(!filter("[1]", false).matches("photo 1.jpg"));
    }
}
