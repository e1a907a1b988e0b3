//! Reading an input file, with what went wrong in the user's words: std's messages end in
//! "(os error 2)" and say "stream did not contain valid UTF-8" (issue 32, item 16).

use std::io;
use std::path::Path;

/// The whole file at `path` as text, or why it cannot be read.
pub fn text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read the file: {}", in_words(&e)))
}

/// What `e` means to someone who named a file.
pub fn in_words(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "there is no such file".into(),
        K::PermissionDenied => "permission denied".into(),
        K::IsADirectory => "it is a directory, not a file".into(),
        K::NotADirectory => "a part of the path is a file, not a directory".into(),
        K::InvalidData => "it is not text (UTF-8)".into(),
        K::StorageFull => "the disk is full".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        // std's description of the kind, without the operating system's number.
        kind => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_os_error_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let missing = text(&dir.path().join("nope.json")).unwrap_err();
        assert_eq!(missing, "cannot read the file: there is no such file");
        let directory = text(dir.path()).unwrap_err();
        assert_eq!(
            directory,
            "cannot read the file: it is a directory, not a file"
        );
        std::fs::write(dir.path().join("bin.json"), [0xff, 0xfe, 0x00]).unwrap();
        let binary = text(&dir.path().join("bin.json")).unwrap_err();
        assert_eq!(binary, "cannot read the file: it is not text (UTF-8)");
    }
}
