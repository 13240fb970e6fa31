//! The window with directory comparison on: each class of row in its colour on both sides, and
//! the legend naming them (dark and light themes).

use super::*;

fn comparison(theme: egui::Theme, name: &str) {
    let server = Server::plain();
    let local = local_folder(name);
    // Identical, newer on the server, different sizes, and one only on each side.
    for (file, remote, here, remote_age, local_age) in [
        (
            "notes.txt",
            &b"Shopping list\n"[..],
            &b"Shopping list\n"[..],
            3,
            3,
        ),
        ("index.html", b"<h1>new</h1>", b"<h1>old</h1>", 1, 5),
        ("style.css", b"body { margin: 0 }", b"body{}", 2, 2),
    ] {
        std::fs::write(server.path(file), remote).unwrap();
        std::fs::write(local.join(file), here).unwrap();
        dated(&server.path(file), DATE - remote_age * 86_400);
        dated(&local.join(file), DATE - local_age * 86_400);
    }
    std::fs::write(server.path("server-only.log"), b"log").unwrap();
    dated(&server.path("server-only.log"), DATE);
    std::fs::create_dir(server.path("Documents")).unwrap();
    dated(&server.path("Documents"), DATE - 86_400);
    // The app follows its Settings' theme (System by default): set it to the one wanted.
    let config = tempfile::tempdir().unwrap();
    let mut settings = ferry::sites::SettingsStore::open(config.path());
    let mut chosen = settings.settings().clone();
    chosen.theme = match theme {
        egui::Theme::Dark => ferry::sites::Theme::Dark,
        egui::Theme::Light => ferry::sites::Theme::Light,
    };
    settings.save(chosen).unwrap();
    let mut h = snapshot_harness(
        AppStart {
            connect: Some(server.site(Protocol::Ftp)),
            local_dir: Some(local),
            config_dir: Some(config.path().to_path_buf()),
            ..AppStart::default()
        },
        theme,
    );
    run_until(&mut h, "the listing", remote_has("server-only.log"));
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().len() == 6
    });
    h.get_by_label("Directory comparison").click();
    run_until(&mut h, "the comparison", |a| {
        a.local.mark_of("notes.txt").is_some()
    });
    snapshot(&mut h, name, &PORTS);
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn directory_comparison_colours_dark() {
    comparison(egui::Theme::Dark, "directory_comparison_dark");
}

#[test]
#[ignore = "needs Mesa's software Vulkan (apt mesa-vulkan-drivers); .ci/run runs it"]
fn directory_comparison_colours_light() {
    comparison(egui::Theme::Light, "directory_comparison_light");
}
