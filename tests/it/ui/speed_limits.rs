//! The speed limits' quick toggle in the status bar: shown once Settings set a limit, checked
//! when the limits are on, and a click turns them off and on again.

use std::path::Path;

use egui_kittest::kittest::NodeT;

use super::*;

/// The status bar's toggle for the limits [`app_with_a_download_limit`] sets.
pub(super) const LIMIT_TOGGLE: &str = "Speed limits: download 100 KiB/s, upload none";

/// The app with Settings that limit downloads to 100 KiB/s; the folder holds the settings.
pub(super) fn app_with_a_download_limit(local: &Path) -> (AppHarness, tempfile::TempDir) {
    let config = tempfile::tempdir().unwrap();
    let mut store = ferry::sites::SettingsStore::open(config.path());
    store
        .save(ferry::sites::Settings {
            speed_limit: ferry::sites::SpeedLimit {
                enabled: true,
                download_kib: 100,
                upload_kib: 0,
            },
            ..Default::default()
        })
        .unwrap();
    let mut h = harness(AppStart {
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..start(local, None)
    });
    h.run_steps(2);
    (h, config)
}

/// Whether the status bar's toggle is checked, as screen readers hear it.
pub(super) fn limit_toggled(h: &AppHarness) -> String {
    format!(
        "{:?}",
        h.get_by_label(LIMIT_TOGGLE).accesskit_node().toggled()
    )
}

#[test]
fn the_status_bar_toggles_the_speed_limits_set_in_settings() {
    let local = tempfile::tempdir().unwrap();
    let (mut h, _config) = app_with_a_download_limit(local.path());
    assert_eq!(limit_toggled(&h), "Some(True)");
    h.get_by_label(LIMIT_TOGGLE).click();
    h.run_steps(2);
    assert_eq!(limit_toggled(&h), "Some(False)");
    h.get_by_label(LIMIT_TOGGLE).click();
    h.run_steps(2);
    assert_eq!(limit_toggled(&h), "Some(True)");
}
