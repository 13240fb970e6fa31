//! Remote paths and names: joining, resolving against a working directory, and refusing names
//! from a server that could make Ferry write outside the folder the user chose.

use std::path::{Path, PathBuf};

/// A name from a server that Ferry will not use as a local file name, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused unsafe name from the server: {name:?} ({reason})")]
pub struct UnsafeName {
    pub name: String,
    pub reason: &'static str,
}

/// Windows' reserved device names: a file of that name (with any extension) is the device.
const DEVICE_NAMES: [&str; 28] = [
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "COM1",
    "COM2",
    "COM3",
    "COM4",
    "COM5",
    "COM6",
    "COM7",
    "COM8",
    "COM9",
    "LPT1",
    "LPT2",
    "LPT3",
    "LPT4",
    "LPT5",
    "LPT6",
    "LPT7",
    "LPT8",
    "LPT9",
    "COM\u{b9}",
    "COM\u{b2}",
    "COM\u{b3}",
    "LPT\u{b9}",
    "LPT\u{b2}",
    "LPT\u{b3}",
];

/// Why `name` (one path component from a server) cannot be a local file name on *any* system
/// Ferry ships for, or `None` when it is a plain file name. The rules are the same on every OS,
/// so a listing means the same everywhere and the tests check Windows' rules on Linux too.
pub fn unsafe_reason(name: &str) -> Option<&'static str> {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    if name.is_empty() {
        Some("an empty name")
    } else if name == "." || name == ".." {
        Some("it names a folder itself, not a file in it")
    } else if name.contains(['/', '\\']) {
        Some("it contains a path separator")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.len() >= 2
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.as_bytes()[1] == b':'
    {
        Some("it starts with a Windows drive")
    } else if name.ends_with(['.', ' ']) {
        Some("it ends with a dot or a space, which Windows drops")
    } else if DEVICE_NAMES.iter().any(|d| d.eq_ignore_ascii_case(stem))
        || ["CONIN$", "CONOUT$"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(stem))
    {
        Some("it is a Windows device name")
    } else {
        None
    }
}

/// Refuses a name (one path component from a listing) that is not a plain file name on every
/// system Ferry ships for; see [`unsafe_reason`].
pub fn check_remote_name(name: &str) -> Result<(), UnsafeName> {
    match unsafe_reason(name) {
        Some(reason) => Err(UnsafeName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// The checked join: the local path for the remote `name` inside `dir`, or why there is none.
/// The only way a local path is made from a name a server sent.
pub fn local_path_for(dir: &Path, name: &str) -> Result<PathBuf, UnsafeName> {
    check_remote_name(name)?;
    let path = dir.join(name);
    // Belt and braces: the checked name is one normal component, so the join stays in `dir`.
    debug_assert_eq!(path.parent(), Some(dir));
    Ok(path)
}

/// `dir` + `/` + `name`, without doubling the slash.
pub fn join_remote(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// An absolute remote path: `path` itself when absolute, else `path` under `cwd`.
pub fn resolve_remote(cwd: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else if path.is_empty() || path == "." {
        cwd.to_string()
    } else {
        join_remote(cwd, path)
    }
}

/// The last component of a remote path (`file` of `/a/b/file/`).
pub fn remote_basename(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_join_stays_in_the_folder() {
        let dir = Path::new("/home/u/downloads");
        assert_eq!(local_path_for(dir, "a.txt").unwrap(), dir.join("a.txt"));
        for name in ["../x", "/home/u/.profile", "C:\\x", "\\\\srv\\share", ".."] {
            let error = local_path_for(dir, name).unwrap_err();
            assert_eq!(error.name, name);
            assert!(error.to_string().contains(error.reason));
        }
    }

    #[test]
    fn hostile_names_are_refused() {
        for name in [
            "",
            ".",
            "..",
            "../etc",
            "a/b",
            "a\\b",
            "nul\0",
            "bell\x07",
            "line\nbreak",
            "...",
            "C:x",
            "c:\\x",
            "\\\\server\\share",
            "/etc/passwd",
            "CON",
            "con.txt",
            "Nul",
            "aux.tar.gz",
            "COM1",
            "lpt9.log",
            "COM\u{b9}",
            "CONIN$",
            "PRN .txt",
            "trailing.",
            "trailing ",
        ] {
            assert!(check_remote_name(name).is_err(), "{name:?} accepted");
        }
        for name in [
            "file.txt",
            "my file",
            "..hidden",
            "ünïcødé",
            " lead",
            "at 10:30.txt",
            "CONSOLE.txt",
            "com10",
            "nul-device",
        ] {
            assert!(check_remote_name(name).is_ok(), "{name:?} refused");
        }
    }

    #[test]
    fn joining_and_resolving() {
        assert_eq!(join_remote("/", "a"), "/a");
        assert_eq!(join_remote("/a", "b"), "/a/b");
        assert_eq!(resolve_remote("/home/u", "x/y"), "/home/u/x/y");
        assert_eq!(resolve_remote("/home/u", "/abs"), "/abs");
        assert_eq!(resolve_remote("/home/u", ""), "/home/u");
        assert_eq!(remote_basename("/a/b/file"), "file");
        assert_eq!(remote_basename("/a/dir/"), "dir");
    }
}
