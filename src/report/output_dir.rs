//! Writes a run's files so a reader never sees half of them: each file is written under a
//! temporary name in the target directory and renamed into place only when the whole run
//! has succeeded. Dropping an unfinished `OutputDir` removes its temporary files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputDir {
    pub fn create(dir: &Path) -> io::Result<OutputDir> {
        fs::create_dir_all(dir)?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A buffered writer for `name`, under a temporary name until `commit`.
    pub fn writer(&mut self, name: &str) -> io::Result<BufWriter<File>> {
        let temp = self
            .dir
            .join(format!(".{name}.partial-{}", std::process::id()));
        let file = File::create(&temp)?;
        self.pending.push((temp, self.dir.join(name)));
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    pub fn write(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let mut w = self.writer(name)?;
        w.write_all(bytes)?;
        w.flush()
    }

    /// Moves every file into place. Renames within one directory are atomic per file.
    pub fn commit(mut self) -> io::Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for (temp, target) in &self.pending {
            fs::rename(temp, target)?;
            done.push(target.clone());
        }
        self.committed = true;
        Ok(done)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            for (temp, _) in &self.pending {
                let _ = fs::remove_file(temp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit_and_a_dropped_run_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        {
            let mut out = OutputDir::create(&dir).unwrap();
            out.write("a.txt", b"half").unwrap();
            assert!(!dir.join("a.txt").exists());
        }
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        let mut out = OutputDir::create(&dir).unwrap();
        out.write("a.txt", b"whole").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"whole");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }
}
