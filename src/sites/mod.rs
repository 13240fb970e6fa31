//! The site manager's back end: the tree of folders and sites, the global settings, their
//! files in the config folder, passwords in the OS keyring, FileZilla import and export, and
//! turning a stored site (or a `site:` path) into the engine's `Site`.
//!
//! # Files
//!
//! `sites.json` and `settings.json` in the config folder (`$FERRY_CONFIG_DIR`, else the OS
//! one from `directories`, e.g. `~/.config/ferry`): pretty JSON, `{"version": 1, "sites":
//! [...]}` and `{"version": 1, "settings": {...}}`. A tree node is `{"folder": {"id", "name",
//! "children"}}` or `{"site": {...}}`; in a site, `null` for `port`, `mode`, `data_options`,
//! `max_connections` or `keepalive` means "the default" (the protocol's port, the global
//! setting). Each write goes to a temporary file that is flushed and renamed over the old one,
//! which is first copied to `sites.json.bak` / `settings.json.bak`. Writers serialise on
//! `sites.lock` / `settings.lock` and re-read the file under the lock, so concurrent windows
//! and processes keep each other's changes. A file that cannot be read (bad JSON, a newer
//! version, a broken rule) is never overwritten: [`Store::problem`] says what is wrong and
//! where (path, line, column) and every change is refused until it is fixed.
//!
//! # Passwords
//!
//! Only in the OS keyring ([`Keyring`]), service `ferry`, account = the site's id; never in a
//! file, a log line or an error. Without a keyring, sites with normal logon ask for their
//! password when connecting ([`SiteConnection::keyring_note`] says why, to tell the user once).
//!
//! # `site:` paths
//!
//! `site:Folder/Sub/Site name/remote/path`: names are separated by `/` (so names cannot contain
//! one); the longest path that names a site wins, compared exactly, else ignoring case. The
//! rest is the remote path: relative to the site's remote folder (or to the login folder when
//! it has none), or absolute when it starts with `/` (`site:Clients/Acme Web//var/www`).
//!
//! # For a site manager window
//!
//! ```no_run
//! # use ferry::sites::*;
//! # let config_dir = std::path::Path::new("/tmp/ferry");
//! let mut sites = SiteStore::open(config_dir); // once; show sites.problem() if any
//! let settings = SettingsStore::open(config_dir);
//! let keyring = Keyring::system();
//! // each frame (or each second): pick up other windows' changes, then draw sites.tree()
//! sites.reload_if_changed();
//! // New site / OK on an edited copy / drag and drop / delete:
//! let id = sites.add_site(None, SiteEntry::new("New site"))?;
//! let mut draft = sites.tree().site(&id).unwrap().clone();
//! draft.host = "ftp.example.com".into();
//! sites.save_site(draft)?;
//! keyring.set(&id, &ferry::Secret::new("typed password")).ok();
//! // Connect:
//! let connection = connection(sites.tree(), &id, settings.settings(), &keyring)?;
//! // send Command::Connect { session, site: connection.site }, name the tab connection.name
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bookmarks;
mod connect;
mod file;
pub mod filezilla;
mod model;
mod secrets;
mod settings;
mod store;
mod tree;

pub use bookmarks::{Bookmark, BookmarkError};
pub use connect::{
    SITE_PREFIX, SiteConnection, SiteError, connection, connection_for, engine_site, is_site_url,
    open_site_url, quick_site,
};
pub use file::{Document, FORMAT_VERSION, StoreError, backup_path};
pub use model::{
    Colour, DataOptions, Folder, KeepAlive, Logon, MAX_TIMEZONE_OFFSET, NameError, Node, NodeId,
    SiteEntry, SiteProtocol, TransferMode, check_name,
};
pub use secrets::{Keyring, KeyringError, SERVICE};
pub use settings::{
    DoubleClick, FileAssociation, FilterSettings, OnExists, Settings, SettingsError, SpeedLimit,
    Theme,
};
pub use store::{SettingsStore, SiteStore, Store};
pub use tree::{Duplicated, EditError, ResolveError, SiteRef, SiteTarget, SiteTree};

#[cfg(test)]
mod tests;
