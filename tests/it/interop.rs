//! The interop suite: the engine and the command line against real servers started on loopback by
//! `tests/interop/run.sh` (vsftpd plain, explicit FTPS with `require_ssl_reuse=YES`, implicit
//! FTPS). Ignored in a plain `cargo test`; the script runs them with `--ignored`.

use std::path::Path;
use std::time::{Duration, Instant};

use ferry::*;

use crate::support::real::{Real, Scratch};
use crate::support::*;

fn scenarios(real: &Real, protocol: Protocol, mode: DataMode, label: &str) {
    let scratch = Scratch::new(real, label);
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    let info = rig
        .connect(real.site(protocol, mode))
        .unwrap_or_else(|e| panic!("{label}: {e}; {:#?}", rig.log_text()));
    assert_eq!(info.tls, protocol.is_tls());
    let dir = rig.abs(&scratch.name);

    // Listing.
    scratch.write("listed file.txt", b"abc");
    let entries = rig.list(&dir);
    assert!(
        entries
            .iter()
            .any(|e| e.name == "listed file.txt" && e.size == Some(3)),
        "{label}: {entries:?}"
    );

    // Put and get, checked by SHA-256.
    let data = pattern(3 * 1024 * 1024 + 5, 1);
    std::fs::write(local.path().join("up.bin"), &data).unwrap();
    rig.transfer_ok(rig.request(
        Direction::Upload,
        &local.path().join("up.bin"),
        &format!("{dir}/up.bin"),
    ));
    assert_eq!(
        sha256_file(&scratch.path.join("up.bin")),
        sha256(&data),
        "{label}"
    );
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("down.bin"),
        &format!("{dir}/up.bin"),
    ));
    assert_eq!(
        sha256_file(&local.path().join("down.bin")),
        sha256(&data),
        "{label}"
    );

    // mkdir, rename, delete, recursive delete.
    rig.run(Operation::Mkdir(format!("{dir}/made"))).unwrap();
    assert!(scratch.path.join("made").is_dir());
    rig.run(Operation::Chmod {
        path: format!("{dir}/made"),
        mode: 0o700,
    })
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(scratch.path.join("made"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "{label}: SITE CHMOD");
    let size = rig.run(Operation::Size(format!("{dir}/up.bin"))).unwrap();
    assert_eq!(size, OpOutput::Size(data.len() as u64));
    assert!(matches!(
        rig.run(Operation::Mdtm(format!("{dir}/up.bin"))).unwrap(),
        OpOutput::Time(_)
    ));
    rig.run(Operation::Rename {
        from: format!("{dir}/up.bin"),
        to: format!("{dir}/made/moved.bin"),
    })
    .unwrap();
    assert!(scratch.path.join("made/moved.bin").is_file());
    rig.run(Operation::Delete(format!("{dir}/listed file.txt")))
        .unwrap();
    assert!(!scratch.path.join("listed file.txt").exists());
    let error = rig
        .run(Operation::Delete(format!("{dir}/missing")))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Refused);
    rig.run(Operation::DeleteRecursive(format!("{dir}/made")))
        .unwrap();
    assert!(!scratch.path.join("made").exists(), "{label}");
    rig.disconnect();
}

fn modes(real: &Real, protocol: Protocol, name: &str) {
    for (mode, label) in [(DataMode::Passive, "passive"), (DataMode::Active, "active")] {
        scenarios(real, protocol, mode, &format!("{name}-{label}"));
    }
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_plain_in_both_modes() {
    modes(&Real::load("vsftpd"), Protocol::Ftp, "plain");
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_explicit_ftps_with_session_reuse_required() {
    modes(&Real::load("vsftpd"), Protocol::ExplicitTls, "ftpes");
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_implicit_ftps() {
    modes(
        &Real::load("vsftpd-implicit"),
        Protocol::ImplicitTls,
        "ftps",
    );
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_login_with_a_wrong_password_is_refused() {
    let real = Real::load("vsftpd");
    let mut site = real.site(Protocol::Ftp, DataMode::Passive);
    site.password = Secret::new("not the password");
    let mut rig = Rig::new();
    let error = rig.connect(site).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Login, "{error:?}");
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_certificate_prompt_and_trust() {
    let real = Real::load("vsftpd");
    let mut site = real.site(Protocol::ExplicitTls, DataMode::Passive);
    site.tls.pinned.clear();
    let mut rig = Rig::new();
    rig.on_prompt(|p| match p {
        Prompt::Certificate(_) => Some(Answer::Certificate(CertAnswer::Reject)),
        _ => None,
    });
    assert_eq!(
        rig.connect(site.clone()).unwrap_err().kind,
        ErrorKind::Certificate
    );
    let seen = rig.transcript().iter().find_map(|e| match e {
        Event::Prompt {
            prompt: Prompt::Certificate(info),
            ..
        } => Some(info.fingerprint.clone()),
        _ => None,
    });
    assert_eq!(seen.as_deref(), Some(real.get("FTP_CERT_SHA256")));

    let mut rig = Rig::new();
    rig.on_prompt(|p| match p {
        Prompt::Certificate(_) => Some(Answer::Certificate(CertAnswer::TrustOnce)),
        _ => None,
    });
    rig.connect(site).unwrap();
    rig.run(Operation::List(None)).unwrap();
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_resume_after_a_transfer_cut_at_half() {
    let real = Real::load("vsftpd");
    let scratch = Scratch::new(&real, "resume");
    let data = pattern(8 * 1024 * 1024, 2);
    scratch.write("big.bin", &data);
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("big.bin.part"), &data[..data.len() / 2]).unwrap();
    let mut site = real.site(Protocol::ExplicitTls, DataMode::Passive);
    site.on_exists = ExistsPolicy::Resume;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    rig.transfer_ok(rig.request(
        Direction::Download,
        &local.path().join("big.bin"),
        &rig.abs(&format!("{}/big.bin", scratch.name)),
    ));
    assert!(rig.has_log(LogKind::Command, &format!("REST {}", data.len() / 2)));
    assert_eq!(sha256_file(&local.path().join("big.bin")), sha256(&data));

    // Upload: the server holds the first half.
    scratch.write("half.bin", &data[..data.len() / 2]);
    rig.transfer_ok(rig.request(
        Direction::Upload,
        &local.path().join("big.bin"),
        &rig.abs(&format!("{}/half.bin", scratch.name)),
    ));
    assert_eq!(sha256_file(&scratch.path.join("half.bin")), sha256(&data));
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_file_exists_policies() {
    let real = Real::load("vsftpd");
    let scratch = Scratch::new(&real, "exists");
    scratch.write("f.txt", b"server copy");
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("f.txt"), b"local").unwrap();
    for (policy, expect_local, renamed) in [
        (ExistsPolicy::Skip, &b"local"[..], false),
        (ExistsPolicy::Rename, &b"local"[..], true),
        (ExistsPolicy::Overwrite, &b"server copy"[..], false),
    ] {
        let mut site = real.site(Protocol::Ftp, DataMode::Passive);
        site.on_exists = policy;
        let mut rig = Rig::new();
        rig.connect(site).unwrap();
        rig.transfer(vec![rig.request(
            Direction::Download,
            &local.path().join("f.txt"),
            &rig.abs(&format!("{}/f.txt", scratch.name)),
        )]);
        assert_eq!(
            std::fs::read(local.path().join("f.txt")).unwrap(),
            expect_local,
            "{policy:?}"
        );
        if renamed {
            let renamed = std::fs::read(local.path().join("f (1).txt")).unwrap();
            assert_eq!(renamed, b"server copy");
        }
    }
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_fifty_megabytes_through_the_command_line_in_both_modes_and_over_ftps() {
    let real = Real::load("vsftpd");
    let scratch = Scratch::new(&real, "cli50");
    let data = pattern(50 * 1024 * 1024, 3);
    let here = tempfile::tempdir().unwrap();
    std::fs::write(here.path().join("fifty.bin"), &data).unwrap();
    let fingerprint = real.get("FTP_CERT_SHA256").to_string();
    for (scheme, mode) in [
        ("ftp", "passive"),
        ("ftp", "active"),
        ("ftpes", "passive"),
        ("ftpes", "active"),
    ] {
        let remote = format!("{}/{scheme}-{mode}.bin", scratch.name);
        let started = Instant::now();
        let put = cli(
            &[
                "put",
                "fifty.bin",
                &real.url(scheme, &remote),
                "--mode",
                mode,
                "--trust",
                &fingerprint,
            ],
            here.path(),
        );
        assert!(
            put.status.success(),
            "{scheme} {mode}: {}",
            String::from_utf8_lossy(&put.stderr)
        );
        assert_eq!(
            sha256_file(&scratch.path.join(format!("{scheme}-{mode}.bin"))),
            sha256(&data)
        );
        let back = format!("back-{scheme}-{mode}.bin");
        let get = cli(
            &[
                "get",
                &real.url(scheme, &remote),
                &back,
                "--mode",
                mode,
                "--trust",
                &fingerprint,
            ],
            here.path(),
        );
        assert!(
            get.status.success(),
            "{scheme} {mode}: {}",
            String::from_utf8_lossy(&get.stderr)
        );
        assert_eq!(sha256_file(&here.path().join(&back)), sha256(&data));
        eprintln!(
            "{scheme} {mode}: 50 MB up and down in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
}

fn cli(args: &[&str], cwd: &Path) -> std::process::Output {
    let config = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(cwd)
        .env("FERRY_CONFIG_DIR", config.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs real servers: tests/interop/run.sh"]
fn vsftpd_lists_a_folder_of_100000_entries() {
    let real = Real::load("vsftpd");
    let scratch = Scratch::new(&real, "hundredk");
    for i in 0..100_000 {
        std::fs::File::create(scratch.path.join(format!("entry-{i:06}"))).unwrap();
    }
    let mut rig = Rig::new();
    rig.connect(real.site(Protocol::Ftp, DataMode::Passive))
        .unwrap();
    let started = Instant::now();
    let entries = rig.list(&scratch.name);
    let took = started.elapsed();
    assert_eq!(entries.len(), 100_000);
    eprintln!("100,000 entries listed in {:.2} s", took.as_secs_f64());
    assert!(took < Duration::from_secs(60));
}
