//! When a transfer's destination exists: the policies, the prompt and answers for the
//! rest of the queue.

use ferry::*;

use crate::support::*;

/// Downloads `remote` over an existing local file with `policy`; returns the final state.
fn download_over_existing(
    policy: ExistsPolicy,
    answer: Option<(ExistsAction, bool)>,
) -> (TransferState, tempfile::TempDir, Rig) {
    let server = Server::plain();
    std::fs::write(server.path("f.txt"), b"new content from the server").unwrap();
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("f.txt"), b"old").unwrap();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.on_exists = policy;
    rig.connect(site).unwrap();
    if let Some((action, for_all)) = answer {
        rig.on_prompt(move |prompt| match prompt {
            Prompt::FileExists { .. } => Some(Answer::FileExists { action, for_all }),
            _ => None,
        });
    }
    let request = rig.request(Direction::Download, &local.path().join("f.txt"), "/f.txt");
    let id = request.id;
    let state = rig.transfer(vec![request]).remove(&id).unwrap();
    (state, local, rig)
}

#[test]
fn file_exists_policies() {
    let (state, local, _) = download_over_existing(ExistsPolicy::Overwrite, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(
        std::fs::read(local.path().join("f.txt")).unwrap(),
        b"new content from the server"
    );

    let (state, local, _) = download_over_existing(ExistsPolicy::Skip, None);
    assert!(matches!(state, TransferState::Skipped { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");

    let (state, local, _) = download_over_existing(ExistsPolicy::Rename, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");
    assert_eq!(
        std::fs::read(local.path().join("f (1).txt")).unwrap(),
        b"new content from the server"
    );

    let (state, local, _) = download_over_existing(ExistsPolicy::OverwriteIfSizeDiffers, None);
    assert!(matches!(state, TransferState::Finished { .. }));
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap().len(), 27);

    // The local file was just written, so it is newer than the server's: kept.
    let (state, local, _) = download_over_existing(ExistsPolicy::OverwriteIfNewer, None);
    assert!(matches!(state, TransferState::Skipped { .. }), "{state:?}");
    assert_eq!(std::fs::read(local.path().join("f.txt")).unwrap(), b"old");
}

#[test]
fn ask_raises_a_prompt_and_obeys_the_answer() {
    let (state, local, rig) =
        download_over_existing(ExistsPolicy::Ask, Some((ExistsAction::Overwrite, false)));
    assert!(matches!(state, TransferState::Finished { .. }), "{state:?}");
    assert_eq!(
        std::fs::read(local.path().join("f.txt")).unwrap(),
        b"new content from the server"
    );
    let prompt = rig.transcript().iter().find_map(|e| match e {
        Event::Prompt {
            prompt:
                Prompt::FileExists {
                    source,
                    destination,
                    ..
                },
            ..
        } => Some((source.clone(), destination.clone())),
        _ => None,
    });
    let (source, destination) = prompt.expect("a file-exists prompt");
    assert_eq!((source.size, destination.size), (Some(27), Some(3)));

    let (state, _, _) =
        download_over_existing(ExistsPolicy::Ask, Some((ExistsAction::Cancel, false)));
    match state {
        TransferState::Failed(error) => assert_eq!(error.kind, ErrorKind::Exists),
        other => panic!("{other:?}"),
    }
}

#[test]
fn for_all_answers_apply_to_the_rest_of_the_queue() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for i in 0..4 {
        std::fs::write(server.path(&format!("f{i}")), b"server").unwrap();
        std::fs::write(local.path().join(format!("f{i}")), b"local").unwrap();
    }
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 1;
    rig.connect(site).unwrap();
    rig.on_prompt(|_| {
        Some(Answer::FileExists {
            action: ExistsAction::Skip,
            for_all: true,
        })
    });
    let requests = (0..4)
        .map(|i| {
            rig.request(
                Direction::Download,
                &local.path().join(format!("f{i}")),
                &format!("/f{i}"),
            )
        })
        .collect();
    let states = rig.transfer(requests);
    assert!(
        states
            .values()
            .all(|s| matches!(s, TransferState::Skipped { .. })),
        "{states:?}"
    );
    let prompts = rig
        .transcript()
        .iter()
        .filter(|e| matches!(e, Event::Prompt { .. }))
        .count();
    assert_eq!(prompts, 1);
}
