//! The context menu's directory operations and the dialogs answering the worker's prompts:
//! file exists, unknown certificate, password.

use super::*;

#[test]
fn create_rename_and_delete_through_the_context_menu() {
    let server = Server::plain();
    std::fs::write(server.path("existing.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("existing.txt"));

    context_menu(&mut h, "existing.txt", "Create directory");
    type_into_dialog(&mut h, "made by menu");
    run_until(&mut h, "the new folder listed", remote_has("made by menu"));
    assert!(server.path("made by menu").is_dir());

    context_menu(&mut h, "existing.txt", "Rename");
    type_into_dialog(&mut h, "renamed.txt");
    run_until(&mut h, "the renamed file listed", remote_has("renamed.txt"));
    assert!(server.path("renamed.txt").is_file() && !server.path("existing.txt").exists());

    context_menu(&mut h, "renamed.txt", "Delete");
    for _ in 0..10 {
        if h.query_by_label("Confirm deletion").is_some() {
            break;
        }
        h.step();
    }
    h.get_by_label("Delete").click();
    let gone = server.path("renamed.txt");
    run_until(&mut h, "the deletion", |a| {
        !gone.exists() && !a.remote().entries().iter().any(|e| e.name == "renamed.txt")
    });
}

#[test]
fn the_file_exists_dialog_offers_the_actions_and_obeys() {
    let server = Server::plain();
    std::fs::write(server.path("same.txt"), b"from the server").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("same.txt"), b"local").unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("same.txt"));
    double_click(&mut h, "same.txt");
    run_until(&mut h, "the dialog", |a| a.prompts_waiting() == 1);
    for action in [
        "Overwrite",
        "Resume",
        "Rename",
        "Skip",
        "Overwrite if source newer",
        "Overwrite if size differs",
    ] {
        assert!(h.query_by_label(action).is_some(), "{action} missing");
    }
    h.get_by_label("Rename").click();
    h.run_steps(2);
    h.get_by_label("OK").click();
    let renamed = local.path().join("same (1).txt");
    run_until(&mut h, "the renamed download", |a| {
        a.prompts_waiting() == 0 && renamed.exists()
    });
    assert_eq!(std::fs::read(&renamed).unwrap(), b"from the server");
    assert_eq!(
        std::fs::read(local.path().join("same.txt")).unwrap(),
        b"local"
    );
}

#[test]
fn the_certificate_dialog_shows_the_fingerprint_and_trusts() {
    let server = Server::start(ServerTls::Explicit);
    let local = tempfile::tempdir().unwrap();
    let mut h = harness(start(
        local.path(),
        Some(server.site(Protocol::ExplicitTls)),
    ));
    run_until(&mut h, "the certificate dialog", |a| {
        a.prompts_waiting() == 1
    });
    assert!(
        h.query_by_label(&server.fingerprint()).is_some(),
        "fingerprint not shown"
    );
    assert!(
        h.query_all_by_label_contains("self-signed")
            .next()
            .is_some()
    );
    h.get_by_label("Trust").click();
    run_until(&mut h, "connected over TLS", |a| {
        a.is_connected() && !a.remote().loading
    });
    assert!(app(&h).log().text().iter().any(|l| l == "Command:\tPROT P"));
}

#[test]
fn the_password_dialog_answers_an_ask_for_password_site() {
    let server = Server::plain();
    std::fs::write(server.path("behind a password.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;
    let mut h = harness(start(local.path(), Some(site)));
    run_until(&mut h, "the password dialog", |a| a.prompts_waiting() == 1);
    let label = format!("Password for {USER}@127.0.0.1:");
    // The field has the keyboard focus: typing and Enter answer.
    h.get_by_label(&label).type_text(PASSWORD);
    h.step();
    h.key_press(egui::Key::Enter);
    run_until(&mut h, "connected", remote_has("behind a password.txt"));
    assert_eq!(app(&h).prompts_waiting(), 0);
    let log = app(&h).log().text();
    assert!(
        log.iter().any(|l| l == "Command:\tPASS ********"),
        "{log:#?}"
    );
    assert!(!log.iter().any(|l| l.contains(PASSWORD)));
}
