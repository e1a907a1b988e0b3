//! Where tasks ran: one row per EC2 instance with a bar per task (small clusters), or a
//! heat map of reserved CPU per instance over time (large ones).

use super::{Body, Figure, HeatmapChart, PlacementChart, Scale, XAxis, time_axis};
use crate::outputs::{HEAT_COLUMNS, RunOutputs};

/// Above this many instances a row per instance is unreadable: draw the heat map.
pub const MAX_ROWS: usize = 60;
/// Above this many task bars the SVG grows large: draw the heat map.
const MAX_BARS: usize = 6000;
const HEAT_ROWS: usize = 60;

/// Instances running with no task on them, which tasks.csv cannot name (no task row
/// points at them): per heat-map span after the warm-up, `timeseries.csv`'s instance count
/// averaged over the span less the instances a task reserved anything on in it. Returns the
/// mean over the spans and the largest span's count; `None` without the heat map's columns.
fn idle_instances(run: &RunOutputs) -> Option<(f64, f64)> {
    let heat = run.tasks.heat.as_ref()?;
    let counts = run.series.column("instances")?;
    let times = run.series.time_s();
    let width = run.horizon_s() / HEAT_COLUMNS as f64;
    let warmup = run.warmup_s();
    let (mut sum, mut max, mut spans) = (0.0, 0.0f64, 0.0);
    let mut k = 0;
    let mut last = counts.first().copied().unwrap_or(0.0);
    for c in 0..HEAT_COLUMNS {
        let (from, to) = (c as f64 * width, (c + 1) as f64 * width);
        let (mut total, mut n) = (0.0, 0.0);
        while k < times.len() && times[k] < to {
            if times[k] >= from {
                total += counts[k];
                n += 1.0;
            }
            last = counts[k];
            k += 1;
        }
        if from < warmup {
            continue;
        }
        let running = if n > 0.0 { total / n } else { last };
        let busy = heat.iter().filter(|row| row[c] > 0.0).count() as f64;
        let idle = (running - busy).max(0.0);
        sum += idle;
        max = max.max(idle);
        spans += 1.0;
    }
    (spans > 0.0).then(|| (sum / spans, max.round()))
}

/// The caption's sentence on the instances the chart cannot show.
fn idle_words(run: &RunOutputs) -> String {
    match idle_instances(run) {
        Some((mean, max)) if max >= 1.0 => format!(
            " Instances with no task have no row: on average {} billed instances held no task (at most {} at once): timeseries.csv's instance count less the instances a task ran on, in each of {} spans after the warm-up.",
            super::tick((mean * 10.0).round() / 10.0),
            super::tick(max),
            HEAT_COLUMNS
        ),
        Some(_) => " Every billed instance held a task throughout the measured window.".into(),
        None => String::new(),
    }
}

pub fn placement(run: &RunOutputs) -> Option<Figure> {
    let placed = &run.tasks.placed;
    if placed.is_empty() {
        return None;
    }
    let mut instances: Vec<u32> = run.tasks.placed_instances.list().to_vec();
    instances.sort_by(|a, b| run.name(*a).cmp(run.name(*b)));
    let horizon = run.horizon_s();
    let (unit, label) = time_axis(horizon);
    let x = XAxis {
        label: label.into(),
        min: 0.0,
        max: horizon / unit,
        scale: Scale::Linear,
    };
    let row_of = |i: u32| instances.binary_search_by(|p| run.name(*p).cmp(run.name(i)));
    let span = |t: &crate::outputs::Placed| {
        let start = t.placed_s;
        (start, t.stopped_s.unwrap_or(horizon).max(start))
    };
    if instances.len() <= MAX_ROWS && placed.seen() <= MAX_BARS as u64 {
        let mut groups: Vec<u32> = placed.iter().map(|t| t.origin).collect();
        groups.sort_by(|a, b| run.name(*a).cmp(run.name(*b)));
        groups.dedup();
        // Tasks sharing an instance at once go to separate lanes of its row (first lane
        // free at the task's start), so none hides another.
        let mut order: Vec<(usize, f64, f64, u32)> = placed
            .iter()
            .map(|t| {
                let (s, e) = span(t);
                let g = groups.iter().position(|g| *g == t.origin).unwrap_or(0) as u32;
                (row_of(t.instance).unwrap_or(0), s, e, g)
            })
            .collect();
        order.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut lanes: Vec<Vec<f64>> = vec![Vec::new(); instances.len()];
        let mut assigned = Vec::with_capacity(order.len());
        for &(row, s, e, g) in &order {
            let free = &mut lanes[row];
            let lane = match free.iter().position(|&end| end <= s) {
                Some(l) => l,
                None => {
                    free.push(0.0);
                    free.len() - 1
                }
            };
            free[lane] = e;
            assigned.push((row, lane, s, e, g));
        }
        let bars = assigned
            .into_iter()
            .map(|(row, lane, s, e, g)| super::PlacementBar {
                row: row as u32,
                lane: lane as u32,
                lanes: lanes[row].len() as u32,
                start: s / unit,
                end: e / unit,
                group: g,
            })
            .collect();
        let warmup = run.warmup_s();
        return Some(Figure {
            name: "placement".into(),
            title: format!("{}: tasks on each instance", run.scenario),
            caption: format!(
                "One row per EC2 instance a task ran on, one bar per task from placement to stop, coloured by service or job: binpack fills some instances and leaves others empty, spread evens the rows out.{}",
                idle_words(run)
            ),
            body: Body::Placement(PlacementChart {
                x,
                rows: instances.iter().map(|i| run.name(*i).to_string()).collect(),
                bars,
                groups: groups.iter().map(|g| run.name(*g).to_string()).collect(),
                shade: (warmup > 0.0).then(|| (0.0, warmup / unit, "warm-up".into())),
            }),
        });
    }
    // Past `MAX_HEAT_INSTANCES` the reader kept no per-instance columns: no chart.
    let heat = run.tasks.heat.as_ref()?;
    let per_row = instances.len().div_ceil(HEAT_ROWS);
    let rows = instances.len().div_ceil(per_row);
    let width = horizon / HEAT_COLUMNS as f64;
    let mut cells = vec![vec![0.0; HEAT_COLUMNS]; rows];
    for (rank, id) in instances.iter().enumerate() {
        let Some(at) = run.tasks.placed_instances.position(*id) else {
            continue;
        };
        for (cell, v) in cells[rank / per_row].iter_mut().zip(&heat[at]) {
            *cell += v;
        }
    }
    for (r, row) in cells.iter_mut().enumerate() {
        let members = per_row.min(instances.len() - r * per_row) as f64;
        for cell in row.iter_mut() {
            *cell /= members;
        }
    }
    let max = cells.iter().flatten().copied().fold(0.0, f64::max);
    let row_names = (0..rows)
        .map(|r| {
            let first = r * per_row + 1;
            let last = ((r + 1) * per_row).min(instances.len());
            if per_row == 1 {
                run.name(instances[r]).to_string()
            } else {
                format!("{first}–{last}")
            }
        })
        .collect();
    Some(Figure {
        name: "placement".into(),
        title: format!("{}: reserved CPU per instance", run.scenario),
        caption: format!(
            "{} EC2 instances that tasks ran on, in id order{}, against time: the colour is the vCPU that tasks reserve on an instance, averaged over each cell. Dark cells are packed, pale ones nearly empty.{}",
            instances.len(),
            if per_row > 1 {
                format!(", {per_row} to a row")
            } else {
                String::new()
            },
            idle_words(run)
        ),
        body: Body::Heatmap(HeatmapChart {
            x,
            rows: row_names,
            edges: (0..=HEAT_COLUMNS)
                .map(|c| c as f64 * width / unit)
                .collect(),
            cells,
            max,
            scale_label: "reserved vCPU per instance".into(),
            row_axis: if per_row > 1 {
                "instances (rank by id)".into()
            } else {
                "instance".into()
            },
        }),
    })
}
