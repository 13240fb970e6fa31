//! The interop matrix: every server × protocol × data mode runs the same short scenario list
//! (list, put, get, resume, mkdir, rename, delete; files checked by SHA-256) and records a cell:
//! `pass`, `FAIL(reason)` or `n/s` (not supported). The table is printed (`--nocapture`), then
//! compared with `EXPECTED`: any FAIL, or any cell that is not what `EXPECTED` says, fails the
//! test. Servers: the five of `tests/interop/servers.sh` (started by `tests/interop/run.sh`) and
//! the in-process libunftp server.

//!
//! `cell` runs a server's row of cells (the scenario list and its checks), `table` prints the
//! table and reads `EXPECTED`.

mod cell;
mod table;

use std::collections::BTreeSet;
use std::time::Instant;

use ferry::*;

use cell::{Row, run_row};
use table::{expected_row, print_table};

/// Rows, in table order.
const SERVERS: [&str; 6] = [
    "vsftpd",
    "vsftpd-implicit",
    "pure-ftpd",
    "proftpd",
    "pyftpdlib",
    "libunftp",
];

const PROTOCOLS: [Protocol; 3] = [Protocol::Ftp, Protocol::ExplicitTls, Protocol::ImplicitTls];

/// The data modes, one column each under every protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Passive with EPSV, over IPv4.
    Epsv,
    /// Passive with PASV only (`use_epsv = false`), over IPv4.
    Pasv,
    /// Active over IPv4: PORT.
    Port,
    /// Active over IPv6 (`::1`): EPRT.
    Eprt,
    /// Passive with EPSV over IPv6 (`::1`).
    Epsv6,
}

const MODES: [Mode; 5] = [Mode::Epsv, Mode::Pasv, Mode::Port, Mode::Eprt, Mode::Epsv6];

/// What each cell must be. Columns: for plain, explicit and implicit TLS in turn, the modes
/// EPSV, PASV, PORT, EPRT (active over IPv6) and EPSV6 (EPSV over IPv6). Only what a server
/// cannot do is `n/s`; a Ferry bug never is (plain PORT/EPRT stay `pass` although they FAIL now
/// and then: in active mode Ferry may read the server's `226` before accepting the data
/// connection the server already made, and takes it for "could not connect back").
#[rustfmt::skip]
const EXPECTED: [(&str, &str); 6] = [
    //                     plain                      explicit                   implicit
    //                     EPSV PASV PORT EPRT EPSV6  EPSV PASV PORT EPRT EPSV6  EPSV PASV PORT EPRT EPSV6
    // vsftpd: plain and AUTH TLS on 2121; implicit TLS is the other instance (vsftpd-implicit).
    ("vsftpd",            "pass pass pass pass pass   pass pass pass pass pass   n/s  n/s  n/s  n/s  n/s"),
    // vsftpd-implicit: TLS from the first byte on 2990, so neither plain FTP nor AUTH TLS.
    ("vsftpd-implicit",   "n/s  n/s  n/s  n/s  n/s    n/s  n/s  n/s  n/s  n/s    pass pass pass pass pass"),
    // pure-ftpd (-Y 1), proftpd (TLSRequired off), pyftpdlib: plain and explicit, no implicit port.
    ("pure-ftpd",         "pass pass pass pass pass   pass pass pass pass pass   n/s  n/s  n/s  n/s  n/s"),
    ("proftpd",           "pass pass pass pass pass   pass pass pass pass pass   n/s  n/s  n/s  n/s  n/s"),
    ("pyftpdlib",         "pass pass pass pass pass   pass pass pass pass pass   n/s  n/s  n/s  n/s  n/s"),
    // libunftp (ServerTls::Explicit): plain and explicit; it listens on 127.0.0.1 only (no
    // IPv6 cells) and has no EPRT anyway; no implicit TLS in this configuration.
    ("libunftp",          "pass pass pass n/s  n/s    pass pass pass n/s  n/s    n/s  n/s  n/s  n/s  n/s"),
];

/// Small files keep the matrix fast: 256 KiB and a few bytes (not a multiple of any buffer).
const FILE_SIZE: usize = 256 * 1024 + 7;

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Epsv => "EPSV",
            Mode::Pasv => "PASV",
            Mode::Port => "PORT",
            Mode::Eprt => "EPRT",
            Mode::Epsv6 => "EPSV6",
        }
    }

    fn ipv6(self) -> bool {
        matches!(self, Mode::Eprt | Mode::Epsv6)
    }

    fn active(self) -> bool {
        matches!(self, Mode::Port | Mode::Eprt)
    }

    /// Sets the data mode on a Site.
    fn apply(self, site: &mut Site) {
        site.mode = if self.active() {
            DataMode::Active
        } else {
            DataMode::Passive
        };
        site.use_epsv = self != Mode::Pasv;
    }

    /// The data-connection command this mode must use, and only it.
    fn verb(self) -> &'static str {
        match self {
            Mode::Epsv | Mode::Epsv6 => "EPSV",
            Mode::Pasv => "PASV",
            Mode::Port => "PORT",
            Mode::Eprt => "EPRT",
        }
    }
}

fn protocol_label(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Ftp => "plain",
        Protocol::ExplicitTls => "explicit",
        Protocol::ImplicitTls => "implicit",
        Protocol::ExplicitTlsIfAvailable => "if-available",
    }
}

/// What a cell came to.
#[derive(Debug, Clone)]
enum Cell {
    Pass,
    /// The first failure (short), then everything worth reading.
    Fail {
        reason: String,
        details: Vec<String>,
    },
    /// Not supported, and why.
    NotSupported(String),
}

impl Cell {
    fn is_pass(&self) -> bool {
        matches!(self, Cell::Pass)
    }
    fn is_ns(&self) -> bool {
        matches!(self, Cell::NotSupported(_))
    }
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn interop_matrix() {
    let started = Instant::now();
    // One thread per server; each runs its cells one after another.
    let rows: Vec<Row> = std::thread::scope(|scope| {
        let handles: Vec<_> = SERVERS
            .iter()
            .enumerate()
            .map(|(i, server)| scope.spawn(move || run_row(i, server)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    print_table(&rows);

    // n/s reasons, then failures and surprises in full.
    let mut problems = Vec::new();
    for row in &rows {
        let reasons: BTreeSet<&str> = row
            .cells
            .iter()
            .filter_map(|c| match c {
                Cell::NotSupported(why) => Some(why.as_str()),
                _ => None,
            })
            .collect();
        if !reasons.is_empty() {
            let reasons: Vec<&str> = reasons.into_iter().collect();
            eprintln!("n/s {}: {}", row.server, reasons.join("; "));
        }
        if let Some(why) = &row.missing {
            problems.push(format!("{}: every cell FAILs: {why}", row.server));
            continue;
        }
        let expected = expected_row(row.server);
        for (c, (cell, expect_pass)) in row.cells.iter().zip(expected).enumerate() {
            let name = format!(
                "{} {} {}",
                row.server,
                protocol_label(PROTOCOLS[c / MODES.len()]),
                MODES[c % MODES.len()].label()
            );
            match (cell, expect_pass) {
                (Cell::Fail { details, .. }, _) => {
                    problems.push(format!("{name}: FAIL\n  {}", details.join("\n  ")))
                }
                (Cell::NotSupported(why), true) => {
                    problems.push(format!("{name}: n/s ({why}) where pass was expected"))
                }
                (Cell::Pass, false) => problems.push(format!(
                    "{name}: pass where n/s was expected (update EXPECTED)"
                )),
                _ => {}
            }
        }
    }
    let total = rows.iter().map(|r| r.cells.len()).sum::<usize>();
    let passed = rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| c.is_pass())
        .count();
    eprintln!(
        "{passed} of {total} cells pass, {} problems, in {:.1} s",
        problems.len(),
        started.elapsed().as_secs_f64()
    );
    for problem in &problems {
        eprintln!("\n{problem}");
    }
    assert!(
        problems.is_empty(),
        "{} matrix cells are not as expected (table above)",
        problems.len()
    );
}
