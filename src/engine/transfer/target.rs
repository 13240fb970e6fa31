//! The local path of a transfer request: the engine, and only the engine, makes a local path
//! from a name the server sent (`LocalTarget::Into`), through the checked join.

use std::path::PathBuf;

use crate::api::{Direction, LocalTarget, TransferRequest};
use crate::common::paths::{UnsafeName, local_path_for};

/// Where `request`'s local side is: the path itself, or the remote name inside the folder when
/// that name is safe on every OS. A refused name comes back with the folder, for the queue row.
pub fn local_path(request: &TransferRequest) -> Result<PathBuf, (PathBuf, UnsafeName)> {
    match (&request.local, request.direction) {
        (LocalTarget::Path(path), _) => Ok(path.clone()),
        // An upload's local side is the user's own file.
        (LocalTarget::Into { folder, name }, Direction::Upload) => Ok(folder.join(name)),
        (LocalTarget::Into { folder, name }, Direction::Download) => {
            local_path_for(folder, name).map_err(|e| (folder.clone(), e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TransferId;

    fn into(folder: &std::path::Path, name: &str) -> LocalTarget {
        LocalTarget::Into {
            folder: folder.to_path_buf(),
            name: name.to_string(),
        }
    }

    fn download(local: LocalTarget, remote: &str) -> TransferRequest {
        TransferRequest {
            id: TransferId(1),
            direction: Direction::Download,
            local,
            remote: remote.to_string(),
            recursive: false,
            ascii: false,
            size: None,
            on_exists: None,
        }
    }

    #[test]
    fn a_download_into_a_folder_takes_the_checked_remote_name() {
        let dir = PathBuf::from("/home/u/dl");
        let ok = download(into(&dir, "a.txt"), "/pub/a.txt");
        assert_eq!(local_path(&ok).unwrap(), dir.join("a.txt"));
        // The name as listed, not the last part of the joined remote path ("/pub/../x" ends
        // in a harmless "x").
        for hostile in ["../x", "C:\\x", "con.txt", "x.", "/etc/passwd"] {
            let request = download(into(&dir, hostile), &format!("/pub/{hostile}"));
            let (folder, error) = local_path(&request).expect_err(hostile);
            assert_eq!(folder, dir);
            assert!(!error.reason.is_empty());
        }
        // A path the user named is theirs.
        let named = download(
            LocalTarget::Path(PathBuf::from("/tmp/out.bin")),
            "/pub/a.txt",
        );
        assert_eq!(local_path(&named).unwrap(), PathBuf::from("/tmp/out.bin"));
    }
}
