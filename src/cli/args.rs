//! The command line's grammar: the clap types for `ferry [URL]`, `ferry ls|get|put URL ...` and
//! `ferry sites ...`, and the options that override a site's settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::sites::SitesCommand;
use crate::api::{Charset, DataMode, ExistsPolicy, PortRange};

#[derive(Parser, Debug)]
#[command(
    name = "ferry",
    version,
    about = "Ferry: a fast, safe FTP/FTPS client. Without a command it opens the desktop app.",
    after_help = "URL: ftp://[user[:password]@]host[:port]/path   ftpes:// explicit FTPS   ftps:// implicit FTPS\n\
                  The path is relative to the login folder; start it with %2F (or //) for an absolute path.\n\
                  Password: from the URL, else $FERRY_PASSWORD, else asked on the terminal.\n\
                  Or a saved site: site:FOLDER/NAME[/PATH] (the site's settings; PATH relative to its remote\n\
                  folder, or absolute after //; password from the system keyring, else as above).\n\
                  Either way the global settings (settings.json, the app's Settings window) fill in what\n\
                  the site does not set, and the options of ls, get and put override both."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Open the app connected to a built-in demo server over sample files
    #[arg(long)]
    pub demo: bool,
    /// Open the app connected to this URL (or `site:FOLDER/NAME[/PATH]`)
    pub url: Option<String>,
    /// Open the app connected to this saved site (FOLDER/NAME, as `ferry sites list` prints)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["url", "demo"])]
    pub site: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CliCommand {
    /// List a directory: one line per entry (type, size, modified, name)
    Ls {
        url: String,
        #[command(flatten)]
        opts: Opts,
    },
    /// Download a file; with -r, a directory's contents into LOCAL (created if missing)
    Get {
        url: String,
        local: Option<PathBuf>,
        #[arg(short, long)]
        recursive: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Upload a file; with -r, a directory's contents into URL (created if missing)
    Put {
        local: PathBuf,
        url: String,
        #[arg(short, long)]
        recursive: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// The site manager's sites: list them, import FileZilla's, export them to FileZilla
    Sites {
        #[command(subcommand)]
        command: SitesCommand,
    },
}

#[derive(Args, Debug, Clone)]
pub struct Opts {
    /// Data connection mode [default: auto, or a site's own]
    #[arg(long, value_enum)]
    pub(super) mode: Option<ModeArg>,
    /// Transfers that run at once, each on its own connection (1-10) [default: a site's own, else
    /// the global setting (2)]
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub(super) parallel: Option<u8>,
    /// What to do when the destination exists (default: the global setting, which is to ask on a
    /// terminal, else fail)
    #[arg(long, value_enum)]
    pub(super) on_exists: Option<ExistsArg>,
    /// Print the session log to stderr, one line per event: kind, a tab, the text
    #[arg(long)]
    pub(super) log: bool,
    /// Accept the certificate with this SHA-256 fingerprint (hex, colons optional, any case)
    #[arg(long, value_name = "FINGERPRINT")]
    pub(super) trust: Vec<String>,
    /// Accept any certificate (logged as an Error line)
    #[arg(long)]
    pub(super) insecure: bool,
    /// Active mode: announce this IPv4 address in PORT (your router's public address)
    #[arg(long, value_name = "IPV4")]
    pub(super) external_ip: Option<std::net::Ipv4Addr>,
    /// Active mode: listen on a port from this range (one your router forwards)
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_port_range)]
    pub(super) active_ports: Option<PortRange>,
    /// Passive mode: use PASV only, never EPSV
    #[arg(long)]
    pub(super) no_epsv: bool,
    /// Passive mode: connect to the address the server's 227 reply announces, not the server's
    #[arg(long)]
    pub(super) trust_pasv_address: bool,
    /// Transfer in ASCII mode (line endings converted) instead of binary
    #[arg(long)]
    pub(super) ascii: bool,
    /// Timeout in seconds for each step (connect, reply, data connection, inactivity) [default:
    /// the global setting (20)]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(super) timeout: Option<u64>,
    /// The character set of the server's file names: auto, utf-8, or a label such as latin-1,
    /// windows-1251, shift_jis, gbk [default: a site's own, else auto]
    #[arg(long, value_name = "NAME", value_parser = parse_charset)]
    pub(super) charset: Option<Charset>,
}

fn parse_charset(text: &str) -> Result<Charset, String> {
    text.parse()
}

fn parse_port_range(text: &str) -> Result<PortRange, String> {
    PortRange::parse(text).ok_or_else(|| format!("{text:?} is not a port range like 50000-50100"))
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum ModeArg {
    Auto,
    Passive,
    Active,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum ExistsArg {
    Overwrite,
    Newer,
    Size,
    Resume,
    Rename,
    Skip,
}

impl ModeArg {
    pub(super) fn mode(self) -> DataMode {
        match self {
            ModeArg::Auto => DataMode::Auto,
            ModeArg::Passive => DataMode::Passive,
            ModeArg::Active => DataMode::Active,
        }
    }
}

impl ExistsArg {
    pub(super) fn policy(self) -> ExistsPolicy {
        match self {
            ExistsArg::Overwrite => ExistsPolicy::Overwrite,
            ExistsArg::Newer => ExistsPolicy::OverwriteIfNewer,
            ExistsArg::Size => ExistsPolicy::OverwriteIfSizeDiffers,
            ExistsArg::Resume => ExistsPolicy::Resume,
            ExistsArg::Rename => ExistsPolicy::Rename,
            ExistsArg::Skip => ExistsPolicy::Skip,
        }
    }
}
