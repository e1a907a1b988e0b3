//! `--shard I/N`: which deterministic slice of the run list this process runs (run index
//! mod N == I), given directly or read from a batch engine's array-index variables.

use super::SweepError;

/// Slice `index` of `count`; `resolve` guarantees `index < count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: u32,
    /// Shards in all, at least 1.
    pub count: u32,
}

impl Shard {
    /// Whether run index `run` belongs to this slice.
    pub fn includes(&self, run: usize) -> bool {
        run % self.count as usize == self.index as usize
    }

    /// `I/N`, or `auto` to read the index from the environment: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID`, counted from `SLURM_ARRAY_TASK_MIN`, with
    /// `SLURM_ARRAY_TASK_COUNT`), AWS Batch array jobs (`AWS_BATCH_JOB_ARRAY_INDEX`) and
    /// Kubernetes indexed Jobs (`JOB_COMPLETION_INDEX`). Batch and Kubernetes do not export
    /// the count, so those need `shards` (`--shards N`).
    pub fn resolve(
        text: &str,
        shards: Option<u32>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Shard, SweepError> {
        let usage = |why: String| SweepError::Usage(format!("--shard {text}: {why}"));
        let number = |name: &str, value: &str| {
            value
                .trim()
                .parse::<u32>()
                .map_err(|_| usage(format!("{name}={value} is not a whole number")))
        };
        let (index, count) = if text == "auto" {
            if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
                let min = match env("SLURM_ARRAY_TASK_MIN") {
                    Some(m) => number("SLURM_ARRAY_TASK_MIN", &m)?,
                    None => 0,
                };
                let count = match (shards, env("SLURM_ARRAY_TASK_COUNT")) {
                    (Some(n), _) => n,
                    (None, Some(c)) => number("SLURM_ARRAY_TASK_COUNT", &c)?,
                    (None, None) => {
                        return Err(usage(
                            "SLURM_ARRAY_TASK_COUNT is unset; pass --shards N".into(),
                        ));
                    }
                };
                let id = number("SLURM_ARRAY_TASK_ID", &id)?;
                (
                    id.checked_sub(min).ok_or_else(|| {
                        usage("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN".into())
                    })?,
                    count,
                )
            } else if let Some((name, id)) = ["AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"]
                .into_iter()
                .find_map(|name| env(name).map(|v| (name, v)))
            {
                let count = shards.ok_or_else(|| {
                    usage(format!(
                        "{name} gives the index but not the count; pass --shards N (the array size)"
                    ))
                })?;
                (number(name, &id)?, count)
            } else {
                return Err(usage(
                    "no array index in the environment (SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX)".into(),
                ));
            }
        } else {
            let (i, n) = text
                .split_once('/')
                .ok_or_else(|| usage("expected I/N, e.g. 0/4, or auto".into()))?;
            (number("I", i)?, number("N", n)?)
        };
        if count == 0 || index >= count {
            return Err(usage(format!(
                "shard index {index} is not below the shard count {count}"
            )));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn explicit_and_from_each_engine() {
        let none = env(&[]);
        assert_eq!(
            Shard::resolve("1/4", None, &none).unwrap(),
            Shard { index: 1, count: 4 }
        );
        assert!(Shard::resolve("4/4", None, &none).is_err());
        assert!(Shard::resolve("auto", None, &none).is_err());
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve("auto", None, &slurm).unwrap(),
            Shard { index: 2, count: 4 }
        );
        let batch = env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "2")]);
        assert!(Shard::resolve("auto", None, &batch).is_err());
        assert_eq!(
            Shard::resolve("auto", Some(3), &batch).unwrap(),
            Shard { index: 2, count: 3 }
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(
            Shard::resolve("auto", Some(2), &k8s).unwrap(),
            Shard { index: 0, count: 2 }
        );
    }
}
