//! The speed limits' quick toggle in the status bar: shown once Settings set a limit, checked
//! when the limits are on, and a click turns them off and on again.

use egui_kittest::kittest::NodeT;

use super::*;

#[test]
fn the_status_bar_toggles_the_speed_limits_set_in_settings() {
    let local = tempfile::tempdir().unwrap();
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
        ..start(local.path(), None)
    });
    h.run_steps(2);
    let label = "Speed limits: download 100 KiB/s, upload none";
    let toggled =
        |h: &AppHarness| format!("{:?}", h.get_by_label(label).accesskit_node().toggled());
    assert_eq!(toggled(&h), "Some(True)");
    h.get_by_label(label).click();
    h.run_steps(2);
    assert_eq!(toggled(&h), "Some(False)");
    h.get_by_label(label).click();
    h.run_steps(2);
    assert_eq!(toggled(&h), "Some(True)");
}
