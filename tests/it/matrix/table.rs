//! The matrix as a table on stderr, and the cells `EXPECTED` says must pass.

use super::cell::Row;
use super::{Cell, EXPECTED, MODES, PROTOCOLS, SERVERS, protocol_label};

/// `pass` / `n/s` tokens of a row of `EXPECTED`.
pub(super) fn expected_row(server: &str) -> Vec<bool> {
    let (_, text) = EXPECTED
        .iter()
        .find(|(name, _)| *name == server)
        .unwrap_or_else(|| panic!("{server} is not in EXPECTED"));
    let tokens: Vec<bool> = text
        .split_whitespace()
        .map(|t| match t {
            "pass" => true,
            "n/s" => false,
            other => panic!("EXPECTED {server}: {other:?} is neither pass nor n/s"),
        })
        .collect();
    assert_eq!(
        tokens.len(),
        PROTOCOLS.len() * MODES.len(),
        "EXPECTED {server}"
    );
    tokens
}

/// The text of a cell in the table; `!` marks a cell that is not what EXPECTED says.
fn cell_text(cell: &Cell, expect_pass: bool) -> String {
    let mut text = match cell {
        Cell::Pass => "pass".to_string(),
        Cell::NotSupported(_) => "n/s".to_string(),
        // The step that failed ("list", "get", "mode"...): the full reason is printed below.
        Cell::Fail { reason, .. } => {
            let step = reason.split(':').next().unwrap_or(reason);
            format!("FAIL({step})")
        }
    };
    let as_expected = if expect_pass {
        cell.is_pass()
    } else {
        cell.is_ns()
    };
    if !as_expected && !matches!(cell, Cell::Fail { .. }) {
        text.push('!');
    }
    text
}

pub(super) fn print_table(rows: &[Row]) {
    let columns = PROTOCOLS.len() * MODES.len();
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let expected = expected_row(row.server);
            row.cells
                .iter()
                .zip(expected)
                .map(|(cell, pass)| cell_text(cell, pass))
                .collect()
        })
        .collect();
    let first = SERVERS.iter().map(|s| s.len()).max().unwrap_or(6) + 2;
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            let mode = MODES[c % MODES.len()].label().chars().count();
            texts
                .iter()
                .map(|t| t[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(mode)
        })
        .collect();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let gap = "  ";
    let group = " | ";
    let mut protocols = pad("", first);
    let mut modes = pad("server", first);
    for (p, protocol) in PROTOCOLS.iter().enumerate() {
        let span = &widths[p * MODES.len()..(p + 1) * MODES.len()];
        let width = span.iter().sum::<usize>() + gap.len() * (MODES.len() - 1);
        if p > 0 {
            protocols.push_str(group);
            modes.push_str(group);
        }
        protocols.push_str(&pad(protocol_label(*protocol), width));
        let labels: Vec<String> = MODES
            .iter()
            .zip(span)
            .map(|(m, w)| pad(m.label(), *w))
            .collect();
        modes.push_str(&labels.join(gap));
    }
    eprintln!();
    eprintln!("{}", protocols.trim_end());
    eprintln!("{}", modes.trim_end());
    eprintln!("{}", "-".repeat(modes.trim_end().chars().count()));
    for (row, text) in rows.iter().zip(&texts) {
        let mut line = pad(row.server, first);
        for p in 0..PROTOCOLS.len() {
            if p > 0 {
                line.push_str(group);
            }
            let cells: Vec<String> = (p * MODES.len()..(p + 1) * MODES.len())
                .map(|c| pad(&text[c], widths[c]))
                .collect();
            line.push_str(&cells.join(gap));
        }
        eprintln!("{}   ({:.1} s)", line.trim_end(), row.took.as_secs_f64());
    }
    eprintln!("(EPRT: active over [::1]; EPSV6: EPSV over [::1]; `!`: not what EXPECTED says)");
}
