//! The site tree as stored: folders and sites with stable ids, each site's fields, and the
//! name rules. Plain data with serde derives; no I/O.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::api::{PortRange, Protocol, ServerType, TransferType, VerifyMode};

/// A folder's or site's identity: random, generated once, never reused. Sites' passwords are
/// kept in the keyring under this id, so renaming or moving a site keeps its password.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(String);

impl NodeId {
    /// A new random id (128 bits, 32 hex digits).
    pub fn generate() -> NodeId {
        let mut bytes = [0u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No system randomness: the time and a counter are unique enough for an id.
            use sha2::{Digest, Sha256};
            static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let digest = Sha256::digest(format!("{now:?}/{}/{n}", std::process::id()));
            bytes.copy_from_slice(&digest[..16]);
        }
        NodeId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// An id read from elsewhere (a command line, a saved selection).
    pub fn from_string(id: impl Into<String>) -> NodeId {
        NodeId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of the tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Node {
    Folder(Folder),
    Site(SiteEntry),
}

impl Node {
    pub fn id(&self) -> &NodeId {
        match self {
            Node::Folder(f) => &f.id,
            Node::Site(s) => &s.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Node::Folder(f) => &f.name,
            Node::Site(s) => &s.name,
        }
    }

    pub(crate) fn name_mut(&mut self) -> &mut String {
        match self {
            Node::Folder(f) => &mut f.name,
            Node::Site(s) => &mut s.name,
        }
    }

    /// The ids of the sites in this node (itself, or everything inside a folder).
    pub fn site_ids(&self) -> Vec<NodeId> {
        let mut ids = Vec::new();
        self.collect_site_ids(&mut ids);
        ids
    }

    fn collect_site_ids(&self, ids: &mut Vec<NodeId>) {
        match self {
            Node::Site(s) => ids.push(s.id.clone()),
            Node::Folder(f) => f.children.iter().for_each(|c| c.collect_site_ids(ids)),
        }
    }
}

/// A folder: a name and the folders and sites in it, in the order the user arranged them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folder {
    pub id: NodeId,
    pub name: String,
    #[serde(default)]
    pub children: Vec<Node>,
}

impl Folder {
    pub fn new(name: impl Into<String>) -> Folder {
        Folder {
            id: NodeId::generate(),
            name: name.into(),
            children: Vec::new(),
        }
    }
}

/// How the control connection is secured, as stored (`"ftp"`, `"ftpes"`, `"ftps"`,
/// `"ftpes-if-available"`, the words `ferry sites list` prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SiteProtocol {
    /// Plain FTP: nothing is encrypted.
    #[serde(rename = "ftp")]
    Ftp,
    /// FTP over explicit TLS, required: the connection fails if the server refuses TLS.
    #[default]
    #[serde(rename = "ftpes")]
    Ftpes,
    /// FTP over implicit TLS (port 990).
    #[serde(rename = "ftps")]
    Ftps,
    /// Explicit TLS when the server offers it, plain FTP with a warning in the log when it
    /// refuses `AUTH TLS` (FileZilla's default).
    #[serde(rename = "ftpes-if-available")]
    FtpesIfAvailable,
}

impl SiteProtocol {
    pub const ALL: [SiteProtocol; 4] = [
        SiteProtocol::Ftpes,
        SiteProtocol::Ftps,
        SiteProtocol::FtpesIfAvailable,
        SiteProtocol::Ftp,
    ];

    /// The stored word (also the URL scheme for the first three).
    pub fn word(self) -> &'static str {
        match self {
            SiteProtocol::Ftp => "ftp",
            SiteProtocol::Ftpes => "ftpes",
            SiteProtocol::Ftps => "ftps",
            SiteProtocol::FtpesIfAvailable => "ftpes-if-available",
        }
    }

    /// What the site manager shows.
    pub fn label(self) -> &'static str {
        match self {
            SiteProtocol::Ftp => "FTP (plain, insecure)",
            SiteProtocol::Ftpes => "FTP over explicit TLS (required)",
            SiteProtocol::Ftps => "FTP over implicit TLS",
            SiteProtocol::FtpesIfAvailable => "FTP, explicit TLS if available",
        }
    }

    pub fn engine(self) -> Protocol {
        match self {
            SiteProtocol::Ftp => Protocol::Ftp,
            SiteProtocol::Ftpes => Protocol::ExplicitTls,
            SiteProtocol::Ftps => Protocol::ImplicitTls,
            SiteProtocol::FtpesIfAvailable => Protocol::ExplicitTlsIfAvailable,
        }
    }

    pub fn default_port(self) -> u16 {
        self.engine().default_port()
    }
}

/// How the site logs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Logon {
    /// No user (the server's anonymous login).
    Anonymous,
    /// User and password; the password lives in the OS keyring under the site's id.
    #[default]
    Normal,
    /// User; the password is asked for at each connection and never kept.
    Ask,
}

impl Logon {
    pub const ALL: [Logon; 3] = [Logon::Anonymous, Logon::Normal, Logon::Ask];

    pub fn label(self) -> &'static str {
        match self {
            Logon::Anonymous => "Anonymous",
            Logon::Normal => "Normal",
            Logon::Ask => "Ask for password",
        }
    }
}

/// How data connections are made (the engine's `DataMode`, as stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransferMode {
    /// Passive first, active when passive cannot connect.
    #[default]
    Auto,
    Passive,
    Active,
}

impl TransferMode {
    pub const ALL: [TransferMode; 3] = [
        TransferMode::Auto,
        TransferMode::Passive,
        TransferMode::Active,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TransferMode::Auto => "Auto",
            TransferMode::Passive => "Passive",
            TransferMode::Active => "Active",
        }
    }
}

/// The options of the data connection beyond its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataOptions {
    /// Try EPSV before PASV in passive mode.
    #[serde(default = "yes")]
    pub use_epsv: bool,
    /// Connect where a `227` reply says instead of the server's own address.
    #[serde(default)]
    pub trust_pasv_address: bool,
    /// Active mode: announce this address (a router's public one).
    #[serde(default)]
    pub active_external_ip: Option<Ipv4Addr>,
    /// Active mode: listen on a port from this range, written `"50000-50100"`.
    #[serde(default, with = "port_range")]
    pub active_ports: Option<PortRange>,
}

fn yes() -> bool {
    true
}

impl Default for DataOptions {
    fn default() -> Self {
        DataOptions {
            use_epsv: true,
            trust_pasv_address: false,
            active_external_ip: None,
            active_ports: None,
        }
    }
}

/// `PortRange` as `"MIN-MAX"` text.
mod port_range {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::api::PortRange;

    pub fn serialize<S: Serializer>(range: &Option<PortRange>, s: S) -> Result<S::Ok, S::Error> {
        match range {
            Some(r) => s.serialize_str(&format!("{}-{}", r.first, r.last)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PortRange>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| {
            PortRange::parse(&t).ok_or_else(|| {
                D::Error::custom(format!("{t:?} is not a port range like \"50000-50100\""))
            })
        })
        .transpose()
    }
}

/// Keep-alive on the browsing connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepAlive {
    Off,
    /// A NOOP after this many idle seconds (10..=3600).
    Seconds(u32),
}

impl KeepAlive {
    pub const MIN_SECONDS: u32 = 10;
    pub const MAX_SECONDS: u32 = 3600;

    pub fn duration(self) -> Option<std::time::Duration> {
        match self {
            KeepAlive::Off => None,
            KeepAlive::Seconds(s) => Some(std::time::Duration::from_secs(u64::from(s))),
        }
    }
}

/// A site's colour label, FileZilla's set (its numbers 0-7 in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    #[default]
    None,
    Red,
    Green,
    Blue,
    Yellow,
    Cyan,
    Magenta,
    Orange,
}

impl Colour {
    pub const ALL: [Colour; 8] = [
        Colour::None,
        Colour::Red,
        Colour::Green,
        Colour::Blue,
        Colour::Yellow,
        Colour::Cyan,
        Colour::Magenta,
        Colour::Orange,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Colour::None => "No colour",
            Colour::Red => "Red",
            Colour::Green => "Green",
            Colour::Blue => "Blue",
            Colour::Yellow => "Yellow",
            Colour::Cyan => "Cyan",
            Colour::Magenta => "Magenta",
            Colour::Orange => "Orange",
        }
    }

    /// The colour to paint, as sRGB (`None` for no label).
    pub fn rgb(self) -> Option<[u8; 3]> {
        Some(match self {
            Colour::None => return None,
            Colour::Red => [0xe0, 0x40, 0x40],
            Colour::Green => [0x40, 0xa8, 0x40],
            Colour::Blue => [0x40, 0x70, 0xe0],
            Colour::Yellow => [0xe0, 0xc0, 0x20],
            Colour::Cyan => [0x20, 0xb0, 0xc0],
            Colour::Magenta => [0xc0, 0x40, 0xc0],
            Colour::Orange => [0xf0, 0x90, 0x20],
        })
    }

    /// FileZilla's number for this colour.
    pub fn filezilla(self) -> u8 {
        Colour::ALL.iter().position(|c| *c == self).unwrap_or(0) as u8
    }

    pub fn from_filezilla(n: u32) -> Option<Colour> {
        Colour::ALL.get(n as usize).copied()
    }
}

/// One site. `None` in an optional setting means "the global default" from [`Settings`].
///
/// [`Settings`]: super::Settings
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEntry {
    pub id: NodeId,
    pub name: String,
    #[serde(default)]
    pub protocol: SiteProtocol,
    #[serde(default)]
    pub host: String,
    /// `None`: the protocol's default port (21, or 990 for implicit TLS).
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub logon: Logon,
    #[serde(default)]
    pub user: String,
    /// `None`: the global transfer mode.
    #[serde(default)]
    pub mode: Option<TransferMode>,
    /// `None`: the global data connection options.
    #[serde(default)]
    pub data_options: Option<DataOptions>,
    /// Simultaneous transfer connections (1-10); `None`: the global number.
    #[serde(default)]
    pub max_connections: Option<u8>,
    /// The local folder to show on connecting.
    #[serde(default)]
    pub local_dir: Option<PathBuf>,
    /// The remote folder to open on connecting (absolute, or relative to the login folder).
    #[serde(default)]
    pub remote_dir: Option<String>,
    /// `None`: the global keep-alive.
    #[serde(default)]
    pub keepalive: Option<KeepAlive>,
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub colour: Colour,
    /// Which listing shape wins where detection is ambiguous.
    #[serde(default)]
    pub server_type: ServerType,
    /// Minutes added to LIST times (the server's clock), -24 h to +24 h.
    #[serde(default)]
    pub timezone_offset: i32,
    /// The character set of the server's names: empty for auto, `UTF-8`, or an encoding's name
    /// (`windows-1252`, `Shift_JIS`…); see [`crate::api::Charset`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub charset: String,
    /// Hash verification; `None`: the global setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyMode>,
    /// Preserve modification times; `None`: the global setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_times: Option<bool>,
    /// Auto, ASCII or binary; `None`: the global setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_type: Option<TransferType>,
    /// Connect directly, not through the global proxy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bypass_proxy: bool,
    /// Start synchronized browsing on connecting (FileZilla's `SyncBrowsing`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sync_browsing: bool,
    /// Start directory comparison on connecting (FileZilla's `DirectoryComparison`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub directory_comparison: bool,
    /// The site's own bookmarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bookmarks: Vec<super::bookmarks::Bookmark>,
}

/// The largest timezone offset a site may have, in minutes (FileZilla's bound too).
pub const MAX_TIMEZONE_OFFSET: i32 = 24 * 60;

impl SiteEntry {
    /// A new site with a fresh id and every setting at its default.
    pub fn new(name: impl Into<String>) -> SiteEntry {
        SiteEntry {
            id: NodeId::generate(),
            name: name.into(),
            protocol: SiteProtocol::default(),
            host: String::new(),
            port: None,
            logon: Logon::default(),
            user: String::new(),
            mode: None,
            data_options: None,
            max_connections: None,
            local_dir: None,
            remote_dir: None,
            keepalive: None,
            comments: String::new(),
            colour: Colour::None,
            server_type: ServerType::Auto,
            timezone_offset: 0,
            charset: String::new(),
            verify: None,
            preserve_times: None,
            transfer_type: None,
            bypass_proxy: false,
            sync_browsing: false,
            directory_comparison: false,
            bookmarks: Vec::new(),
        }
    }

    /// The port to connect to.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.protocol.default_port())
    }

    /// What is wrong with the fields, for the manager to show next to them.
    pub fn check(&self) -> Result<(), String> {
        check_name(&self.name).map_err(|e| format!("name {:?}: {e}", self.name))?;
        if self.port == Some(0) {
            return Err(format!("{}: port 0 is not a port", self.name));
        }
        if let Some(n) = self.max_connections
            && !(1..=crate::api::MAX_PARALLEL as u8).contains(&n)
        {
            return Err(format!(
                "{}: maximum connections must be 1 to {} (not {n})",
                self.name,
                crate::api::MAX_PARALLEL
            ));
        }
        if let Some(KeepAlive::Seconds(s)) = self.keepalive {
            check_keepalive(s).map_err(|e| format!("{}: {e}", self.name))?;
        }
        if self.timezone_offset.abs() > MAX_TIMEZONE_OFFSET {
            return Err(format!(
                "{}: the timezone offset must be within 24 hours (not {} minutes)",
                self.name, self.timezone_offset
            ));
        }
        if self
            .host
            .contains(|c: char| c.is_control() || c.is_whitespace())
        {
            return Err(format!(
                "{}: the host cannot contain spaces or control characters",
                self.name
            ));
        }
        if self.user.contains(['\r', '\n', '\0']) {
            return Err(format!(
                "{}: the user cannot contain a line break",
                self.name
            ));
        }
        if let Some(dir) = &self.remote_dir
            && dir.contains(['\r', '\n', '\0'])
        {
            return Err(format!(
                "{}: the remote folder cannot contain a line break",
                self.name
            ));
        }
        super::bookmarks::check_list(&self.bookmarks).map_err(|e| format!("{}: {e}", self.name))?;
        Ok(())
    }
}

pub(crate) fn check_keepalive(seconds: u32) -> Result<(), String> {
    if (KeepAlive::MIN_SECONDS..=KeepAlive::MAX_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "keep-alive must be {} to {} seconds (not {seconds})",
            KeepAlive::MIN_SECONDS,
            KeepAlive::MAX_SECONDS
        ))
    }
}

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a name cannot be empty")]
    Empty,
    #[error("a name cannot contain \"/\" (it separates folders in site: paths)")]
    Slash,
    #[error("a name cannot contain control characters")]
    Control,
}

/// Names are non-empty, without `/` (the separator of `site:` paths) or control characters.
/// Leading and trailing spaces are not part of a name: the store trims them.
pub fn check_name(name: &str) -> Result<(), NameError> {
    if name.trim().is_empty() {
        Err(NameError::Empty)
    } else if name.contains('/') {
        Err(NameError::Slash)
    } else if name.chars().any(char::is_control) {
        Err(NameError::Control)
    } else {
        Ok(())
    }
}
