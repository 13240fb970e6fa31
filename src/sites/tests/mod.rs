//! Tests of the site store, the tree's edits and paths, settings, the keyring (in-memory store),
//! the conversion to the engine's `Site`, and FileZilla import and export; the shared helpers are
//! here, the tests in one file per area.

mod bookmarks;
mod charset;
mod engine;
mod filezilla_xml;
mod listing_settings;
mod store;
mod tree;

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::api::{DataMode, ExistsPolicy, PortRange, Protocol, Secret};
use crate::common::atomic_file::{Prepared, temp_files};

const FIXTURE: &str = include_str!("../../../tests/fixtures/filezilla/sitemanager.xml");

fn site(name: &str, host: &str) -> SiteEntry {
    let mut s = SiteEntry::new(name);
    s.host = host.to_string();
    s.user = "user".to_string();
    s
}

fn sites_file(dir: &Path) -> PathBuf {
    dir.join("sites.json")
}

/// Top level: folder "Clients" with site "Acme Web", and site "Solo".
fn sample(dir: &Path) -> (SiteStore, NodeId, NodeId, NodeId) {
    let mut store = SiteStore::open(dir);
    let clients = store.add_folder(None, "Clients").unwrap();
    let acme = store
        .add_site(Some(&clients), site("Acme Web", "ftp.acme.example"))
        .unwrap();
    let solo = store.add_site(None, site("Solo", "solo.example")).unwrap();
    (store, clients, acme, solo)
}
