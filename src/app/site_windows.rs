//! The Site Manager and Settings windows with what they work on: the sites and settings files
//! (none without a config folder) and the keyring that holds the sites' passwords.

use std::path::Path;

use super::AppCommand;
use super::settings_view::SettingsWindow;
use super::site_manager::{self, ManagerAction, SiteManager};
use crate::api::Site;
use crate::sites::{FilterSettings, Keyring, Settings, SettingsStore, SiteConnection, SiteStore};

pub struct SiteWindows {
    /// The Site Manager's and Settings' files (`None` without a config folder).
    stores: Option<(SiteStore, SettingsStore)>,
    keyring: Keyring,
    manager: SiteManager,
    settings_window: SettingsWindow,
    /// "No keyring" was said once already.
    keyring_warned: bool,
}

impl SiteWindows {
    pub fn new(config_dir: Option<&Path>, keyring: Keyring) -> SiteWindows {
        SiteWindows {
            stores: config_dir.map(|dir| (SiteStore::open(dir), SettingsStore::open(dir))),
            keyring,
            manager: SiteManager::default(),
            settings_window: SettingsWindow::default(),
            keyring_warned: false,
        }
    }

    /// The global settings (the defaults without a config folder).
    pub fn settings(&self) -> Settings {
        self.stores
            .as_ref()
            .map(|(_, s)| s.settings().clone())
            .unwrap_or_default()
    }

    /// Saves the filename filters with the settings; without a config folder they last for
    /// this run.
    pub fn save_filters(&mut self, filters: &FilterSettings) -> Result<(), String> {
        let Some((_, store)) = &mut self.stores else {
            return Ok(());
        };
        let mut settings = store.settings().clone();
        settings.filters = filters.clone();
        store.save(settings).map_err(|e| e.to_string())
    }

    /// Opens the Site Manager; without a config folder, says why it cannot.
    pub fn open_manager(&mut self) -> Result<(), String> {
        if self.stores.is_none() {
            return Err("No config folder: the Site Manager cannot save sites".to_string());
        }
        self.manager.open = true;
        Ok(())
    }

    /// Opens Settings; without a config folder, says why it cannot.
    pub fn open_settings(&mut self) -> Result<(), String> {
        let Some((_, settings)) = &self.stores else {
            return Err("No config folder: settings cannot be saved".to_string());
        };
        self.settings_window.open(settings);
        Ok(())
    }

    /// Draws the windows that are open; a connection asked for and settings saved become
    /// commands.
    pub fn show(&mut self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        let Some((sites, settings)) = &mut self.stores else {
            return;
        };
        let action = self.manager.show(ctx, sites, settings, &self.keyring);
        let saved = self.settings_window.show(ctx, settings);
        if let Some(ManagerAction::Connect(connection)) = action {
            commands.push(AppCommand::ConnectSite(connection));
        }
        if let Some(saved) = saved {
            commands.push(AppCommand::SettingsSaved(Box::new(saved)));
        }
    }

    /// A site typed in (the quick-connect bar, a URL on the command line) with the global
    /// settings, when there are any. What only such a site can carry (a password to ask for,
    /// trusted certificates) stays.
    pub fn with_settings(&self, site: Site) -> Site {
        let Some((_, settings)) = &self.stores else {
            return site;
        };
        let (ask_password, tls) = (site.ask_password, site.tls.clone());
        let mut site = crate::sites::quick_site(site, settings.settings());
        site.ask_password |= ask_password;
        site.tls = tls;
        site
    }

    /// The connection for the saved site at `path` (`Folder/Name`), its password from the
    /// keyring; why not, for the user.
    pub fn connection_at(&self, path: &str) -> Result<SiteConnection, String> {
        let Some((sites, settings)) = &self.stores else {
            return Err("No config folder: saved sites cannot be found".to_string());
        };
        let tree = sites.tree();
        let target = tree.resolve(path).map_err(|e| e.to_string())?;
        crate::sites::connection_for(&target, settings.settings(), &self.keyring)
            .map_err(|e| e.to_string())
    }

    /// "No keyring" for a connection that found none, the first time only.
    pub fn keyring_note(&mut self, connection: &SiteConnection) -> Option<String> {
        let note = site_manager::keyring_note(&connection.keyring_note)?;
        if self.keyring_warned {
            return None;
        }
        self.keyring_warned = true;
        Some(note)
    }

    /// File → Import sites: the FileZilla file's sites added to the Site Manager's; what was
    /// imported and the warnings, or why nothing was.
    pub fn import_filezilla(&mut self, file: &Path) -> Result<(String, Vec<String>), String> {
        let Some((sites, _)) = &mut self.stores else {
            return Err("No config folder: sites cannot be imported".to_string());
        };
        let report = crate::sites::filezilla::import_file(file, sites, &self.keyring, None)
            .map_err(|e| format!("Import from {} failed: {e}", file.display()))?;
        Ok((
            format!("Imported from {}: {report}", file.display()),
            report.warnings.clone(),
        ))
    }

    /// File → Export sites: the Site Manager's sites written as a FileZilla file (without
    /// passwords); what was written and the warnings, or why nothing was.
    pub fn export_filezilla(&self, file: &Path) -> Result<(String, Vec<String>), String> {
        let Some((sites, _)) = &self.stores else {
            return Err("No config folder: there are no sites to export".to_string());
        };
        let warnings = crate::sites::filezilla::export_file(sites.tree(), file)
            .map_err(|e| format!("Export to {} failed: {e}", file.display()))?;
        let (count, _) = sites.tree().count();
        let said = format!(
            "Exported {count} site{} to {} (without passwords)",
            if count == 1 { "" } else { "s" },
            file.display()
        );
        Ok((said, warnings))
    }
}
