//! The run page's time charts, interactive: each time-axis [`Figure`] becomes its data as
//! JSON beside a host element, drawn in the browser by the vendored uPlot
//! (`vendor/uplot/`, pinned, MIT) with `interactive.js`: a readout of every series under the
//! pointer, drag to zoom (double-click resets), and a brush over the whole run to pick a
//! time window. Script and data are inlined, so the page stays one file that makes no
//! request. The static SVG and PNG of the same figure are still written under `charts/`.

use super::text::esc;
use crate::charts::style::{Dash, PALETTE};
use crate::charts::{Body, Figure, Format, Line, PanelChart, Scale};
use serde_json::{Value, json};

/// uPlot's stylesheet, then the page's additions for the charts it draws.
pub(super) fn style() -> String {
    format!(
        "{}\n{}",
        include_str!("vendor/uplot/uPlot.min.css"),
        ".tchart .u-legend{font-size:13px;text-align:left}.tchart .u-legend th{font-weight:normal}\
.tchart .brush-note{color:#555;font-size:.85em;margin:.2em 0}.tchart button{font:inherit;font-size:.85em}\
.tchart .u-legend .u-value{font-variant-numeric:tabular-nums;min-width:5em;display:inline-block}"
    )
}

/// uPlot and the glue that builds every `.tchart` on the page, as two `<script>` elements.
pub(super) fn scripts() -> String {
    format!(
        "<script>{}</script>\n<script>{}</script>\n",
        include_str!("vendor/uplot/uPlot.iife.min.js"),
        include_str!("interactive.js")
    )
}

/// Whether the figure is drawn against time (the run's series charts): those become
/// interactive; distributions and placement stay SVG.
pub(super) fn is_time_series(fig: &Figure) -> bool {
    matches!(&fig.body, Body::Panels(p) if p.x.scale == Scale::Linear && p.x.label.starts_with("time ("))
}

/// The figure's host element with its data, or `None` when it is not a time chart.
pub(super) fn figure_html(fig: &Figure) -> Option<String> {
    let Body::Panels(p) = &fig.body else {
        return None;
    };
    if !is_time_series(fig) {
        return None;
    }
    let data = spec(fig, p).to_string().replace('<', "\\u003c");
    Some(format!(
        "<div class=\"tchart\" role=\"img\" aria-label=\"{}\"><script type=\"application/json\">{data}</script></div>\n<p class=\"static\">Static copies: <a href=\"charts/{name}.png\">charts/{name}.png</a>, <a href=\"charts/{name}.svg\">.svg</a></p>",
        esc(&fig.title),
        name = fig.name
    ))
}

/// Six significant digits: enough for a readout, and short in the page.
fn round(v: f64) -> Value {
    if !v.is_finite() {
        return Value::Null;
    }
    let r: f64 = format!("{v:.5e}").parse().unwrap_or(v);
    json!(r)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Plain => "plain",
        Format::Percent => "percent",
        Format::Dollars => "dollars",
        Format::Count => "count",
    }
}

fn color(i: usize) -> String {
    let c = PALETTE[i % PALETTE.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A line's points as samples: a held series (a vertical step is two points at one x)
/// keeps the later of each pair, and is drawn stepped; any other joins its points.
fn samples(line: &Line) -> (Vec<(f64, f64)>, bool) {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.points.len());
    let mut held = line.reference;
    for &(x, y) in &line.points {
        match out.last_mut() {
            Some(last) if last.0 == x => {
                last.1 = y;
                held = true;
            }
            _ => out.push((x, y)),
        }
    }
    (out, held)
}

fn spec(fig: &Figure, p: &PanelChart) -> Value {
    let panels: Vec<Value> = p
        .panels
        .iter()
        .map(|panel| {
            // Stacked bands arrive as heights: the page draws their tops.
            let mut floor: Vec<(f64, f64)> = Vec::new();
            let lines: Vec<Value> = panel
                .lines
                .iter()
                .map(|line| {
                    let (mut pts, step) = samples(line);
                    if line.stacked {
                        if floor.len() == pts.len() {
                            for (pt, f) in pts.iter_mut().zip(&floor) {
                                pt.1 += f.1;
                            }
                        }
                        floor = pts.clone();
                    }
                    json!({
                        "label": line.label,
                        "color": color(line.look.color),
                        "dash": match line.look.dash {
                            Dash::Solid => json!([]),
                            Dash::Dashed => json!([8, 5]),
                            Dash::Dotted => json!([2, 4]),
                        },
                        "step": step,
                        "band": line.stacked,
                        "reference": line.reference,
                        "dots": line.points_only,
                        "x": pts.iter().map(|p| round(p.0)).collect::<Vec<_>>(),
                        "y": pts.iter().map(|p| round(p.1)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "label": panel.y_label,
                "format": format_name(panel.format),
                "min": round(panel.y_min),
                "max": round(panel.y_max),
                "height": panel.height,
                "lines": lines,
            })
        })
        .collect();
    let events: Vec<Value> = p
        .events
        .iter()
        .map(|(label, look, xs)| {
            json!({
                "label": label,
                "color": color(look.color),
                "x": xs.iter().map(|x| round(*x)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let unit = if p.x.label.contains("days") { "d" } else { "h" };
    json!({
        "name": fig.name,
        "x": { "label": p.x.label, "unit": unit, "min": round(p.x.min), "max": round(p.x.max) },
        "shade": p.shade.as_ref().map(|(a, b, label)| json!({"from": round(*a), "to": round(*b), "label": label})),
        "panels": panels,
        "events": events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::style::Look;

    #[test]
    fn a_held_series_goes_back_to_its_samples() {
        // 6 at 0 and 1 h, 4 from 2 h: drawn held as (2, 6), (2, 4); the page gets the three
        // samples and draws them stepped.
        let line = Line::new(
            "x",
            Look::nth(0),
            vec![(0.0, 6.0), (1.0, 6.0), (2.0, 6.0), (2.0, 4.0), (3.0, 4.0)],
        );
        assert_eq!(
            samples(&line),
            (vec![(0.0, 6.0), (1.0, 6.0), (2.0, 4.0), (3.0, 4.0)], true)
        );
        // A cumulative cost joins its points.
        let cost = Line::new("c", Look::nth(0), vec![(0.0, 0.0), (1.0, 2.5)]);
        assert!(!samples(&cost).1);
    }

    #[test]
    fn readouts_keep_six_significant_digits() {
        assert_eq!(round(0.123456789), json!(0.123457));
        assert_eq!(round(12345.678), json!(12345.7));
        assert_eq!(round(f64::NAN), Value::Null);
    }
}
