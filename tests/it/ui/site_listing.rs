//! The site editor's listing settings: a server type and a timezone offset chosen on the
//! Advanced page are saved with the site.

use super::*;

#[test]
fn the_server_type_and_timezone_offset_chosen_in_the_site_editor_are_saved() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut h = harness(AppStart {
        config_dir: Some(config.path().to_path_buf()),
        keyring: Some(ferry::sites::Keyring::in_memory()),
        ..start(local.path(), None)
    });
    h.step();
    h.get_by_label("Site Manager").click();
    h.run_steps(3);
    h.get_by_label("New site").click();
    h.run_steps(3);
    h.get_by_label("Advanced").click();
    h.run_steps(2);
    h.get_by_label("Server type:").click();
    h.run_steps(2);
    h.get_by_label("VMS").click();
    h.run_steps(2);
    h.get_by_label("Timezone offset:").click();
    h.run_steps(2);
    h.get_by_label("Timezone offset:").type_text("-5");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);

    let sites = ferry::sites::SiteStore::open(config.path());
    let stored = sites.tree().sites();
    assert_eq!(stored.len(), 1);
    let site = stored[0].site;
    assert_eq!(
        (site.server_type, site.timezone_offset),
        (ServerType::Vms, -300)
    );
}
