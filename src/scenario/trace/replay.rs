//! What a trace's rows become as they are read: the window, time scale and sampling
//! applied to each, the kept ones gathered into one arrival list per (size, group), and
//! the task limit checked row by row, so a trace too large is refused after reading no
//! more of it than the limit, holding no more than that.

use super::super::duration::LONGEST_MS;
use super::super::error::FieldError;
use super::super::estimate::amount;
use super::super::file::TraceFile;
use super::formats::TraceRow;
use super::table::RowError;
use crate::rng::{StreamKind, StreamRng, stream};
use crate::time::SimDuration;
use crate::workload::TracedTask;
use rand::Rng;
use std::collections::BTreeMap;

/// A task's size: CPU units, MiB, whole GPUs.
pub(super) type Size = (u32, u32, u32);

/// `start`, `end`, `time_scale` and `sample` of one `[[traces]]` entry, checked.
pub(super) struct Window {
    start: u64,
    end: u64,
    scale: f64,
    sample: f64,
    coin: StreamRng,
    horizon_ms: u64,
}

impl Window {
    pub(super) fn new(t: &TraceFile, at: &str, horizon_ms: u64) -> Result<Window, FieldError> {
        let start = t.start.map_or(0, |d| d.0.0);
        let end = t.end.map_or(u64::MAX, |d| d.0.0);
        if end <= start {
            // Issue 32 item 17: an empty window turned every row away without a word.
            return Err(FieldError::new(
                format!("{at}.end"),
                format!(
                    "{} s is not after start ({} s): no row could arrive in [start, end)",
                    end as f64 / 1000.0,
                    start as f64 / 1000.0
                ),
            )
            .allowed("an end after start"));
        }
        let scale = t.time_scale.unwrap_or(1.0);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(FieldError::new(
                format!("{at}.time_scale"),
                format!("{} is not a positive number", amount_words(scale)),
            )
            .allowed("a number above 0 (0.5 replays twice as fast)"));
        }
        let sample = t.sample.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&sample) {
            return Err(FieldError::new(
                format!("{at}.sample"),
                format!("{} is out of range", amount_words(sample)),
            )
            .allowed("0 to 1"));
        }
        Ok(Window {
            start,
            end,
            scale,
            sample,
            coin: stream(t.sample_seed.unwrap_or(1), StreamKind::TraceSampling, 0),
            horizon_ms,
        })
    }

    /// The row's arrival and run time in the replay, or why it is turned away.
    fn admit(&mut self, arrival_ms: u64, run_ms: u64) -> Result<TracedTask, &'static str> {
        // Drawn for every row, kept or not, so the sample does not depend on the window.
        let keep = self.coin.random::<f64>() < self.sample;
        if arrival_ms < self.start || arrival_ms >= self.end {
            return Err("outside the time window");
        }
        if !keep {
            return Err("left out by sampling");
        }
        let at = ((arrival_ms - self.start) as f64 * self.scale).round() as u64;
        if at > self.horizon_ms {
            return Err("arriving after the horizon");
        }
        // A run time scaled past a thousand years ends after any horizon all the same;
        // the bound keeps the simulation's sums of times from overflowing.
        let run = ((run_ms as f64 * self.scale).round() as u64).min(LONGEST_MS);
        Ok(TracedTask {
            at: SimDuration(at),
            run_time: SimDuration(run),
        })
    }
}

/// A non-finite setting in words, not Rust's `NaN` or `inf`.
fn amount_words(x: f64) -> String {
    if x.is_nan() {
        "nan (not a number)".into()
    } else if x.is_infinite() {
        "an infinite value".into()
    } else {
        x.to_string()
    }
}

/// The kept rows of one (size, group): where the first is, and every arrival.
pub(super) struct Stream {
    pub(super) first_line: u64,
    pub(super) tasks: Vec<TracedTask>,
}

/// The streams of one size: rows without a group first, then by group name.
#[derive(Default)]
pub(super) struct BySize {
    pub(super) ungrouped: Option<Stream>,
    pub(super) grouped: BTreeMap<String, Stream>,
}

/// One trace's kept rows, gathered while it is read.
pub(super) struct Replay<'f> {
    window: Window,
    file: &'f str,
    /// Tasks the traces read before this one already replay.
    before: u64,
    limit: Option<u64>,
    pub(super) kept: u64,
    pub(super) rejected: BTreeMap<&'static str, u64>,
    pub(super) sizes: BTreeMap<Size, BySize>,
}

impl<'f> Replay<'f> {
    pub(super) fn new(window: Window, file: &'f str, before: u64, limit: Option<u64>) -> Self {
        Replay {
            window,
            file,
            before,
            limit,
            kept: 0,
            rejected: BTreeMap::new(),
            sizes: BTreeMap::new(),
        }
    }

    pub(super) fn push(&mut self, row: TraceRow<'_>) -> Result<(), RowError> {
        let task = match self.window.admit(row.arrival_ms, row.run_ms) {
            Ok(task) => task,
            Err(reason) => {
                *self.rejected.entry(reason).or_default() += 1;
                return Ok(());
            }
        };
        self.kept += 1;
        if let Some(limit) = self.limit.filter(|l| self.before + self.kept > *l) {
            let earlier = if self.before > 0 {
                " with the traces before it"
            } else {
                ""
            };
            return Err(RowError::new(
                self.file,
                row.line,
                format!(
                    "this row is task {} to replay{earlier}, over the limit of {} tasks a run may create; nothing was read past it",
                    self.before + self.kept,
                    amount(limit as f64)
                ),
            )
            .allowed("replay part of the trace (start and end, or sample), or pass --allow-large"));
        }
        let by_size = self
            .sizes
            .entry((row.cpu, row.memory, row.gpu))
            .or_default();
        let stream = match row.group {
            None => by_size
                .ungrouped
                .get_or_insert_with(|| Stream::at(row.line)),
            Some(g) => {
                if !by_size.grouped.contains_key(g) {
                    by_size.grouped.insert(g.to_string(), Stream::at(row.line));
                }
                by_size.grouped.get_mut(g).expect("inserted above")
            }
        };
        stream.tasks.push(task);
        Ok(())
    }
}

impl Stream {
    fn at(line: u64) -> Stream {
        Stream {
            first_line: line,
            tasks: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::duration::DurationText;

    fn trace(start: Option<u64>, end: Option<u64>) -> TraceFile {
        let ms = |s: u64| DurationText(SimDuration::from_secs(s));
        TraceFile {
            name: "t".into(),
            format: None,
            path: "t.csv".into(),
            nodes: None,
            start: start.map(ms),
            end: end.map(ms),
            time_scale: Some(0.5),
            sample: None,
            sample_seed: None,
            launch_type: None,
            capacity_provider_strategy: None,
            placement_strategy: Vec::new(),
        }
    }

    fn row(line: u64, arrival_s: u64) -> TraceRow<'static> {
        TraceRow {
            line,
            arrival_ms: arrival_s * 1000,
            run_ms: 60_000,
            cpu: 256,
            memory: 512,
            gpu: 0,
            group: None,
        }
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let e = Window::new(&trace(Some(7200), Some(3600)), "traces[0]", 86_400_000)
            .err()
            .unwrap();
        assert_eq!(e.field, "traces[0].end");
        assert_eq!(
            e.message,
            "3600 s is not after start (7200 s): no row could arrive in [start, end)"
        );
    }

    #[test]
    fn kept_rows_are_shifted_scaled_and_the_rest_counted() {
        // Window [100 s, 1000 s) at half speed, horizon 400 s: the row at 50 s is outside,
        // 300 s becomes (300 − 100) × 0.5 = 100 s, 950 s becomes 425 s > 400 s.
        let window = Window::new(&trace(Some(100), Some(1000)), "traces[0]", 400_000).unwrap();
        let mut replay = Replay::new(window, "t.csv", 0, None);
        for (line, at) in [(2, 50), (3, 300), (4, 950), (5, 1000)] {
            replay.push(row(line, at)).unwrap();
        }
        let stream = replay.sizes[&(256, 512, 0)].ungrouped.as_ref().unwrap();
        assert_eq!(stream.first_line, 3);
        assert_eq!(
            stream.tasks,
            vec![TracedTask {
                at: SimDuration(100_000),
                run_time: SimDuration(30_000)
            }]
        );
        assert_eq!(replay.rejected.get("outside the time window"), Some(&2));
        assert_eq!(replay.rejected.get("arriving after the horizon"), Some(&1));
    }

    #[test]
    fn the_task_limit_is_checked_on_the_row_that_passes_it() {
        // Two tasks already replayed by an earlier trace, a limit of 3: the second kept
        // row here (line 4; line 3 is outside the window) is task 4.
        let window = Window::new(&trace(Some(100), None), "traces[1]", 86_400_000).unwrap();
        let mut replay = Replay::new(window, "t.csv", 2, Some(3));
        replay.push(row(2, 100)).unwrap();
        replay.push(row(3, 50)).unwrap();
        let e = replay.push(row(4, 200)).unwrap_err();
        assert_eq!(e.line, 4);
        assert_eq!(
            e.message,
            "this row is task 4 to replay with the traces before it, over the limit of 3 tasks a run may create; nothing was read past it"
        );
    }
}
