//! Reading an input file, with what went wrong in the user's words: std's messages end in
//! "(os error 2)" and say "stream did not contain valid UTF-8" (issue 32, item 16).

use std::path::Path;

/// The whole file at `path` as text, or why it cannot be read (in the words every file
/// error uses, `scenario::io_words`).
pub fn text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the file: {}", crate::scenario::io_words(&e)))
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
