//! Remote paths and names: joining, resolving against a working directory, and refusing names
//! from a server that could make Ferry write outside the folder the user chose.

/// A name from a server that Ferry will not use as a local file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused unsafe name from the server: {0:?}")]
pub struct UnsafeName(pub String);

/// Refuses a name (one path component from a listing) that is not a plain file name:
/// empty, `.`, `..`, or containing `/`, `\`, NUL or control characters.
pub fn check_remote_name(name: &str) -> Result<(), UnsafeName> {
    let unsafe_name = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\'])
        || name.chars().any(|c| c.is_control());
    if unsafe_name {
        Err(UnsafeName(name.to_string()))
    } else {
        Ok(())
    }
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
        ] {
            assert!(check_remote_name(name).is_err(), "{name:?} accepted");
        }
        for name in ["file.txt", "my file", "...", "..hidden", "ünïcødé"] {
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
