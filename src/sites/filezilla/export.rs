//! Writing Ferry's sites as a FileZilla `sitemanager.xml`, without any password: sites with a
//! saved password are exported as "ask for password".

use std::fmt::Write;

use quick_xml::escape::escape;

use super::{encode_remote_dir, server_type_to_filezilla};
use crate::sites::bookmarks::Bookmark;
use crate::sites::model::{Logon, Node, SiteEntry, SiteProtocol, TransferMode};
use crate::sites::tree::SiteTree;

/// The XML text and one warning per thing FileZilla cannot hold.
pub fn export(tree: &SiteTree) -> (String, Vec<String>) {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n\
         <FileZilla3 version=\"3.50.0\" platform=\"*nix\">\n    <Servers>\n",
    );
    let mut warnings = Vec::new();
    nodes(&tree.nodes, 2, "", &mut out, &mut warnings);
    out.push_str("    </Servers>\n</FileZilla3>\n");
    (out, warnings)
}

fn nodes(list: &[Node], depth: usize, path: &str, out: &mut String, warnings: &mut Vec<String>) {
    let pad = "    ".repeat(depth);
    for node in list {
        match node {
            Node::Folder(folder) => {
                let _ = writeln!(out, "{pad}<Folder expanded=\"1\">{}", escape(&folder.name));
                let inner = if path.is_empty() {
                    folder.name.clone()
                } else {
                    format!("{path}/{}", folder.name)
                };
                nodes(&folder.children, depth + 1, &inner, out, warnings);
                let _ = writeln!(out, "{pad}</Folder>");
            }
            Node::Site(site) => {
                per_site_only_in_ferry(site, path, warnings);
                server(site, depth, path, out, warnings);
            }
        }
    }
}

fn server(
    site: &SiteEntry,
    depth: usize,
    path: &str,
    out: &mut String,
    warnings: &mut Vec<String>,
) {
    let pad = "    ".repeat(depth);
    let inner = "    ".repeat(depth + 1);
    let element = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "{inner}<{name}>{}</{name}>", escape(value));
    };
    let label = if path.is_empty() {
        site.name.clone()
    } else {
        format!("{path}/{}", site.name)
    };
    let _ = writeln!(out, "{pad}<Server>");
    element(out, "Host", &site.host);
    element(out, "Port", &site.effective_port().to_string());
    let protocol = match site.protocol {
        SiteProtocol::FtpesIfAvailable => "0",
        SiteProtocol::Ftps => "3",
        SiteProtocol::Ftpes => "4",
        SiteProtocol::Ftp => "6",
    };
    element(out, "Protocol", protocol);
    let server_type = server_type_to_filezilla(site.server_type);
    element(out, "Type", &server_type.to_string());
    if site.logon != Logon::Anonymous {
        element(out, "User", &site.user);
    }
    // No password leaves Ferry: a site that logs on with one asks for it in FileZilla.
    let logon = match site.logon {
        Logon::Anonymous => "0",
        Logon::Normal | Logon::Ask => "2",
    };
    element(out, "Logontype", logon);
    element(out, "TimezoneOffset", &site.timezone_offset.to_string());
    let mode = match site.mode {
        Some(TransferMode::Active) => "MODE_ACTIVE",
        Some(TransferMode::Passive) => "MODE_PASSIVE",
        Some(TransferMode::Auto) | None => "MODE_DEFAULT",
    };
    element(out, "PasvMode", mode);
    element(
        out,
        "MaximumMultipleConnections",
        &site.max_connections.unwrap_or(0).to_string(),
    );
    charset(out, &site.charset, &element);
    element(out, "BypassProxy", &u8::from(site.bypass_proxy).to_string());
    element(out, "Name", &site.name);
    element(out, "Comments", &site.comments);
    element(out, "Colour", &site.colour.filezilla().to_string());
    let local = site
        .local_dir
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    element(out, "LocalDir", &local);
    let remote = match site.remote_dir.as_deref().filter(|d| !d.is_empty()) {
        None => String::new(),
        Some(dir) => encode_remote_dir(dir).unwrap_or_else(|| {
            warnings.push(format!(
                "{label}: the remote folder {dir:?} is not absolute; FileZilla cannot hold it"
            ));
            String::new()
        }),
    };
    element(out, "RemoteDir", &remote);
    element(out, "SyncBrowsing", bit(site.sync_browsing));
    element(out, "DirectoryComparison", bit(site.directory_comparison));
    for bookmark in &site.bookmarks {
        bookmark_element(out, bookmark, depth + 1, &label, warnings);
    }
    // FileZilla also reads the name from the element's own text (older versions only so).
    let _ = writeln!(out, "{inner}{}", escape(&site.name));
    let _ = writeln!(out, "{pad}</Server>");
}

fn bit(on: bool) -> &'static str {
    if on { "1" } else { "0" }
}

/// A site's `<Bookmark>`: name, folders, and the two switches when on.
fn bookmark_element(
    out: &mut String,
    bookmark: &Bookmark,
    depth: usize,
    label: &str,
    warnings: &mut Vec<String>,
) {
    let pad = "    ".repeat(depth);
    let inner = "    ".repeat(depth + 1);
    let element = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "{inner}<{name}>{}</{name}>", escape(value));
    };
    let _ = writeln!(out, "{pad}<Bookmark>");
    element(out, "Name", &bookmark.name);
    if let Some(local) = &bookmark.local_dir {
        element(out, "LocalDir", &local.to_string_lossy());
    }
    if let Some(remote) = &bookmark.remote_dir {
        match encode_remote_dir(remote) {
            Some(encoded) => element(out, "RemoteDir", &encoded),
            None => warnings.push(format!(
                "{label}: bookmark {:?}: the remote folder {remote:?} is not absolute; FileZilla cannot hold it",
                bookmark.name
            )),
        }
    }
    if bookmark.sync_browsing {
        element(out, "SyncBrowsing", "1");
    }
    if bookmark.directory_comparison {
        element(out, "DirectoryComparison", "1");
    }
    let _ = writeln!(out, "{pad}</Bookmark>");
}

/// FileZilla's `EncodingType` (and `CustomEncoding`) for a site's charset.
fn charset(out: &mut String, charset: &str, element: &impl Fn(&mut String, &str, &str)) {
    match crate::sites::connect::entry_charset(charset) {
        crate::api::Charset::Auto => element(out, "EncodingType", "Auto"),
        crate::api::Charset::Utf8 => element(out, "EncodingType", "UTF-8"),
        crate::api::Charset::Named(name) => {
            element(out, "EncodingType", "Custom");
            element(out, "CustomEncoding", &name);
        }
    }
}

/// The transfer options FileZilla keeps only as global settings (transfer type, preserve
/// timestamps, hash verification): one warning each that a site sets.
fn per_site_only_in_ferry(site: &SiteEntry, path: &str, warnings: &mut Vec<String>) {
    let label = match path {
        "" => site.name.clone(),
        path => format!("{path}/{}", site.name),
    };
    let set = [
        (site.transfer_type.is_some(), "transfer type"),
        (site.preserve_times.is_some(), "\"preserve timestamps\""),
        (site.verify.is_some(), "hash verification"),
    ];
    for (_, what) in set.iter().filter(|(set, _)| *set) {
        warnings.push(format!(
            "{label}: FileZilla has no per-site {what} (only a global one); not exported"
        ));
    }
}
