//! FileZilla's site manager file (`sitemanager.xml`): importing it into the site store, with
//! its passwords going to the keyring and never into Ferry's files, and exporting Ferry's
//! sites to it without passwords. Also FileZilla's encoded remote paths (`1 0 4 home 3 www`).
//!
//! Imported folders and sites go to the top level (or a chosen folder), merged into folders
//! of the same name; a site already there (same name, host, port, user and protocol) is not
//! imported twice, and a different one with a taken name gets `NAME (2)`.

mod export;
mod import;
mod xml;

use std::collections::HashSet;
use std::path::Path;

pub use export::export;
pub use import::{Parsed, parse};

use super::file::StoreError;
use super::model::{Node, NodeId, SiteEntry};
use super::secrets::{Keyring, KeyringError};
use super::store::SiteStore;
use super::tree::{EditError, SiteTree};
use crate::api::ServerType;

/// Why a FileZilla file could not be imported or exported.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FileZillaError {
    #[error("line {line}: {message}")]
    Xml { line: usize, message: String },
    #[error(
        "this is not a FileZilla site manager file (its root element is <{0}>, not <FileZilla3>)"
    )]
    NotFileZilla(String),
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Sites added.
    pub sites: usize,
    /// Folders created (folders that existed already are not counted).
    pub folders: usize,
    /// Sites skipped because the same site is already there.
    pub already_present: usize,
    /// Passwords of added sites saved to the keyring.
    pub passwords_saved: usize,
    /// Passwords that could not be saved: those sites ask for their password instead.
    pub passwords_not_saved: usize,
    /// Why passwords could not be saved.
    pub keyring_problem: Option<KeyringError>,
    pub warnings: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} in {} new {} imported",
            self.sites,
            plural(self.sites, "site", "sites"),
            self.folders,
            plural(self.folders, "folder", "folders")
        )?;
        if self.already_present > 0 {
            write!(f, " ({} already present)", self.already_present)?;
        }
        write!(
            f,
            "; {} {} saved to the keyring",
            self.passwords_saved,
            plural(self.passwords_saved, "password", "passwords")
        )?;
        if self.passwords_not_saved > 0 {
            write!(
                f,
                "; {} not saved ({}): those sites ask for their password",
                self.passwords_not_saved,
                self.keyring_problem
                    .as_ref()
                    .map_or_else(|| "keyring error".to_string(), ToString::to_string)
            )?;
        }
        Ok(())
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Reads `file` and imports it with [`import`].
pub fn import_file(
    file: &Path,
    store: &mut SiteStore,
    keyring: &Keyring,
    into: Option<&NodeId>,
) -> Result<ImportReport, FileZillaError> {
    let text = std::fs::read_to_string(file).map_err(|e| FileZillaError::Read {
        path: file.display().to_string(),
        message: e.to_string(),
    })?;
    import(&text, store, keyring, into).map_err(|e| match e {
        FileZillaError::Xml { line, message } => FileZillaError::Xml {
            line,
            message: format!("{}: {message}", file.display()),
        },
        other => other,
    })
}

/// Imports a FileZilla file's text into `store` under `into` (the top level for `None`).
/// Passwords go to `keyring`; where it cannot take them, the sites are set to ask for their
/// password and the report says so.
pub fn import(
    text: &str,
    store: &mut SiteStore,
    keyring: &Keyring,
    into: Option<&NodeId>,
) -> Result<ImportReport, FileZillaError> {
    let mut parsed = parse(text)?;
    let mut report = ImportReport {
        warnings: std::mem::take(&mut parsed.warnings),
        ..ImportReport::default()
    };
    // Passwords first: a site whose password cannot be kept must ask for it.
    let mut saved: HashSet<NodeId> = HashSet::new();
    for (id, password) in &parsed.passwords {
        if matches!(report.keyring_problem, Some(KeyringError::Unavailable(_))) {
            break;
        }
        match keyring.set(id, password) {
            Ok(()) => {
                saved.insert(id.clone());
            }
            Err(e) => {
                report.keyring_problem.get_or_insert(e);
            }
        }
    }
    let unsaved: HashSet<NodeId> = parsed
        .passwords
        .iter()
        .map(|(id, _)| id.clone())
        .filter(|id| !saved.contains(id))
        .collect();
    for node in &mut parsed.nodes {
        ask_where_unsaved(node, &unsaved);
    }
    let nodes = parsed.nodes;
    let merged = store.update(|tree| {
        let mut merge = Merge::default();
        merge.merge_into(tree, into, nodes)?;
        Ok::<_, EditError>(merge)
    });
    let merge = match merged {
        Ok(merge) => merge,
        Err(e) => {
            let ids: Vec<NodeId> = saved.into_iter().collect();
            let _ = keyring.forget(&ids);
            return Err(e.into());
        }
    };
    let orphans: Vec<NodeId> = merge
        .skipped
        .iter()
        .filter(|id| saved.contains(*id))
        .cloned()
        .collect();
    let _ = keyring.forget(&orphans);
    report.sites = merge.added.len();
    report.folders = merge.folders;
    report.already_present = merge.skipped.len();
    report.passwords_saved = merge.added.iter().filter(|id| saved.contains(*id)).count();
    report.passwords_not_saved = merge
        .added
        .iter()
        .filter(|id| unsaved.contains(*id))
        .count();
    report.warnings.extend(merge.warnings);
    Ok(report)
}

/// Writes `tree` to `file` as a FileZilla site manager file; returns the warnings.
pub fn export_file(tree: &SiteTree, file: &Path) -> Result<Vec<String>, FileZillaError> {
    let (text, warnings) = export(tree);
    crate::common::atomic_file::write_atomically(file, text.as_bytes()).map_err(|e| {
        FileZillaError::Write {
            path: file.display().to_string(),
            message: e.to_string(),
        }
    })?;
    Ok(warnings)
}

fn ask_where_unsaved(node: &mut Node, unsaved: &HashSet<NodeId>) {
    match node {
        Node::Site(site) if unsaved.contains(&site.id) => {
            site.logon = super::model::Logon::Ask;
        }
        Node::Site(_) => {}
        Node::Folder(folder) => folder
            .children
            .iter_mut()
            .for_each(|c| ask_where_unsaved(c, unsaved)),
    }
}

#[derive(Default)]
struct Merge {
    added: Vec<NodeId>,
    skipped: Vec<NodeId>,
    folders: usize,
    warnings: Vec<String>,
}

fn same_site(a: &SiteEntry, b: &SiteEntry) -> bool {
    a.host.eq_ignore_ascii_case(&b.host)
        && a.effective_port() == b.effective_port()
        && a.user == b.user
        && a.protocol == b.protocol
}

impl Merge {
    fn merge_into(
        &mut self,
        tree: &mut SiteTree,
        parent: Option<&NodeId>,
        nodes: Vec<Node>,
    ) -> Result<(), EditError> {
        for node in nodes {
            let siblings: &[Node] = match parent {
                None => &tree.nodes,
                Some(id) => match tree.folder(id) {
                    Some(folder) => &folder.children,
                    None => return Err(EditError::NotFound(id.clone())),
                },
            };
            let existing = siblings.iter().find(|n| n.name() == node.name());
            match (node, existing) {
                (Node::Folder(folder), Some(Node::Folder(there))) => {
                    let there = there.id.clone();
                    self.merge_into(tree, Some(&there), folder.children)?;
                }
                (Node::Site(site), Some(Node::Site(there))) if same_site(&site, there) => {
                    self.skipped.push(site.id);
                }
                (mut node, existing) => {
                    if existing.is_some() {
                        let name = super::tree::free_name(siblings, node.name());
                        let path = parent
                            .and_then(|id| tree.path_of(id))
                            .map_or_else(String::new, |p| format!("{p}/"));
                        self.warnings.push(format!(
                            "{path}{}: the name is taken; imported as {name:?}",
                            node.name()
                        ));
                        *node.name_mut() = name;
                    }
                    let sites = node.site_ids();
                    let folders = count_folders(&node);
                    tree.insert(parent, None, node)?;
                    self.added.extend(sites);
                    self.folders += folders;
                }
            }
        }
        Ok(())
    }
}

fn count_folders(node: &Node) -> usize {
    match node {
        Node::Site(_) => 0,
        Node::Folder(f) => 1 + f.children.iter().map(count_folders).sum::<usize>(),
    }
}

/// Decodes FileZilla's server path (`TYPE PREFIXLEN [PREFIX] (LEN SEGMENT)*`, lengths in
/// characters) into a Unix path: `1 0 4 home 3 www` is `/home/www`, `1 0` is `/`. Paths of
/// servers that are not Unix-like (VMS, MVS, DOS...) are refused.
pub fn decode_remote_dir(encoded: &str) -> Result<String, String> {
    let bad = || format!("{encoded:?} is not a FileZilla server path");
    let chars: Vec<char> = encoded.chars().collect();
    let mut at = 0;
    let number = |at: &mut usize| -> Result<usize, String> {
        let start = *at;
        while *at < chars.len() && chars[*at].is_ascii_digit() {
            *at += 1;
        }
        if start == *at || *at - start > 6 {
            return Err(bad());
        }
        chars[start..*at]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| bad())
    };
    let kind = number(&mut at)?;
    if !matches!(kind, 0 | 1 | 9) {
        return Err(format!(
            "the server type {kind} (not Unix-like) is not supported"
        ));
    }
    let space = |at: &mut usize| -> Result<(), String> {
        if chars.get(*at) == Some(&' ') {
            *at += 1;
            Ok(())
        } else {
            Err(bad())
        }
    };
    space(&mut at)?;
    let prefix = number(&mut at)?;
    if prefix > 0 {
        space(&mut at)?;
        at += prefix;
        if at > chars.len() {
            return Err(bad());
        }
    }
    let mut segments = Vec::new();
    while at < chars.len() {
        space(&mut at)?;
        let len = number(&mut at)?;
        space(&mut at)?;
        if len == 0 || at + len > chars.len() {
            return Err(bad());
        }
        let segment: String = chars[at..at + len].iter().collect();
        if segment.contains(['/', '\r', '\n', '\0']) {
            return Err(bad());
        }
        segments.push(segment);
        at += len;
    }
    Ok(format!("/{}", segments.join("/")))
}

/// Encodes an absolute Unix path as FileZilla's server path; `None` for a relative one.
pub fn encode_remote_dir(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut out = String::from("1 0");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push_str(&format!(" {} {segment}", segment.chars().count()));
    }
    Some(out)
}

/// FileZilla's server type numbers, as its `server.h` defines them (`DEFAULT, UNIX, VMS, DOS,
/// MVS, VXWORKS, ZVM, HPNONSTOP, DOS_VIRTUAL, CYGWIN, DOS_FWD_SLASHES`): the index is the
/// number a `<Type>` element holds.
const SERVER_TYPES: [ServerType; 11] = [
    ServerType::Auto,
    ServerType::Unix,
    ServerType::Vms,
    ServerType::Dos,
    ServerType::Mvs,
    ServerType::VxWorks,
    ServerType::ZVm,
    ServerType::HpNonStop,
    ServerType::DosVirtual,
    ServerType::Cygwin,
    ServerType::DosFwdSlashes,
];

/// The server type a `<Type>` number stands for; `None` for a number FileZilla does not have.
pub(super) fn server_type_from_filezilla(n: i64) -> Option<ServerType> {
    usize::try_from(n)
        .ok()
        .and_then(|i| SERVER_TYPES.get(i))
        .copied()
}

/// The `<Type>` number of a server type.
pub(super) fn server_type_to_filezilla(t: ServerType) -> usize {
    SERVER_TYPES.iter().position(|s| *s == t).unwrap_or(0)
}
