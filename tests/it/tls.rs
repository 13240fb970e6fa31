//! Explicit FTPS against the in-process server: the certificate prompt and each answer, trust
//! that persists per host and port, pinned fingerprints, `--insecure`, and PROT P transfers.

use ferry::demo::server::ServerTls;
use ferry::*;

use crate::support::*;

fn answer_certificates(rig: &mut Rig, answer: CertAnswer) {
    rig.on_prompt(move |prompt| match prompt {
        Prompt::Certificate(_) => Some(Answer::Certificate(answer)),
        _ => None,
    });
}

fn certificate_prompts(rig: &Rig) -> Vec<CertificateInfo> {
    rig.transcript()
        .iter()
        .filter_map(|e| match e {
            Event::Prompt {
                prompt: Prompt::Certificate(info),
                ..
            } => Some(info.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_untrusted_certificate_is_asked_about_and_rejecting_it_ends_the_session() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::Reject);
    let error = rig.connect(server.site(Protocol::ExplicitTls)).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Certificate, "{error:?}");
    assert!(error.message.contains(&server.fingerprint()), "{error:?}");
    let prompts = certificate_prompts(&rig);
    assert_eq!(prompts.len(), 1);
    let info = &prompts[0];
    assert_eq!(info.fingerprint, server.fingerprint());
    assert_eq!(
        (info.host.as_str(), info.port),
        ("127.0.0.1", server.server.addr().port())
    );
    assert!(info.reason.contains("self-signed"), "{info:?}");
    assert!(!info.subject.is_empty() && !info.issuer.is_empty());
    assert!(!info.not_before.is_empty() && !info.not_after.is_empty());
}

#[test]
fn trusting_once_secures_listing_and_transfers_without_asking_again() {
    let server = Server::start(ServerTls::Explicit);
    let data = pattern(2 * 1024 * 1024, 5);
    std::fs::write(server.path("secret.bin"), &data).unwrap();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::TrustOnce);
    let mut site = server.site(Protocol::ExplicitTls);
    site.parallel = 2;
    let info = rig.connect(site).unwrap();
    assert!(info.tls);
    for expected in ["AUTH TLS", "PBSZ 0", "PROT P"] {
        assert!(rig.has_log(LogKind::Command, expected), "no {expected}");
    }
    assert!(rig.list("/").iter().any(|e| e.name == "secret.bin"));
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("secret.bin"),
        "/secret.bin",
    ));
    assert_eq!(sha256_file(&local.path().join("secret.bin")), sha256(&data));
    rig.transfer_ok(rig.request(
        Direction::Upload,
        &local.path().join("secret.bin"),
        "/copy.bin",
    ));
    assert_eq!(sha256_file(&server.path("copy.bin")), sha256(&data));
    assert_eq!(
        certificate_prompts(&rig).len(),
        1,
        "transfer connections reuse the answer"
    );

    // "Once" is not remembered by a new worker.
    let mut again = Rig::with_config(rig.config);
    answer_certificates(&mut again, CertAnswer::Reject);
    assert!(again.connect(server.site(Protocol::ExplicitTls)).is_err());
}

#[test]
fn trusting_always_is_remembered_per_host_and_port() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::TrustAlways);
    rig.connect(server.site(Protocol::ExplicitTls)).unwrap();
    rig.disconnect();
    let stored =
        std::fs::read_to_string(rig.config.path().join("trusted-certificates.json")).unwrap();
    assert!(stored.contains(&server.fingerprint()));
    assert!(stored.contains(&format!("127.0.0.1:{}", server.server.addr().port())));

    let mut again = Rig::with_config(rig.config);
    answer_certificates(&mut again, CertAnswer::Reject);
    again.connect(server.site(Protocol::ExplicitTls)).unwrap();
    assert!(certificate_prompts(&again).is_empty());
}

/// A certificate that differs from the one trusted "always" for the same host and port is not
/// the ordinary first-meeting question: the prompt carries the old fingerprint, and the warning
/// names both.
#[test]
fn a_changed_certificate_is_a_loud_warning_naming_both_fingerprints() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::TrustAlways);
    rig.connect(server.site(Protocol::ExplicitTls)).unwrap();
    let first = certificate_prompts(&rig);
    assert_eq!(first.len(), 1);
    assert!(first[0].previously_trusted.is_empty());
    assert_eq!(first[0].change_warning(), None);
    rig.disconnect();
    // The server now presents another certificate than the one trusted always.
    let store = rig.config.path().join("trusted-certificates.json");
    let old = "AB:".repeat(31) + "AB";
    let text = std::fs::read_to_string(&store).unwrap();
    std::fs::write(&store, text.replace(&server.fingerprint(), &old)).unwrap();

    let mut again = Rig::with_config(rig.config);
    answer_certificates(&mut again, CertAnswer::Reject);
    assert_eq!(
        again
            .connect(server.site(Protocol::ExplicitTls))
            .unwrap_err()
            .kind,
        ErrorKind::Certificate
    );
    let prompts = certificate_prompts(&again);
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].previously_trusted, vec![old.clone()]);
    let warning = prompts[0].change_warning().expect("a loud warning");
    assert!(warning.contains("CHANGED") && warning.contains("intercept"));
    assert!(warning.contains(&old) && warning.contains(&server.fingerprint()));
}

#[test]
fn a_pinned_fingerprint_is_accepted_without_a_prompt() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::Reject);
    let mut site = server.site(Protocol::ExplicitTls);
    site.tls.pinned = vec![server.fingerprint().replace(':', "").to_lowercase()];
    rig.connect(site).unwrap();
    assert!(certificate_prompts(&rig).is_empty());

    let mut wrong = Rig::new();
    answer_certificates(&mut wrong, CertAnswer::Reject);
    let mut site = server.site(Protocol::ExplicitTls);
    site.tls.pinned = vec!["AA".repeat(32)];
    assert_eq!(
        wrong.connect(site).unwrap_err().kind,
        ErrorKind::Certificate
    );
}

#[test]
fn insecure_accepts_any_certificate_and_says_so() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::ExplicitTls);
    site.tls.insecure = true;
    rig.connect(site).unwrap();
    assert!(certificate_prompts(&rig).is_empty());
    assert!(rig.has_log(LogKind::Error, "Certificate verification is disabled"));
}

#[test]
fn explicit_tls_to_a_server_without_tls_is_a_clear_error() {
    let server = Server::plain();
    let mut rig = Rig::new();
    let error = rig.connect(server.site(Protocol::ExplicitTls)).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Tls, "{error:?}");
    assert!(
        error.message.contains("does not support FTP over TLS"),
        "{error:?}"
    );
}

#[test]
fn tls_if_available_falls_back_to_plain_only_when_auth_is_refused_and_warns() {
    let server = Server::plain();
    std::fs::write(server.path("plain.txt"), b"in the clear").unwrap();
    let mut rig = Rig::new();
    let info = rig
        .connect(server.site(Protocol::ExplicitTlsIfAvailable))
        .unwrap();
    assert!(!info.tls, "{info:?}");
    assert!(rig.has_log(LogKind::Command, "AUTH TLS"));
    assert!(rig.has_log(LogKind::Error, "continuing WITHOUT encryption"));
    let names: Vec<String> = rig.list("/").into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"plain.txt".to_string()), "{names:?}");
}

#[test]
fn tls_if_available_uses_tls_when_offered_and_never_falls_back_on_a_rejected_certificate() {
    let server = Server::start(ServerTls::Explicit);
    let mut rig = Rig::new();
    answer_certificates(&mut rig, CertAnswer::Reject);
    let error = rig
        .connect(server.site(Protocol::ExplicitTlsIfAvailable))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Certificate, "{error:?}");
    assert!(!rig.has_log(LogKind::Error, "WITHOUT encryption"));

    let mut rig = Rig::new();
    let mut site = server.site(Protocol::ExplicitTlsIfAvailable);
    site.tls.pinned.push(server.fingerprint());
    let info = rig.connect(site).unwrap();
    assert!(info.tls, "{info:?}");
    assert!(!rig.has_log(LogKind::Error, "WITHOUT encryption"));
}
