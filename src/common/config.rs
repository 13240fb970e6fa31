//! Where Ferry keeps its files: the config folder (sites, settings, trusted certificates) and
//! the data folder (the transfer queue's journal).

use std::path::PathBuf;

/// Ferry's config folder: `$FERRY_CONFIG_DIR` when set (tests, portable installs), else the
/// platform's (`~/.config/ferry`, `%APPDATA%\Ferry\config`, `~/Library/Application Support/Ferry`).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FERRY_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "Ferry").map(|d| d.config_dir().to_path_buf())
}

/// Ferry's data folder: `$FERRY_DATA_DIR` when set (tests, portable installs), else the
/// platform's (`~/.local/share/ferry`, `%APPDATA%\Ferry\data`, `~/Library/Application Support/Ferry`).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FERRY_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "Ferry").map(|d| d.data_dir().to_path_buf())
}
