//! What the command line shows and asks on the terminal: `ls` lines, the certificate question
//! and the file-exists question.

use std::io::BufRead;

use crate::api::*;

/// One `ls` line: type, size, modification time, name (and link target).
pub fn format_entry(entry: &Entry) -> String {
    let kind = match entry.kind {
        EntryKind::Dir => 'd',
        EntryKind::File => '-',
        EntryKind::Link => 'l',
        EntryKind::Device => 'c',
        EntryKind::Other => 'o',
        EntryKind::Unknown => '?',
    };
    let size = entry
        .size
        .map_or_else(|| "-".to_string(), |s| s.to_string());
    let modified = match entry.modified {
        Some(t) if t.precision == TimePrecision::Day => t.time.format("%Y-%m-%d      ").to_string(),
        Some(t) => t.time.format("%Y-%m-%d %H:%M").to_string(),
        None => format!("{:16}", "-"),
    };
    let name = match (&entry.kind, &entry.link_target) {
        (EntryKind::Unknown, _) => entry.raw.clone(),
        (_, Some(target)) => format!("{} -> {target}", entry.name),
        _ => entry.name.clone(),
    };
    let name: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    format!("{kind} {size:>12} {modified} {name}")
}

fn read_line() -> String {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    line.trim().to_string()
}

pub(super) fn ask_certificate(cert: &CertificateInfo) -> CertAnswer {
    if let Some(warning) = cert.change_warning() {
        eprintln!("{warning}");
    }
    eprintln!(
        "The certificate of {}:{} is not trusted: {}.",
        cert.host, cert.port, cert.reason
    );
    eprintln!("  Subject:     {}", cert.subject);
    eprintln!("  Issuer:      {}", cert.issuer);
    eprintln!("  Valid:       {} to {}", cert.not_before, cert.not_after);
    eprintln!("  SHA-256:     {}", cert.fingerprint);
    eprint!("Trust it? [o]nce, [a]lways, [N]o: ");
    match read_line().to_ascii_lowercase().as_str() {
        "o" | "once" => CertAnswer::TrustOnce,
        "a" | "always" => CertAnswer::TrustAlways,
        _ => CertAnswer::Reject,
    }
}

pub(super) fn ask_exists(source: &FileFacts, destination: &FileFacts) -> (ExistsAction, bool) {
    let size = |f: &FileFacts| f.size.map_or("?".to_string(), |s| format!("{s} bytes"));
    eprintln!(
        "{} exists ({}); the source has {}.",
        destination.path,
        size(destination),
        size(source)
    );
    let choices: Vec<String> = ExistsAction::ALL
        .iter()
        .map(|a| format!("{}: {}", exists_key(*a), a.label()))
        .collect();
    eprint!("{} (capital letter: for all): ", choices.join(", "));
    let reply = read_line();
    let for_all = reply.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let reply = reply.to_ascii_lowercase();
    let action = ExistsAction::ALL
        .into_iter()
        .find(|a| exists_key(*a).to_string() == reply)
        .unwrap_or(ExistsAction::Cancel);
    (action, for_all)
}

/// The key that picks a file-exists choice at the terminal's question.
fn exists_key(action: ExistsAction) -> char {
    match action {
        ExistsAction::Overwrite => 'o',
        ExistsAction::OverwriteIfNewer => 'n',
        ExistsAction::OverwriteIfSizeDiffers => 'd',
        ExistsAction::Resume => 'r',
        ExistsAction::Rename => 'e',
        ExistsAction::Skip => 's',
        ExistsAction::Cancel => 'c',
    }
}
