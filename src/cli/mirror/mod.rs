//! `ferry mirror SOURCE DEST`: makes a local folder like a remote one or the other way round.
//! Both trees are read (`tree`), compared (`compare`, a pure function), and the plan is printed
//! (`--dry-run`) or carried out: folders created, files queued on the engine as individual
//! transfers (parallel connections and resumption as for `get`/`put`), then, with `--delete`,
//! what the source lacks removed. One summary line; a non-zero exit when anything failed.

mod compare;
mod tree;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use super::args::Opts;
use super::client::Client;
use super::target::Target;
use crate::api::{
    Direction, ExistsPolicy, LocalTarget, Operation, TransferId, TransferRequest, TransferState,
};
use crate::common::paths::join_remote;
use compare::{How, Node, Plan, Tree, compare};
use tree::{Filter, local_path, local_path_from_remote, local_tree, remote_tree};

/// What `ferry mirror` was asked.
pub(super) struct Mirror<'a> {
    pub(super) source: &'a str,
    pub(super) dest: &'a str,
    pub(super) delete: bool,
    pub(super) dry_run: bool,
    pub(super) exclude: &'a [String],
    /// `--progress`: live transfer lines on a terminal.
    pub(super) progress: bool,
    pub(super) opts: &'a Opts,
}

/// A URL or `site:` names the remote side; anything else is a local path.
fn is_remote(text: &str) -> bool {
    crate::sites::is_site_url(text) || text.contains("://")
}

/// Where the two sides are: the local folder and the absolute remote one.
struct Sides<'a> {
    download: bool,
    /// Transfers in ASCII mode (`--ascii`).
    ascii: bool,
    local: &'a Path,
    remote: String,
}

impl Sides<'_> {
    fn remote_path(&self, relative: &str) -> String {
        if relative.is_empty() {
            self.remote.clone()
        } else {
            join_remote(&self.remote, relative)
        }
    }

    /// The plan's word for a transfer.
    fn verb(&self) -> &'static str {
        if self.download { "get" } else { "put" }
    }
}

/// How the mirror went.
#[derive(Default)]
struct Outcome {
    transferred: usize,
    deleted: usize,
    up_to_date: usize,
    failures: Vec<String>,
}

pub(super) fn run(args: Mirror) -> anyhow::Result<()> {
    let download = is_remote(args.source);
    if download == is_remote(args.dest) {
        bail!("mirror needs one local folder and one URL (or site:), in either order");
    }
    let (remote_text, local) = if download {
        (args.source, args.dest)
    } else {
        (args.dest, args.source)
    };
    let local = Path::new(local);
    let filter = Filter::new(args.exclude)?;
    let target = Target::open(remote_text, args.opts)?;
    if (!download || local.exists()) && !local.is_dir() {
        bail!("{} is not a folder", local.display());
    }
    let mut client = Client::connect(&target, args.opts.log)?;
    client.show_progress(args.progress);
    let sides = Sides {
        download,
        ascii: args.opts.ascii,
        local,
        remote: client.path(&target.url),
    };
    let (plan, root_missing, sizes) = read(&mut client, &sides, &filter, args.delete)?;
    if args.dry_run {
        return print_plan(&sides, &plan, root_missing);
    }
    carry_out(&mut client, &sides, &plan, root_missing, &sizes)
}

/// The sizes of the server's files as its listing gave them: a download of one needs no SIZE.
type Sizes = std::collections::BTreeMap<String, u64>;

/// Reads both trees and compares them: the plan, whether the destination's top folder is
/// missing, and the server's file sizes for a download.
fn read(
    client: &mut Client,
    sides: &Sides,
    filter: &Filter,
    delete: bool,
) -> anyhow::Result<(Plan, bool, Sizes)> {
    let remote_exists = client.is_folder(&sides.remote)?;
    if sides.download && !remote_exists {
        bail!("{} is not a folder on the server", sides.remote);
    }
    let remote = if remote_exists {
        remote_tree(client, &sides.remote, filter, sides.download)?
    } else {
        Tree::new()
    };
    let local_exists = sides.local.is_dir();
    let local = if local_exists {
        local_tree(sides.local, filter)?
    } else {
        Tree::new()
    };
    Ok(if sides.download {
        let sizes = remote
            .iter()
            .filter_map(|(path, node)| match node {
                Node::File(file) => file.size.map(|size| (path.clone(), size)),
                Node::Dir => None,
            })
            .collect();
        (compare(&remote, &local, delete, true), !local_exists, sizes)
    } else {
        let plan = compare(&local, &remote, delete, false);
        (plan, !remote_exists, Sizes::new())
    })
}

/// Folders, transfers, deletions; the summary line, and the failures as the error.
fn carry_out(
    client: &mut Client,
    sides: &Sides,
    plan: &Plan,
    root_missing: bool,
    sizes: &Sizes,
) -> anyhow::Result<()> {
    let mut outcome = Outcome {
        up_to_date: plan.up_to_date,
        ..Outcome::default()
    };
    for path in &plan.conflicts {
        outcome.failures.push(format!(
            "{path} is a file on one side and a folder on the other"
        ));
    }
    // The transfer connections log in while the folders are made.
    client.warm_up(plan.transfers.len());
    make_folders(client, sides, plan, root_missing)?;
    // Deletions on the server run on the browsing connection after the transfers: it stays.
    if sides.download || plan.deletes.is_empty() {
        client.hand_over();
    }
    transfer(client, sides, plan, sizes, &mut outcome)?;
    for (path, dir) in &plan.deletes {
        match delete(client, sides, path, *dir) {
            Ok(()) => outcome.deleted += 1,
            Err(e) => outcome.failures.push(format!("{e:#}")),
        }
    }
    println!(
        "{} transferred, {} deleted, {} up to date",
        outcome.transferred, outcome.deleted, outcome.up_to_date
    );
    let mut failures = outcome.failures;
    match failures.len() {
        0 => Ok(()),
        1 => Err(client.explain(failures.remove(0))),
        n => Err(client.explain(format!(
            "{n} actions failed; the first: {}",
            failures.remove(0)
        ))),
    }
}

/// The plan, one action a line on stdout: `mkdir PATH`, `get PATH` or `put PATH`, `rm PATH`
/// (a file), `rmdir PATH` (a folder and everything in it); paths relative to the top, which is
/// `.`. A path that is a file on one side and a folder on the other is `conflict PATH`.
fn print_plan(sides: &Sides, plan: &Plan, root_missing: bool) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if root_missing {
        writeln!(out, "mkdir .")?;
    }
    for path in &plan.mkdirs {
        writeln!(out, "mkdir {path}")?;
    }
    for (path, _) in &plan.transfers {
        writeln!(out, "{} {path}", sides.verb())?;
    }
    for (path, dir) in &plan.deletes {
        writeln!(out, "{} {path}", if *dir { "rmdir" } else { "rm" })?;
    }
    for path in &plan.conflicts {
        writeln!(out, "conflict {path}")?;
    }
    out.flush()?;
    Ok(())
}

/// The destination's top folder when missing, then each folder the source has and it lacks.
fn make_folders(
    client: &mut Client,
    sides: &Sides,
    plan: &Plan,
    root_missing: bool,
) -> anyhow::Result<()> {
    let top = root_missing.then_some(String::new());
    for relative in top.iter().chain(&plan.mkdirs) {
        if sides.download {
            let path = local_path_from_remote(sides.local, relative)?;
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
        } else {
            let path = sides.remote_path(relative);
            client
                .op(Operation::Mkdir(path.clone()))
                .with_context(|| format!("cannot create {path}"))?;
        }
    }
    Ok(())
}

/// Queues every file of the plan as a transfer of its own and waits for the queue.
fn transfer(
    client: &mut Client,
    sides: &Sides,
    plan: &Plan,
    sizes: &Sizes,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    if plan.transfers.is_empty() {
        return Ok(());
    }
    let requests: Vec<TransferRequest> = plan
        .transfers
        .iter()
        .map(|(relative, how)| {
            let size = sizes.get(relative).copied();
            request(client.next_id(), sides, relative, *how, size)
        })
        .collect::<anyhow::Result<_>>()?;
    let ran = client.queue(requests)?;
    for state in ran.last.values() {
        match state {
            TransferState::Finished { .. } => outcome.transferred += 1,
            TransferState::Skipped { .. } => outcome.up_to_date += 1,
            _ => {}
        }
    }
    for (id, error) in &ran.failed {
        let what = ran.queued(*id).map_or(String::new(), |q| q.remote.clone());
        outcome.failures.push(format!(
            "{} of {what} failed: {}",
            if sides.download { "download" } else { "upload" },
            super::answers::hint(error)
        ));
    }
    Ok(())
}

/// The transfer of one file: a missing or interrupted one resumes (a download's `.part` file,
/// a shorter destination), a different one is written anew.
fn request(
    id: u64,
    sides: &Sides,
    relative: &str,
    how: How,
    size: Option<u64>,
) -> anyhow::Result<TransferRequest> {
    let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let local = if sides.download {
        LocalTarget::Into {
            folder: local_path_from_remote(sides.local, folder)?,
            name: name.to_string(),
        }
    } else {
        LocalTarget::Path(local_path(sides.local, relative))
    };
    Ok(TransferRequest {
        id: TransferId(id),
        direction: if sides.download {
            Direction::Download
        } else {
            Direction::Upload
        },
        local,
        remote: sides.remote_path(relative),
        recursive: false,
        ascii: sides.ascii,
        size,
        on_exists: Some(match how {
            // A destination the scan just showed missing (and, for a download, no `.part`
            // file either): nothing to look at before writing it.
            How::New | How::Replace => ExistsPolicy::Overwrite,
            How::Unfinished | How::Continue => ExistsPolicy::Resume,
        }),
    })
}

/// Removes one file, or a folder and everything in it, from the destination.
fn delete(client: &mut Client, sides: &Sides, relative: &str, dir: bool) -> anyhow::Result<()> {
    if sides.download {
        let path = local_path(sides.local, relative);
        let removed = if dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        return removed.with_context(|| format!("cannot remove {}", path.display()));
    }
    let path = sides.remote_path(relative);
    let op = if dir {
        Operation::DeleteRecursive(path.clone())
    } else {
        Operation::Delete(path.clone())
    };
    client
        .op(op)
        .with_context(|| format!("cannot remove {path}"))?;
    Ok(())
}
