//! Opening a downloaded copy: with the editor Settings name for its extension (a command
//! template, `%f` standing for the path, split into words like a shell would but run without
//! one) or else with the OS default application; and the private temporary folder the copies
//! live in (one per app run, 0700, each copy in its own numbered folder inside it).

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sites::FileAssociation;

/// Why a copy could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("the editor command {0:?} cannot be split into words (unbalanced quotes?)")]
    BadTemplate(String),
    #[error("could not start the editor {program:?}: {source}")]
    Spawn { program: String, source: io::Error },
    #[error("no application opens {path}: {source}")]
    Default { path: String, source: io::Error },
}

/// The editor command template set for `path`'s extension, if any.
pub fn editor_for<'a>(associations: &'a [FileAssociation], path: &Path) -> Option<&'a str> {
    let extension = path.extension()?.to_str()?;
    associations
        .iter()
        .find(|a| a.extension.eq_ignore_ascii_case(extension))
        .map(|a| a.command.as_str())
}

/// The program and its arguments for `template` on `path`: `%f` inside a word becomes the path
/// (the word stays one argument whatever the path holds: spaces, quotes, `$`); a template
/// without `%f` gets the path as its last argument.
pub fn command_line(template: &str, path: &Path) -> Result<(OsString, Vec<OsString>), LaunchError> {
    let words = shlex::split(template).filter(|w| !w.is_empty());
    let words = words.ok_or_else(|| LaunchError::BadTemplate(template.to_string()))?;
    let mut placed = false;
    let mut line: Vec<OsString> = words
        .iter()
        .map(|word| {
            let mut arg = OsString::new();
            for (i, piece) in word.split("%f").enumerate() {
                if i > 0 {
                    arg.push(path.as_os_str());
                    placed = true;
                }
                arg.push(piece);
            }
            arg
        })
        .collect();
    if !placed {
        line.push(path.as_os_str().to_owned());
    }
    let program = line.remove(0);
    Ok((program, line))
}

/// Opens `path` with its editor, else the OS default application; returns what opened it.
pub fn open(associations: &[FileAssociation], path: &Path) -> Result<String, LaunchError> {
    let Some(template) = editor_for(associations, path) else {
        return open::that_detached(path)
            .map(|()| "the default application".to_string())
            .map_err(|source| LaunchError::Default {
                path: path.display().to_string(),
                source,
            });
    };
    let (program, args) = command_line(template, path)?;
    let name = program.to_string_lossy().into_owned();
    let mut child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|source| LaunchError::Spawn {
            program: name.clone(),
            source,
        })?;
    // Reaped when it exits: `code --wait` runs as long as the file is open.
    std::thread::spawn(move || child.wait());
    Ok(name)
}

/// The run's private folder for copies being viewed or edited.
pub struct TempFolder {
    dir: tempfile::TempDir,
    next: u64,
}

impl TempFolder {
    /// A new folder under the OS temp folder, readable by this user only (0700 on Unix).
    pub fn create() -> io::Result<TempFolder> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("ferry-edit-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir()?;
        Ok(TempFolder { dir, next: 0 })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A new empty folder for one copy, so two files of the same name never meet.
    pub fn new_slot(&mut self) -> io::Result<PathBuf> {
        self.next += 1;
        let slot = self.dir.path().join(self.next.to_string());
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&slot)?;
        Ok(slot)
    }

    /// Removes the folder and everything in it, unless `keep` holds: then it stays on disk
    /// (copies whose changes were never uploaded) and its path is returned.
    pub fn close(self, keep: bool) -> io::Result<Option<PathBuf>> {
        if keep {
            Ok(Some(self.dir.keep()))
        } else {
            self.dir.close().map(|()| None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(template: &str, path: &str) -> Vec<String> {
        let (program, args) = command_line(template, Path::new(path)).unwrap();
        std::iter::once(program)
            .chain(args)
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn the_path_is_one_argument_whatever_it_holds() {
        assert_eq!(
            line("code --wait %f", "/tmp/a b/it's $HOME.txt"),
            ["code", "--wait", "/tmp/a b/it's $HOME.txt"]
        );
        assert_eq!(
            line("'/opt/My Editor/ed' --file=%f -n", "/t/x.txt"),
            ["/opt/My Editor/ed", "--file=/t/x.txt", "-n"]
        );
    }

    #[test]
    fn a_template_without_the_placeholder_gets_the_path_last() {
        assert_eq!(line("gedit", "/t/x.txt"), ["gedit", "/t/x.txt"]);
    }

    #[test]
    fn unbalanced_quotes_and_empty_templates_are_refused() {
        for bad in ["'code %f", "", "   "] {
            assert!(matches!(
                command_line(bad, Path::new("/t/x")),
                Err(LaunchError::BadTemplate(_))
            ));
        }
    }

    #[test]
    fn the_editor_is_found_by_extension_in_any_case() {
        let associations = vec![FileAssociation {
            extension: "txt".to_string(),
            command: "ed %f".to_string(),
        }];
        assert_eq!(
            editor_for(&associations, Path::new("/t/A.TXT")),
            Some("ed %f")
        );
        assert_eq!(editor_for(&associations, Path::new("/t/a.md")), None);
        assert_eq!(editor_for(&associations, Path::new("/t/txt")), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_folder_and_its_slots_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mut folder = TempFolder::create().unwrap();
        let slot = folder.new_slot().unwrap();
        for dir in [folder.path(), slot.as_path()] {
            let mode = std::fs::metadata(dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        }
        let root = folder.path().to_path_buf();
        folder.close(false).unwrap();
        assert!(!root.exists());
    }
}
