//! Charts of a run, a comparison or a sweep, drawn with plotters as SVG and PNG.
//!
//! Each chart family builds [`Figure`]s from the typed output readers in
//! [`crate::outputs`]: a figure is plain data (already aggregated to a few hundred points
//! per series), and [`svg()`] and [`png()`] draw any figure on either backend. Families leave a chart
//! out when the run lacks the feature it shows, rather than draw an empty one.

mod commitments;
mod compare;
mod distributions;
mod hidpi;
mod placement;
mod recommend;
mod render;
mod run_series;
pub mod style;
mod sweep;

pub use commitments::{HourSpend, curve as commitment_curve, hourly_spend};
pub use render::{BASE_DPI, DEFAULT_DPI, DPI_RANGE, png, svg};

use crate::outputs::{CompareOutputs, Outputs, RecommendOutputs, RunOutputs, SweepOutputs};
use style::Look;

/// One chart: its file stem, title, a sentence saying how to read it, and what to draw.
pub struct Figure {
    /// The file stem under `charts/` and the page anchor (`tasks`, `cost`, ...).
    pub name: String,
    /// Drawn at the top: the scenario's name, a colon, what the chart shows.
    pub title: String,
    /// How to read it, printed under it on the page.
    pub caption: String,
    /// What to draw.
    pub body: Body,
}

/// The kinds of chart a [`Figure`] can be.
pub enum Body {
    /// Panels stacked over one shared x axis, with optional event rows below them.
    Panels(PanelChart),
    /// Bars per category (stacked when a panel has several components).
    Bars(BarChart),
    /// One row per instance, a bar per task.
    Placement(PlacementChart),
    /// Rows of instances (or groups of them) against time, coloured by a value.
    Heatmap(HeatmapChart),
    /// Point estimates with intervals, one row per item, one panel per metric.
    Intervals(IntervalChart),
}

/// The horizontal axis a chart's panels or rows share.
#[derive(Clone)]
pub struct XAxis {
    /// Its title, with the unit (`time (hours)`).
    pub label: String,
    /// The left end, in the axis's values (log10 of the quantity on a log axis).
    pub min: f64,
    /// The right end, likewise.
    pub max: f64,
    /// How values map to ticks.
    pub scale: Scale,
}

/// How an axis's values are ticked and printed.
#[derive(Clone, PartialEq)]
pub enum Scale {
    /// Evenly spaced values, round ticks.
    Linear,
    /// Linear, for a quantity that only takes whole values (a task count, a number of
    /// instances): ticks fall on whole numbers only.
    Integers,
    /// Values are log10 of the quantity; ticks print the quantity.
    Log10,
    /// Values are category indexes 0..n.
    Categories(Vec<String>),
}

/// How a vertical axis prints its values.
#[derive(Clone, Copy, PartialEq)]
pub enum Format {
    /// A short number (`12k`, `2.5`).
    Plain,
    /// A fraction printed as a percentage (0.5 → `50%`).
    Percent,
    /// US dollars (`$12`).
    Dollars,
    /// A count of things (tasks, instances): ticks on whole numbers only.
    Count,
}

/// Panels stacked over one time or value axis, with optional event rows below.
pub struct PanelChart {
    /// The shared horizontal axis (ticks printed under the last panel only).
    pub x: XAxis,
    /// Top to bottom.
    pub panels: Vec<Panel>,
    /// A shaded span with a label (the warm-up).
    pub shade: Option<(f64, f64, String)>,
    /// Event rows: label, look, and the x positions where the event happened.
    pub events: Vec<(String, Look, Vec<f64>)>,
}

/// One panel of a [`PanelChart`]: its own vertical axis and lines.
pub struct Panel {
    /// The vertical axis's title.
    pub y_label: String,
    /// The bottom of the vertical axis.
    pub y_min: f64,
    /// The top of the vertical axis.
    pub y_max: f64,
    /// How its ticks print.
    pub format: Format,
    /// The series, drawn in order (later over earlier).
    pub lines: Vec<Line>,
    /// Its height in CSS pixels.
    pub height: u32,
}

/// One series of a panel.
pub struct Line {
    /// Its legend entry; lines sharing a label share the entry.
    pub label: String,
    /// Colour, dash and marker.
    pub look: Look,
    /// (x, y) in axis values, x ascending.
    pub points: Vec<(f64, f64)>,
    /// Vertical intervals (x, low, high) drawn as error bars.
    pub whiskers: Vec<(f64, f64, f64)>,
    /// Draw only markers (a single highlighted point), no joining line.
    pub points_only: bool,
    /// A filled band stacked on the panel's earlier stacked lines (all of them share the
    /// same x values): the band's height is this line's y.
    pub stacked: bool,
    /// A level a policy steers to or acts at (a target, a threshold), not data: drawn thin,
    /// without markers, over the data lines.
    pub reference: bool,
    /// Never marked, however few its points: the corners of a step curve are not data.
    pub plain: bool,
}

impl Line {
    /// A joined line through `points`, marked sparsely.
    pub fn new(label: impl Into<String>, look: Look, points: Vec<(f64, f64)>) -> Line {
        Line {
            label: label.into(),
            look,
            points,
            whiskers: Vec::new(),
            points_only: false,
            stacked: false,
            reference: false,
            plain: false,
        }
    }

    /// A step curve (an ECDF), see [`Line::plain`].
    pub fn steps(label: impl Into<String>, look: Look, points: Vec<(f64, f64)>) -> Line {
        Line {
            plain: true,
            ..Line::new(label, look, points)
        }
    }

    /// A horizontal reference level at `y` across `x0..x1`, see [`Line::reference`].
    pub fn level(label: impl Into<String>, look: Look, y: f64, x0: f64, x1: f64) -> Line {
        Line {
            reference: true,
            plain: true,
            ..Line::new(label, look, vec![(x0, y), (x1, y)])
        }
    }

    /// A band of a stacked area, see [`Line::stacked`].
    pub fn band(label: impl Into<String>, look: Look, points: Vec<(f64, f64)>) -> Line {
        Line {
            stacked: true,
            ..Line::new(label, look, points)
        }
    }
}

/// Bars per category, a panel per metric.
pub struct BarChart {
    /// The bars' names along the horizontal axis.
    pub categories: Vec<String>,
    /// Palette index per category when a panel has one component (a comparison colours
    /// each leg the same on every chart); empty: the category's own index.
    pub colors: Vec<usize>,
    /// Top to bottom, one metric each.
    pub panels: Vec<BarPanel>,
}

/// One metric's bars.
pub struct BarPanel {
    /// The vertical axis's title.
    pub y_label: String,
    /// How its ticks and the values over the bars print.
    pub format: Format,
    /// Components stacked bottom-up: label and one value per category (`None`: n/a).
    pub stacks: Vec<(String, Vec<Option<f64>>)>,
    /// The y axis starts here (e.g. to show small differences in availability near 1).
    pub y_floor: f64,
    /// A light bar drawn behind each category's bar for comparison (the On-Demand bill
    /// behind the bill with commitments): its label and one value per category.
    pub ghost: Option<(String, Vec<Option<f64>>)>,
}

/// Tasks on instances against time: a row per instance, a bar per task.
pub struct PlacementChart {
    /// The time axis.
    pub x: XAxis,
    /// Instance ids, top to bottom.
    pub rows: Vec<String>,
    /// The tasks.
    pub bars: Vec<PlacementBar>,
    /// Services and job streams, in colour order (the legend).
    pub groups: Vec<String>,
    /// A shaded span with a label (the warm-up).
    pub shade: Option<(f64, f64, String)>,
}

/// One task on its instance's row; `lane` of `lanes` when tasks overlap in time.
pub struct PlacementBar {
    /// Index into the chart's `rows`.
    pub row: u32,
    /// Which lane of its row, 0 at the top.
    pub lane: u32,
    /// How many lanes its row has.
    pub lanes: u32,
    /// Placement, in the time axis's unit.
    pub start: f64,
    /// Stop (or the end of the run), in the time axis's unit.
    pub end: f64,
    /// Index into `groups` (the service or job stream).
    pub group: u32,
}

/// Rows of instances against time, each cell coloured by a value.
pub struct HeatmapChart {
    /// The time axis.
    pub x: XAxis,
    /// Row names, top to bottom (an instance id, or a range of ranks).
    pub rows: Vec<String>,
    /// Cell edges on x (columns + 1 values).
    pub edges: Vec<f64>,
    /// rows × columns values.
    pub cells: Vec<Vec<f64>>,
    /// The value the darkest colour stands for.
    pub max: f64,
    /// What the colour measures, beside the colour bar.
    pub scale_label: String,
    /// The vertical axis's title.
    pub row_axis: String,
}

/// An estimate with its interval: (estimate, lower, upper).
pub type Estimate = (f64, f64, f64);

/// Estimates with intervals: a row per item, a panel per metric.
pub struct IntervalChart {
    /// The items (a sweep's variants), top to bottom.
    pub rows: Vec<String>,
    /// Metric label and per row its estimate, if any.
    pub panels: Vec<(String, Vec<Option<Estimate>>)>,
}

/// Every chart an output directory supports, in reading order.
pub fn figures(outputs: &Outputs) -> Vec<Figure> {
    match outputs {
        Outputs::Run(run) => run_figures(run),
        Outputs::Compare(c) => compare_figures(c),
        Outputs::Sweep(s) => sweep_figures(s),
        Outputs::Recommend(r) => recommend_figures(r),
    }
}

/// A run directory's charts, in reading order.
pub fn run_figures(run: &RunOutputs) -> Vec<Figure> {
    let mut out = Vec::new();
    out.extend(run_series::tasks(run));
    out.extend(run_series::capacity(run));
    out.extend(run_series::autoscaling(run));
    out.extend(run_series::forecast(run));
    out.extend(run_series::cost(run));
    out.extend(run_series::cost_by_service(run));
    out.extend(distributions::waits(run));
    out.extend(placement::placement(run));
    out
}

/// A comparison directory's charts, in reading order.
pub fn compare_figures(c: &CompareOutputs) -> Vec<Figure> {
    let mut out = vec![compare::cost(c), compare::service(c)];
    out.extend(compare::per_service(c));
    out.extend(compare::break_even(c));
    out.extend(commitments::curve(&c.scenario, &c.commitments));
    out
}

/// A recommendation's charts: bill against pending p95 per candidate.
pub fn recommend_figures(r: &RecommendOutputs) -> Vec<Figure> {
    recommend::cost_vs_p95(r).into_iter().collect()
}

/// A sweep directory's charts, in reading order.
pub fn sweep_figures(s: &SweepOutputs) -> Vec<Figure> {
    let mut out: Vec<Figure> = sweep::metrics(s).into_iter().collect();
    out.extend(sweep::paired(s));
    out
}

/// Hours for runs up to three days, else days: the unit a reader thinks of the run in.
pub fn time_axis(horizon_s: f64) -> (f64, &'static str) {
    if horizon_s <= 3.0 * 86_400.0 {
        (3600.0, "time (hours)")
    } else {
        (86_400.0, "time (days)")
    }
}

/// Short, exact-enough numbers for ticks: no trailing zeros, thousands apart.
pub fn tick(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let a = x.abs();
    let text = if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    };
    trim_zeros(text)
}

fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    let (num, suffix) = match text.strip_suffix(['k', 'M']) {
        Some(n) => (n.to_string(), &text[n.len()..]),
        None => (text.clone(), ""),
    };
    let num = num.trim_end_matches('0').trim_end_matches('.');
    // A tick a hair below zero (a float sum's residue) rounds to "-0.000": zero has no sign.
    let num = if num == "-0" { "0" } else { num };
    format!("{num}{suffix}")
}

/// Averages `points` (sorted by x) into at most `buckets` equal x-spans, so a long run
/// draws a few hundred points per series whatever its sample interval.
pub fn downsample(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    if points.len() <= buckets * 2 || buckets == 0 {
        return points.to_vec();
    }
    let (x0, x1) = (points[0].0, points[points.len() - 1].0);
    let width = (x1 - x0) / buckets as f64;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(buckets + 1);
    let mut start = 0;
    while start < points.len() {
        let bucket = (((points[start].0 - x0) / width).floor() as usize).min(buckets - 1);
        let mut end = start;
        let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
        while end < points.len()
            && (((points[end].0 - x0) / width).floor() as usize).min(buckets - 1) == bucket
        {
            if points[end].1.is_finite() {
                sx += points[end].0;
                sy += points[end].1;
                n += 1.0;
            }
            end += 1;
        }
        if n > 0.0 {
            out.push((sx / n, sy / n));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_short() {
        assert_eq!(tick(12000.0), "12k");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.125), "0.125");
        assert_eq!(tick(150.0), "150");
        assert_eq!(tick(3.0), "3");
        // -0.0001 rounds to zero at three places: no "-0" on an axis.
        assert_eq!(tick(-0.0001), "0");
        assert_eq!(tick(-0.25), "-0.25");
    }

    #[test]
    fn downsampling_averages_equal_spans() {
        // 0..100 with y = x, into 10 spans of 10: means 4.5, 14.5, ...
        let pts: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, i as f64)).collect();
        let d = downsample(&pts, 10);
        assert_eq!(d.len(), 10);
        assert!((d[0].1 - 4.5).abs() < 1e-9 && (d[9].1 - 94.5).abs() < 1e-9);
        // Short series pass through untouched.
        assert_eq!(downsample(&pts[..15], 10).len(), 15);
    }
}
