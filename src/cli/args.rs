//! The command line's grammar: the clap types for `ferry [URL]`, `ferry ls|get|put URL ...`, the
//! verbs on remote files (`rm`, `mkdir`, `mv`, `chmod`, `quote`, `cat`, `stat`), `ferry sites
//! ...`, `ferry mirror SOURCE DEST`, `ferry completions SHELL` and `ferry man`, and the options that override a site's
//! settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::sites::SitesCommand;
use crate::api::{Charset, DataMode, ExistsPolicy, PortRange, Proxy, TransferType, VerifyMode};

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
                  the site does not set, and the options of each command override both."
)]
#[command(args_conflicts_with_subcommands = true, disable_version_flag = true)]
pub struct Cli {
    /// Print the version (with --verbose: the renderers and the one the app last drew with)
    #[arg(short = 'V', long)]
    pub version: bool,
    /// With --version: more about this build
    #[arg(long, requires = "version")]
    pub verbose: bool,
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
        /// On a terminal: one live line per transfer and a total (nothing without one)
        #[arg(long)]
        progress: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Upload a file; with -r, a directory's contents into URL (created if missing)
    Put {
        local: PathBuf,
        url: String,
        #[arg(short, long)]
        recursive: bool,
        /// On a terminal: one live line per transfer and a total (nothing without one)
        #[arg(long)]
        progress: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Delete a file; with -r, a folder and everything in it
    Rm {
        url: String,
        /// Delete a folder and everything in it
        #[arg(short, long)]
        recursive: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Create a folder (its parent must exist)
    Mkdir {
        url: String,
        /// Create each missing parent too; a folder that exists already is fine
        #[arg(short, long)]
        parents: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Rename or move a file or folder on the same server (RNFR/RNTO)
    Mv {
        url: String,
        /// The new path: absolute (starting with /), or relative to the folder URL is in; an
        /// existing folder receives it under its own name
        to: String,
        /// Replace a file that exists at TO (without it, an existing TO is an error)
        #[arg(short, long)]
        force: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Change a file's or folder's permissions (SITE CHMOD)
    Chmod {
        /// Octal mode: 644, 0755, 4755...
        #[arg(id = "octal_mode", value_name = "MODE")]
        mode: String,
        url: String,
        #[command(flatten)]
        opts: Opts,
    },
    /// Send one raw command (after login, in URL's folder); the reply on stdout, exit status 1
    /// when it is 4xx/5xx. Options go before COMMAND
    Quote {
        url: String,
        /// The command and its arguments, joined with spaces
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
        #[command(flatten)]
        opts: Opts,
    },
    /// Write a remote file to stdout, byte for byte
    Cat {
        url: String,
        #[command(flatten)]
        opts: Opts,
    },
    /// Show a file's or folder's facts (MLST), one fact=value a line
    Stat {
        url: String,
        #[command(flatten)]
        opts: Opts,
    },
    /// Make DEST like SOURCE: one a local folder, the other a URL (or site:), in either order
    ///
    /// Transfers what is missing or differs (size, or a newer source), continues interrupted
    /// transfers, and prints `N transferred, M deleted, K up to date`. --on-exists has no effect:
    /// the comparison decides
    Mirror {
        /// What to copy from: a local folder, or a URL or site: naming a remote one
        source: String,
        /// What to make like SOURCE (created if missing): a URL or site:, or a local folder
        dest: String,
        /// Also remove from DEST the files and folders SOURCE lacks (after the transfers)
        #[arg(long)]
        delete: bool,
        /// Print the plan, one action a line (mkdir/get/put/rm/rmdir PATH), and change nothing
        #[arg(long)]
        dry_run: bool,
        /// Leave out what this glob matches, on both sides: matched against the relative path
        /// and against the name (repeatable)
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// On a terminal: one live line per transfer and a total (nothing without one)
        #[arg(long)]
        progress: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// The site manager's sites: list them, import FileZilla's, export them to FileZilla
    Sites {
        #[command(subcommand)]
        command: SitesCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell) to stdout
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page ferry(1) (roff) to stdout, or write it and one page per command
    /// (ferry-ls.1, ferry-rm.1...) into a folder
    Man {
        /// Write every page into this folder (created if missing) instead
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
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
    /// Split a large download over this many connections (REST ranges, like lftp's pget -n),
    /// at most --parallel; 1 is off [default: automatic, on for files of 64 MiB and more]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=10))]
    pub(super) segments: Option<u8>,
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
    /// Transfer in ASCII mode (line endings converted) instead of binary; the same as
    /// `--type ascii`
    #[arg(long, conflicts_with = "transfer_type")]
    pub(super) ascii: bool,
    /// Transfer type: auto (ASCII for text extensions such as txt, html, php, and for dotfiles;
    /// the list in the settings), ascii or binary [default: binary]
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub(super) transfer_type: Option<TypeArg>,
    /// Compare the server's hash (HASH, XSHA256…) after each transfer: auto (when the server
    /// offers one), off, or require (fail without one) [default: a site's own, else the global
    /// setting (auto)]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub(super) verify: Option<VerifyArg>,
    /// Give downloaded files the remote modification time, and uploaded ones the local time
    /// (MFMT) [default: a site's own, else the global setting (off)]
    #[arg(long)]
    pub(super) preserve_times: bool,
    /// Timeout in seconds for each step (connect, reply, data connection, inactivity) [default:
    /// the global setting (20)]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(super) timeout: Option<u64>,
    /// The character set of the server's file names: auto, utf-8, or a label such as latin-1,
    /// windows-1251, shift_jis, gbk [default: a site's own, else auto]
    #[arg(long, value_name = "NAME", value_parser = parse_charset)]
    pub(super) charset: Option<Charset>,
    /// Limit each direction's transfers to RATE bytes per second; K, M, G suffixes count 1024s
    /// (as curl: 500K, 2M)
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub(super) limit_rate: Option<u64>,
    /// Connect through this proxy: socks5://[user:pass@]host:port or http://host:port (passive
    /// mode only)
    #[arg(long, value_name = "URL", value_parser = parse_proxy)]
    pub(super) proxy: Option<Proxy>,
}

fn parse_proxy(text: &str) -> Result<Proxy, String> {
    text.parse()
}

/// `RATE` as curl reads it: bytes per second, with an optional `K`, `M` or `G` (powers of 1024).
pub(super) fn parse_rate(text: &str) -> Result<u64, String> {
    let bad = || format!("{text:?} is not a rate like 500K or 2M (bytes per second)");
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(bad()),
    };
    let value: f64 = digits.parse().map_err(|_| bad())?;
    let bytes = value * f64::from(1u32 << shift);
    if !(bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(bad());
    }
    Ok(bytes as u64)
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
pub(super) enum TypeArg {
    Auto,
    Ascii,
    Binary,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(super) enum VerifyArg {
    Auto,
    Off,
    Require,
}

impl TypeArg {
    pub(super) fn transfer_type(self) -> TransferType {
        match self {
            TypeArg::Auto => TransferType::Auto,
            TypeArg::Ascii => TransferType::Ascii,
            TypeArg::Binary => TransferType::Binary,
        }
    }
}

impl VerifyArg {
    pub(super) fn mode(self) -> VerifyMode {
        match self {
            VerifyArg::Auto => VerifyMode::Auto,
            VerifyArg::Off => VerifyMode::Off,
            VerifyArg::Require => VerifyMode::Require,
        }
    }
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rates_read_as_curl_reads_them() {
        assert_eq!(parse_rate("1000"), Ok(1000));
        assert_eq!(parse_rate("500K"), Ok(500 * 1024));
        assert_eq!(parse_rate("2m"), Ok(2 << 20));
        assert_eq!(parse_rate("1.5G"), Ok(3 << 29));
        for bad in ["", "K", "0", "-1", "2X", "1.5.2M"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }
}
