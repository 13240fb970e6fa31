//! How a pane draws its cells: drawn icons, type and date labels, human sizes, and the natural
//! name order (`file9` before `file10`).

use egui::{Color32, Sense};

use crate::api::{Entry, EntryKind, TimePrecision};

/// A small drawn icon (fonts differ too much between systems to rely on emoji).
pub(super) fn icon(ui: &mut egui::Ui, kind: EntryKind) {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), Sense::hover());
    let painter = ui.painter();
    let r = rect.shrink(1.5);
    match kind {
        EntryKind::Dir => {
            let color = Color32::from_rgb(222, 178, 64);
            let tab = egui::Rect::from_min_max(
                r.min,
                egui::pos2(r.min.x + r.width() * 0.45, r.min.y + r.height() * 0.3),
            );
            painter.rect_filled(tab, 1.0, color);
            let body =
                egui::Rect::from_min_max(egui::pos2(r.min.x, r.min.y + r.height() * 0.2), r.max);
            painter.rect_filled(body, 1.5, color);
        }
        EntryKind::Link => {
            let stroke = egui::Stroke::new(1.5, Color32::from_rgb(90, 150, 220));
            painter.rect_stroke(r, 1.5, stroke, egui::StrokeKind::Inside);
            painter.arrow(
                egui::pos2(r.min.x + 2.5, r.max.y - 2.5),
                egui::vec2(r.width() * 0.55, -r.height() * 0.55),
                stroke,
            );
        }
        EntryKind::Unknown => {
            painter.text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                "?",
                egui::FontId::proportional(size * 0.8),
                Color32::GRAY,
            );
        }
        _ => {
            let stroke = egui::Stroke::new(1.2, ui.visuals().text_color());
            let page = egui::Rect::from_min_max(
                egui::pos2(r.min.x + r.width() * 0.15, r.min.y),
                egui::pos2(r.max.x - r.width() * 0.15, r.max.y),
            );
            painter.rect_stroke(page, 1.0, stroke, egui::StrokeKind::Inside);
            for line in 1..=3 {
                let y = page.min.y + page.height() * line as f32 / 4.0;
                painter.line_segment(
                    [
                        egui::pos2(page.min.x + 2.0, y),
                        egui::pos2(page.max.x - 2.0, y),
                    ],
                    egui::Stroke::new(1.0, Color32::GRAY),
                );
            }
        }
    }
}

pub(super) fn kind_label(entry: &Entry) -> &'static str {
    match entry.kind {
        EntryKind::Dir => "Directory",
        EntryKind::File => "File",
        EntryKind::Link => "Link",
        EntryKind::Device => "Device",
        EntryKind::Other => "Other",
        EntryKind::Unknown => "Unknown",
    }
}

pub(super) fn modified_label(entry: &Entry) -> String {
    match entry.modified {
        Some(t) if t.precision == TimePrecision::Day => t.time.format("%Y-%m-%d").to_string(),
        Some(t) => t.time.format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

/// A sort key for natural order: `file10` after `file9`. A name is cut into runs of ASCII
/// digits and of other characters; digit runs come first and compare by value (then `007`
/// before `07` before `7`), other runs compare case-blind. The key is bytes that compare the
/// same way, so sorting 100,000 names compares them with `memcmp` and holds one short key each.
pub(super) fn natural_key(name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 4);
    let mut rest = name;
    while let Some(first) = rest.chars().next() {
        let digits = first.is_ascii_digit();
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (run, next) = rest.split_at(end);
        rest = next;
        if digits {
            // 0, the count of significant digits, the digits, then fewer leading zeros last.
            let significant = run.trim_start_matches('0');
            let zeros = run.len() - significant.len();
            key.push(0);
            key.push(significant.len().min(255) as u8);
            key.extend_from_slice(significant.as_bytes());
            key.push(255 - zeros.min(254) as u8);
        } else {
            // 1, the run in lower case, 0 to end it (so `ab` comes before `abc`).
            key.push(1);
            for c in run.chars().flat_map(char::to_lowercase) {
                let mut utf8 = [0; 4];
                key.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            key.push(0);
        }
    }
    key
}

/// 1536 → "1.5 KiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
