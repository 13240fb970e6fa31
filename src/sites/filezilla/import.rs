//! Reading FileZilla's `sitemanager.xml` into Ferry's nodes: folders, sites, protocol, port,
//! logon type, user, passwords (base64 or plain; master-password-encrypted ones cannot be
//! read), transfer mode, connections, proxy bypass, server type and timezone offset, folders,
//! comments, colour, synchronized browsing, directory comparison and bookmarks. Missing fields
//! take defaults; what Ferry cannot use is skipped with a warning.

use base64::Engine;

use super::xml::{self, Element};
use super::{FileZillaError, decode_remote_dir, server_type_from_filezilla};
use crate::api::Secret;
use crate::sites::bookmarks::{self, Bookmark};
use crate::sites::model::{
    Colour, Folder, Logon, MAX_TIMEZONE_OFFSET, Node, NodeId, SiteEntry, SiteProtocol,
    TransferMode, check_name,
};
use crate::sites::tree::free_name;

/// What a FileZilla file holds, ready to be merged into the site tree.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Folders and sites with fresh ids, in the file's order.
    pub nodes: Vec<Node>,
    /// Passwords of sites in `nodes`, by the sites' new ids.
    pub passwords: Vec<(NodeId, Secret)>,
    /// One line per thing not imported as it was (each names the site).
    pub warnings: Vec<String>,
}

/// Parses the text of a `sitemanager.xml` (or a FileZilla export).
pub fn parse(text: &str) -> Result<Parsed, FileZillaError> {
    let root = xml::parse(text)?;
    if root.name != "FileZilla3" {
        return Err(FileZillaError::NotFileZilla(root.name));
    }
    let mut parsed = Parsed::default();
    if let Some(servers) = root.child("Servers") {
        parsed.nodes = children(servers, "", &mut parsed);
    }
    Ok(parsed)
}

fn children(folder: &Element, path: &str, parsed: &mut Parsed) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    for element in folder.elements() {
        let mut node = match element.name.as_str() {
            "Folder" => {
                let name = clean_name(&element.own_text(), "Unnamed folder", path, parsed);
                let inner = join(path, &name);
                Node::Folder(Folder {
                    id: NodeId::generate(),
                    children: children(element, &inner, parsed),
                    name,
                })
            }
            "Server" => match server(element, path, parsed) {
                Some(site) => Node::Site(site),
                None => continue,
            },
            _ => continue,
        };
        let unique = free_name(&nodes, node.name());
        if unique != node.name() {
            parsed.warnings.push(format!(
                "{}: a second entry with this name is imported as {unique:?}",
                join(path, node.name())
            ));
            *node.name_mut() = unique;
        }
        nodes.push(node);
    }
    nodes
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// A usable name: trimmed, without control characters, `/` replaced by `-`.
fn clean_name(raw: &str, fallback: &str, path: &str, parsed: &mut Parsed) -> String {
    let mut name: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
    if name.contains('/') {
        let renamed = name.replace('/', "-");
        parsed.warnings.push(format!(
            "{}: names cannot contain \"/\"; imported as {renamed:?}",
            join(path, &name)
        ));
        name = renamed;
    }
    if check_name(&name).is_err() {
        name = fallback.to_string();
    }
    name
}

fn protocol_name(n: i64) -> String {
    match n {
        1 => "SFTP".to_string(),
        2 => "HTTP".to_string(),
        5 => "HTTPS".to_string(),
        7 => "S3".to_string(),
        8 | 21 => "Storj".to_string(),
        9 | 19 => "WebDAV".to_string(),
        10 => "Azure File Storage".to_string(),
        11 => "Azure Blob Storage".to_string(),
        12 => "OpenStack Swift".to_string(),
        13 => "Google Cloud Storage".to_string(),
        14 => "Google Drive".to_string(),
        15 => "Dropbox".to_string(),
        16 => "OneDrive".to_string(),
        17 => "Backblaze B2".to_string(),
        18 => "Box".to_string(),
        20 => "Rackspace Cloud Storage".to_string(),
        other => format!("protocol {other}"),
    }
}

fn number(element: &Element, name: &str) -> Option<i64> {
    element.child_text(name)?.trim().parse().ok()
}

/// A FileZilla boolean element: `1` (or `true`) is on, anything else off.
fn flag(element: &Element, name: &str) -> bool {
    matches!(
        element.child_text(name).as_deref().map(str::trim),
        Some("1" | "true")
    )
}

/// One `<Server>`, or `None` (with a warning) when Ferry cannot use it.
fn server(element: &Element, path: &str, parsed: &mut Parsed) -> Option<SiteEntry> {
    let host = element.child_text("Host").unwrap_or_default();
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    let raw_name = element
        .child_text("Name")
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| element.own_text());
    let fallback = if host.is_empty() {
        "Unnamed site"
    } else {
        host
    };
    let name = clean_name(&raw_name, fallback, path, parsed);
    let mut reader = ServerReader {
        element,
        label: join(path, &name),
        warnings: Vec::new(),
    };
    let read = reader.site(name, host);
    parsed.warnings.append(&mut reader.warnings);
    let (site, password) = read?;
    if let Some(password) = password {
        parsed.passwords.push((site.id.clone(), password));
    }
    Some(site)
}

/// One `<Server>` being read, and the warnings about it (each starts with the site's path).
struct ServerReader<'a> {
    element: &'a Element,
    label: String,
    warnings: Vec<String>,
}

impl ServerReader<'_> {
    fn warn(&mut self, what: impl std::fmt::Display) {
        self.warnings.push(format!("{}: {what}", self.label));
    }

    /// The site and its saved password, or `None` (with a warning) when Ferry cannot use it.
    fn site(&mut self, name: String, host: &str) -> Option<(SiteEntry, Option<Secret>)> {
        let element = self.element;
        let protocol = self.protocol()?;
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
            self.warn(format!("no usable host ({host:?}); skipped"));
            return None;
        }
        let mut site = SiteEntry::new(name);
        site.protocol = protocol;
        site.host = host.to_string();
        site.port = number(element, "Port")
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0 && *p != protocol.default_port());
        site.user = element
            .child_text("User")
            .unwrap_or_default()
            .replace(['\r', '\n', '\0'], "");
        site.logon = self.logon(&site.user);
        if site.logon == Logon::Anonymous {
            site.user.clear();
        }
        // FileZilla reads the password for normal and account logons only.
        let password = match site.logon {
            Logon::Normal => self.password(&mut site),
            _ => None,
        };
        self.transfer_options(&mut site);
        self.listing(&mut site);
        self.folders_and_looks(&mut site);
        self.browsing(&mut site);
        self.charset(&mut site);
        self.unsupported();
        if let Err(problem) = site.check() {
            self.warn(format!("{problem}; skipped"));
            return None;
        }
        Some((site, password))
    }

    fn protocol(&mut self) -> Option<SiteProtocol> {
        match number(self.element, "Protocol").unwrap_or(0) {
            0 => Some(SiteProtocol::FtpesIfAvailable),
            3 => Some(SiteProtocol::Ftps),
            4 => Some(SiteProtocol::Ftpes),
            6 => Some(SiteProtocol::Ftp),
            other => {
                self.warn(format!(
                    "{} is not supported by Ferry (FTP and FTPS only); skipped",
                    protocol_name(other)
                ));
                None
            }
        }
    }

    fn logon(&mut self, user: &str) -> Logon {
        match number(self.element, "Logontype") {
            Some(0) => Logon::Anonymous,
            Some(1) => Logon::Normal,
            Some(2) => Logon::Ask,
            Some(3) => {
                self.warn("interactive logon is imported as \"ask for password\"");
                Logon::Ask
            }
            Some(4) => {
                self.warn("the account (ACCT) is not supported; imported with normal logon");
                Logon::Normal
            }
            Some(other) => {
                self.warn(format!(
                    "logon type {other} is imported as \"ask for password\""
                ));
                Logon::Ask
            }
            None if user.is_empty() => Logon::Anonymous,
            None => Logon::Normal,
        }
    }

    /// The saved password (plain or base64); one that cannot be read makes the site ask.
    fn password(&mut self, site: &mut SiteEntry) -> Option<Secret> {
        let pass = self.element.child("Pass")?;
        match pass.attribute("encoding") {
            None | Some("") => Some(pass.own_text())
                .filter(|text| !text.is_empty())
                .map(Secret::new),
            Some(encoding) if encoding.eq_ignore_ascii_case("base64") => {
                let compact: String = pass
                    .own_text()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok());
                match decoded {
                    Some(password) => Some(password).filter(|p| !p.is_empty()).map(Secret::new),
                    None => {
                        self.warn(
                            "the saved password is not valid base64 text; the site asks for it",
                        );
                        site.logon = Logon::Ask;
                        None
                    }
                }
            }
            Some(_) => {
                self.warn(
                    "the password is encrypted with FileZilla's master password and cannot be read; the site asks for it",
                );
                site.logon = Logon::Ask;
                None
            }
        }
    }

    /// Transfer mode, connections and the proxy bypass (FileZilla keeps transfer type and
    /// "preserve timestamps" only as global settings).
    fn transfer_options(&mut self, site: &mut SiteEntry) {
        site.bypass_proxy = number(self.element, "BypassProxy").is_some_and(|n| n != 0);
        site.mode = match self
            .element
            .child_text("PasvMode")
            .as_deref()
            .map(str::trim)
        {
            Some("MODE_ACTIVE") => Some(TransferMode::Active),
            Some("MODE_PASSIVE") => Some(TransferMode::Passive),
            _ => None,
        };
        site.max_connections = match number(self.element, "MaximumMultipleConnections") {
            Some(n) if n > crate::api::MAX_PARALLEL as i64 => {
                self.warn(format!(
                    "{n} connections is more than Ferry opens; {} it is",
                    crate::api::MAX_PARALLEL
                ));
                Some(crate::api::MAX_PARALLEL as u8)
            }
            Some(n) if n > 0 => Some(n as u8),
            _ => None,
        };
    }

    /// How the site's listings read: server type and timezone offset (minutes).
    fn listing(&mut self, site: &mut SiteEntry) {
        if let Some(n) = number(self.element, "Type") {
            match server_type_from_filezilla(n) {
                Some(t) => site.server_type = t,
                None => self.warn(format!(
                    "server type {n} is unknown; Ferry detects the listing format"
                )),
            }
        }
        match number(self.element, "TimezoneOffset") {
            Some(m) if m.abs() <= i64::from(MAX_TIMEZONE_OFFSET) => site.timezone_offset = m as i32,
            Some(m) => self.warn(format!(
                "the timezone offset of {m} minutes is more than 24 hours; not imported"
            )),
            None => {}
        }
    }

    /// Local and remote folder, comments and colour.
    fn folders_and_looks(&mut self, site: &mut SiteEntry) {
        let element = self.element;
        site.local_dir = element
            .child_text("LocalDir")
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .map(Into::into);
        if let Some(encoded) = element
            .child_text("RemoteDir")
            .filter(|d| !d.trim().is_empty())
        {
            match decode_remote_dir(encoded.trim()) {
                Ok(dir) => site.remote_dir = Some(dir),
                Err(why) => self.warn(format!("remote folder not imported: {why}")),
            }
        }
        site.comments = element.child_text("Comments").unwrap_or_default();
        site.colour = number(element, "Colour")
            .and_then(|n| u32::try_from(n).ok())
            .and_then(Colour::from_filezilla)
            .unwrap_or_default();
    }

    /// `SyncBrowsing` (read only with both default folders, as FileZilla does),
    /// `DirectoryComparison`, and the site's `<Bookmark>` elements.
    fn browsing(&mut self, site: &mut SiteEntry) {
        let both = site.local_dir.is_some() && site.remote_dir.is_some();
        site.sync_browsing = both && flag(self.element, "SyncBrowsing");
        site.directory_comparison = flag(self.element, "DirectoryComparison");
        for element in self.element.elements().filter(|e| e.name == "Bookmark") {
            let name = element.child_text("Name").unwrap_or_default();
            let local = element.child_text("LocalDir").unwrap_or_default();
            let encoded = element.child_text("RemoteDir").unwrap_or_default();
            let remote = match encoded.trim() {
                "" => String::new(),
                encoded => match decode_remote_dir(encoded) {
                    Ok(dir) => dir,
                    Err(why) => {
                        self.warn(format!(
                            "bookmark {name:?}: remote folder not imported: {why}"
                        ));
                        String::new()
                    }
                },
            };
            let mut bookmark = Bookmark::new(&name, &local, &remote);
            bookmark.sync_browsing = bookmark.local_dir.is_some()
                && bookmark.remote_dir.is_some()
                && flag(element, "SyncBrowsing");
            bookmark.directory_comparison = flag(element, "DirectoryComparison");
            if let Err(why) = bookmarks::add(&mut site.bookmarks, bookmark) {
                self.warn(format!("bookmark {name:?} not imported: {why}"));
            }
        }
    }

    /// What FileZilla keeps that Ferry does not do: said once each.
    fn unsupported(&mut self) {
        if self
            .element
            .child("PostLoginCommands")
            .is_some_and(|c| c.child("Command").is_some())
        {
            self.warn("post-login commands are not supported");
        }
    }

    /// `EncodingType` (`Auto`, `UTF-8`, `Custom`) and `CustomEncoding`.
    fn charset(&mut self, site: &mut SiteEntry) {
        let kind = self.element.child_text("EncodingType").unwrap_or_default();
        site.charset = match kind.trim() {
            "UTF-8" => crate::api::Charset::Utf8.to_string(),
            "Custom" => {
                let custom = self
                    .element
                    .child_text("CustomEncoding")
                    .unwrap_or_default();
                match custom.parse::<crate::api::Charset>() {
                    Ok(crate::api::Charset::Auto) => String::new(),
                    Ok(charset) => charset.to_string(),
                    Err(_) => {
                        self.warn(format!(
                            "the character set {:?} is unknown; auto is used",
                            custom.trim()
                        ));
                        String::new()
                    }
                }
            }
            _ => String::new(),
        };
    }
}
