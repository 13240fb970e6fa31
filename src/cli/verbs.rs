//! The command line's verbs on remote files beyond `ls|get|put`: `rm`, `mkdir`, `mv`, `chmod`,
//! `quote` and `cat`, each a few operations on the browsing connection, checked first where a
//! plain FTP command would do something other than its Unix namesake.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};

use super::client::Client;
use crate::api::{OpOutput, Operation};
use crate::common::paths::{join_remote, remote_basename, resolve_remote};
use crate::common::url::FtpUrl;

/// `rm [-r]`: a file; a folder only with `recursive` (and then everything in it). The login
/// folder and `/` are never deleted.
pub(super) fn rm(client: &mut Client, url: &FtpUrl, recursive: bool) -> anyhow::Result<()> {
    let path = named_path(client, url, "delete")?;
    if path == "/" {
        bail!("refusing to delete the server's root folder");
    }
    if path.trim_end_matches('/') == client.home().trim_end_matches('/') {
        bail!("refusing to delete the login folder {path}");
    }
    if client.is_folder(&path)? {
        if !recursive {
            bail!(
                "cannot remove {path}: it is a folder (use -r to delete it and everything in it)"
            );
        }
        client
            .op(Operation::DeleteRecursive(path.clone()))
            .with_context(|| format!("cannot remove {path}"))?;
    } else {
        client
            .op(Operation::Delete(path.clone()))
            .with_context(|| format!("cannot remove {path}"))?;
    }
    Ok(())
}

/// `mkdir [-p]`: the folder; with `parents`, each missing level first, and a folder that
/// exists already is fine.
pub(super) fn mkdir(client: &mut Client, url: &FtpUrl, parents: bool) -> anyhow::Result<()> {
    let path = named_path(client, url, "create")?;
    let mut missing = vec![path.clone()];
    if parents {
        if client.is_folder(&path)? {
            return Ok(());
        }
        let mut current = path.clone();
        while let Some(parent) = remote_parent(&current) {
            if client.is_folder(&parent)? {
                break;
            }
            missing.push(parent.clone());
            current = parent;
        }
    }
    for dir in missing.iter().rev() {
        client
            .op(Operation::Mkdir(dir.clone()))
            .with_context(|| format!("cannot create {dir}"))?;
    }
    Ok(())
}

/// `mv URL TO`: RNFR/RNTO on the same server. `TO` is absolute, or relative to the folder URL's
/// path is in; an existing folder there receives the file under its own name. An existing file
/// there is kept unless `force` (servers differ: most replace it, some refuse).
pub(super) fn mv(client: &mut Client, url: &FtpUrl, to: &str, force: bool) -> anyhow::Result<()> {
    let from = named_path(client, url, "move")?;
    let folder = remote_parent(&from).unwrap_or_else(|| "/".to_string());
    let mut to = if to.starts_with('/') && to.trim_matches('/').is_empty() {
        "/".to_string()
    } else {
        resolve_remote(&folder, to.trim_end_matches('/'))
    };
    if to != from && client.is_folder(&to)? {
        to = join_remote(&to, remote_basename(&from));
    }
    if to == from {
        bail!("{from} and the destination are the same");
    }
    if !force && exists(client, &to)? {
        bail!("{to} already exists (use --force to replace it)");
    }
    client
        .op(Operation::Rename {
            from: from.clone(),
            to: to.clone(),
        })
        .with_context(|| format!("cannot move {from} to {to}"))?;
    Ok(())
}

/// `chmod MODE URL`: `SITE CHMOD` with the octal mode.
pub(super) fn chmod(client: &mut Client, url: &FtpUrl, mode: u32) -> anyhow::Result<()> {
    let path = named_path(client, url, "change")?;
    client
        .op(Operation::Chmod {
            path: path.clone(),
            mode,
        })
        .with_context(|| format!("cannot change the mode of {path}"))?;
    Ok(())
}

/// An octal permission mode (`644`, `0755`, `4755`): one to four octal digits.
pub(super) fn parse_mode(text: &str) -> anyhow::Result<u32> {
    let valid =
        !text.is_empty() && text.len() <= 4 && text.bytes().all(|b| matches!(b, b'0'..=b'7'));
    if !valid {
        bail!("chmod: {text:?} is not an octal mode like 644, 0755 or 4755");
    }
    u32::from_str_radix(text, 8).map_err(|e| anyhow!("chmod: {text:?}: {e}"))
}

/// The one line `quote` sends: the words joined with spaces, refused when it holds a line
/// break (it would be two commands) or nothing.
pub(super) fn quote_line(words: &[String]) -> anyhow::Result<String> {
    let line = words.join(" ");
    if line.contains(['\r', '\n']) {
        bail!("quote: the command must not contain a line break (CR or LF)");
    }
    if line.trim().is_empty() {
        bail!("quote: no command given");
    }
    Ok(line)
}

/// `quote URL COMMAND...`: the command on the URL's connection (in the URL's folder when it
/// names one), every line of the reply on stdout; a 4xx/5xx reply is a failure.
pub(super) fn quote(client: &mut Client, url: &FtpUrl, line: &str) -> anyhow::Result<()> {
    if url.path.is_some() {
        let folder = client.path(url);
        client
            .op(Operation::Cwd(folder.clone()))
            .with_context(|| format!("cannot change to {folder}"))?;
    }
    let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
    match client.op(Operation::Raw(line.to_string()))? {
        OpOutput::Reply { code, text } => {
            println!("{text}");
            if code >= 400 {
                bail!("the server refused {verb} with {code}");
            }
            Ok(())
        }
        other => Err(anyhow!("unexpected answer to {verb}: {other:?}")),
    }
}

/// `cat URL`: the file's bytes to stdout as they arrive, binary. The engine writes them; this
/// waits as long as the reader of stdout needs (the engine bounds every network step itself).
pub(super) fn cat(client: &mut Client, url: &FtpUrl) -> anyhow::Result<()> {
    if url.path.is_none() || url.trailing_slash {
        bail!("the URL names a folder, not a file");
    }
    let path = client.path(url);
    client.set_patience(Duration::from_secs(365 * 24 * 3600));
    client
        .op(Operation::Cat(path.clone()))
        .with_context(|| format!("cannot read {path}"))?;
    Ok(())
}

/// The absolute path the URL names; a URL without a path names the login folder, which these
/// verbs do not touch.
fn named_path(client: &Client, url: &FtpUrl, what: &str) -> anyhow::Result<String> {
    if url
        .path
        .as_deref()
        .is_none_or(|p| p.trim_matches('/').is_empty() && !p.starts_with('/'))
    {
        bail!("the URL names no file or folder to {what}");
    }
    Ok(client.path(url))
}

/// The folder `path` is in (`None` for `/`).
pub(super) fn remote_parent(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let (parent, _) = trimmed.rsplit_once('/')?;
    Some(if parent.is_empty() { "/" } else { parent }.to_string())
}

/// Whether the listing of `path`'s folder names it; a folder that cannot be listed says no
/// (the server's own answer to the command then decides).
fn exists(client: &mut Client, path: &str) -> anyhow::Result<bool> {
    let Some(folder) = remote_parent(path) else {
        return Ok(true);
    };
    let name = remote_basename(path);
    Ok(match client.entries(&folder)? {
        Ok(entries) => entries.iter().any(|e| e.name == name),
        Err(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_octal_digits_only() {
        assert_eq!(parse_mode("644").unwrap(), 0o644);
        assert_eq!(parse_mode("0755").unwrap(), 0o755);
        assert_eq!(parse_mode("4755").unwrap(), 0o4755);
        for bad in ["", "u+x", "999", "12345", "-644", "0x1ff", "rwx"] {
            assert!(parse_mode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_quoted_command_is_one_line() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(quote_line(&words(&["SITE", "HELP"])).unwrap(), "SITE HELP");
        assert!(quote_line(&words(&["NOOP\r\nDELE x"])).is_err());
        assert!(quote_line(&words(&["NOOP", "\n"])).is_err());
        assert!(quote_line(&words(&[" "])).is_err());
    }

    #[test]
    fn parents_of_remote_paths() {
        assert_eq!(remote_parent("/a/b").as_deref(), Some("/a"));
        assert_eq!(remote_parent("/a").as_deref(), Some("/"));
        assert_eq!(remote_parent("/a/b/").as_deref(), Some("/a"));
        assert_eq!(remote_parent("/"), None);
    }
}
