//! `ferry sites list|import|export`, `site:` targets and the global settings on the command
//! line: the site manager's stores read from the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Subcommand;

use crate::sites::{
    Keyring, Settings, SettingsStore, SiteConnection, SiteStore, filezilla, open_site_url,
};

#[derive(Subcommand, Debug)]
pub enum SitesCommand {
    /// One line per site: FOLDER/NAME, protocol, host, user, separated by tabs
    List,
    /// Import FileZilla's sitemanager.xml (passwords go to the system keyring)
    Import { file: PathBuf },
    /// Export the sites as a FileZilla sitemanager.xml, without passwords
    Export { file: PathBuf },
}

/// Ferry's configuration folder, or the one-line explanation of why there is none.
fn config_dir() -> anyhow::Result<PathBuf> {
    crate::common::config::config_dir()
        .ok_or_else(|| anyhow!("there is no configuration folder: set FERRY_CONFIG_DIR"))
}

/// The sites, or the one line that says why `sites.json` cannot be read.
fn load(dir: &Path) -> anyhow::Result<SiteStore> {
    SiteStore::load(dir).map_err(|e| anyhow!("{e}"))
}

/// Control characters would break the one-line, tab-separated format.
fn field(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

pub fn run(command: SitesCommand) -> anyhow::Result<()> {
    let dir = config_dir()?;
    match command {
        SitesCommand::List => {
            let store = load(&dir)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for site in store.tree().sites() {
                let user = match site.site.logon {
                    crate::sites::Logon::Anonymous => "",
                    _ => site.site.user.as_str(),
                };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    field(&site.path),
                    site.site.protocol.word(),
                    field(&site.site.host),
                    field(user)
                )?;
            }
            out.flush()?;
            Ok(())
        }
        SitesCommand::Import { file } => {
            let mut store = load(&dir)?;
            let report = filezilla::import_file(&file, &mut store, &Keyring::system(), None)
                .map_err(|e| anyhow!("{e}"))?;
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            println!("{report}");
            Ok(())
        }
        SitesCommand::Export { file } => {
            let store = load(&dir)?;
            let warnings =
                filezilla::export_file(store.tree(), &file).map_err(|e| anyhow!("{e}"))?;
            for warning in &warnings {
                eprintln!("warning: {warning}");
            }
            let (sites, folders) = store.tree().count();
            println!(
                "{sites} {} in {folders} {} exported to {} (without passwords)",
                if sites == 1 { "site" } else { "sites" },
                if folders == 1 { "folder" } else { "folders" },
                file.display()
            );
            Ok(())
        }
    }
}

/// A `site:FOLDER/NAME[/PATH]` target with the password from the keyring.
pub fn open(text: &str) -> anyhow::Result<SiteConnection> {
    let dir = config_dir()?;
    open_site_url(text, &dir, &Keyring::system()).map_err(|e| anyhow!("{e}"))
}

/// The global settings for a URL: the defaults when there is no config folder, and also (with a
/// warning, as the app shows the problem and goes on) when `settings.json` cannot be read.
pub fn settings() -> Settings {
    let Some(dir) = crate::common::config::config_dir() else {
        return Settings::default();
    };
    let store = SettingsStore::open(&dir);
    if let Some(problem) = store.problem() {
        eprintln!("ferry: warning: {problem}; using the default settings");
    }
    store.settings().clone()
}
