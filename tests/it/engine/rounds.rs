//! The regression guard of the speed issue: commands sent per file in a recursive transfer of
//! many small files, counted in the wire log (work, not seconds): a change that adds a
//! command per file fails here.

use std::collections::BTreeMap;

use ferry::{Direction, Event, LogKind, Protocol};

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

    let from = rig.transcript().len();
    let mut up = rig.request(Direction::Upload, &tree, "/up");
    up.recursive = true;
    let states = rig.transfer(vec![up]);
    Rig::assert_all_finished(&states);
    let up = verbs_since(&rig, from);
    // Per file: the data connection, the file, and the size check after it. Nothing asks
    // whether a file exists in a folder the upload just created.
    assert_eq!(
        per_file(&up),
        [("EPSV", FILES), ("SIZE", FILES), ("STOR", FILES)],
        "{up:?}"
    );
    assert_eq!(up.get("MKD"), Some(&(FOLDERS + 1)), "{up:?}");
    assert_at_most_once_per_folder(&up);

    let from = rig.transcript().len();
    let back = local.path().join("back");
    let mut down = rig.request(Direction::Download, &back, "/up");
    down.recursive = true;
    let states = rig.transfer(vec![down]);
    Rig::assert_all_finished(&states);
    let down = verbs_since(&rig, from);
    // Per file: the data connection and the file; the size comes from the folder's listing.
    // (EPSV: one per file and one per folder listing.)
    assert_eq!(down.get("RETR"), Some(&FILES), "{down:?}");
    assert_eq!(down.get("EPSV"), Some(&(FILES + FOLDERS + 1)), "{down:?}");
    assert_eq!(down.get("SIZE"), None, "{down:?}");
    assert_at_most_once_per_folder(&down);
}

const FILES: usize = FOLDERS * PER_FOLDER;

/// The counts of the verbs sent once per file.
fn per_file(verbs: &BTreeMap<String, usize>) -> Vec<(&str, usize)> {
    verbs
        .iter()
        .filter(|(_, n)| **n >= FILES)
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
