//! The journal kept from a live queue against the in-process server.

use std::time::{Duration, Instant};

use ferry::journal::{Feed, ItemState, SiteRef, Way, journal_path, load};
use ferry::*;

use crate::support::*;

/// A queue of three downloads held paused, followed by a feed; returns the rig and the feed.
fn paused_queue(
    server: &Server,
    local: &std::path::Path,
    data_dir: &std::path::Path,
) -> (Rig, Feed, Vec<TransferId>) {
    for name in ["a", "b", "c"] {
        std::fs::write(server.path(&format!("{name}.bin")), pattern(200_000, 4)).unwrap();
    }
    let mut rig = Rig::new();
    let site = server.site(Protocol::Ftp);
    let (mut feed, problem) = Feed::open(Some(journal_path(data_dir)));
    assert_eq!(problem, None);
    feed.add_session(rig.session(), SiteRef::quick(&site));
    rig.connect(site).unwrap();
    let session = rig.session();
    rig.send(Command::SetPaused {
        session,
        paused: true,
    });
    let requests: Vec<TransferRequest> = ["a", "b", "c"]
        .iter()
        .map(|n| {
            rig.request(
                Direction::Download,
                &local.join(format!("{n}.bin")),
                &format!("/{n}.bin"),
            )
        })
        .collect();
    let ids = requests.iter().map(|r| r.id).collect();
    rig.send(Command::Enqueue {
        session,
        transfers: requests,
    });
    while feed.items().len() < 3 {
        let event = rig.next(Duration::from_secs(10));
        feed.observe(&event);
    }
    (rig, feed, ids)
}

#[test]
fn the_journal_keeps_what_is_left_and_never_a_password() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (mut rig, mut feed, _) = paused_queue(&server, local.path(), data.path());
    assert_eq!(feed.flush(), None);
    let path = journal_path(data.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let password = server.site(Protocol::Ftp).password.expose().to_string();
    assert!(!password.is_empty() && !text.contains(&password), "{text}");
    let items = load(&path).items;
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|i| i.direction == Way::Download && i.state == ItemState::Waiting)
    );
    assert_eq!(items[0].remote, "/a.bin");
    assert_eq!(items[0].local, local.path().join("a.bin"));
    let site = items[0].site.quick_site().unwrap();
    assert!(site.ask_password && site.password.is_empty());

    // Finished transfers leave it; with nothing left, the journal is gone.
    let session = rig.session();
    rig.send(Command::SetPaused {
        session,
        paused: false,
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while !feed.items().is_empty() && Instant::now() < deadline {
        feed.observe(&rig.next(Duration::from_secs(10)));
    }
    assert!(feed.items().is_empty());
    assert_eq!(feed.flush(), None);
    assert!(!path.exists());
}

#[test]
fn writes_are_coalesced_and_progress_alone_writes_nothing() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (_rig, mut feed, ids) = paused_queue(&server, local.path(), data.path());
    let start = Instant::now();
    assert_eq!(feed.tick(start), None);
    assert_eq!(feed.writes(), 1);
    let session = SessionId(0);
    let progress = |id, done| Event::Transfer {
        session,
        id,
        state: TransferState::Progress {
            done,
            total: None,
            bytes_per_sec: 1,
        },
    };
    // The first progress marks it in progress: one change, written once the interval is over.
    for done in 0..1000 {
        feed.observe(&progress(ids[0], done));
        assert_eq!(feed.tick(start + Duration::from_millis(done / 10)), None);
    }
    assert_eq!(feed.writes(), 1);
    feed.tick(start + Duration::from_millis(600));
    assert_eq!(feed.writes(), 2);
    for done in 0..1000 {
        feed.observe(&progress(ids[0], done));
        feed.tick(start + Duration::from_secs(2));
    }
    assert_eq!(feed.writes(), 2, "progress alone changes nothing");
    let items = load(&journal_path(data.path())).items;
    assert_eq!(items[0].state, ItemState::InProgress);
}

#[test]
fn failures_stay_to_be_retried_but_cancelled_and_refused_names_leave() {
    let (mut feed, _) = Feed::open(None);
    let session = SessionId(7);
    feed.add_session(
        session,
        SiteRef::Saved {
            path: "Work/Box".to_string(),
        },
    );
    let event = |id: u64, state: TransferState| Event::Transfer {
        session,
        id: TransferId(id),
        state,
    };
    let queued = || TransferState::Queued {
        direction: Direction::Upload,
        local: "/home/u/f".into(),
        remote: "/f".to_string(),
        size: None,
        is_dir: false,
        parent: None,
    };
    let failed = |kind| {
        TransferState::Failed(ErrorReport {
            kind,
            message: "no".to_string(),
        })
    };
    let started = TransferState::Started {
        offset: 0,
        total: None,
    };
    for id in 1..=4 {
        feed.observe(&event(id, queued()));
    }
    feed.observe(&event(1, started.clone()));
    feed.observe(&event(1, failed(ErrorKind::Disconnected)));
    feed.observe(&event(2, failed(ErrorKind::Cancelled)));
    feed.observe(&event(3, failed(ErrorKind::Protocol)));
    feed.observe(&event(4, started));
    feed.observe(&event(4, failed(ErrorKind::Protocol)));
    let states: Vec<ItemState> = feed.items().into_iter().map(|i| i.state).collect();
    let kept = |message: &str| ItemState::Failed {
        message: message.to_string(),
    };
    assert_eq!(states, [kept("no"), kept("no")]);
    assert!(feed.items().iter().all(|i| i.direction == Way::Upload));
    // A session the journal was not told about is not journaled (its site is unknown).
    feed.observe(&Event::Transfer {
        session: SessionId(8),
        id: TransferId(9),
        state: queued(),
    });
    assert_eq!(feed.items().len(), 2);
}

#[test]
fn background_writes_land_in_order_and_flush_waits_for_the_last() {
    let data = tempfile::tempdir().unwrap();
    let path = journal_path(data.path());
    let (feed, _) = Feed::open(Some(path.clone()));
    let mut feed = feed.in_background();
    let session = SessionId(1);
    feed.add_session(
        session,
        SiteRef::Saved {
            path: "S".to_string(),
        },
    );
    let start = Instant::now();
    for id in 1..=50u64 {
        feed.observe(&Event::Transfer {
            session,
            id: TransferId(id),
            state: TransferState::Queued {
                direction: Direction::Download,
                local: format!("/tmp/{id}").into(),
                remote: format!("/{id}"),
                size: None,
                is_dir: false,
                parent: None,
            },
        });
        assert_eq!(feed.tick(start + Duration::from_millis(id * 20)), None);
    }
    assert_eq!(feed.flush(), None);
    assert_eq!(load(&path).items.len(), 50);
    assert!(feed.writes() <= 4, "{} writes", feed.writes());
}
