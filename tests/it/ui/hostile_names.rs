//! A server that lists names which would land outside the local folder (`../x`, an absolute
//! path, a Windows device name): a double-click, "Download" in the menu or a drag onto the local
//! pane never writes outside it, and the refusal is explained in the log.

use std::sync::Arc;

use super::*;
use crate::support::fake::{FakeServer, Script};

fn hostile_server(absolute: String) -> FakeServer {
    let listing = move || {
        [
            "type=file;size=4; ../escape1.txt".to_string(),
            format!("type=file;size=4; {absolute}"),
            "type=file;size=4; con.txt".to_string(),
            "type=file;size=4; ok.txt".to_string(),
        ]
        .iter()
        .map(|l| format!("{l}\r\n"))
        .collect::<String>()
        .into_bytes()
    };
    crate::support::RT.block_on(FakeServer::start(Script {
        listing: Arc::new(listing),
        file: Arc::new(b"data".to_vec()),
        ..Script::default()
    }))
}

#[test]
fn names_from_the_server_never_write_outside_the_local_folder() {
    let outer = tempfile::tempdir().unwrap();
    let target = outer.path().join("target");
    std::fs::create_dir(&target).unwrap();
    let absolute = outer.path().join("escape3.txt").display().to_string();
    let server = hostile_server(absolute.clone());
    let mut h = harness(start(&target, Some(server.site(20))));
    run_until(&mut h, "the hostile listing", remote_has("ok.txt"));

    // Each refused name is listed as sent, marked.
    assert_eq!(h.get_all_by_label("⚠").count(), 3);
    // Each refusal ends the queue's batch, which refreshes the remote pane: wait for the
    // listing to be back before the next action.
    let settle = |h: &mut AppHarness, name: &str| {
        let refused = format!("refused unsafe name from the server: {name:?}");
        run_until(h, "the refusal", |a| {
            a.log().text().iter().any(|l| l.contains(&refused))
        });
        h.run_steps(5);
        run_until(h, "the listing back", remote_has("ok.txt"));
    };
    double_click(&mut h, "../escape1.txt");
    settle(&mut h, "../escape1.txt");
    context_menu(&mut h, &absolute, "Download");
    settle(&mut h, &absolute);
    let from = remote_row(&h, "con.txt");
    drag(&mut h, from, egui::pos2(300.0, 500.0));
    settle(&mut h, "con.txt");
    double_click(&mut h, "ok.txt");
    let ok = target.join("ok.txt");
    run_until(&mut h, "the safe download", |_| ok.exists());
    h.run_steps(10);

    assert_eq!(files_under(outer.path()), vec!["target/ok.txt".to_string()]);
    let log = app(&h).log().text();
    for (name, reason) in [
        ("../escape1.txt", "path separator"),
        (absolute.as_str(), "path separator"),
        ("con.txt", "Windows device name"),
    ] {
        assert!(
            log.iter()
                .any(|l| l.contains(&format!("{name:?}")) && l.contains(reason)),
            "no explanation for {name} in {log:#?}"
        );
    }
}
