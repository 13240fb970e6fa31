//! The headless command line (`ferry ls|get|put|rm|mkdir|mv|chmod|quote|cat|stat URL ...`,
//! `ferry mirror SOURCE DEST`, `ferry sites ...`, `ferry completions SHELL`, `ferry man`): parses
//! arguments, drives the same worker the desktop app uses through the engine's blocking driver,
//! answers its prompts on the terminal (or refuses them when there is none), and turns the
//! outcome into an exit status and one line on stderr.
//!
//! `args` is the grammar, `target` what a URL argument names, `client` the session driven for
//! `ls`/`get`/`put`, `verbs` and `stat` the other verbs on remote files, `mirror` the
//! tree comparison and `ferry mirror`, `answers` the
//! terminal's side of it, `progress` the live transfer lines of `--progress`, `sites` the site
//! manager's stores and `terminal` what is printed and asked.

mod answers;
mod args;
mod client;
mod mirror;
mod progress;
mod sites;
mod stat;
mod target;
mod terminal;
mod verbs;

use anyhow::{Context, bail};
use clap::CommandFactory;

pub use args::{Cli, CliCommand, Opts};
pub use sites::SitesCommand;
pub use terminal::format_entry;

use client::Client;
use target::Target;

use crate::common::url::FtpUrl;

/// Runs a parsed command line; the error is the one line printed on stderr.
pub fn run(command: CliCommand) -> anyhow::Result<()> {
    match command {
        CliCommand::Ls { url, opts } => {
            let target = Target::open(&url, &opts)?;
            let client = Client::connect(&target, opts.log)?;
            client.list(target.url.path)
        }
        CliCommand::Get {
            url,
            local,
            recursive,
            progress,
            opts,
        } => {
            let target = Target::open(&url, &opts)?;
            let mut client = Client::connect(&target, opts.log)?;
            client.show_progress(progress);
            client.get(&target.url, local, recursive, opts.ascii)
        }
        CliCommand::Put {
            local,
            url,
            recursive,
            progress,
            opts,
        } => put(&local, &url, recursive, progress, &opts),
        CliCommand::Rm {
            url,
            recursive,
            opts,
        } => on(&url, &opts, |client, url| verbs::rm(client, url, recursive)),
        CliCommand::Mkdir { url, parents, opts } => on(&url, &opts, |client, url| {
            verbs::mkdir(client, url, parents)
        }),
        CliCommand::Mv {
            url,
            to,
            force,
            opts,
        } => on(&url, &opts, |client, url| {
            verbs::mv(client, url, &to, force)
        }),
        CliCommand::Chmod { mode, url, opts } => {
            let mode = verbs::parse_mode(&mode)?;
            on(&url, &opts, |client, url| verbs::chmod(client, url, mode))
        }
        CliCommand::Quote { url, command, opts } => {
            let line = verbs::quote_line(&command)?;
            on(&url, &opts, |client, url| verbs::quote(client, url, &line))
        }
        CliCommand::Cat { url, opts } => on(&url, &opts, verbs::cat),
        CliCommand::Stat { url, opts } => on(&url, &opts, stat::stat),
        CliCommand::Mirror {
            source,
            dest,
            delete,
            dry_run,
            exclude,
            progress,
            opts,
        } => mirror::run(mirror::Mirror {
            source: &source,
            dest: &dest,
            delete,
            dry_run,
            exclude: &exclude,
            progress,
            opts: &opts,
        }),
        CliCommand::Sites { command } => sites::run(command),
        CliCommand::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "ferry", &mut std::io::stdout());
            Ok(())
        }
        CliCommand::Man { out_dir } => man(out_dir.as_deref()),
    }
}

fn put(
    local: &std::path::Path,
    url: &str,
    recursive: bool,
    progress: bool,
    opts: &Opts,
) -> anyhow::Result<()> {
    let target = Target::open(url, opts)?;
    if recursive && !local.is_dir() {
        bail!("{} is not a folder", local.display());
    }
    if !recursive && !local.is_file() {
        bail!("{} is not a file (use -r for a folder)", local.display());
    }
    let mut client = Client::connect(&target, opts.log)?;
    client.show_progress(progress);
    client.put(&target.url, local, recursive, opts.ascii)
}

/// The manual: ferry(1) on stdout, or every page (one per command) written into `out_dir`.
fn man(out_dir: Option<&std::path::Path>) -> anyhow::Result<()> {
    let command = Cli::command();
    match out_dir {
        None => clap_mangen::Man::new(command).render(&mut std::io::stdout().lock())?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(command, dir))
                .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
        }
    }
    Ok(())
}

/// Connects to what `url` names and runs `verb` on the session.
fn on(
    url: &str,
    opts: &Opts,
    verb: impl FnOnce(&mut Client, &FtpUrl) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let target = Target::open(url, opts)?;
    let mut client = Client::connect(&target, opts.log)?;
    verb(&mut client, &target.url)
}
