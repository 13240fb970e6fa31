//! The headless command line (`ferry ls|get|put URL ...`, `ferry sites ...`): parses
//! arguments, drives the same worker the desktop app uses through the engine's blocking driver,
//! answers its prompts on the terminal (or refuses them when there is none), and turns the
//! outcome into an exit status and one line on stderr.
//!
//! `args` is the grammar, `target` what a URL argument names, `client` the session driven for
//! `ls`/`get`/`put`, `answers` the terminal's side of it, `sites` the site manager's stores and
//! `terminal` what is printed and asked.

mod answers;
mod args;
mod client;
mod sites;
mod target;
mod terminal;

use anyhow::bail;

pub use args::{Cli, CliCommand, Opts};
pub use sites::SitesCommand;
pub use terminal::format_entry;

use client::Client;
use target::Target;

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
            opts,
        } => {
            let target = Target::open(&url, &opts)?;
            let client = Client::connect(&target, opts.log)?;
            client.get(&target.url, local, recursive, opts.ascii)
        }
        CliCommand::Put {
            local,
            url,
            recursive,
            opts,
        } => {
            let target = Target::open(&url, &opts)?;
            if recursive && !local.is_dir() {
                bail!("{} is not a folder", local.display());
            }
            if !recursive && !local.is_file() {
                bail!("{} is not a file (use -r for a folder)", local.display());
            }
            let client = Client::connect(&target, opts.log)?;
            client.put(&target.url, &local, recursive, opts.ascii)
        }
        CliCommand::Sites { command } => sites::run(command),
    }
}
