//! Where the task definitions and job streams made from traces came from. The user never
//! wrote `jobs[7]`: a problem found in one is told at the CSV line of its first row (or at
//! the `[[traces]]` setting it copied), and the rows no instance could ever hold are
//! counted in one warning per trace.

use super::super::checks;
use super::super::error::FieldError;
use super::replay::Size;
use crate::model::{LaunchSpec, SimConfig};
use crate::workload::ArrivalProcess;

/// The first row of a generated task definition or job stream.
#[derive(Debug)]
struct RowOrigin {
    trace: usize,
    line: u64,
    size: Size,
}

/// Job settings copied from the `[[traces]]` entry, named there the same way.
const ENTRY_FIELDS: [&str; 4] = [
    "name",
    "launchType",
    "capacityProviderStrategy",
    "placementStrategy",
];

/// Where each task definition and job stream made from traces came from: its trace file and
/// first row.
#[derive(Debug, Default)]
pub struct TraceOrigins {
    /// Each trace entry's path, as written.
    files: Vec<String>,
    first_task_def: usize,
    task_defs: Vec<RowOrigin>,
    first_job: usize,
    jobs: Vec<RowOrigin>,
}

impl TraceOrigins {
    /// Origins of what is appended after `task_defs` task definitions and `jobs` jobs.
    pub(super) fn new(task_defs: usize, jobs: usize) -> TraceOrigins {
        TraceOrigins {
            first_task_def: task_defs,
            first_job: jobs,
            ..TraceOrigins::default()
        }
    }

    pub(super) fn add_trace(&mut self, file: &str) {
        self.files.push(file.to_string());
    }

    /// The next generated task definition comes from `line` of the last trace added.
    pub(super) fn add_task_def(&mut self, line: u64, size: Size) {
        let trace = self.files.len() - 1;
        self.task_defs.push(RowOrigin { trace, line, size });
    }

    pub(super) fn add_job(&mut self, line: u64, size: Size) {
        let trace = self.files.len() - 1;
        self.jobs.push(RowOrigin { trace, line, size });
    }

    /// `e` told where the user can see it, if it is about something made from a trace.
    pub fn relocate(&self, e: FieldError) -> FieldError {
        let (origin, rest, job) = match (
            indexed(&e.field, "taskDefinitions", self.first_task_def),
            indexed(&e.field, "jobs", self.first_job),
        ) {
            (Some((k, rest)), _) => (self.task_defs.get(k), rest, false),
            (None, Some((k, rest))) => (self.jobs.get(k), rest, true),
            (None, None) => (None, "", false),
        };
        let Some(o) = origin else {
            return e;
        };
        if job && ENTRY_FIELDS.iter().any(|f| rest.starts_with(f)) {
            return FieldError {
                field: format!("traces[{}].{rest}", o.trace),
                ..e
            };
        }
        FieldError {
            field: format!("traces[{}].path", o.trace),
            message: format!(
                "{}:{}: the row's task ({}): {}",
                self.files[o.trace],
                o.line,
                size_words(o.size),
                e.message
            ),
            allowed: e.allowed,
        }
    }

    /// One warning per trace whose rows include some no instance they may use could
    /// ever hold: RunTask rejects those (or, on capacity providers, they wait).
    pub fn unplaceable(&self, c: &SimConfig) -> Vec<String> {
        // Per trace: rows, the first such row, its size, whether it waits.
        let mut found: Vec<Option<(usize, u64, Size, bool)>> = vec![None; self.files.len()];
        for (k, o) in self.jobs.iter().enumerate() {
            let job = &c.jobs[self.first_job + k];
            let def = &c.task_defs[job.task_def.index()];
            if !checks::fits_no_pool(c, def, &job.launch) {
                continue;
            }
            let rows = match &job.arrival {
                ArrivalProcess::Trace(rows) => rows.len(),
                _ => 0,
            };
            let waits = matches!(job.launch, LaunchSpec::Providers(_));
            let entry = found[o.trace].get_or_insert((0, o.line, o.size, waits));
            entry.0 += rows;
            if o.line < entry.1 {
                (entry.1, entry.2) = (o.line, o.size);
            }
        }
        found
            .iter()
            .enumerate()
            .filter_map(|(t, f)| f.map(|f| (t, f)))
            .map(|(t, (rows, line, size, waits))| {
                let fate = if waits {
                    "they wait in PROVISIONING for capacity that never comes, as in ECS"
                } else {
                    "RunTask rejects them (RESOURCE:CPU, RESOURCE:MEMORY or RESOURCE:GPU), counted in tasks.rejected"
                };
                format!(
                    "traces[{t}].path: {rows} row(s) of {} ask for more than any instance they may use offers (the first, line {line}: {}); {fate}",
                    self.files[t],
                    size_words(size)
                )
            })
            .collect()
    }
}

/// `prefix[k].rest` with k ≥ `first`: (k − first, rest).
fn indexed<'f>(field: &'f str, prefix: &str, first: usize) -> Option<(usize, &'f str)> {
    let inside = field.strip_prefix(prefix)?.strip_prefix('[')?;
    let (index, rest) = inside.split_once(']')?;
    let k = index.parse::<usize>().ok()?.checked_sub(first)?;
    Some((k, rest.strip_prefix('.').unwrap_or(rest)))
}

fn size_words((cpu, memory, gpu): Size) -> String {
    let mut words = format!("{cpu} CPU units, {memory} MiB");
    if gpu > 0 {
        words.push_str(&format!(", {gpu} GPU(s)"));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> TraceOrigins {
        // One task definition and one job the user wrote; a trace's come after.
        let mut o = TraceOrigins::new(1, 1);
        o.add_trace("t.csv");
        o.add_task_def(3, (99_999, 512, 0));
        o.add_job(3, (99_999, 512, 0));
        o
    }

    #[test]
    fn a_generated_field_is_told_at_its_csv_line_or_trace_setting() {
        let o = origins();
        let e = o.relocate(
            FieldError::new("taskDefinitions[1].cpu", "no Fargate size fits").allowed("x"),
        );
        assert_eq!(e.field, "traces[0].path");
        assert_eq!(
            e.message,
            "t.csv:3: the row's task (99999 CPU units, 512 MiB): no Fargate size fits"
        );
        assert_eq!(e.allowed.as_deref(), Some("x"));
        let e = o.relocate(FieldError::new(
            "jobs[1].capacityProviderStrategy[0].capacityProvider",
            "unknown",
        ));
        assert_eq!(
            e.field,
            "traces[0].capacityProviderStrategy[0].capacityProvider"
        );
        // What the user wrote is left as it is.
        for field in ["jobs[0].name", "taskDefinitions[0].cpu", "jobs", "horizon"] {
            assert_eq!(o.relocate(FieldError::new(field, "m")).field, field);
        }
    }
}
