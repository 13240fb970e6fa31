//! What a screen reader sees of a pane's table: a `Table` (the pane's focusable node, named
//! "Remote files"/"Local files") whose children are `Row`s, each named by its file name, with
//! its selected state and index, whose children are the `Cell`s egui_extras drew. egui_extras
//! draws cells as loose containers under the scroll area; here they are moved under their rows
//! through egui's AccessKit node builders, once the table is drawn.

use egui::accesskit::{NodeId, Role};
use egui::{Context, Id, Rect};

/// One drawn row, as the table saw it.
pub(super) struct DrawnRow {
    /// Its position among the rows shown.
    pub position: usize,
    /// Each cell's id and rectangle.
    pub cells: Vec<(Id, Rect)>,
    /// The label that shows its name (names the row).
    pub name: Option<Id>,
    pub rect: Rect,
    pub selected: bool,
}

/// The node id of row `position` of the table `table`.
pub(super) fn row_id(table: Id, position: usize) -> Id {
    table.with(("row", position))
}

fn bounds(rect: Rect) -> egui::accesskit::Rect {
    egui::accesskit::Rect {
        x0: rect.min.x.into(),
        y0: rect.min.y.into(),
        x1: rect.max.x.into(),
        y1: rect.max.y.into(),
    }
}

/// Turns `table` (the pane's focusable widget) into a table of `rows` (of `count` in all), and
/// the cells drawn under `body` (showing `clip`) into the rows' cells. Does nothing when
/// AccessKit is off.
pub(super) fn expose(
    ctx: &Context,
    table: Id,
    label: &str,
    (body, clip): (Id, Rect),
    rows: &[DrawnRow],
    count: usize,
) {
    let on = ctx.accesskit_node_builder(table, |node| {
        node.set_role(Role::Table);
        node.set_label(label.to_string());
        node.set_bounds(bounds(clip));
        node.set_row_count(count);
        node.set_column_count(rows.first().map_or(0, |r| r.cells.len()));
        node.clear_children();
    });
    if on.is_none() {
        return;
    }
    let row_ids: Vec<NodeId> = rows
        .iter()
        .map(|r| row_id(table, r.position).accesskit_id())
        .collect();
    let cell_ids: Vec<NodeId> = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|(c, _)| c.accesskit_id()))
        .collect();
    for row in rows {
        ctx.accesskit_node_builder(row_id(table, row.position), |node| {
            node.set_role(Role::Row);
            node.set_selected(row.selected);
            node.set_row_index(row.position);
            node.set_bounds(bounds(row.rect.intersect(clip)));
            if let Some(name) = row.name {
                node.push_labelled_by(name.accesskit_id());
            }
            let cells: Vec<NodeId> = row.cells.iter().map(|(c, _)| c.accesskit_id()).collect();
            node.set_children(cells);
        });
        for (column, (cell, rect)) in row.cells.iter().enumerate() {
            ctx.accesskit_node_builder(*cell, |node| {
                node.set_role(Role::Cell);
                node.set_bounds(bounds(rect.intersect(clip)));
                node.set_row_index(row.position);
                node.set_column_index(column);
            });
        }
    }
    // New nodes start under the root: the rows belong to the table, the cells to the rows.
    let without = |node: &mut egui::accesskit::Node, gone: &[NodeId]| {
        let kept: Vec<NodeId> = node
            .children()
            .iter()
            .copied()
            .filter(|c| !gone.contains(c))
            .collect();
        node.set_children(kept);
    };
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| without(node, &row_ids));
    ctx.accesskit_node_builder(body, |node| without(node, &cell_ids));
    ctx.accesskit_node_builder(table, |node| node.set_children(row_ids.clone()));
}
