//! How the app opens what it was started with: a URL's folder or file (what the OS link handler
//! runs), its password asked for when the URL has none, a `site:` path's file.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::*;

/// `ftp://user[:password]@127.0.0.1:port/path` for the test server.
fn url(server: &Server, password: bool, path: &str) -> String {
    let password = if password {
        format!(":{}", utf8_percent_encode(PASSWORD, NON_ALPHANUMERIC))
    } else {
        String::new()
    };
    let port = server.server.addr().port();
    format!("ftp://{USER}{password}@127.0.0.1:{port}/{path}")
}

/// A server with `some/folder/inner.txt`, and the app started on `url` made for it.
fn started_on(path: &str, password: bool) -> (Server, tempfile::TempDir, AppHarness) {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("some/folder")).unwrap();
    std::fs::write(server.path("some/folder/inner.txt"), b"x").unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut start = start(local.path(), None);
    start
        .connect_url(&url(&server, password, path))
        .expect("a valid URL");
    let h = harness(start);
    (server, local, h)
}

fn selected(app: &FerryApp) -> Vec<String> {
    app.remote()
        .selected_entries()
        .into_iter()
        .map(|e| e.name)
        .collect()
}

#[test]
fn a_url_opens_its_folder() {
    let (_server, _local, mut h) = started_on("some/folder/", true);
    run_until(&mut h, "the URL's folder", remote_has("inner.txt"));
    assert_eq!(app(&h).remote().path, "/some/folder");
}

#[test]
fn a_url_naming_a_file_opens_its_folder_with_the_file_selected() {
    let (_server, _local, mut h) = started_on("some/folder/inner.txt", true);
    run_until(&mut h, "the file's folder", remote_has("inner.txt"));
    assert_eq!(app(&h).remote().path, "/some/folder");
    assert_eq!(selected(app(&h)), ["inner.txt"]);
    assert_eq!(app(&h).remote().error, None);
}

#[test]
fn a_url_with_a_user_and_no_password_asks_for_the_password() {
    let (_server, _local, mut h) = started_on("some/", false);
    run_until(&mut h, "the password asked for", |a| {
        a.prompts_waiting() == 1
    });
    assert!(h.query_by_label("Password needed").is_some());
    let field: Vec<_> = h
        .get_all_by_role(egui::accesskit::Role::PasswordInput)
        .filter(|n| n.rect().center().y > 100.0)
        .collect();
    assert_eq!(field.len(), 1, "the dialog's password field");
    field[0].focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::PasswordInput)
        .find(|n| n.is_focused())
        .expect("the field focused")
        .type_text(PASSWORD);
    h.step();
    h.get_by_label("OK").click();
    run_until(
        &mut h,
        "connected in the URL's folder",
        remote_has("folder"),
    );
    assert_eq!(app(&h).remote().path, "/some");
}

#[test]
fn a_site_path_naming_a_file_opens_its_folder_with_the_file_selected() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("www")).unwrap();
    std::fs::write(server.path("www/index.html"), b"hi").unwrap();
    let local = tempfile::tempdir().unwrap();
    let connection = ferry::sites::SiteConnection {
        id: ferry::sites::NodeId::generate(),
        path: "Web".to_string(),
        name: "Web".to_string(),
        colour: Default::default(),
        site: server.site(Protocol::Ftp),
        remote_path: Some("www/index.html".to_string()),
        trailing_slash: false,
        local_dir: None,
        keyring_note: None,
    };
    let mut h = harness(AppStart {
        open_site: Some(connection),
        ..start(local.path(), None)
    });
    run_until(&mut h, "the file's folder", remote_has("index.html"));
    assert_eq!(app(&h).remote().path, "/www");
    assert_eq!(selected(app(&h)), ["index.html"]);
}
