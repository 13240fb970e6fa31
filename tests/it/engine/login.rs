//! Logging in: the session log as FileZilla shows it (password masked), anonymous logon,
//! a wrong password, and sites that ask for their password.

use ferry::*;

use crate::support::*;

#[test]
fn login_logs_the_session_like_filezilla_with_the_password_masked() {
    let server = Server::plain();
    let mut rig = Rig::new();
    let info = rig.connect(server.site(Protocol::Ftp)).unwrap();
    assert_eq!(info.cwd, "/");
    assert!(!info.tls);
    rig.run(Operation::Noop).unwrap();
    rig.disconnect();

    let log = rig.log_text();
    for expected in [
        "Status:\tConnecting to 127.0.0.1:",
        "Response:\t220 ",
        "Command:\tUSER ferry",
        "Command:\tPASS ********",
        "Response:\t230",
        "Command:\tFEAT",
        "Command:\tTYPE I",
        "Command:\tPWD",
        "Command:\tNOOP",
    ] {
        assert!(
            log.iter().any(|l| l.starts_with(expected)),
            "no {expected:?} in {log:#?}"
        );
    }
    let everything = format!("{:?}", rig.transcript());
    assert!(
        !everything.contains(PASSWORD),
        "the password leaked into an event"
    );
    assert!(
        !everything.contains("s3cret"),
        "part of the password leaked"
    );
}

#[test]
fn anonymous_login_and_the_welcome_message() {
    let server = Server::start_with(|cfg| {
        cfg.anonymous = true;
        cfg.greeting = "Welcome to the Ferry test server";
    });
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.user = String::new();
    site.password = Secret::default();
    let info = rig.connect(site).unwrap();
    assert!(
        info.welcome.contains("Welcome to the Ferry test server"),
        "{info:?}"
    );
    assert!(rig.has_log(LogKind::Command, "USER anonymous"));
    assert!(
        info.features.iter().any(|f| f.starts_with("MLST")),
        "{info:?}"
    );
}

#[test]
fn a_wrong_password_is_a_login_error() {
    let server = Server::plain();
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::new("wrong");
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Login, "{error:?}");
    assert!(rig.has_log(LogKind::Error, "login refused"));
}

fn password_prompts(rig: &Rig) -> Vec<(String, String)> {
    rig.transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Prompt {
                prompt: Prompt::Password { host, user },
                ..
            } => Some((host.clone(), user.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn an_ask_for_password_site_asks_once_for_the_session_and_its_transfers() {
    let server = Server::plain();
    std::fs::write(server.path("one.bin"), pattern(300_000, 1)).unwrap();
    std::fs::write(server.path("two.bin"), pattern(300_000, 2)).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.on_prompt(|prompt| match prompt {
        Prompt::Password { .. } => Some(Answer::Password(Some(Secret::new(PASSWORD)))),
        _ => None,
    });
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;
    site.parallel = 2;
    rig.connect(site).unwrap();
    for name in ["one.bin", "two.bin"] {
        let request = rig.request(Direction::Download, &local.path().join(name), name);
        rig.transfer_ok(request);
    }
    assert_eq!(
        password_prompts(&rig),
        vec![("127.0.0.1".to_string(), "ferry".to_string())]
    );
    assert_eq!(
        std::fs::read(local.path().join("two.bin")).unwrap(),
        pattern(300_000, 2)
    );
    assert!(!format!("{:?}", rig.transcript()).contains(PASSWORD));
}

#[test]
fn an_ask_for_password_site_fails_clearly_when_the_user_gives_none_or_a_wrong_one() {
    let server = Server::plain();
    let mut site = server.site(Protocol::Ftp);
    site.password = Secret::default();
    site.ask_password = true;

    let mut rig = Rig::new();
    rig.on_prompt(|_| Some(Answer::Password(None)));
    let error = rig.connect(site.clone()).unwrap_err();
    assert!(
        error
            .message
            .contains("no password was given for ferry@127.0.0.1"),
        "{error:?}"
    );
    assert!(!rig.has_log(LogKind::Command, "USER"));

    let mut rig = Rig::new();
    rig.on_prompt(|_| Some(Answer::Password(Some(Secret::new("wrong")))));
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Login, "{error:?}");
}
