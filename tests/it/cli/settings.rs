//! The global settings (`settings.json`, the app's Settings window) apply to a plain URL on the
//! command line as they do to the app's quick connect, and the options given still win.

use ferry::sites::{OnExists, Settings, SettingsStore};

use super::url;
use crate::support::*;

/// A config folder whose `settings.json` holds `settings`.
fn config_with(settings: Settings) -> tempfile::TempDir {
    let config = tempfile::tempdir().unwrap();
    SettingsStore::open(config.path()).save(settings).unwrap();
    config
}

#[test]
fn the_global_file_exists_action_applies_to_a_url_and_on_exists_wins() {
    let server = Server::plain();
    std::fs::write(server.path("f.txt"), b"server").unwrap();
    let here = tempfile::tempdir().unwrap();
    let local = here.path().join("f.txt");
    let config = config_with(Settings {
        on_exists: OnExists::Overwrite,
        ..Settings::default()
    });
    let get = |extra: &[&str]| {
        let url = url(&server, "ftp", "f.txt");
        let mut args = vec!["get", url.as_str()];
        args.extend_from_slice(extra);
        run_ferry(&args, here.path(), config.path(), &[])
    };

    std::fs::write(&local, b"local").unwrap();
    let run = get(&["--on-exists", "skip"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&local).unwrap(), b"local");

    let run = get(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&local).unwrap(), b"server");
}

#[test]
fn the_global_data_options_apply_to_a_url() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.data_options.use_epsv = false;
    let config = config_with(settings);
    let url = url(&server, "ftp", "");
    let run = run_ferry(
        &["ls", &url, "--mode", "passive", "--log"],
        here.path(),
        config.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("Command:\tPASV\n"), "{}", run.stderr);
    assert!(!run.stderr.contains("Command:\tEPSV"), "{}", run.stderr);
}

#[test]
fn a_settings_file_that_cannot_be_read_is_a_warning_for_a_url() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    std::fs::write(config.path().join("settings.json"), "{\"version\": 7}").unwrap();
    let url = url(&server, "ftp", "");
    let run = run_ferry(&["ls", &url], here.path(), config.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("ferry: warning: ") && run.stderr.contains("settings.json"),
        "{}",
        run.stderr
    );
}
