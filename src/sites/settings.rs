//! The global settings (the Settings window): defaults for every connection a site does not
//! override, and how the app looks. Plain data with serde derives and range checks.

use serde::{Deserialize, Serialize};

use super::model::{DataOptions, KeepAlive, TransferMode, check_keepalive};
use crate::api::{
    Condition, DEFAULT_ASCII_EXTENSIONS, ExistsPolicy, Filter, MAX_PARALLEL, MatchMode, NameTest,
    Proxy, SpeedLimits, TransferFilter, TransferType, VerifyMode,
};

/// The default action when a transfer's destination exists (the engine's `ExistsPolicy`, as
/// stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnExists {
    #[default]
    Ask,
    Overwrite,
    OverwriteIfNewer,
    OverwriteIfSizeDiffers,
    Resume,
    Rename,
    Skip,
}

impl OnExists {
    pub const ALL: [OnExists; 7] = [
        OnExists::Ask,
        OnExists::Overwrite,
        OnExists::OverwriteIfNewer,
        OnExists::OverwriteIfSizeDiffers,
        OnExists::Resume,
        OnExists::Rename,
        OnExists::Skip,
    ];

    /// The engine's wording of the policy (the same words the file-exists dialog uses).
    pub fn label(self) -> &'static str {
        self.policy().label()
    }

    pub fn policy(self) -> ExistsPolicy {
        match self {
            OnExists::Ask => ExistsPolicy::Ask,
            OnExists::Overwrite => ExistsPolicy::Overwrite,
            OnExists::OverwriteIfNewer => ExistsPolicy::OverwriteIfNewer,
            OnExists::OverwriteIfSizeDiffers => ExistsPolicy::OverwriteIfSizeDiffers,
            OnExists::Resume => ExistsPolicy::Resume,
            OnExists::Rename => ExistsPolicy::Rename,
            OnExists::Skip => ExistsPolicy::Skip,
        }
    }
}

/// The app's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system's light or dark preference.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
}

/// What a double-click (or Enter) on a remote file does, as FileZilla offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoubleClick {
    /// Download it into the local folder shown.
    #[default]
    Transfer,
    /// Open it in its editor (edit in place).
    ViewEdit,
    Nothing,
}

impl DoubleClick {
    pub const ALL: [DoubleClick; 3] = [
        DoubleClick::Transfer,
        DoubleClick::ViewEdit,
        DoubleClick::Nothing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DoubleClick::Transfer => "Transfer",
            DoubleClick::ViewEdit => "View/Edit",
            DoubleClick::Nothing => "Nothing",
        }
    }
}

/// The editor for one file extension (View/Edit): `command` is a template such as
/// `code --wait %f`, split into words like a shell would (quotes, backslashes) but run without
/// one; `%f` becomes the file's path as one argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAssociation {
    /// Lower case, without the dot.
    pub extension: String,
    pub command: String,
}

/// Global defaults. Every field has a default, so a partial file reads fine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub transfer_mode: TransferMode,
    pub data_options: DataOptions,
    /// Transfers that run at once, each on its own connection (1-10).
    pub simultaneous_transfers: u8,
    /// Connections one large download is split over: 0 or 1 is off (the default), 2-10 that
    /// many (within the simultaneous transfers).
    pub segments: u8,
    /// Limit for each step: connect, reply, data connection, TLS handshake, transfer inactivity
    /// (1-3600 seconds).
    pub timeout_seconds: u32,
    pub keepalive: KeepAlive,
    pub on_exists: OnExists,
    pub log_timestamps: bool,
    /// Lines the message log keeps (100-1000000); the oldest go first.
    pub log_line_cap: u32,
    pub theme: Theme,
    /// Compare the server's hash after each transfer (when it offers one, or required).
    pub verify: VerifyMode,
    /// Give the destination the source's modification time.
    pub preserve_times: bool,
    /// Auto, ASCII or binary transfers.
    pub transfer_type: TransferType,
    /// The extensions Auto transfers as ASCII (lower case, no dot).
    pub ascii_extensions: Vec<String>,
    /// The proxy every site goes through unless it bypasses it: `socks5://[user:pass@]host:port`
    /// or `http://host:port`; empty: none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub proxy: String,
    pub speed_limit: SpeedLimit,
    /// The global bookmarks (a site's own are kept with the site).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bookmarks: Vec<super::bookmarks::Bookmark>,
    /// Filename filters (View → Directory listing filters).
    pub filters: FilterSettings,
    /// What a double-click or Enter on a remote file does.
    pub remote_double_click: DoubleClick,
    /// Editors by extension for View/Edit; other files open in the OS default application.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub file_associations: Vec<FileAssociation>,
}

/// The filename filters, each enabled per side, and whether recursive transfers keep to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterSettings {
    pub filters: Vec<Filter>,
    /// Recursive transfers leave out what the enabled filters hide.
    pub apply_to_transfers: bool,
}

impl Default for FilterSettings {
    /// Two of FileZilla's stock filters, off until ticked.
    fn default() -> Self {
        let name = |test, text: &str| Condition::Name(test, text.to_string());
        FilterSettings {
            filters: vec![
                Filter {
                    name: "Temporary and backup files".to_string(),
                    conditions: vec![
                        name(NameTest::EndsWith, "~"),
                        name(NameTest::EndsWith, ".bak"),
                        name(NameTest::EndsWith, ".tmp"),
                        name(NameTest::EndsWith, ".swp"),
                    ],
                    mode: MatchMode::Any,
                    folders: false,
                    ..Filter::default()
                },
                Filter {
                    name: "Version control folders".to_string(),
                    conditions: vec![name(NameTest::Regex, r"^(\.git|\.svn|\.hg|CVS)$")],
                    files: false,
                    case_sensitive: true,
                    ..Filter::default()
                },
            ],
            apply_to_transfers: false,
        }
    }
}

impl FilterSettings {
    /// The filters enabled on one side.
    pub fn enabled(&self, remote: bool) -> impl Iterator<Item = &Filter> {
        self.filters
            .iter()
            .filter(move |f| if remote { f.remote } else { f.local })
    }

    /// What the worker's recursive transfers are to leave out (`None`: nothing).
    pub fn for_transfers(&self) -> Option<TransferFilter> {
        let filter = TransferFilter {
            local: self.enabled(false).cloned().collect(),
            remote: self.enabled(true).cloned().collect(),
        };
        let any = !(filter.local.is_empty() && filter.remote.is_empty());
        (self.apply_to_transfers && any).then_some(filter)
    }
}

/// The global speed limits, in KiB/s (0: none for that direction), and whether they apply now
/// (the status bar's quick toggle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SpeedLimit {
    pub enabled: bool,
    pub download_kib: u32,
    pub upload_kib: u32,
}

impl SpeedLimit {
    /// The most KiB/s a limit may be (4 GiB/s).
    pub const MAX_KIB: u32 = 4 * 1024 * 1024;

    /// What the worker is to keep to.
    pub fn limits(self) -> SpeedLimits {
        let rate = |kib: u32| (self.enabled && kib > 0).then(|| u64::from(kib) * 1024);
        SpeedLimits {
            download: rate(self.download_kib),
            upload: rate(self.upload_kib),
        }
    }

    /// Whether a limit is set for either direction (the status bar shows the toggle then).
    pub fn is_set(self) -> bool {
        self.download_kib > 0 || self.upload_kib > 0
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            transfer_mode: TransferMode::Auto,
            data_options: DataOptions::default(),
            simultaneous_transfers: 2,
            segments: 0,
            timeout_seconds: 20,
            keepalive: KeepAlive::Off,
            on_exists: OnExists::Ask,
            log_timestamps: false,
            log_line_cap: 10_000,
            theme: Theme::System,
            verify: VerifyMode::Auto,
            preserve_times: false,
            transfer_type: TransferType::Auto,
            ascii_extensions: DEFAULT_ASCII_EXTENSIONS
                .iter()
                .map(|e| e.to_string())
                .collect(),
            proxy: String::new(),
            speed_limit: SpeedLimit::default(),
            bookmarks: Vec::new(),
            filters: FilterSettings::default(),
            remote_double_click: DoubleClick::Transfer,
            file_associations: Vec::new(),
        }
    }
}

/// A setting out of its range; the message names the setting and the range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// The engine's form of [`Settings::segments`]: `None` is off.
    pub fn segments(&self) -> Option<usize> {
        (self.segments > 0).then_some(usize::from(self.segments))
    }

    pub const TIMEOUT_SECONDS: std::ops::RangeInclusive<u32> = 1..=3600;
    pub const LOG_LINE_CAP: std::ops::RangeInclusive<u32> = 100..=1_000_000;

    /// The global proxy, if one is set.
    pub fn proxy(&self) -> Result<Option<Proxy>, String> {
        match self.proxy.trim() {
            "" => Ok(None),
            url => url.parse().map(Some),
        }
    }

    /// Checks every range; the first problem is reported.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let fail = |m: String| Err(SettingsError(m));
        if !(1..=MAX_PARALLEL as u8).contains(&self.simultaneous_transfers) {
            return fail(format!(
                "simultaneous transfers must be 1 to {MAX_PARALLEL} (not {})",
                self.simultaneous_transfers
            ));
        }
        if usize::from(self.segments) > MAX_PARALLEL {
            return fail(format!(
                "segments must be 0 (off) to {MAX_PARALLEL} (not {})",
                self.segments
            ));
        }
        if !Self::TIMEOUT_SECONDS.contains(&self.timeout_seconds) {
            return fail(format!(
                "the timeout must be 1 to 3600 seconds (not {})",
                self.timeout_seconds
            ));
        }
        if let KeepAlive::Seconds(s) = self.keepalive {
            check_keepalive(s).map_err(SettingsError)?;
        }
        if let Err(e) = self.proxy() {
            return fail(format!("the proxy: {e}"));
        }
        if self.speed_limit.download_kib > SpeedLimit::MAX_KIB
            || self.speed_limit.upload_kib > SpeedLimit::MAX_KIB
        {
            return fail("a speed limit must be at most 4194304 KiB/s".to_string());
        }
        if !Self::LOG_LINE_CAP.contains(&self.log_line_cap) {
            return fail(format!(
                "the log must keep 100 to 1000000 lines (not {})",
                self.log_line_cap
            ));
        }
        super::bookmarks::check_list(&self.bookmarks).map_err(SettingsError)?;
        for association in &self.file_associations {
            let words = shlex::split(&association.command);
            if association.extension.is_empty() || words.is_none_or(|w| w.is_empty()) {
                return fail(format!(
                    "the editor for .{} needs an extension and a command (unbalanced quotes?)",
                    association.extension
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn filters_load_from_old_files_round_trip_and_reach_transfers_only_when_applied() {
        let old: Settings = serde_json::from_str(r#"{"theme": "dark"}"#).unwrap();
        assert_eq!(old.filters, FilterSettings::default());
        assert!(old.filters.filters.iter().all(|f| !f.local && !f.remote));
        assert_eq!(old.filters.for_transfers(), None);

        let mut filters = FilterSettings::default();
        filters.filters[0].remote = true;
        assert_eq!(filters.enabled(true).count(), 1);
        assert_eq!(filters.enabled(false).count(), 0);
        assert_eq!(filters.for_transfers(), None, "not applied to transfers");
        filters.apply_to_transfers = true;
        let for_transfers = filters.for_transfers().unwrap();
        assert!(for_transfers.local.is_empty());
        assert_eq!(for_transfers.remote, vec![filters.filters[0].clone()]);

        let settings = Settings {
            filters: filters.clone(),
            ..Settings::default()
        };
        let text = serde_json::to_string(&settings).unwrap();
        let back: Settings = serde_json::from_str(&text).unwrap();
        assert_eq!(back.filters, filters);
        // The stock version-control filter is a valid regex that matches `.git` folders.
        let vcs = filters.filters[1].compile().unwrap();
        assert!(vcs.matches(&crate::api::Entry::new(
            ".git",
            crate::api::EntryKind::Dir,
            ""
        )));
    }
}
