//! The keyboard in a pane: which pane has the focus (a click in it, or Tab from the other
//! one), and what the keys do there: Up/Down/PageUp/PageDown/Home/End move the selection (Shift
//! extends it), Enter opens (a folder) or transfers (a file) as a double-click does, Backspace
//! goes up, F2 renames, Delete deletes, Ctrl+A selects all. F5 is the window's (refresh).

use egui::{EventFilter, FocusDirection, Id, Key, Modifiers};

use super::menu::MenuChoice;
use super::{Pane, PaneAction, Side, side_id};

/// The id of a side's focusable table (the keyboard's target, and the table's AccessKit node).
pub(super) fn focus_id(side: Side) -> Id {
    Id::unique((side_id(side), "table-focus"))
}

fn other(side: Side) -> Side {
    match side {
        Side::Local => Side::Remote,
        Side::Remote => Side::Local,
    }
}

/// Where a key moves the cursor from `from` among `len` rows, `page` of them in view.
fn target(key: Key, from: Option<usize>, len: usize, page: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let Some(from) = from else {
        // Nothing chosen yet: any move starts at the first row (End at the last).
        return Some(if key == Key::End { last } else { 0 });
    };
    Some(match key {
        Key::ArrowUp => from.saturating_sub(1),
        Key::ArrowDown => (from + 1).min(last),
        Key::PageUp => from.saturating_sub(page),
        Key::PageDown => (from + page).min(last),
        Key::Home => 0,
        Key::End => last,
        _ => return None,
    })
}

const MOVES: [Key; 6] = [
    Key::ArrowUp,
    Key::ArrowDown,
    Key::PageUp,
    Key::PageDown,
    Key::Home,
    Key::End,
];

impl Pane {
    /// Whether this pane has the keyboard focus.
    pub fn has_focus(&self, ctx: &egui::Context) -> bool {
        ctx.memory(|m| m.has_focus(focus_id(self.side)))
    }

    /// Gives this pane the keyboard focus.
    pub(super) fn take_focus(&self, ctx: &egui::Context) {
        ctx.memory_mut(|m| m.request_focus(focus_id(self.side)));
    }

    /// The keys pressed while this pane has the focus.
    pub(super) fn keyboard(&mut self, ui: &mut egui::Ui, actions: &mut Vec<PaneAction>) {
        let ctx = ui.ctx().clone();
        let id = focus_id(self.side);
        if !self.has_focus(&ctx) || self.editing.is_some() || self.pending_delete.is_some() {
            return;
        }
        // The arrows and Tab are the pane's while it has the focus, not egui's focus moves.
        let filter = EventFilter {
            tab: true,
            horizontal_arrows: true,
            vertical_arrows: true,
            escape: false,
        };
        // The lock holds from the second frame with the focus; before it, and for a key egui
        // already took as a focus move, the move is called off.
        ctx.memory_mut(|m| {
            m.set_focus_lock_filter(id, filter);
            m.move_focus(FocusDirection::None);
        });
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab))
            || ctx.input_mut(|i| i.consume_key(Modifiers::SHIFT, Key::Tab))
        {
            ctx.memory_mut(|m| m.request_focus(focus_id(other(self.side))));
            return;
        }
        for key in MOVES {
            let shift = ctx.input_mut(|i| i.consume_key(Modifiers::SHIFT, key));
            if shift || ctx.input_mut(|i| i.consume_key(Modifiers::NONE, key)) {
                self.move_cursor(key, shift);
            }
        }
        let pressed = |key: Key| ctx.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        if pressed(Key::Enter) {
            self.menu_choice(MenuChoice::Open, actions);
        }
        if pressed(Key::Backspace)
            && let Some(parent) = self.parent()
        {
            self.navigate(parent, actions);
        }
        if pressed(Key::F2) {
            self.menu_choice(MenuChoice::Rename, actions);
        }
        if pressed(Key::Delete) {
            self.menu_choice(MenuChoice::Delete, actions);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::A)) {
            self.selected = self
                .order
                .iter()
                .map(|&i| self.entries[i].name.clone())
                .collect();
        }
    }

    /// Moves the cursor row with `key`: it alone is selected, or with Shift the rows from the
    /// anchor to it. The table scrolls to it.
    fn move_cursor(&mut self, key: Key, shift: bool) {
        let Some(to) = target(key, self.cursor, self.order.len(), self.page_rows.max(1)) else {
            return;
        };
        if shift {
            let anchor = *self.anchor.get_or_insert(self.cursor.unwrap_or(to));
            let (from, until) = (anchor.min(to), anchor.max(to));
            self.selected = (from..=until)
                .map(|p| self.entries[self.order[p]].name.clone())
                .collect();
        } else {
            self.selected.clear();
            self.selected
                .insert(self.entries[self.order[to]].name.clone());
            self.anchor = Some(to);
        }
        self.cursor = Some(to);
        self.scroll_to = Some(to);
    }
}

/// Keeps the keyboard with the file lists: remembers which pane had the focus last (`last`)
/// and, when nothing has it (a dialog or menu closed, a click on empty space), gives it back to
/// that pane, so Enter, Backspace and the arrows keep working after a dialog as in FileZilla.
pub fn keep_focus(ctx: &egui::Context, panes: [&Pane; 2], last: &mut Option<Side>) {
    if let Some(pane) = panes.iter().find(|p| p.has_focus(ctx)) {
        *last = Some(pane.side);
    } else if let Some(side) = *last
        && ctx.memory(|m| m.focused().is_none())
    {
        ctx.memory_mut(|m| m.request_focus(focus_id(side)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_within_the_rows() {
        assert_eq!(target(Key::ArrowDown, None, 5, 3), Some(0));
        assert_eq!(target(Key::End, None, 5, 3), Some(4));
        assert_eq!(target(Key::ArrowDown, Some(4), 5, 3), Some(4));
        assert_eq!(target(Key::ArrowUp, Some(0), 5, 3), Some(0));
        assert_eq!(target(Key::PageDown, Some(1), 5, 3), Some(4));
        assert_eq!(target(Key::PageUp, Some(4), 5, 3), Some(1));
        assert_eq!(target(Key::Home, Some(3), 5, 3), Some(0));
        assert_eq!(target(Key::ArrowDown, None, 0, 3), None);
    }
}
