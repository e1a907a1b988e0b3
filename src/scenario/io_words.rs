//! An I/O error as a user would say it. The standard library's text ("No such file or
//! directory (os error 2)") names the operating system's error number, which tells a user
//! nothing they can act on; every message that reports a file we could not read or write
//! goes through [`io_words`] instead, beside the path it already names.

use std::io::{self, ErrorKind};

/// "there is no such file", "permission denied", "the disk is full", ...: what went wrong,
/// without the error number. The caller names the file.
pub fn io_words(e: &io::Error) -> String {
    // An error a program made itself (`io::Error::other("...")`) carries its own words.
    if e.raw_os_error().is_none()
        && let Some(inner) = e.get_ref()
    {
        return inner.to_string();
    }
    let words = match e.kind() {
        ErrorKind::NotFound => "there is no such file",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::AlreadyExists => "a file of that name is in the way",
        ErrorKind::StorageFull => "the disk is full",
        ErrorKind::QuotaExceeded => "the disk quota is used up",
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only",
        ErrorKind::IsADirectory => "it is a directory, not a file",
        ErrorKind::NotADirectory => "a part of the path is a file, not a directory",
        ErrorKind::DirectoryNotEmpty => "the directory is not empty",
        ErrorKind::FileTooLarge => "the file is too large for its file system",
        ErrorKind::InvalidData => "it is not text (UTF-8)",
        ErrorKind::BrokenPipe => "the reading end of the pipe was closed",
        ErrorKind::OutOfMemory => "out of memory",
        ErrorKind::UnexpectedEof => "the file ends early",
        _ => return without_number(&e.to_string()),
    };
    words.to_string()
}

/// "Too many open files (os error 24)" as "too many open files".
fn without_number(text: &str) -> String {
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "an input/output error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_errors_read_without_their_number() {
        let os = |code: i32| io_words(&io::Error::from_raw_os_error(code));
        // Linux errno: 2 ENOENT, 13 EACCES, 28 ENOSPC, 21 EISDIR, 20 ENOTDIR, 30 EROFS.
        assert_eq!(os(2), "there is no such file");
        assert_eq!(os(13), "permission denied");
        assert_eq!(os(28), "the disk is full");
        assert_eq!(os(21), "it is a directory, not a file");
        assert_eq!(os(20), "a part of the path is a file, not a directory");
        assert_eq!(os(30), "the file system is read-only");
        // 24 EMFILE has no kind of its own: the system's words, number dropped.
        assert_eq!(os(24), "too many open files");
        assert_eq!(
            io_words(&io::Error::other("the recorder stopped the run")),
            "the recorder stopped the run"
        );
        let dir = tempfile::tempdir().unwrap();
        let latin1 = dir.path().join("latin1.toml");
        std::fs::write(&latin1, b"name = \"caf\xe9\"\n").unwrap();
        let not_text = std::fs::read_to_string(&latin1).unwrap_err();
        assert_eq!(io_words(&not_text), "it is not text (UTF-8)");
    }
}
