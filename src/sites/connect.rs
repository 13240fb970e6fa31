//! From a stored site to a connection: the engine's `Site` with the global settings filled in
//! where the site says "default", the password from the keyring (or asked for), and `site:`
//! paths (`site:Clients/Acme Web/www`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::file::StoreError;
use super::model::{Colour, Logon, NodeId, SiteEntry, SiteProtocol, TransferMode};
use super::secrets::{Keyring, KeyringError};
use super::settings::Settings;
use super::store::{SettingsStore, SiteStore};
use super::tree::{ResolveError, SiteTarget, SiteTree};
use crate::api::{self, DataMode, MAX_PARALLEL, Secret, Timeouts};

/// What marks a site path where a URL is expected.
pub const SITE_PREFIX: &str = "site:";

/// Whether `text` is a `site:` path rather than a URL.
pub fn is_site_url(text: &str) -> bool {
    text.starts_with(SITE_PREFIX)
}

/// The engine's site for a stored one: its own settings, the global ones where it has none.
/// Anonymous logon has no user; "ask for password", and normal logon without a `password`
/// (nothing saved, no keyring), make the engine ask for it when connecting.
pub fn engine_site(entry: &SiteEntry, settings: &Settings, password: Option<Secret>) -> api::Site {
    let protocol = entry.protocol.engine();
    let mut site = api::Site::new(entry.host.trim(), protocol);
    site.port = entry.effective_port();
    match entry.logon {
        Logon::Anonymous => {}
        Logon::Normal => {
            site.user = entry.user.clone();
            match password {
                Some(password) => site.password = password,
                None => site.ask_password = true,
            }
        }
        Logon::Ask => {
            site.user = entry.user.clone();
            site.ask_password = true;
        }
    }
    site.mode = match entry.mode.unwrap_or(settings.transfer_mode) {
        super::TransferMode::Auto => DataMode::Auto,
        super::TransferMode::Passive => DataMode::Passive,
        super::TransferMode::Active => DataMode::Active,
    };
    let data = entry.data_options.unwrap_or(settings.data_options);
    site.use_epsv = data.use_epsv;
    site.trust_pasv_address = data.trust_pasv_address;
    site.active.external_ip = data.active_external_ip;
    site.active.ports = data.active_ports;
    site.timeouts = Timeouts::uniform(Duration::from_secs(u64::from(settings.timeout_seconds)));
    site.keepalive = entry.keepalive.unwrap_or(settings.keepalive).duration();
    site.parallel = usize::from(
        entry
            .max_connections
            .unwrap_or(settings.simultaneous_transfers),
    )
    .clamp(1, MAX_PARALLEL);
    site.segments = settings.segments();
    site.on_exists = settings.on_exists.policy();
    site.server_type = entry.server_type;
    site.timezone_offset = entry.timezone_offset;
    site.charset = entry_charset(&entry.charset);
    site.transfer = api::TransferOptions {
        verify: entry.verify.unwrap_or(settings.verify),
        preserve_times: entry.preserve_times.unwrap_or(settings.preserve_times),
        transfer_type: entry.transfer_type.unwrap_or(settings.transfer_type),
        ascii_extensions: settings.ascii_extensions.clone(),
    };
    // A proxy URL that does not read was refused when the settings were saved.
    site.proxy = match entry.bypass_proxy {
        true => None,
        false => settings.proxy().ok().flatten(),
    };
    site
}

/// The charset a stored site names; a label nothing knows stays as typed, to be refused with
/// a clear error when connecting.
pub fn entry_charset(text: &str) -> api::Charset {
    if text.trim().is_empty() {
        return api::Charset::Auto;
    }
    text.parse()
        .unwrap_or_else(|_| api::Charset::Named(text.trim().to_string()))
}

/// A site typed into a quick-connect bar, with the global settings (timeouts, keep-alive,
/// parallel transfers, file-exists action, data options) under its own mode and protocol.
pub fn quick_site(site: api::Site, settings: &Settings) -> api::Site {
    let mut entry = SiteEntry::new("Quickconnect");
    entry.host = site.host.clone();
    entry.port = Some(site.port);
    entry.protocol = match site.protocol {
        api::Protocol::Ftp => SiteProtocol::Ftp,
        api::Protocol::ExplicitTls => SiteProtocol::Ftpes,
        api::Protocol::ImplicitTls => SiteProtocol::Ftps,
        api::Protocol::ExplicitTlsIfAvailable => SiteProtocol::FtpesIfAvailable,
    };
    entry.logon = if site.user.is_empty() {
        Logon::Anonymous
    } else {
        Logon::Normal
    };
    entry.user = site.user.clone();
    entry.mode = Some(match site.mode {
        DataMode::Auto => TransferMode::Auto,
        DataMode::Passive => TransferMode::Passive,
        DataMode::Active => TransferMode::Active,
    });
    entry.charset = match &site.charset {
        api::Charset::Auto => String::new(),
        other => other.to_string(),
    };
    engine_site(&entry, settings, Some(site.password))
}

/// Everything a front end needs to open a session for a stored site.
#[derive(Debug, Clone)]
pub struct SiteConnection {
    pub id: NodeId,
    /// `Folder/Sub/Name`, for the session tab's tooltip and messages.
    pub path: String,
    /// The site's name, for the session tab.
    pub name: String,
    pub colour: Colour,
    /// What to send in `Command::Connect`.
    pub site: api::Site,
    /// The remote folder (or file) to open: `None` for the login folder. Relative paths are
    /// relative to the login folder.
    pub remote_path: Option<String>,
    /// The `site:` path ended with `/`.
    pub trailing_slash: bool,
    /// The local folder to show.
    pub local_dir: Option<PathBuf>,
    /// Why the password did not come from the keyring, for a site with normal logon: nothing
    /// saved ([`KeyringError::NotFound`]) or no keyring ([`KeyringError::Unavailable`]: say
    /// so once). The engine then asks for the password.
    pub keyring_note: Option<KeyringError>,
}

/// Why a stored site cannot be connected to.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("the site or folder no longer exists")]
    NotFound(NodeId),
    #[error("the site {0:?} has no host")]
    NoHost(String),
}

/// The connection for the site `id` of `tree` (the manager's Connect button).
pub fn connection(
    tree: &SiteTree,
    id: &NodeId,
    settings: &Settings,
    keyring: &Keyring,
) -> Result<SiteConnection, SiteError> {
    let site = tree
        .sites()
        .into_iter()
        .find(|r| &r.site.id == id)
        .ok_or_else(|| SiteError::NotFound(id.clone()))?;
    connection_for(
        &SiteTarget {
            site,
            rest: String::new(),
            trailing_slash: false,
        },
        settings,
        keyring,
    )
}

/// The connection for a resolved `site:` path.
pub fn connection_for(
    target: &SiteTarget<'_>,
    settings: &Settings,
    keyring: &Keyring,
) -> Result<SiteConnection, SiteError> {
    let entry = target.site.site;
    if entry.host.trim().is_empty() {
        return Err(SiteError::NoHost(target.site.path.clone()));
    }
    let (password, keyring_note) = match entry.logon {
        Logon::Normal => match keyring.get(&entry.id) {
            Ok(password) => (Some(password), None),
            Err(note) => (None, Some(note)),
        },
        Logon::Anonymous | Logon::Ask => (None, None),
    };
    Ok(SiteConnection {
        id: entry.id.clone(),
        path: target.site.path.clone(),
        name: entry.name.clone(),
        colour: entry.colour,
        site: engine_site(entry, settings, password),
        remote_path: target.remote_path(),
        trailing_slash: target.trailing_slash,
        local_dir: entry.local_dir.clone(),
        keyring_note,
    })
}

/// Opens `site:Folder/Name[/remote/path]` with the sites and settings in `config_dir` (for a
/// command line or the app's positional argument).
pub fn open_site_url(
    text: &str,
    config_dir: &Path,
    keyring: &Keyring,
) -> Result<SiteConnection, SiteError> {
    let spec = text.strip_prefix(SITE_PREFIX).unwrap_or(text);
    let sites = SiteStore::load(config_dir)?;
    let settings = SettingsStore::load(config_dir)?;
    let target = sites.tree().resolve(spec)?;
    connection_for(&target, settings.settings(), keyring)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_site_takes_the_global_settings_but_keeps_its_own_mode_and_password() {
        let settings = Settings {
            timeout_seconds: 7,
            simultaneous_transfers: 5,
            transfer_mode: TransferMode::Active,
            ..Settings::default()
        };
        let mut typed = api::Site::new("ftp.example.com", api::Protocol::ExplicitTlsIfAvailable);
        typed.port = 2121;
        typed.user = "ann".to_string();
        typed.password = Secret::new("pw");
        typed.mode = DataMode::Passive;
        let site = quick_site(typed, &settings);
        assert_eq!(site.timeouts, Timeouts::uniform(Duration::from_secs(7)));
        assert_eq!(site.parallel, 5);
        assert_eq!(site.mode, DataMode::Passive);
        assert_eq!(
            (site.host.as_str(), site.port, site.protocol),
            (
                "ftp.example.com",
                2121,
                api::Protocol::ExplicitTlsIfAvailable
            )
        );
        assert_eq!((site.user.as_str(), site.password.expose()), ("ann", "pw"));
        assert!(!site.ask_password);
    }
}
