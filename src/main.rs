//! The `ferry` binary: the desktop app (no arguments, a URL, or `--demo`) and the command line
//! (`ferry ls|get|put URL`).
//!
//! On Windows it is a GUI program, so double-clicking it opens no console window; what the command
//! line prints goes to the console it was started from (`attach_console`).

// `windows_subsystem` only takes effect in the crate root of a binary.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use ferry::app::{AppStart, run as run_app};
use ferry::cli::{Cli, run};
use ferry::common::config::{config_dir, data_dir};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help or a usage error: clap prints it and exits.
            attach_console();
            error.exit()
        }
    };
    if cli.version {
        attach_console();
        println!("ferry {}", env!("CARGO_PKG_VERSION"));
        if cli.verbose {
            println!("{}", ferry::app::describe_renderers(data_dir().as_deref()));
        }
        return ExitCode::SUCCESS;
    }
    if let Some(command) = cli.command {
        attach_console();
        return match run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("ferry: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let url = match cli.site {
        Some(name) => Some(format!("{}{name}", ferry::sites::SITE_PREFIX)),
        None => cli.url,
    };
    match open_app(cli.demo, url) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            attach_console();
            eprintln!("ferry: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Windows: a GUI program starts with no console, so before the command line prints, attach to
/// the console of the process that started it (a terminal), if it has one. Standard handles that
/// were redirected (a pipe, a file) are already valid and kept. Elsewhere: nothing to do.
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_OUTPUT_HANDLE,
    };
    // SAFETY: both functions take plain values and have no preconditions; AttachConsole fails
    // harmlessly when the parent has no console or this process already has one.
    unsafe {
        if GetStdHandle(STD_OUTPUT_HANDLE).is_null() || GetStdHandle(STD_ERROR_HANDLE).is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
fn attach_console() {}

fn open_app(demo: bool, url: Option<String>) -> Result<(), String> {
    let mut start = AppStart {
        config_dir: config_dir(),
        // The demo's transfers are not worth keeping: its server is gone with it.
        data_dir: if demo { None } else { data_dir() },
        ..AppStart::default()
    };
    #[cfg(feature = "demo")]
    let demo = if demo {
        Some(ferry::demo::Demo::start()?)
    } else {
        None
    };
    #[cfg(feature = "demo")]
    let connect_demo = demo.as_ref().map(|d| d.site.clone());
    #[cfg(not(feature = "demo"))]
    let connect_demo: Option<ferry::Site> = if demo {
        return Err(
            "this build of Ferry has no demo server (built without the \"demo\" feature)".into(),
        );
    } else {
        None
    };
    if let Some(site) = connect_demo {
        start.connect = Some(site);
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
        start.connect_url(&url).map_err(|e| e.to_string())?;
    }
    run_app(start)
}
