//! The regression guard of the speed issue: commands sent per file in a recursive transfer of
//! many small files, counted in the wire log (work, not seconds): a change that adds a
//! command per file fails here.

use std::collections::BTreeMap;

use ferry::{Direction, Event, LogKind, Protocol, TransferRequest};

use crate::support::{Rig, Server, pattern};

const FOLDERS: usize = 2;
const PER_FOLDER: usize = 10;

/// The verbs of the commands sent after `from` in the transcript, counted.
fn verbs_since(rig: &Rig, from: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for event in &rig.transcript()[from..] {
        if let Event::Log(line) = event
            && line.kind == LogKind::Command
        {
            let verb = line.text.split(' ').next().unwrap_or("").to_string();
            *counts.entry(verb).or_insert(0) += 1;
        }
    }
    counts
}

/// Runs `requests` to the end (each must finish) and counts the commands they sent.
fn verbs_of_transfer(rig: &mut Rig, requests: Vec<TransferRequest>) -> BTreeMap<String, usize> {
    let from = rig.transcript().len();
    let states = rig.transfer(requests);
    Rig::assert_all_finished(&states);
    verbs_since(rig, from)
}

#[test]
fn commands_per_small_file() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let tree = local.path().join("tree");
    for f in 0..FOLDERS {
        std::fs::create_dir_all(tree.join(format!("d{f}"))).unwrap();
        for i in 0..PER_FOLDER {
            let name = tree.join(format!("d{f}/f{i}.txt"));
            std::fs::write(name, pattern(4096, i as u64)).unwrap();
        }
    }
    let mut rig = Rig::new();
    let mut site = server.site(Protocol::Ftp);
    site.parallel = 1;
    rig.connect(site).unwrap();

    let mut up = rig.request(Direction::Upload, &tree, "/up");
    up.recursive = true;
    let up = verbs_of_transfer(&mut rig, vec![up]);
    // Per file: the data connection, the file, and the size check after it. Nothing asks
    // whether a file exists in a folder the upload just created.
    assert_eq!(
        per_file(&up),
        [("EPSV", FILES), ("SIZE", FILES), ("STOR", FILES)],
        "{up:?}"
    );
    assert_eq!(up.get("MKD"), Some(&(FOLDERS + 1)), "{up:?}");
    assert_at_most_once_per_folder(&up);

    let back = local.path().join("back");
    let mut down = rig.request(Direction::Download, &back, "/up");
    down.recursive = true;
    let down = verbs_of_transfer(&mut rig, vec![down]);
    // Per file: the data connection and the file; the size comes from the folder's listing.
    // (EPSV: one per file and one per folder listing.)
    assert_eq!(down.get("RETR"), Some(&FILES), "{down:?}");
    assert_eq!(down.get("EPSV"), Some(&(FILES + FOLDERS + 1)), "{down:?}");
    assert_eq!(down.get("SIZE"), None, "{down:?}");
    assert_at_most_once_per_folder(&down);
}

const FILES: usize = FOLDERS * PER_FOLDER;

/// An upload that overwrites whatever is there does not ask first whether it is there
/// (`ferry mirror` queues each missing file so): only the size check after it.
#[test]
fn an_overwriting_upload_does_not_ask_whether_the_file_exists() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let mut requests = Vec::new();
    for i in 0..PER_FOLDER {
        let file = local.path().join(format!("f{i}.txt"));
        std::fs::write(&file, pattern(4096, i as u64)).unwrap();
        let mut up = rig.request(Direction::Upload, &file, &format!("/f{i}.txt"));
        up.on_exists = Some(ferry::ExistsPolicy::Overwrite);
        requests.push(up);
    }
    let up = verbs_of_transfer(&mut rig, requests);
    assert_eq!(
        per_file_of(&up, PER_FOLDER),
        [
            ("EPSV", PER_FOLDER),
            ("SIZE", PER_FOLDER),
            ("STOR", PER_FOLDER)
        ],
        "{up:?}"
    );
    for i in 0..PER_FOLDER {
        let sent = std::fs::read(server.path(&format!("f{i}.txt"))).unwrap();
        assert_eq!(sent, pattern(4096, i as u64));
    }
}

/// The counts of the verbs sent once per file.
fn per_file(verbs: &BTreeMap<String, usize>) -> Vec<(&str, usize)> {
    per_file_of(verbs, FILES)
}

/// The counts of the verbs sent at least once per file of `files`.
fn per_file_of(verbs: &BTreeMap<String, usize>, files: usize) -> Vec<(&str, usize)> {
    verbs
        .iter()
        .filter(|(_, n)| **n >= files)
        .map(|(verb, n)| (verb.as_str(), *n))
        .collect()
}

/// Every verb but the per-file ones is sent at most once per folder (listing, CWD, MKD...).
fn assert_at_most_once_per_folder(verbs: &BTreeMap<String, usize>) {
    for (verb, n) in verbs {
        if !matches!(verb.as_str(), "EPSV" | "SIZE" | "STOR" | "RETR") {
            assert!(
                *n <= FOLDERS + 1,
                "{verb} sent {n} times for {FOLDERS} folders: {verbs:?}"
            );
        }
    }
}

/// A download whose size the front end's listing gave (`ferry mirror` passes its listing's)
/// asks the server nothing before RETR.
#[test]
fn a_download_with_its_listed_size_sends_no_size() {
    let server = Server::plain();
    let local = tempfile::tempdir().unwrap();
    for i in 0..PER_FOLDER {
        std::fs::write(server.path(&format!("f{i}.txt")), pattern(4096, i as u64)).unwrap();
    }
    let mut rig = Rig::new();
    rig.connect(server.site(Protocol::Ftp)).unwrap();
    let requests = (0..PER_FOLDER)
        .map(|i| {
            let file = local.path().join(format!("f{i}.txt"));
            let mut down = rig.request(Direction::Download, &file, &format!("/f{i}.txt"));
            down.size = Some(4096);
            down
        })
        .collect();
    let down = verbs_of_transfer(&mut rig, requests);
    assert_eq!(
        per_file_of(&down, PER_FOLDER),
        [("EPSV", PER_FOLDER), ("RETR", PER_FOLDER)],
        "{down:?}"
    );
    for i in 0..PER_FOLDER {
        let got = std::fs::read(local.path().join(format!("f{i}.txt"))).unwrap();
        assert_eq!(got, pattern(4096, i as u64));
    }
}
