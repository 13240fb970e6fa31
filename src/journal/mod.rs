//! The transfer queue's journal: what is left to transfer, kept in Ferry's data folder so a
//! queue outlives the app (a crash, `kill -9`, a power cut). It owns the file format
//! ([`file`]: versioned JSON, atomic writes, a torn or unreadable journal reported and kept
//! aside), and the model kept from the worker's transfer events ([`feed`]: every waiting,
//! running and failed file transfer, writes coalesced, on a thread of their own for the app:
//! [`writer`]). It never holds a password: a saved
//! site is named by its site-manager path (its password comes from the keyring), a quick
//! connection by its address and user (its password is asked for again). Restored items are
//! queued with the `Resume` policy, so nothing is transferred twice. No UI here.

mod feed;
mod file;
mod writer;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::api::{
    DataMode, Direction, ExistsPolicy, LocalTarget, Protocol, Site, TransferId, TransferRequest,
};

pub use feed::{Feed, WRITE_EVERY};
pub use file::{JOURNAL_FILE, Loaded, VERSION, journal_path, load, save};

/// One transfer left to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub direction: Way,
    /// The local file (or, for a folder not expanded yet, folder).
    pub local: PathBuf,
    /// The absolute remote path.
    pub remote: String,
    #[serde(default)]
    pub ascii: bool,
    /// A folder that had not been expanded into its files yet.
    #[serde(default)]
    pub recursive: bool,
    pub site: SiteRef,
    pub state: ItemState,
}

/// Which way an item goes (the journal's spelling of [`Direction`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Way {
    Download,
    Upload,
}

impl From<Direction> for Way {
    fn from(direction: Direction) -> Way {
        match direction {
            Direction::Download => Way::Download,
            Direction::Upload => Way::Upload,
        }
    }
}

impl From<Way> for Direction {
    fn from(way: Way) -> Direction {
        match way {
            Way::Download => Direction::Download,
            Way::Upload => Direction::Upload,
        }
    }
}

/// Where an item was last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    Waiting,
    InProgress,
    Failed { message: String },
}

/// The site of an item, without its password.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SiteRef {
    /// A site of the Site Manager, by its path (`Folder/Name`); the keyring has its password.
    Saved { path: String },
    /// A quick connection: connecting again asks for the password.
    Quick {
        host: String,
        port: u16,
        /// `ftp`, `ftpes`, `ftps` or `ftpes-if-available`.
        protocol: String,
        user: String,
        /// `auto`, `passive` or `active`.
        mode: String,
    },
}

impl SiteRef {
    /// A quick connection's reference: address, protocol, user and data mode, never its
    /// password.
    pub fn quick(site: &Site) -> SiteRef {
        SiteRef::Quick {
            host: site.host.clone(),
            port: site.port,
            protocol: protocol_name(site.protocol).to_string(),
            user: site.user.clone(),
            mode: mode_name(site.mode).to_string(),
        }
    }

    /// The site to connect to for a quick connection (`None` for a saved site): a user other
    /// than anonymous is asked for the password.
    pub fn quick_site(&self) -> Option<Site> {
        let SiteRef::Quick {
            host,
            port,
            protocol,
            user,
            mode,
        } = self
        else {
            return None;
        };
        let mut site = Site::new(host.clone(), protocol_of(protocol));
        site.port = *port;
        site.user = user.clone();
        site.mode = mode_of(mode);
        site.ask_password = !user.is_empty() && !user.eq_ignore_ascii_case("anonymous");
        Some(site)
    }

    /// How the user knows the site: its path, or `user@host:port`.
    pub fn label(&self) -> String {
        match self {
            SiteRef::Saved { path } => path.clone(),
            SiteRef::Quick {
                host, port, user, ..
            } if user.is_empty() => format!("{host}:{port}"),
            SiteRef::Quick {
                host, port, user, ..
            } => format!("{user}@{host}:{port}"),
        }
    }
}

impl Item {
    /// The request that continues this item: what is complete is skipped, a `.part` or a
    /// shorter remote file is resumed.
    pub fn request(&self, id: TransferId) -> TransferRequest {
        TransferRequest {
            id,
            direction: self.direction.into(),
            local: LocalTarget::Path(self.local.clone()),
            remote: self.remote.clone(),
            recursive: self.recursive,
            ascii: self.ascii,
            size: None,
            on_exists: Some(ExistsPolicy::Resume),
        }
    }
}

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Ftp => "ftp",
        Protocol::ExplicitTls => "ftpes",
        Protocol::ImplicitTls => "ftps",
        Protocol::ExplicitTlsIfAvailable => "ftpes-if-available",
    }
}

fn protocol_of(name: &str) -> Protocol {
    match name {
        "ftpes" => Protocol::ExplicitTls,
        "ftps" => Protocol::ImplicitTls,
        "ftpes-if-available" => Protocol::ExplicitTlsIfAvailable,
        _ => Protocol::Ftp,
    }
}

fn mode_name(mode: DataMode) -> &'static str {
    match mode {
        DataMode::Auto => "auto",
        DataMode::Passive => "passive",
        DataMode::Active => "active",
    }
}

fn mode_of(name: &str) -> DataMode {
    match name {
        "passive" => DataMode::Passive,
        "active" => DataMode::Active,
        _ => DataMode::Auto,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Secret;

    #[test]
    fn a_quick_site_comes_back_without_its_password_and_asks_for_it() {
        for protocol in [
            Protocol::Ftp,
            Protocol::ExplicitTls,
            Protocol::ImplicitTls,
            Protocol::ExplicitTlsIfAvailable,
        ] {
            let mut site = Site::new("example.org", protocol);
            site.port = 2121;
            site.user = "alice".to_string();
            site.password = Secret::new("hunter2");
            site.mode = DataMode::Active;
            let back = SiteRef::quick(&site).quick_site().unwrap();
            assert_eq!(
                (back.host.as_str(), back.port, back.protocol, back.mode),
                ("example.org", 2121, protocol, DataMode::Active)
            );
            assert_eq!(back.user, "alice");
            assert!(back.password.is_empty() && back.ask_password);
        }
        let anonymous = SiteRef::quick(&Site::new("h", Protocol::Ftp)).quick_site();
        assert!(!anonymous.unwrap().ask_password);
    }
}
