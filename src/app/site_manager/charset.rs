//! The site editor's Charset page: the character set of the server's file names (autodetect,
//! UTF-8, or a named encoding picked from a short list or typed as a WHATWG label).

use crate::api::Charset;
use crate::sites::SiteEntry;

/// The encodings offered in the list; any other label can be typed.
const COMMON: &[(&str, &str)] = &[
    ("windows-1252", "Western, latin-1"),
    ("ISO-8859-2", "Central European"),
    ("windows-1250", "Central European, Windows"),
    ("windows-1251", "Cyrillic"),
    ("KOI8-R", "Cyrillic, KOI8"),
    ("Shift_JIS", "Japanese"),
    ("EUC-JP", "Japanese, EUC"),
    ("GBK", "Chinese, simplified"),
    ("Big5", "Chinese, traditional"),
    ("EUC-KR", "Korean"),
];

const AUTO: &str = "Autodetect (UTF-8, else windows-1252)";

/// What the combo box shows for the stored value.
fn shown(charset: &str) -> String {
    match charset.parse::<Charset>() {
        _ if charset.trim().is_empty() => AUTO.to_string(),
        Ok(Charset::Auto) => AUTO.to_string(),
        Ok(Charset::Utf8) => "UTF-8".to_string(),
        Ok(Charset::Named(name)) => match COMMON.iter().find(|(n, _)| *n == name) {
            Some((name, what)) => format!("{name} ({what})"),
            None => name,
        },
        Err(_) => charset.to_string(),
    }
}

pub(super) fn charset_page(ui: &mut egui::Ui, entry: &mut SiteEntry) {
    let label = ui.label("Charset of file names:");
    egui::ComboBox::from_id_salt("site-charset")
        .selected_text(shown(&entry.charset))
        .width(260.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(entry.charset.is_empty(), AUTO)
                .clicked()
            {
                entry.charset.clear();
            }
            let utf8 = Charset::Utf8.to_string();
            ui.selectable_value(&mut entry.charset, utf8, "UTF-8");
            for (name, what) in COMMON {
                ui.selectable_value(
                    &mut entry.charset,
                    name.to_string(),
                    format!("{name} ({what})"),
                );
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    let label = ui.label("Or type an encoding:");
    ui.add(
        egui::TextEdit::singleline(&mut entry.charset)
            .hint_text("a label such as latin-1, cp1251, sjis")
            .desired_width(260.0),
    )
    .labelled_by(label.id);
    ui.end_row();
    ui.label("");
    match entry.charset.parse::<Charset>() {
        Err(_) if !entry.charset.trim().is_empty() => {
            ui.colored_label(ui.visuals().error_fg_color, "Unknown character set")
        }
        _ => ui.weak("Names are shown decoded and sent back to the server byte for byte."),
    };
    ui.end_row();
}

/// The problem with the typed charset, for the editor's Save.
pub(super) fn check(entry: &SiteEntry) -> Result<(), String> {
    if entry.charset.trim().is_empty() {
        return Ok(());
    }
    entry.charset.parse::<Charset>().map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_shows_names_and_labels_resolve() {
        assert_eq!(shown(""), AUTO);
        assert_eq!(shown("utf8"), "UTF-8");
        assert_eq!(shown("latin1"), "windows-1252 (Western, latin-1)");
        assert_eq!(shown("klingon"), "klingon");
        for (name, _) in COMMON {
            assert_eq!(Charset::resolve(name).unwrap().name(), *name);
        }
    }
}
