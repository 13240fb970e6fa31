//! Local paths as the app shows and stores them, the same on every OS: Windows forms (`C:\x`,
//! `\\server\share\x`, and the verbatim `\\?\` forms that `canonicalize` returns there) are
//! understood on Linux too, so the tests check them everywhere.

/// `path`, canonical and in the ordinary form: never `\\?\C:\...` (Windows' verbatim form, which
/// `std::fs::canonicalize` returns), falling back to `path` itself when it cannot be resolved.
pub fn canonical(path: &str) -> String {
    match dunce::canonicalize(path) {
        Ok(resolved) => ordinary(&resolved.display().to_string()),
        Err(_) => path.to_string(),
    }
}

/// The ordinary form of a Windows verbatim path: `\\?\C:\x` → `C:\x`, `\\?\UNC\srv\share\x` →
/// `\\srv\share\x`; any other path unchanged.
pub fn ordinary(path: &str) -> String {
    if let Some(rest) = path.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = path.strip_prefix(r"\\?\") {
        rest.to_string()
    } else {
        path.to_string()
    }
}

/// Whether `path` is written the Windows way (a drive or a `\\` share), whatever OS runs.
fn is_windows_form(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(r"\\")
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// The root of a Windows-form path: `C:\` or `\\server\share\` (its length in `path`).
fn windows_root(path: &str) -> usize {
    if let Some(rest) = path.strip_prefix(r"\\") {
        // \\server\share\ : the server, the share, and the separator after it.
        let mut parts = rest.splitn(3, '\\');
        let server = parts.next().unwrap_or("");
        let share = parts.next().unwrap_or("");
        let len = 2 + server.len() + 1 + share.len();
        (len + 1).min(path.len())
    } else {
        path.len().min(3)
    }
}

/// The folder above `path`, or `None` at a root (`/`, `C:\`, `\\server\share\`).
pub fn parent(path: &str) -> Option<String> {
    if is_windows_form(path) {
        let root = windows_root(path);
        let trimmed = path.trim_end_matches('\\');
        if trimmed.len() <= root.saturating_sub(1) || path.len() <= root {
            return None;
        }
        let cut = trimmed.rfind('\\')?;
        return Some(if cut < root {
            path[..root].to_string()
        } else {
            trimmed[..cut].to_string()
        });
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return None;
    }
    let cut = trimmed.rfind('/')?;
    Some(if cut == 0 {
        "/".to_string()
    } else {
        trimmed[..cut].to_string()
    })
}

/// `name` inside the folder `dir`, with the folder's own separator.
pub fn child(dir: &str, name: &str) -> String {
    let separator = if is_windows_form(dir) {
        '\\'
    } else {
        std::path::MAIN_SEPARATOR
    };
    if dir.ends_with(['/', '\\']) {
        format!("{dir}{name}")
    } else {
        format!("{dir}{separator}{name}")
    }
}

/// Each folder on the way to `path`, as (name, full path): `/`, `/home`, `/home/ann` for
/// `/home/ann`; `C:`, `C:\Users` for `C:\Users`; `\\srv\share`, `\\srv\share\x` for shares.
pub fn crumbs(path: &str) -> Vec<(String, String)> {
    let path = ordinary(path);
    let mut crumbs = Vec::new();
    let (separator, rest) = if is_windows_form(&path) {
        let root = windows_root(&path);
        let root_text = &path[..root];
        let name = root_text.trim_end_matches('\\').to_string();
        let full = if root_text.ends_with('\\') {
            root_text.to_string()
        } else {
            format!("{root_text}\\")
        };
        crumbs.push((name, full.clone()));
        ('\\', (full, &path[root..]))
    } else if let Some(rest) = path.strip_prefix('/') {
        crumbs.push(("/".to_string(), "/".to_string()));
        ('/', ("/".to_string(), rest))
    } else {
        ('/', (String::new(), path.as_str()))
    };
    let (mut so_far, rest) = rest;
    for part in rest.split(separator).filter(|p| !p.is_empty()) {
        if !so_far.is_empty() && !so_far.ends_with(separator) {
            so_far.push(separator);
        }
        so_far.push_str(part);
        crumbs.push((part.to_string(), so_far.clone()));
    }
    crumbs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn verbatim_windows_paths_become_ordinary() {
        assert_eq!(ordinary(r"\\?\C:\Users\ann"), r"C:\Users\ann");
        assert_eq!(ordinary(r"\\?\UNC\srv\share\x"), r"\\srv\share\x");
        assert_eq!(ordinary("/home/ann"), "/home/ann");
    }

    #[test]
    fn breadcrumbs_of_every_form() {
        assert_eq!(
            crumbs("/home/ann"),
            pairs(&[("/", "/"), ("home", "/home"), ("ann", "/home/ann")])
        );
        assert_eq!(crumbs("/"), pairs(&[("/", "/")]));
        assert_eq!(
            crumbs(r"C:\Users\ann"),
            pairs(&[
                ("C:", r"C:\"),
                ("Users", r"C:\Users"),
                ("ann", r"C:\Users\ann")
            ])
        );
        // What canonicalize returns on Windows: no "?" crumb.
        assert_eq!(
            crumbs(r"\\?\C:\Users"),
            pairs(&[("C:", r"C:\"), ("Users", r"C:\Users")])
        );
        assert_eq!(
            crumbs(r"\\srv\share\docs"),
            pairs(&[
                (r"\\srv\share", r"\\srv\share\"),
                ("docs", r"\\srv\share\docs")
            ])
        );
        assert_eq!(crumbs(r"C:\"), pairs(&[("C:", r"C:\")]));
        assert!(crumbs("").is_empty());
    }

    #[test]
    fn parents_and_children_of_every_form() {
        assert_eq!(parent("/a/b").as_deref(), Some("/a"));
        assert_eq!(parent("/a").as_deref(), Some("/"));
        assert_eq!(parent("/"), None);
        assert_eq!(parent(r"C:\Users\ann").as_deref(), Some(r"C:\Users"));
        assert_eq!(parent(r"C:\Users").as_deref(), Some(r"C:\"));
        assert_eq!(parent(r"C:\"), None);
        assert_eq!(
            parent(r"\\srv\share\docs").as_deref(),
            Some(r"\\srv\share\")
        );
        assert_eq!(parent(r"\\srv\share\"), None);
        assert_eq!(child(r"C:\Users", "ann"), r"C:\Users\ann");
        assert_eq!(child(r"C:\", "x"), r"C:\x");
        assert_eq!(child("/home/", "x"), "/home/x");
    }
}
