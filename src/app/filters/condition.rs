//! One condition row of the filter editor: what it tests (name, size, date, permission), how,
//! and against what; switching the kind starts that kind's default condition.

use crate::api::filter::Permission;
use crate::api::{Compare, Condition, NameTest};

/// The kinds a condition row offers, in its first combo box.
const KINDS: [&str; 4] = ["Filename", "Filesize", "Date", "Permission"];

fn kind_of(condition: &Condition) -> usize {
    match condition {
        Condition::Name(..) => 0,
        Condition::Size(..) => 1,
        Condition::Date(..) => 2,
        Condition::Permission(..) => 3,
    }
}

/// The condition a new row of `kind` starts with.
fn default_of(kind: usize) -> Condition {
    match kind {
        1 => Condition::Size(Compare::Greater, 0),
        2 => Condition::Date(
            Compare::Less,
            chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        ),
        3 => Condition::Permission(Permission(7), true),
        _ => Condition::Name(NameTest::Contains, String::new()),
    }
}

/// A condition a new filter or "Add condition" starts with.
pub fn new_condition() -> Condition {
    default_of(0)
}

/// A combo box named `name` for screen readers and tests, choosing among `options`.
fn combo<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    id: (&str, usize),
    name: &str,
    value: &mut T,
    options: &[T],
    label: impl Fn(T) -> String,
) {
    let response = egui::ComboBox::from_id_salt(id)
        .selected_text(label(*value))
        .show_ui(ui, |ui| {
            for option in options {
                ui.selectable_value(value, *option, label(*option));
            }
        })
        .response;
    let text = label(*value);
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &text);
        info.label = Some(format!("{name}: {text}"));
        info
    });
}

/// Draws the row for condition `index`; true when its remove button was clicked.
pub fn row(ui: &mut egui::Ui, index: usize, condition: &mut Condition) -> bool {
    let mut kind = kind_of(condition);
    combo(
        ui,
        ("kind", index),
        "Condition kind",
        &mut kind,
        &[0, 1, 2, 3],
        |k| KINDS[k].to_string(),
    );
    if kind != kind_of(condition) {
        *condition = default_of(kind);
    }
    match condition {
        Condition::Name(test, text) => {
            combo(
                ui,
                ("name-test", index),
                "Test",
                test,
                &NameTest::ALL,
                |t| t.label().to_string(),
            );
            value_field(ui, index, text, "text, pattern or regex");
        }
        Condition::Size(compare, bytes) => {
            combo(ui, ("size", index), "Test", compare, &Compare::ALL, |c| {
                c.size_label().to_string()
            });
            let value = *bytes as f64;
            ui.add(egui::DragValue::new(bytes).suffix(" bytes"))
                .widget_info(|| {
                    let mut info = egui::WidgetInfo::drag_value(true, value);
                    info.label = Some(format!("Size in bytes {}", index + 1));
                    info
                });
        }
        Condition::Date(compare, day) => {
            combo(ui, ("date", index), "Test", compare, &Compare::ALL, |c| {
                c.date_label().to_string()
            });
            value_field(ui, index, day, "YYYY-MM-DD");
        }
        Condition::Permission(bit, set) => {
            combo(
                ui,
                ("bit", index),
                "Permission",
                bit,
                &Permission::ALL,
                |b| b.label(),
            );
            combo(ui, ("set", index), "Test", set, &[true, false], |s| {
                if s { "is set" } else { "is not set" }.to_string()
            });
        }
    }
    let remove = ui.small_button("✖").on_hover_text("Remove this condition");
    remove.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Remove condition"));
    remove.clicked()
}

fn value_field(ui: &mut egui::Ui, index: usize, text: &mut String, hint: &str) {
    let edit = ui.add(
        egui::TextEdit::singleline(text)
            .id_salt(("condition-value", index))
            .hint_text(hint)
            .desired_width(160.0),
    );
    let text = text.clone();
    edit.widget_info(|| {
        let mut info = egui::WidgetInfo::text_edit(true, "", &text, "");
        info.label = Some(format!("Condition value {}", index + 1));
        info
    });
}
