//! How the app starts ([`AppStart`]): what to connect to at once, and where; a URL from the
//! command line or the OS link handler becomes a site and the remote path to open in it.

use std::path::PathBuf;

use crate::api::Site;
use crate::common::url::{FtpUrl, UrlError};
use crate::sites::{Keyring, SiteConnection};

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct AppStart {
    /// Connect to this site at once (a URL on the command line, the demo server), with the
    /// global settings like a quick connection.
    pub connect: Option<Site>,
    /// Where to go once `connect` is connected (a URL's path); `None`: the login folder.
    pub connect_path: Option<RemotePath>,
    /// The folder the local pane shows first (default: the home folder).
    pub local_dir: Option<PathBuf>,
    /// Where the worker keeps trusted certificates and the app its sites and settings
    /// (`None`: nowhere; the Site Manager and Settings are then unavailable).
    pub config_dir: Option<PathBuf>,
    /// Where the transfer queue's journal lives (`None`: the queue is kept nowhere).
    pub data_dir: Option<PathBuf>,
    /// Where site passwords live (`None`: the OS keyring).
    pub keyring: Option<Keyring>,
    /// Connect to this stored site at once (`ferry site:Folder/Name`).
    pub open_site: Option<SiteConnection>,
}

/// A remote path to open once connected: relative to the login folder unless it starts with
/// `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePath {
    pub path: String,
    /// It ended with `/`, so it names a folder. Otherwise it may name a file: when it cannot
    /// be listed, its folder is shown with the file selected.
    pub folder: bool,
}

impl AppStart {
    /// Connects at once to what `url` (`ftp://user:pass@host/some/folder/`) names, in its
    /// folder (see [`RemotePath`]).
    pub fn connect_url(&mut self, url: &str) -> Result<(), UrlError> {
        let url = crate::common::url::parse(url)?;
        self.connect = Some(site_of(&url));
        self.connect_path = url.path.map(|path| RemotePath {
            path,
            folder: url.trailing_slash,
        });
        Ok(())
    }
}

/// The site a URL names. A user without a password asks for it when connecting (as FileZilla
/// does) rather than sending an empty one; no user at all is an anonymous logon.
pub(super) fn site_of(url: &FtpUrl) -> Site {
    let mut site = url.site.clone();
    site.ask_password = !url.has_password && !site.user.is_empty();
    site
}

impl RemotePath {
    /// A `site:` path's remote path.
    pub(super) fn of_site(connection: &SiteConnection) -> Option<RemotePath> {
        connection.remote_path.clone().map(|path| RemotePath {
            path,
            folder: connection.trailing_slash,
        })
    }
}

/// A path's folder (`None`: the login folder) and its last name.
pub(super) fn split_file(path: &str) -> (Option<String>, String) {
    match path.rsplit_once('/') {
        Some(("", name)) => (Some("/".to_string()), name.to_string()),
        Some((folder, name)) => (Some(folder.to_string()), name.to_string()),
        None => (None, path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_a_site_and_a_path() {
        let mut start = AppStart::default();
        start.connect_url("ftp://ann:pw@h/some/folder/").unwrap();
        let site = start.connect.as_ref().unwrap();
        assert_eq!((site.user.as_str(), site.ask_password), ("ann", false));
        let folder = RemotePath {
            path: "some/folder".to_string(),
            folder: true,
        };
        assert_eq!(start.connect_path, Some(folder));
        start.connect_url("ftp://ann@h//etc/x.txt").unwrap();
        assert!(start.connect.as_ref().unwrap().ask_password);
        let file = RemotePath {
            path: "/etc/x.txt".to_string(),
            folder: false,
        };
        assert_eq!(start.connect_path, Some(file));
        start.connect_url("ftp://h/").unwrap();
        assert!(!start.connect.as_ref().unwrap().ask_password);
        assert_eq!(start.connect_path, None);
    }

    #[test]
    fn files_split_into_folder_and_name() {
        assert_eq!(split_file("a.txt"), (None, "a.txt".to_string()));
        assert_eq!(split_file("d/a.txt"), (Some("d".into()), "a.txt".into()));
        assert_eq!(split_file("/a.txt"), (Some("/".into()), "a.txt".into()));
        assert_eq!(split_file("/d/e/a"), (Some("/d/e".into()), "a".into()));
    }
}
