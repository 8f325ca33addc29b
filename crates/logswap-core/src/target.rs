//! Where lines go: `Target` says where, `Output` is the opened writer.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::error::Error;

/// Where a backend writes its lines.
///
/// ```
/// use logswap_core::Target;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("nested/folders/app.log");
/// let mut output = Target::file(&path).open().unwrap(); // creates the folders
/// std::io::Write::write_all(&mut output, b"{}\n").unwrap();
/// assert!(path.exists());
/// ```
pub enum Target {
    /// The process's standard output.
    Stdout,
    /// The process's standard error.
    Stderr,
    /// A file, opened for appending and created with its parent folders if missing.
    File(PathBuf),
    /// Any writer, such as a socket or an in-memory buffer for tests.
    Writer(Box<dyn Write + Send>),
}

impl Target {
    /// A file target.
    pub fn file(path: impl Into<PathBuf>) -> Target {
        Target::File(path.into())
    }

    /// A target that writes into `writer`.
    pub fn writer(writer: impl Write + Send + 'static) -> Target {
        Target::Writer(Box::new(writer))
    }

    /// Opens the target. A file that cannot be opened (or whose folder cannot be created)
    /// is an [`crate::ErrorKind::Open`] error naming the path and the OS error.
    pub fn open(self) -> Result<Output, Error> {
        let description = self.to_string();
        let writer = match self {
            Target::Stdout => Writer::Stdout(io::stdout()),
            Target::Stderr => Writer::Stderr(io::stderr()),
            Target::File(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    fs::create_dir_all(parent).map_err(|e| Error::open(&path, e))?;
                }
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|e| Error::open(&path, e))?;
                Writer::File(file)
            }
            Target::Writer(writer) => Writer::Any(writer),
        };
        Ok(Output {
            writer,
            description,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Stdout => f.write_str("stdout"),
            Target::Stderr => f.write_str("stderr"),
            Target::File(path) => write!(f, "{}", path.display()),
            Target::Writer(_) => f.write_str("a custom writer"),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::File(path) => f.debug_tuple("File").field(path).finish(),
            other => write!(f, "Target({other})"),
        }
    }
}

/// An opened [`Target`]: an `io::Write` that knows what it writes to, for messages.
pub struct Output {
    writer: Writer,
    description: String,
}

enum Writer {
    Stdout(io::Stdout),
    Stderr(io::Stderr),
    File(File),
    Any(Box<dyn Write + Send>),
}

impl Output {
    /// What this writes to: `stdout`, `stderr`, a file's path, or `a custom writer`.
    pub fn description(&self) -> &str {
        &self.description
    }

    fn inner(&mut self) -> &mut dyn Write {
        match &mut self.writer {
            Writer::Stdout(w) => w,
            Writer::Stderr(w) => w,
            Writer::File(w) => w,
            Writer::Any(w) => w,
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner().flush()
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Output")
            .field("target", &self.description)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn a_file_that_cannot_be_opened_names_the_path_and_the_os_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a-file");
        fs::write(&blocker, b"not a folder").unwrap();
        let path = blocker.join("app.log");
        let err = Target::file(&path).open().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Open);
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn files_are_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        for line in [&b"one\n"[..], b"two\n"] {
            Target::file(&path).open().unwrap().write_all(line).unwrap();
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    }
}
