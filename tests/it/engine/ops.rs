//! Operations on the browsing connection (rename, delete, size, raw commands) and the
//! keep-alive.

use std::time::Duration;

use ferry::*;

use crate::support::*;

#[test]
fn directory_operations_rename_delete_size_and_raw() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("tree/a/b")).unwrap();
    std::fs::write(server.path("tree/a/b/f.txt"), b"x").unwrap();
    std::fs::write(server.path("tree/top.txt"), b"hello").unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();

    rig.run(Operation::Mkdir("/made".into())).unwrap();
    assert!(server.path("made").is_dir());
    assert_eq!(
        rig.run(Operation::Cwd("/made".into())).unwrap(),
        OpOutput::Path("/made".into())
    );
    assert_eq!(
        rig.run(Operation::Cdup).unwrap(),
        OpOutput::Path("/".into())
    );
    rig.run(Operation::Rmdir("/made".into())).unwrap();
    assert!(!server.path("made").exists());

    rig.run(Operation::Rename {
        from: "/tree/top.txt".into(),
        to: "/tree/renamed.txt".into(),
    })
    .unwrap();
    assert!(server.path("tree/renamed.txt").is_file());
    assert_eq!(
        rig.run(Operation::Size("/tree/renamed.txt".into()))
            .unwrap(),
        OpOutput::Size(5)
    );
    assert!(matches!(
        rig.run(Operation::Mdtm("/tree/renamed.txt".into()))
            .unwrap(),
        OpOutput::Time(_)
    ));
    rig.run(Operation::Delete("/tree/renamed.txt".into()))
        .unwrap();
    assert!(!server.path("tree/renamed.txt").exists());

    let missing = rig.run(Operation::Delete("/nope".into())).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::Refused);

    rig.run(Operation::DeleteRecursive("/tree".into())).unwrap();
    assert!(!server.path("tree").exists());

    match rig.run(Operation::Raw("NOOP".into())).unwrap() {
        OpOutput::Reply { code, .. } => assert_eq!(code, 200),
        other => panic!("{other:?}"),
    }
    let refused = rig.run(Operation::Raw("RETR x".into())).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Invalid);
    let smuggled = rig
        .run(Operation::Raw("NOOP\r\nDELE x".into()))
        .unwrap_err();
    assert_eq!(smuggled.kind, ErrorKind::Invalid);
}

#[test]
fn keepalive_sends_noop_while_idle_and_only_when_enabled() {
    let server = Server::plain();
    for keepalive in [Some(Duration::from_millis(200)), None] {
        let mut rig = Rig::new();
        let mut site = server.site(Protocol::Ftp);
        site.keepalive = keepalive;
        rig.connect(site).unwrap();
        std::thread::sleep(Duration::from_millis(1000));
        rig.run(Operation::Pwd).unwrap();
        assert_eq!(rig.has_log(LogKind::Command, "NOOP"), keepalive.is_some());
    }
}
