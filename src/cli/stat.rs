//! `ferry stat URL`: the facts of one remote path, one `fact=value` a line. From `MLST` where the
//! server has it (the facts in the server's order, names lower-cased, values as sent), else from
//! the listing of the path's folder with `SIZE` and `MDTM` for a file; either way a last line
//! `path=...` names the path the facts are about.

use anyhow::{anyhow, bail};

use super::client::Client;
use super::verbs::remote_parent;
use crate::api::{EntryKind, OpOutput, Operation, TimePrecision};
use crate::common::paths::remote_basename;
use crate::common::url::FtpUrl;

/// The facts of the path the URL names (the login folder for none), printed on stdout.
pub(super) fn stat(client: &mut Client, url: &FtpUrl) -> anyhow::Result<()> {
    let path = client.path(url);
    let (facts, named) = if client.has_feature("MLST") {
        mlst(client, &path)?
    } else {
        (probe(client, &path)?, path)
    };
    for (fact, value) in facts {
        println!("{fact}={value}");
    }
    println!("path={named}");
    Ok(())
}

/// `MLST path`: its facts and the path the server names.
fn mlst(client: &mut Client, path: &str) -> anyhow::Result<(Vec<(String, String)>, String)> {
    let (code, text) = match client.op(Operation::Raw(format!("MLST {path}")))? {
        OpOutput::Reply { code, text } => (code, text),
        other => bail!("unexpected answer to MLST: {other:?}"),
    };
    if !(200..300).contains(&code) {
        let last = text.lines().last().unwrap_or_default();
        bail!("cannot stat {path}: the server replied {last}");
    }
    text.lines()
        .find(|line| line.starts_with(' '))
        .and_then(parse_facts_line)
        .ok_or_else(|| anyhow!("cannot read the server's MLST reply {text:?}"))
}

/// ` fact=value;fact=value; pathname` (RFC 3659) as its facts and the pathname.
fn parse_facts_line(line: &str) -> Option<(Vec<(String, String)>, String)> {
    let (facts, name) = line.trim_start_matches(' ').split_once(' ')?;
    let facts = facts
        .split(';')
        .filter(|fact| !fact.is_empty())
        .map(|fact| {
            let (name, value) = fact.split_once('=').unwrap_or((fact, ""));
            (name.to_ascii_lowercase(), value.to_string())
        })
        .collect();
    Some((facts, name.to_string()))
}

/// Without MLST: the type (and size and time when listed) from the listing of the folder,
/// `SIZE` and `MDTM` for a file where the server answers them.
fn probe(client: &mut Client, path: &str) -> anyhow::Result<Vec<(String, String)>> {
    let name = remote_basename(path);
    let listed = match remote_parent(path) {
        Some(folder) => client
            .entries(&folder)?
            .ok()
            .and_then(|entries| entries.into_iter().find(|e| e.name == name)),
        None => None,
    };
    let mut facts = Vec::new();
    let kind = match &listed {
        Some(entry) => entry.kind,
        None if client.is_folder(path)? => EntryKind::Dir,
        None => bail!("cannot stat {path}: no such file or folder"),
    };
    facts.push(("type".to_string(), type_fact(kind).to_string()));
    let mut size = listed.as_ref().and_then(|e| e.size);
    let mut modify = listed
        .as_ref()
        .and_then(|e| e.modified)
        .filter(|t| t.precision == TimePrecision::Second)
        .map(|t| t.time);
    if kind != EntryKind::Dir {
        if let Ok(OpOutput::Size(n)) = client.try_op(Operation::Size(path.to_string()))? {
            size = Some(n);
        }
        if let Ok(OpOutput::Time(t)) = client.try_op(Operation::Mdtm(path.to_string()))? {
            modify = Some(t.time);
        }
        if let Some(size) = size {
            facts.push(("size".to_string(), size.to_string()));
        }
    }
    if let Some(time) = modify {
        facts.push((
            "modify".to_string(),
            time.format("%Y%m%d%H%M%S").to_string(),
        ));
    }
    Ok(facts)
}

/// The MLST `type` fact for a listed kind.
fn type_fact(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Dir => "dir",
        EntryKind::Link => "OS.unix=symlink",
        EntryKind::Device => "OS.unix=chr",
        EntryKind::Other | EntryKind::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mlst_line_is_its_facts_and_the_path() {
        let (facts, path) =
            parse_facts_line(" Type=file;Size=3;modify=20261130084614; /dir/a b.txt").unwrap();
        assert_eq!(path, "/dir/a b.txt");
        let names: Vec<&str> = facts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["type", "size", "modify"]);
        assert_eq!(facts[1].1, "3");
        assert!(parse_facts_line(" nofacts").is_none());
    }
}
