//! Transfers started by hand: files dropped from the OS, rows dragged between the panes, and
//! "Add to queue" holding the queue.

use super::*;

/// A file dragged in from the OS file manager.
#[derive(Debug)]
struct OsFile(PathBuf);

impl egui::DroppedFile for OsFile {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn files_dropped_from_the_os_upload_into_the_remote_folder() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let data = pattern(123_456, 2);
    let dropped = outside.path().join("dropped.bin");
    std::fs::write(&dropped, &data).unwrap();
    std::fs::create_dir_all(outside.path().join("folder/sub")).unwrap();
    std::fs::write(outside.path().join("folder/sub/deep.txt"), b"deep").unwrap();
    let mut h = connected_app(&server, local.path());

    h.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some(dropped.clone()),
        ..Default::default()
    });
    h.run_steps(2);
    assert!(
        app(&h).remote().drop_highlight,
        "no drop highlight while hovering"
    );
    h.input_mut().hovered_files.clear();
    h.input_mut().dropped_files.push(Arc::new(OsFile(dropped)));
    h.input_mut()
        .dropped_files
        .push(Arc::new(OsFile(outside.path().join("folder"))));
    h.step();
    let uploaded = server.path("dropped.bin");
    let deep = server.path("folder/sub/deep.txt");
    run_until(&mut h, "the upload", |_| {
        std::fs::read(&uploaded).is_ok_and(|b| b.len() == data.len()) && deep.exists()
    });
    assert_eq!(sha256_file(&uploaded), sha256(&data));
    run_until(&mut h, "the refreshed listing", remote_has("dropped.bin"));
    assert!(!app(&h).remote().drop_highlight);
}

#[test]
fn dragging_rows_between_the_panes_downloads_and_uploads() {
    let server = Server::plain();
    let data = pattern(77_777, 5);
    std::fs::write(server.path("dragged.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("going up.txt"), b"up we go").unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("dragged.bin"));

    // Remote row onto the local pane.
    let from = remote_row(&h, "dragged.bin");
    drag(&mut h, from, egui::pos2(300.0, 500.0));
    let target = local.path().join("dragged.bin");
    run_until(&mut h, "the dragged download", |_| target.exists());
    assert_eq!(sha256_file(&target), sha256(&data));

    // Local row onto the remote pane.
    run_until(&mut h, "the local listing", |a| {
        a.local.entries().iter().any(|e| e.name == "going up.txt")
    });
    let from = h.get_by_label("going up.txt").rect().center();
    drag(&mut h, from, egui::pos2(950.0, 500.0));
    let uploaded = server.path("going up.txt");
    run_until(&mut h, "the dragged upload", |_| uploaded.exists());
    assert_eq!(std::fs::read(uploaded).unwrap(), b"up we go");
}

#[test]
fn add_to_queue_holds_the_transfers_until_the_queue_resumes() {
    let server = Server::plain();
    let data = pattern(123_456, 9);
    std::fs::write(server.path("later.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut h = connected_app(&server, local.path());
    run_until(&mut h, "the listing", remote_has("later.bin"));
    context_menu(&mut h, "later.bin", "Add to queue");
    run_until(&mut h, "queued", |a| a.queue().len() == 1);
    h.run_steps(30);
    let target = local.path().join("later.bin");
    assert!(!target.exists(), "an added transfer must wait");
    h.get_by_label("Resume queue").click();
    run_until(&mut h, "the download", |_| target.exists());
    assert_eq!(sha256_file(&target), sha256(&data));
}
