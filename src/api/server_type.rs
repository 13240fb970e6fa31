//! The "server type" site setting as the boundary carries it: which listing shape wins where
//! detection is ambiguous (FileZilla's setting of the same name, Advanced tab).

use serde::{Deserialize, Serialize};

/// Which listing shape wins where detection is ambiguous. With [`ServerType::Auto`] every
/// line picks its own shape; a forced type only tries its shapes first, so a listing that
/// mixes shapes still parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerType {
    #[default]
    Auto,
    Unix,
    /// DOS/Windows (IIS and others), backslashes as the preferred separator.
    Dos,
    /// DOS-like listings on a server with forward-slash paths.
    #[serde(rename = "dos-forward-slashes")]
    DosFwdSlashes,
    /// DOS-like listings under a virtual unix-style root.
    DosVirtual,
    Vms,
    /// MVS, OS/390, z/OS.
    Mvs,
    #[serde(rename = "vxworks")]
    VxWorks,
    #[serde(rename = "zvm")]
    ZVm,
    #[serde(rename = "hp-nonstop")]
    HpNonStop,
    Cygwin,
}

impl ServerType {
    /// Every setting, in the order a chooser offers them.
    pub const ALL: [ServerType; 11] = [
        ServerType::Auto,
        ServerType::Unix,
        ServerType::Dos,
        ServerType::DosFwdSlashes,
        ServerType::DosVirtual,
        ServerType::Vms,
        ServerType::Mvs,
        ServerType::VxWorks,
        ServerType::ZVm,
        ServerType::HpNonStop,
        ServerType::Cygwin,
    ];

    /// The name a user reads (FileZilla's wording).
    pub fn label(self) -> &'static str {
        match self {
            ServerType::Auto => "Default (Autodetect)",
            ServerType::Unix => "Unix",
            ServerType::Dos => "DOS with backslash separators",
            ServerType::DosFwdSlashes => "DOS with forward-slash separators",
            ServerType::DosVirtual => "DOS-like with virtual paths",
            ServerType::Vms => "VMS",
            ServerType::Mvs => "MVS, OS/390, z/OS",
            ServerType::VxWorks => "VxWorks",
            ServerType::ZVm => "z/VM",
            ServerType::HpNonStop => "HP NonStop",
            ServerType::Cygwin => "Cygwin",
        }
    }
}
