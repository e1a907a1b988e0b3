//! Writes a run's files so a reader never sees half of them: each file is written under a
//! temporary name in the target directory and renamed into place only when the whole run
//! has succeeded. Dropping an unfinished `OutputDir` removes its temporary files; the
//! temporary files of a process that was killed outright (SIGKILL, power loss) are removed
//! by the next `OutputDir` opened on that directory.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The one way results reach disk: files written under temporary names, renamed into place
/// by [`commit`](Self::commit), removed if it is never called.
pub struct OutputDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

impl OutputDir {
    /// Opens `dir`, creating it and its parents if missing, and removes partial files left
    /// by processes that died while writing there. Fails only when the directory cannot be
    /// created.
    pub fn create(dir: &Path) -> io::Result<OutputDir> {
        fs::create_dir_all(dir)?;
        remove_stale_partials(dir);
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            committed: false,
        })
    }

    /// The directory the files will land in.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A buffered writer for `name`, under a temporary name until `commit`.
    pub fn writer(&mut self, name: &str) -> io::Result<BufWriter<File>> {
        let temp = self
            .dir
            .join(format!(".{name}{PARTIAL}{}", std::process::id()));
        let file = File::create(&temp)?;
        self.pending.push((temp, self.dir.join(name)));
        Ok(BufWriter::with_capacity(1 << 16, file))
    }

    /// `name` with all of `bytes`, in place at `commit`; `name` is a file name in the
    /// directory, not a path.
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

const PARTIAL: &str = ".partial-";

/// Removes `.NAME.partial-PID` files whose process is gone. Another live process writing
/// into the same directory (sweep shards sharing `runs/`) keeps its files. Where process
/// liveness cannot be read (no `/proc`), only files a day old are taken for dead.
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let can_see_processes = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(PARTIAL))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let dead = if can_see_processes {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400)
        };
        if dead {
            let _ = fs::remove_file(entry.path());
        }
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

    #[test]
    fn partial_files_of_a_dead_process_are_removed_and_a_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        // PIDs are below 2^22 on Linux, so this one belongs to no process.
        let dead = dir.join(".tasks.csv.partial-4294967290");
        // The parent of the test process (cargo) is alive while the test runs.
        let live = dir.join(format!(
            ".tasks.csv.partial-{}",
            std::os::unix::process::parent_id()
        ));
        let kept = dir.join("summary.json");
        for f in [&dead, &live, &kept] {
            fs::write(f, b"x").unwrap();
        }
        let _out = OutputDir::create(dir).unwrap();
        assert!(!dead.exists());
        if Path::new("/proc/self").exists() {
            assert!(live.exists());
        }
        assert!(kept.exists());
    }
}
