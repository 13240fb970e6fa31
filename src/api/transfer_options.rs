//! The per-transfer options a site carries across the boundary: hash verification, preserved
//! modification times and the transfer type (FileZilla's Auto/ASCII/Binary with its list of
//! text extensions).

use serde::{Deserialize, Serialize};

/// Whether a transfer is checked against the server's hash of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    /// Compare hashes when the server offers one; else the size checks only.
    #[default]
    Auto,
    /// The size checks only.
    Off,
    /// A server without a hash command fails the transfer.
    Require,
}

impl VerifyMode {
    pub const ALL: [VerifyMode; 3] = [VerifyMode::Auto, VerifyMode::Off, VerifyMode::Require];

    pub fn label(self) -> &'static str {
        match self {
            VerifyMode::Auto => "When the server offers a hash",
            VerifyMode::Off => "Off (sizes only)",
            VerifyMode::Require => "Required",
        }
    }
}

/// ASCII or binary transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransferType {
    /// ASCII for the names [`TransferOptions::ascii_extensions`] lists and for extension-less
    /// dotfiles (`.bashrc`), binary for everything else.
    Auto,
    Ascii,
    #[default]
    Binary,
}

impl TransferType {
    pub const ALL: [TransferType; 3] = [
        TransferType::Auto,
        TransferType::Ascii,
        TransferType::Binary,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TransferType::Auto => "Auto",
            TransferType::Ascii => "ASCII",
            TransferType::Binary => "Binary",
        }
    }
}

/// The extensions Auto transfers as ASCII unless configured otherwise (FileZilla's list, more
/// or less).
pub const DEFAULT_ASCII_EXTENSIONS: &[&str] = &[
    "am", "asp", "bat", "c", "cfm", "cgi", "conf", "cfg", "cpp", "css", "csv", "dhtml", "diff",
    "h", "hpp", "htm", "html", "in", "inc", "ini", "java", "js", "json", "jsp", "log", "m4", "mak",
    "md", "nfo", "nsi", "pas", "patch", "php", "phtml", "pl", "po", "pot", "py", "qmail", "rb",
    "sh", "shtml", "sql", "svg", "tcl", "tpl", "txt", "vbs", "xhtml", "xml", "yaml", "yml",
];

/// What a site asks of each file transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferOptions {
    pub verify: VerifyMode,
    /// Set the destination's modification time from the source's (MDTM/MLST after a download,
    /// MFMT or SITE UTIME after an upload).
    pub preserve_times: bool,
    pub transfer_type: TransferType,
    /// Lower-case extensions without the dot, for [`TransferType::Auto`].
    pub ascii_extensions: Vec<String>,
}

impl Default for TransferOptions {
    fn default() -> Self {
        TransferOptions {
            verify: VerifyMode::Auto,
            preserve_times: false,
            transfer_type: TransferType::Binary,
            ascii_extensions: DEFAULT_ASCII_EXTENSIONS
                .iter()
                .map(|e| e.to_string())
                .collect(),
        }
    }
}
