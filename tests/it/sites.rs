//! The site manager from the command line: `ferry sites list|import|export`, `site:` paths
//! wherever a URL goes (against the in-process server), a broken `sites.json` kept and
//! explained, and no password in any file Ferry wrote. Hermetic runs turn the keyring off
//! (`FERRY_KEYRING=none`); the `keyring_real` tests (ignored here) use the real Secret Service
//! under `tests/keyring/run.sh`.

use std::path::{Path, PathBuf};

use base64::Engine;

use crate::support::*;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/filezilla/sitemanager.xml"
);

/// A FileZilla file with the in-process server as `Clients/Acme Web` (normal logon, base64
/// password) and `Clients/Docs` (remote folder `/www`).
fn sitemanager_for(server: &Server) -> String {
    let port = server.server.addr().port();
    let pass = base64::engine::general_purpose::STANDARD.encode(PASSWORD);
    let site = |name: &str, remote: &str| {
        format!(
            "<Server><Host>127.0.0.1</Host><Port>{port}</Port><Protocol>6</Protocol><Type>0</Type>\
             <User>{USER}</User><Pass encoding=\"base64\">{pass}</Pass><Logontype>1</Logontype>\
             <PasvMode>MODE_DEFAULT</PasvMode><Name>{name}</Name><RemoteDir>{remote}</RemoteDir>\
             {name}</Server>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\n<FileZilla3 version=\"3.66.4\" \
         platform=\"*nix\"><Servers><Folder expanded=\"1\">Clients\n{}{}</Folder></Servers></FileZilla3>\n",
        site("Acme Web", ""),
        site("Docs", "1 0 3 www")
    )
}

/// Every regular file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => out.push(path),
                _ => {}
            }
        }
    }
    out
}

/// Asserts that none of `secrets` (nor their base64) appears in any file under `dirs`;
/// returns how many files were searched.
fn assert_nowhere(dirs: &[&Path], secrets: &[&str]) -> usize {
    let mut needles: Vec<Vec<u8>> = Vec::new();
    for secret in secrets {
        needles.push(secret.as_bytes().to_vec());
        needles.push(
            base64::engine::general_purpose::STANDARD
                .encode(secret)
                .trim_end_matches('=')
                .as_bytes()
                .to_vec(),
        );
    }
    let mut searched = 0;
    for dir in dirs {
        for file in files_under(dir) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            searched += 1;
            for needle in &needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                    "{} holds a password ({:?})",
                    file.display(),
                    String::from_utf8_lossy(needle)
                );
            }
        }
    }
    searched
}

#[test]
fn sites_list_import_and_export_through_the_binary() {
    let config = tempfile::tempdir().unwrap();
    let here = tempfile::tempdir().unwrap();
    let run = run_ferry(&["sites", "list"], here.path(), config.path(), &[]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);

    let run = run_ferry(
        &["sites", "import", FIXTURE],
        here.path(),
        config.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "10 sites in 3 new folders imported; 0 passwords saved to the keyring; 3 not saved \
         (the system keyring is not available (turned off by FERRY_KEYRING=none)): those sites \
         ask for their password\n"
    );
    assert_eq!(run.stderr.lines().count(), 8, "{}", run.stderr);
    assert!(
        run.stderr.lines().all(|l| l.starts_with("warning: ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("SFTP is not supported"),
        "{}",
        run.stderr
    );

    let run = run_ferry(&["sites", "list"], here.path(), config.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{lines:#?}");
    for expected in [
        "Example\tftpes-if-available\tftp.example.com\talice",
        "Clients/Acme Web\tftpes\tftp.acme.example\tacme-deploy",
        "Clients/Acme Secure (ask)\tftps\tsecure.acme.example\tbob",
        "Clients/Légacy & Old ☃/Plain interactive\tftp\told.example.org\tcarol",
        "Clients/Légacy & Old ☃/Anonymous mirror\tftp\tmirror.example.org\t",
        "Problems/Minimal (2)\tftpes-if-available\tftp.acme.example\t",
    ] {
        assert!(lines.contains(&expected), "{expected:?} not in {lines:#?}");
    }

    let exported = here.path().join("exported.xml");
    let run = run_ferry(
        &["sites", "export", exported.to_str().unwrap()],
        here.path(),
        config.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("10 sites in 3 folders exported to "),
        "{}",
        run.stdout
    );
    let xml = std::fs::read_to_string(&exported).unwrap();
    assert!(xml.contains("<FileZilla3") && xml.contains("<Name>Acme Web</Name>"));
    assert!(!xml.contains("<Pass"), "{xml}");

    // Importing the export into a fresh config gives the same list.
    let other = tempfile::tempdir().unwrap();
    let run = run_ferry(
        &["sites", "import", exported.to_str().unwrap()],
        here.path(),
        other.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = run_ferry(&["sites", "list"], here.path(), other.path(), &[]);
    assert_eq!(again.stdout.lines().collect::<Vec<_>>(), lines);

    let searched = assert_nowhere(
        &[config.path(), here.path(), other.path()],
        &["alice-pass", "Pässwörd ✓ 🔑 acme", "plain-text secret"],
    );
    assert!(searched >= 4, "only {searched} files searched");
}

#[test]
fn a_site_path_works_wherever_a_url_does() {
    let server = Server::plain();
    std::fs::create_dir_all(server.path("www/sub")).unwrap();
    std::fs::write(server.path("www/index.html"), b"<html>acme</html>").unwrap();
    let config = tempfile::tempdir().unwrap();
    let here = tempfile::tempdir().unwrap();
    let xml = here.path().join("sitemanager.xml");
    std::fs::write(&xml, sitemanager_for(&server)).unwrap();
    let run = run_ferry(
        &["sites", "import", xml.to_str().unwrap()],
        here.path(),
        config.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::remove_file(&xml).unwrap();
    let pw = [("FERRY_PASSWORD", PASSWORD)];

    // The longest site path wins, the rest is the remote path.
    let run = run_ferry(
        &["ls", "site:Clients/Acme Web/www"],
        here.path(),
        config.path(),
        &pw,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{}", run.stdout);
    assert!(
        names.contains(&"index.html") && names.contains(&"sub"),
        "{names:?}"
    );
    // A site's remote folder is where its paths start.
    let run = run_ferry(
        &["ls", "site:Clients/Docs", "--log"],
        here.path(),
        config.path(),
        &pw,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(" index.html\n"), "{}", run.stdout);
    assert!(
        run.stderr.contains("Command:\tPASS ********"),
        "{}",
        run.stderr
    );

    let run = run_ferry(
        &[
            "get",
            "site:Clients/Acme Web/www/index.html",
            "--mode",
            "active",
        ],
        here.path(),
        config.path(),
        &pw,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(here.path().join("index.html")).unwrap(),
        b"<html>acme</html>"
    );

    std::fs::write(here.path().join("new.txt"), b"uploaded").unwrap();
    let run = run_ferry(
        &["put", "new.txt", "site:Clients/Docs/sub/"],
        here.path(),
        config.path(),
        &pw,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(server.path("www/sub/new.txt")).unwrap(),
        b"uploaded"
    );

    // Imported without a keyring, the site asks; without a password: one line saying what to do.
    let run = run_ferry(
        &["ls", "site:Clients/Acme Web"],
        here.path(),
        config.path(),
        &[],
    );
    assert_ne!(run.code, 0);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("ferry: no password was given for ferry@127.0.0.1")
            && run
                .stderr
                .contains("set $FERRY_PASSWORD or run on a terminal"),
        "{}",
        run.stderr
    );
    let run = run_ferry(
        &["ls", "site:Clients/Acme Wbe"],
        here.path(),
        config.path(),
        &pw,
    );
    assert_ne!(run.code, 0);
    assert_eq!(
        run.stderr,
        "ferry: no site is named \"Clients/Acme Wbe\"; did you mean \"Clients/Acme Web\"?\n"
    );

    // Nothing Ferry wrote holds the password.
    let searched = assert_nowhere(&[config.path(), here.path()], &[PASSWORD]);
    assert!(searched >= 4, "only {searched} files searched");
}

#[test]
fn a_broken_sites_file_is_explained_and_kept() {
    let config = tempfile::tempdir().unwrap();
    let here = tempfile::tempdir().unwrap();
    let path = config.path().join("sites.json");
    let broken =
        "{\n  \"version\": 1,\n  \"sites\": [ {\"folder\": {\"id\": \"x\", \"name\": 7}} ]\n}\n";
    std::fs::write(&path, broken).unwrap();
    for args in [
        vec!["sites", "list"],
        vec!["sites", "import", FIXTURE],
        vec!["ls", "site:Anything/at all"],
    ] {
        let run = run_ferry(&args, here.path(), config.path(), &[]);
        assert_ne!(run.code, 0, "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("ferry: {} line 3, column ", path.display())),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("invalid type: integer `7`"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    let left: Vec<_> = std::fs::read_dir(config.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "sites.json" && n != "sites.lock")
        .collect();
    assert!(left.is_empty(), "{left:?}");

    std::fs::write(&path, "{\"version\": 3, \"sites\": []}").unwrap();
    let run = run_ferry(&["sites", "list"], here.path(), config.path(), &[]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("format version 3, from a newer Ferry"),
        "{}",
        run.stderr
    );
}

/// The real OS keyring (run by `tests/keyring/run.sh` under a private D-Bus session with
/// gnome-keyring): `cargo test --test it -- --ignored keyring_real`.
mod keyring_real {
    use ferry::sites::{Keyring, NodeId};

    use super::*;

    fn real_keyring() -> Keyring {
        let keyring = Keyring::system();
        assert_eq!(
            keyring.unavailable_reason(),
            None,
            "no keyring: {keyring:?}"
        );
        keyring
    }

    #[test]
    #[ignore = "needs a Secret Service: tests/keyring/run.sh"]
    fn keyring_real_stores_reads_and_deletes_a_password() {
        let keyring = real_keyring();
        let id = NodeId::generate();
        assert_eq!(keyring.get(&id), Err(ferry::sites::KeyringError::NotFound));
        keyring
            .set(&id, &ferry::Secret::new("real Pässword ✓"))
            .unwrap();
        assert_eq!(keyring.get(&id).unwrap().expose(), "real Pässword ✓");
        keyring.set(&id, &ferry::Secret::new("changed")).unwrap();
        assert_eq!(keyring.get(&id).unwrap().expose(), "changed");
        keyring.delete(&id).unwrap();
        assert!(!keyring.has(&id).unwrap());
        keyring.delete(&id).unwrap();
    }

    #[test]
    #[ignore = "needs a Secret Service: tests/keyring/run.sh"]
    fn keyring_real_import_then_connect_by_site_path() {
        let keyring = real_keyring();
        let server = Server::plain();
        std::fs::create_dir_all(server.path("www")).unwrap();
        std::fs::write(server.path("www/index.html"), b"x").unwrap();
        let config = tempfile::tempdir().unwrap();
        let here = tempfile::tempdir().unwrap();
        let xml = here.path().join("sitemanager.xml");
        std::fs::write(&xml, sitemanager_for(&server)).unwrap();
        let with_keyring = [("FERRY_KEYRING", "")];
        let run = run_ferry(
            &["sites", "import", xml.to_str().unwrap()],
            here.path(),
            config.path(),
            &with_keyring,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("2 passwords saved to the keyring")
                && !run.stdout.contains("not saved"),
            "{}",
            run.stdout
        );
        std::fs::remove_file(&xml).unwrap();

        // No $FERRY_PASSWORD and no terminal: the password can only come from the keyring.
        let run = run_ferry(
            &["ls", "site:Clients/Acme Web/www"],
            here.path(),
            config.path(),
            &with_keyring,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains(" index.html"), "{}", run.stdout);

        let mut dirs: Vec<&Path> = vec![config.path(), here.path()];
        // The keyring daemon's own files live under the private HOME run.sh made.
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if let Some(home) = home.as_deref()
            && home.starts_with(std::env::temp_dir())
        {
            dirs.push(home);
        }
        let searched = assert_nowhere(&dirs, &[PASSWORD]);
        assert!(searched >= 3, "only {searched} files searched");

        let store = ferry::sites::SiteStore::load(config.path()).unwrap();
        let ids: Vec<NodeId> = store
            .tree()
            .sites()
            .iter()
            .map(|r| r.site.id.clone())
            .collect();
        assert_eq!(ids.len(), 2);
        for id in &ids {
            assert_eq!(keyring.get(id).unwrap().expose(), PASSWORD);
        }
        keyring.forget(&ids).unwrap();
    }
}

#[test]
fn the_app_flag_site_names_a_saved_site_and_an_unknown_one_is_a_clear_error() {
    let config = tempfile::tempdir().unwrap();
    let run = run_ferry(
        &["--site", "Clients/Nobody"],
        config.path(),
        config.path(),
        &[],
    );
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("no site is named \"Clients/Nobody\""),
        "{}",
        run.stderr
    );
}
