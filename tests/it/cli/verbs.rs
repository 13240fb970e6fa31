//! The verbs on remote files (`rm`, `mkdir`, `mv`, `chmod`, `quote`, `cat`, `stat`) against the
//! in-process server: the server's files on disk afterwards, stdout, the one line on stderr and
//! the exit status of each success and each refusal.

use std::path::Path;

use super::{ferry, url};
use crate::support::*;

/// Asserts a failure: non-zero status, nothing on stdout, one `ferry: ` line holding `expected`.
fn assert_fails(run: &Run, expected: &str) {
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("ferry: ") && lines[0].contains(expected),
        "{expected:?} not in {lines:?}"
    );
}

fn assert_ok(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn rm_deletes_a_file_and_a_folder_only_with_r() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    std::fs::write(server.path("a.txt"), b"a").unwrap();
    std::fs::create_dir_all(server.path("dir/sub")).unwrap();
    std::fs::write(server.path("dir/sub/f.txt"), b"f").unwrap();
    let rm = |args: &[&str]| {
        let mut all = vec!["rm"];
        all.extend_from_slice(args);
        ferry(&all, here.path(), &[])
    };

    assert_ok(&rm(&[&url(&server, "ftp", "a.txt")]));
    assert!(!server.path("a.txt").exists());

    assert_fails(&rm(&[&url(&server, "ftp", "dir")]), "is a folder (use -r");
    assert!(server.path("dir/sub/f.txt").exists());

    assert_fails(&rm(&[&url(&server, "ftp", "missing.txt")]), "550");
    assert_fails(&rm(&[&url(&server, "ftp", "")]), "names no file or folder");
    assert_fails(&rm(&["-r", &url(&server, "ftp", "%2F")]), "root folder");
    assert_fails(
        &rm(&["-r", &url(&server, "ftp", "dir/..")]),
        "names no file or folder",
    );

    assert_ok(&rm(&["-r", &url(&server, "ftp", "dir")]));
    assert!(!server.path("dir").exists());
    assert!(server.root.path().exists());
}

#[test]
fn mkdir_needs_the_parent_unless_p() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let mkdir = |args: &[&str]| {
        let mut all = vec!["mkdir"];
        all.extend_from_slice(args);
        ferry(&all, here.path(), &[])
    };

    assert_fails(&mkdir(&[&url(&server, "ftp", "a/b")]), "cannot create");
    assert!(!server.path("a").exists());

    assert_ok(&mkdir(&[&url(&server, "ftp", "one")]));
    assert!(server.path("one").is_dir());
    assert_fails(&mkdir(&[&url(&server, "ftp", "one")]), "cannot create");

    assert_ok(&mkdir(&["-p", &url(&server, "ftp", "a/b/c")]));
    assert!(server.path("a/b/c").is_dir());
    assert_ok(&mkdir(&["-p", &url(&server, "ftp", "a/b/c")]));
    assert_ok(&mkdir(&["-p", &url(&server, "ftp", "one/two")]));
    assert!(server.path("one/two").is_dir());

    std::fs::write(server.path("file"), b"x").unwrap();
    assert_fails(
        &mkdir(&["-p", &url(&server, "ftp", "file/x")]),
        "cannot create",
    );
    assert_eq!(std::fs::read(server.path("file")).unwrap(), b"x");
}

#[test]
fn mv_renames_relative_to_the_folder_and_keeps_an_existing_file_unless_forced() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(server.path("dir/into")).unwrap();
    std::fs::write(server.path("dir/a.txt"), b"a").unwrap();
    std::fs::write(server.path("dir/b.txt"), b"b").unwrap();
    let mv = |args: &[&str]| {
        let mut all = vec!["mv"];
        all.extend_from_slice(args);
        ferry(&all, here.path(), &[])
    };

    // Relative to URL's folder.
    assert_ok(&mv(&[&url(&server, "ftp", "dir/a.txt"), "c.txt"]));
    assert_eq!(std::fs::read(server.path("dir/c.txt")).unwrap(), b"a");
    // Into an existing folder, under its own name.
    assert_ok(&mv(&[&url(&server, "ftp", "dir/c.txt"), "into"]));
    assert_eq!(std::fs::read(server.path("dir/into/c.txt")).unwrap(), b"a");
    // Absolute.
    assert_ok(&mv(&[&url(&server, "ftp", "dir/into/c.txt"), "/top.txt"]));
    assert_eq!(std::fs::read(server.path("top.txt")).unwrap(), b"a");

    // An existing destination is kept...
    assert_fails(
        &mv(&[&url(&server, "ftp", "top.txt"), "dir/b.txt"]),
        "already exists (use --force",
    );
    assert_eq!(std::fs::read(server.path("dir/b.txt")).unwrap(), b"b");
    assert!(server.path("top.txt").exists());
    // ...unless forced.
    assert_ok(&mv(&[
        &url(&server, "ftp", "top.txt"),
        "dir/b.txt",
        "--force",
    ]));
    assert_eq!(std::fs::read(server.path("dir/b.txt")).unwrap(), b"a");
    assert!(!server.path("top.txt").exists());

    assert_fails(&mv(&[&url(&server, "ftp", "missing"), "x"]), "cannot move");
}

#[test]
fn chmod_takes_an_octal_mode_only() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    std::fs::write(server.path("f"), b"x").unwrap();
    for bad in ["u+x", "999", "12345", "0x1ff"] {
        let run = ferry(&["chmod", bad, &url(&server, "ftp", "f")], here.path(), &[]);
        assert_fails(&run, "is not an octal mode");
    }
    // The in-process server has no SITE CHMOD: its refusal is the error.
    let run = ferry(
        &["chmod", "644", &url(&server, "ftp", "f")],
        here.path(),
        &[],
    );
    assert_fails(&run, "cannot change the mode of /f");
}

#[test]
fn quote_prints_every_line_of_the_reply_and_fails_on_4xx_5xx() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    std::fs::create_dir(server.path("sub")).unwrap();
    let run = ferry(
        &["quote", &url(&server, "ftp", ""), "FEAT"],
        here.path(),
        &[],
    );
    assert_ok(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.len() > 2, "{lines:?}");
    assert!(lines[0].starts_with("211-") && lines.last().unwrap().starts_with("211 "));

    // In URL's folder.
    let run = ferry(
        &["quote", &url(&server, "ftp", "sub"), "PWD"],
        here.path(),
        &[],
    );
    assert_ok(&run);
    assert!(run.stdout.starts_with("257 \"/sub\""), "{}", run.stdout);

    let run = ferry(
        &["quote", &url(&server, "ftp", ""), "SITE", "NOSUCH"],
        here.path(),
        &[],
    );
    assert_ne!(run.code, 0);
    assert!(run.stdout.starts_with("50"), "{}", run.stdout);
    assert!(run.stderr.contains("refused SITE"), "{}", run.stderr);

    let run = ferry(
        &["quote", &url(&server, "ftp", ""), "NOOP\r\nDELE x"],
        here.path(),
        &[],
    );
    assert_fails(&run, "line break");
    let run = ferry(
        &["quote", &url(&server, "ftp", ""), "RETR", "x"],
        here.path(),
        &[],
    );
    assert_fails(&run, "needs a data connection");
}

/// Runs `ferry args...` like [`ferry`] but keeps stdout as bytes.
fn ferry_bytes(args: &[&str], cwd: &Path) -> (i32, Vec<u8>, String) {
    let config = tempfile::tempdir().unwrap();
    run_ferry_bytes(args, cwd, config.path(), &[])
}

#[test]
fn cat_writes_the_bytes_exactly_and_errors_only_on_stderr() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    let data = pattern(3_000_000, 5);
    std::fs::write(server.path("big.bin"), &data).unwrap();
    std::fs::write(server.path("crlf.txt"), b"a\r\nb\n\x00\xff").unwrap();
    std::fs::create_dir(server.path("dir")).unwrap();
    for mode in ["passive", "active"] {
        let (code, out, err) = ferry_bytes(
            &["cat", &url(&server, "ftp", "big.bin"), "--mode", mode],
            here.path(),
        );
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "{err}");
        assert_eq!(sha256(&out), sha256(&data), "{mode}");
    }
    let (code, out, _) = ferry_bytes(&["cat", &url(&server, "ftp", "crlf.txt")], here.path());
    assert_eq!(code, 0);
    assert_eq!(out, b"a\r\nb\n\x00\xff");

    for (path, expected) in [
        ("missing.bin", "550"),
        ("dir", "cannot read /dir"),
        ("dir/", "folder"),
    ] {
        let (code, out, err) = ferry_bytes(&["cat", &url(&server, "ftp", path)], here.path());
        assert_ne!(code, 0, "{path}");
        assert!(out.is_empty(), "{path}: {} bytes on stdout", out.len());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("ferry: ") && err.contains(expected),
            "{path}: {err}"
        );
    }
    assert_eq!(std::fs::read_dir(here.path()).unwrap().count(), 0);
}

#[test]
fn stat_prints_the_mlst_facts_one_a_line() {
    let server = Server::plain();
    let here = tempfile::tempdir().unwrap();
    std::fs::create_dir(server.path("dir")).unwrap();
    std::fs::write(server.path("dir/f.txt"), b"hello").unwrap();
    let run = ferry(
        &["stat", &url(&server, "ftp", "dir/f.txt")],
        here.path(),
        &[],
    );
    assert_ok(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.contains(&"type=file"), "{lines:?}");
    assert!(lines.contains(&"size=5"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("modify=2")), "{lines:?}");
    assert!(lines.last().unwrap().starts_with("path=") && lines.last().unwrap().ends_with("f.txt"));
    assert!(lines.iter().all(|l| {
        let (name, _) = l.split_once('=').unwrap();
        name == name.to_ascii_lowercase()
    }));

    let run = ferry(&["stat", &url(&server, "ftp", "dir")], here.path(), &[]);
    assert_ok(&run);
    assert!(
        run.stdout.lines().any(|l| l == "type=dir"),
        "{}",
        run.stdout
    );

    let run = ferry(&["stat", &url(&server, "ftp", "missing")], here.path(), &[]);
    assert_fails(&run, "cannot stat /missing");
}

#[test]
fn completions_and_the_man_page_are_printed() {
    let here = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = ferry(&["completions", shell], here.path(), &[]);
        assert_ok(&run);
        for verb in ["mkdir", "quote", "stat", "sites"] {
            assert!(run.stdout.contains(verb), "{shell}: {verb} missing");
        }
    }
    let run = ferry(&["completions", "tcsh"], here.path(), &[]);
    assert_ne!(run.code, 0);
    let run = ferry(&["man"], here.path(), &[]);
    assert_ok(&run);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH ferry"),
        "{}",
        &run.stdout[..200.min(run.stdout.len())]
    );
    for verb in ["chmod", "cat", "completions"] {
        assert!(
            run.stdout.contains(verb),
            "{verb} missing from the man page"
        );
    }
    let run = ferry(&["man", "--out-dir", "pages"], here.path(), &[]);
    assert_ok(&run);
    for page in [
        "ferry.1",
        "ferry-rm.1",
        "ferry-quote.1",
        "ferry-sites-list.1",
    ] {
        let text = std::fs::read_to_string(here.path().join("pages").join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let rm = std::fs::read_to_string(here.path().join("pages/ferry-rm.1")).unwrap();
    assert!(rm.contains("recursive") && rm.contains("trust"), "{rm}");
}

/// The verbs against the real servers of `tests/interop/run.sh` (which runs the ignored tests
/// named `interop`): vsftpd has no MLST (so `stat` falls back to the listing, SIZE and MDTM),
/// the others have it; all of them take SITE CHMOD.
#[test]
#[ignore = "needs the real servers started by tests/interop/run.sh"]
fn interop_verbs_on_real_servers() {
    use crate::support::real::{Real, Scratch};
    use std::os::unix::fs::PermissionsExt;
    for name in ["vsftpd", "pure-ftpd", "proftpd", "pyftpdlib"] {
        let real = Real::load(name);
        let scratch = Scratch::new(&real, "cli-verbs");
        let here = tempfile::tempdir().unwrap();
        let at = |path: &str| real.url("ftp", &format!("{}/{path}", scratch.name));
        let run = |args: &[&str]| ferry(args, here.path(), &[]);

        assert_ok(&run(&["mkdir", "-p", &at("a/b")]));
        assert!(scratch.path.join("a/b").is_dir(), "{name}");
        assert_fails(&run(&["mkdir", &at("x/y")]), "cannot create");

        assert_ok(&run(&["chmod", "750", &at("a")]));
        let mode = std::fs::metadata(scratch.path.join("a"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o750, "{name}");

        let data = pattern(700_000, 3);
        scratch.write("f.bin", &data);
        let (code, out, err) = ferry_bytes(&["cat", &at("f.bin")], here.path());
        assert_eq!((code, err.as_str()), (0, ""), "{name}");
        assert_eq!(sha256(&out), sha256(&data), "{name}");
        let (code, out, err) = ferry_bytes(&["cat", &at("a")], here.path());
        assert!(
            code != 0 && out.is_empty() && err.lines().count() == 1,
            "{name}: {err}"
        );

        let run_stat = run(&["stat", &at("f.bin")]);
        assert_ok(&run_stat);
        let facts: Vec<&str> = run_stat.stdout.lines().collect();
        assert!(facts.contains(&"type=file"), "{name}: {facts:?}");
        assert!(facts.contains(&"size=700000"), "{name}: {facts:?}");
        assert!(
            facts.iter().any(|f| f.starts_with("modify=20")),
            "{name}: {facts:?}"
        );
        let run_stat = run(&["stat", &at("a")]);
        assert!(
            run_stat.stdout.lines().any(|l| l == "type=dir"),
            "{name}: {}",
            run_stat.stdout
        );
        assert_fails(&run(&["stat", &at("missing")]), "cannot stat");

        scratch.write("g.bin", b"g");
        assert_fails(&run(&["mv", &at("f.bin"), "g.bin"]), "already exists");
        assert_eq!(std::fs::read(scratch.path.join("g.bin")).unwrap(), b"g");
        let forced = run(&["mv", &at("f.bin"), "g.bin", "--force"]);
        eprintln!(
            "{name}: mv --force onto an existing file: exit {} {}",
            forced.code, forced.stderr
        );
        if forced.code == 0 {
            assert_eq!(
                sha256_file(&scratch.path.join("g.bin")),
                sha256(&data),
                "{name}"
            );
        } else {
            assert_eq!(std::fs::read(scratch.path.join("g.bin")).unwrap(), b"g");
        }
        assert_ok(&run(&["mv", &at("g.bin"), "a/b"]));
        assert!(scratch.path.join("a/b/g.bin").is_file(), "{name}");

        let quoted = run(&["quote", &at("a"), "PWD"]);
        assert_ok(&quoted);
        assert!(
            quoted.stdout.starts_with("257 ") && quoted.stdout.contains("/a"),
            "{name}: {}",
            quoted.stdout
        );

        assert_fails(&run(&["rm", &at("a")]), "is a folder");
        assert_ok(&run(&["rm", "-r", &at("a")]));
        assert!(!scratch.path.join("a").exists(), "{name}");
    }
}

#[test]
fn the_verbs_take_saved_sites_with_paths_from_their_remote_folder() {
    use base64::Engine;
    let server = Server::plain();
    std::fs::create_dir(server.path("www")).unwrap();
    std::fs::write(server.path("www/index.html"), b"<html>").unwrap();
    let config = tempfile::tempdir().unwrap();
    let here = tempfile::tempdir().unwrap();
    let pass = base64::engine::general_purpose::STANDARD.encode(PASSWORD);
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n<FileZilla3><Servers>\
         <Folder expanded=\"1\">Clients\n<Server><Host>127.0.0.1</Host><Port>{}</Port>\
         <Protocol>0</Protocol><Type>0</Type><User>{USER}</User><Pass encoding=\"base64\">{pass}</Pass>\
         <Logontype>1</Logontype><Name>Docs</Name><RemoteDir>1 0 3 www</RemoteDir>Docs</Server>\
         </Folder></Servers></FileZilla3>\n",
        server.server.addr().port()
    );
    std::fs::write(here.path().join("sites.xml"), xml).unwrap();
    let pw = [("FERRY_PASSWORD", PASSWORD)];
    let run = |args: &[&str]| run_ferry(args, here.path(), config.path(), &pw);
    assert_ok(&run(&["sites", "import", "sites.xml"]));

    assert_ok(&run(&["mkdir", "-p", "site:Clients/Docs/a/b"]));
    assert!(server.path("www/a/b").is_dir());
    assert_ok(&run(&["mv", "site:Clients/Docs/index.html", "a"]));
    assert!(server.path("www/a/index.html").is_file());
    let (code, out, err) = run_ferry_bytes(
        &["cat", "site:Clients/Docs/a/index.html"],
        here.path(),
        config.path(),
        &[("FERRY_PASSWORD", PASSWORD)],
    );
    assert_eq!(
        (code, out.as_slice(), err.as_str()),
        (0, &b"<html>"[..], "")
    );
    let stat = run(&["stat", "site:Clients/Docs/a/index.html"]);
    assert_ok(&stat);
    assert!(stat.stdout.contains("size=6\n"), "{}", stat.stdout);
    assert_ok(&run(&["rm", "-r", "site:Clients/Docs/a"]));
    assert!(!server.path("www/a").exists());
    assert!(server.path("www").is_dir());
}

#[test]
fn stat_without_mlst_reads_the_listing_and_size() {
    use crate::support::fake::{FakeServer, Script};
    let script = Script {
        mlst: false,
        listing: std::sync::Arc::new(|| {
            b"-rw-r--r-- 1 u g 5 Nov 30  2025 f.txt\r\ndrwxr-xr-x 2 u g 4096 Nov 30  2025 sub\r\n"
                .to_vec()
        }),
        file: std::sync::Arc::new(b"hello".to_vec()),
        ..Script::default()
    };
    let server = RT.block_on(FakeServer::start(script));
    let here = tempfile::tempdir().unwrap();
    let at = |path: &str| format!("ftp://user:pw@127.0.0.1:{}/{path}", server.addr.port());
    let run = ferry(&["stat", &at("f.txt")], here.path(), &[]);
    assert_ok(&run);
    assert_eq!(run.stdout, "type=file\nsize=5\npath=/f.txt\n");
    let run = ferry(&["stat", &at("sub")], here.path(), &[]);
    assert_ok(&run);
    assert_eq!(run.stdout, "type=dir\npath=/sub\n");
    assert!(!server.received().iter().any(|c| c.starts_with("MLST")));
}
