//! What the app keeps between runs in eframe's storage (apart from egui's own memory: window,
//! pane split, column widths): the recent quick connections, which never hold a password.

use serde::{Deserialize, Serialize};

use super::connect::protocol_name;
use crate::api::Site;

/// A connection remembered in the recent list (no password, ever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub protocol: String,
}

/// How many recent connections are kept.
const RECENT: usize = 10;

/// The key of the state in eframe's storage.
const KEY: &str = "ferry-app-state";
/// Where earlier versions kept the recent list alone.
const OLD_RECENT_KEY: &str = "ferry-recent-connections";

/// The app's persisted state; everything else in the app lives for one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedState {
    /// Newest first.
    pub recent: Vec<Recent>,
}

impl SavedState {
    /// The state saved by the last run (nothing without storage).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> SavedState {
        let Some(storage) = storage else {
            return SavedState::default();
        };
        eframe::get_value(storage, KEY)
            .or_else(|| {
                eframe::get_value::<Vec<Recent>>(storage, OLD_RECENT_KEY)
                    .map(|recent| SavedState { recent })
            })
            .unwrap_or_default()
    }

    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, self);
    }

    /// Puts `site` first in the recent list.
    pub fn remember(&mut self, site: &Site) {
        let recent = Recent {
            host: site.host.clone(),
            port: site.port,
            user: site.user.clone(),
            protocol: protocol_name(site.protocol).to_string(),
        };
        self.recent.retain(|r| r != &recent);
        self.recent.insert(0, recent);
        self.recent.truncate(RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Protocol, Secret};

    #[test]
    fn recent_connections_never_keep_passwords_and_stay_short() {
        let mut saved = SavedState::default();
        for i in 0..15 {
            let mut site = Site::new(format!("h{i}"), Protocol::Ftp);
            site.password = Secret::new("secret");
            saved.remember(&site);
        }
        assert_eq!(saved.recent.len(), RECENT);
        assert_eq!(saved.recent[0].host, "h14");
        assert!(!serde_json::to_string(&saved).unwrap().contains("secret"));
    }
}
