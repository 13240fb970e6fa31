//! The `ferry` binary: the desktop app (no arguments, a URL, or `--demo`) and the command line
//! (`ferry ls|get|put URL`).

use std::process::ExitCode;

use clap::Parser;
use ferry::app::{AppStart, run as run_app};
use ferry::cli::{Cli, config_dir, run};
use ferry::demo::Demo;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        return match run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("ferry: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    match open_app(cli.demo, cli.url) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ferry: {error}");
            ExitCode::FAILURE
        }
    }
}

fn open_app(demo: bool, url: Option<String>) -> Result<(), String> {
    let mut start = AppStart {
        config_dir: config_dir(),
        ..AppStart::default()
    };
    let demo = if demo { Some(Demo::start()?) } else { None };
    if let Some(demo) = &demo {
        start.connect = Some(demo.site.clone());
    } else if let Some(url) = url.as_deref().filter(|u| ferry::sites::is_site_url(u)) {
        let dir = start
            .config_dir
            .clone()
            .ok_or("no config folder to find sites in")?;
        let keyring = ferry::sites::Keyring::system();
        let connection =
            ferry::sites::open_site_url(url, &dir, &keyring).map_err(|e| e.to_string())?;
        start.keyring = Some(keyring);
        start.open_site = Some(connection);
    } else if let Some(url) = url {
        start.connect = Some(ferry::url::parse(&url).map_err(|e| e.to_string())?.site);
    }
    run_app(start)
}
