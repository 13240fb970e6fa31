//! What one request carries beyond the queue's settings: its own file-exists policy (a queue
//! restored from the journal resumes, never restarts or duplicates), and its place in the
//! queue (moved up, down, to the top or the bottom while it waits).

use ferry::*;

use crate::support::*;

fn resume(mut request: TransferRequest) -> TransferRequest {
    request.on_exists = Some(ExistsPolicy::Resume);
    request
}

/// The offset each transfer started at.
fn offsets(rig: &Rig) -> std::collections::HashMap<TransferId, u64> {
    rig.transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Transfer {
                id,
                state: TransferState::Started { offset, .. },
                ..
            } => Some((*id, *offset)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_request_that_resumes_continues_parts_and_skips_what_is_complete() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(2 * 1024 * 1024 + 5, 11);
    std::fs::write(server.path("down.bin"), &data).unwrap();
    std::fs::write(server.path("done.bin"), &data).unwrap();
    std::fs::write(server.path("up.bin"), &data[..700_000]).unwrap();
    std::fs::write(server.path("same.bin"), &data).unwrap();
    std::fs::write(local.path().join("down.bin.part"), &data[..1_000_000]).unwrap();
    std::fs::write(local.path().join("done.bin"), &data).unwrap();
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    std::fs::write(local.path().join("same.bin"), &data).unwrap();
    let mut rig = Rig::new();
    // The queue's own policy would ask: the request's policy wins.
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let at = |name: &str| local.path().join(name);
    let down = resume(rig.request(Direction::Download, &at("down.bin"), "/down.bin"));
    let done = resume(rig.request(Direction::Download, &at("done.bin"), "/done.bin"));
    let up = resume(rig.request(Direction::Upload, &at("up.bin"), "/up.bin"));
    let same = resume(rig.request(Direction::Upload, &at("same.bin"), "/same.bin"));
    let ids = [down.id, done.id, up.id, same.id];
    let states = rig.transfer(vec![down, done, up, same]);
    assert!(matches!(states[&ids[0]], TransferState::Finished { .. }));
    assert!(matches!(states[&ids[1]], TransferState::Skipped { .. }));
    assert!(matches!(states[&ids[2]], TransferState::Finished { .. }));
    assert!(matches!(states[&ids[3]], TransferState::Skipped { .. }));
    let offsets = offsets(&rig);
    assert_eq!(offsets[&ids[0]], 1_000_000);
    assert_eq!(offsets[&ids[2]], 700_000);
    assert!(!offsets.contains_key(&ids[1]) && !offsets.contains_key(&ids[3]));
    assert_eq!(std::fs::read(at("down.bin")).unwrap(), data);
    assert_eq!(std::fs::read(server.path("up.bin")).unwrap(), data);
    assert!(
        !rig.transcript()
            .iter()
            .any(|e| matches!(e, Event::Prompt { .. }))
    );
}

#[test]
fn the_children_of_a_recursive_request_inherit_its_policy() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(1024 * 1024, 3);
    std::fs::create_dir_all(server.path("dir")).unwrap();
    std::fs::write(server.path("dir/a.bin"), &data).unwrap();
    std::fs::write(server.path("dir/b.bin"), &data).unwrap();
    std::fs::create_dir_all(local.path().join("dir")).unwrap();
    std::fs::write(local.path().join("dir/a.bin.part"), &data[..300_000]).unwrap();
    std::fs::write(local.path().join("dir/b.bin"), &data).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let mut request = resume(rig.request(Direction::Download, &local.path().join("dir"), "/dir"));
    request.recursive = true;
    let states = rig.transfer(vec![request]);
    let skipped = states
        .values()
        .filter(|s| matches!(s, TransferState::Skipped { .. }))
        .count();
    assert_eq!(skipped, 1, "{states:?}");
    assert!(offsets(&rig).values().any(|offset| *offset == 300_000));
    assert_eq!(std::fs::read(local.path().join("dir/a.bin")).unwrap(), data);
    assert!(
        !rig.transcript()
            .iter()
            .any(|e| matches!(e, Event::Prompt { .. }))
    );
}

#[test]
fn a_waiting_transfer_moved_to_the_top_runs_next() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(server.path("first.bin"), pattern(8 * 1024 * 1024, 1)).unwrap();
    for name in ["b", "c", "d", "e"] {
        std::fs::write(server.path(&format!("{name}.bin")), pattern(1000, 2)).unwrap();
    }
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 1;
    rig.connect(site).unwrap();
    let requests: Vec<TransferRequest> = ["first", "b", "c", "d", "e"]
        .iter()
        .map(|name| {
            let local = local.path().join(format!("{name}.bin"));
            rig.request(Direction::Download, &local, &format!("/{name}.bin"))
        })
        .collect();
    let ids: Vec<TransferId> = requests.iter().map(|r| r.id).collect();
    let session = rig.session();
    rig.send(Command::Enqueue {
        session,
        transfers: requests,
    });
    // While the first runs: the last to the top, then `b` down one, `c` to the bottom.
    for (transfer, to) in [
        (ids[4], QueuePlace::Top),
        (ids[1], QueuePlace::Down),
        (ids[2], QueuePlace::Bottom),
        (ids[0], QueuePlace::Bottom),
    ] {
        rig.send(Command::MoveTransfer {
            session,
            transfer,
            to,
        });
    }
    let states = rig.driver.until_idle().unwrap().last;
    Rig::assert_all_finished(&states);
    let started: Vec<TransferId> = rig
        .transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Transfer {
                id,
                state: TransferState::Started { .. },
                ..
            } => Some(*id),
            _ => None,
        })
        .collect();
    // e, b, d, c after the first (moving a running transfer does nothing).
    assert_eq!(started, vec![ids[0], ids[4], ids[1], ids[3], ids[2]]);
}

/// A `.part` file that already holds the whole file (the app died between the last byte and
/// the rename) is finished by the rename alone: no RETR fetches it again.
#[test]
fn a_part_file_that_is_already_whole_is_only_renamed() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = pattern(300_000, 5);
    std::fs::write(server.path("whole.bin"), &data).unwrap();
    std::fs::write(local.path().join("whole.bin.part"), &data).unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let target = local.path().join("whole.bin");
    let request = resume(rig.request(Direction::Download, &target, "/whole.bin"));
    rig.transfer_ok(request);
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert!(!local.path().join("whole.bin.part").exists());
    assert!(
        !rig.log_text().iter().any(|l| l.contains("RETR")),
        "{:#?}",
        rig.log_text()
    );
}
