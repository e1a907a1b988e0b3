//! Draws a [`Figure`] on any plotters backend, and the two byte encodings: SVG text and
//! PNG. Layout is computed, not left to plotters' defaults: the legend sits in its own strip
//! below the plot, never over the data.

use super::style::{self, Dash, FONT, LABEL_SIZE, Look, Marker, TICK_SIZE, TITLE_SIZE};
use super::{
    BarChart, Body, Figure, Format, HeatmapChart, IntervalChart, Line, PanelChart, PlacementChart,
    Scale, XAxis, tick,
};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const WIDTH: u32 = 960;
const Y_AXIS: u32 = 104;
const RIGHT: u32 = 24;
const X_AXIS: u32 = 48;
const TITLE: u32 = 40;
const LEGEND_ROW: u32 = 24;
const EVENT_ROW: u32 = 20;

type Res = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The figure as SVG text.
pub fn svg(fig: &Figure) -> Result<String, String> {
    style::ensure_font();
    let size = (WIDTH, height(fig));
    let mut text = String::new();
    let marks;
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        marks = draw(fig, &root)?;
        root.present().map_err(err)?;
    }
    if !marks.is_empty()
        && let Some(end) = text.rfind("</svg>")
    {
        text.insert_str(end, &bar_marks_svg(&marks));
    }
    Ok(text)
}

/// One drawn bar: its panel, category and value, and its rectangle in the SVG's pixels.
/// The SVG carries each as an invisible rectangle over the bar with the value in data
/// attributes and a hover title, so a reader (or a check) can read the exact figure a bar
/// was drawn from.
struct BarMark {
    panel: String,
    category: String,
    /// `bar`, or `ghost` for the bar drawn behind it.
    series: &'static str,
    value: f64,
    label: String,
    rect: (i32, i32, i32, i32),
}

fn bar_marks_svg(marks: &[BarMark]) -> String {
    use std::fmt::Write;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::from("<g class=\"bar-values\">\n");
    for m in marks {
        let (x0, y0, x1, y1) = m.rect;
        let _ = writeln!(
            out,
            "<rect class=\"bar-value\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#000\" fill-opacity=\"0\" data-panel=\"{}\" data-category=\"{}\" data-series=\"{}\" data-value=\"{}\"><title>{}: {}</title></rect>",
            x0.min(x1),
            y0.min(y1),
            (x1 - x0).abs(),
            (y1 - y0).abs(),
            esc(&m.panel),
            esc(&m.category),
            m.series,
            m.value,
            esc(&m.category),
            esc(&m.label)
        );
    }
    out.push_str("</g>\n");
    out
}

/// Dots per inch of a PNG at 1× (CSS pixels: the chart's layout size).
pub const BASE_DPI: u32 = 96;
/// The PNGs' resolution unless asked otherwise: 2×, sharp on a high-density screen and in
/// slides.
pub const DEFAULT_DPI: u32 = 192;
/// The resolutions a PNG may be drawn at: 0.5× to 6×.
pub const DPI_RANGE: std::ops::RangeInclusive<u32> = 48..=576;

/// The figure as PNG bytes at `dpi` (96 draws the 960-pixel layout pixel for pixel, 192
/// twice as many pixels each way); 8-bit RGB, fixed compression: the same figure and
/// resolution, the same bytes.
pub fn png(fig: &Figure, dpi: u32) -> Result<Vec<u8>, String> {
    style::ensure_font();
    let dpi = dpi.clamp(*DPI_RANGE.start(), *DPI_RANGE.end());
    let scale = f64::from(dpi) / f64::from(BASE_DPI);
    let size = |v: u32| (f64::from(v) * scale).round() as u32;
    let (w, h) = (size(WIDTH), size(height(fig)));
    let mut pixels = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let inner = BitMapBackend::with_buffer(&mut pixels, (w, h));
        let root = super::hidpi::Scaled::new(inner, scale, style::FONT_BYTES).into_drawing_area();
        draw(fig, &root)?;
        root.present().map_err(err)?;
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        let mut writer = encoder.write_header().map_err(err)?;
        writer.write_image_data(&pixels).map_err(err)?;
    }
    Ok(out)
}

fn legend_entries(fig: &Figure) -> Vec<(String, Look, bool)> {
    let mut out: Vec<(String, Look, bool)> = Vec::new();
    let mut push = |label: &str, look: Look, filled: bool| {
        if !label.is_empty() && !out.iter().any(|(l, _, _)| l == label) {
            out.push((label.to_string(), look, filled));
        }
    };
    match &fig.body {
        Body::Panels(p) => {
            for line in p.panels.iter().flat_map(|p| &p.lines) {
                push(&line.label, line.look, line.stacked);
            }
        }
        Body::Bars(b) => {
            if b.panels.iter().any(|p| p.stacks.len() > 1) {
                for p in &b.panels {
                    for (i, (label, _)) in p.stacks.iter().enumerate() {
                        push(label, Look::nth(i), true);
                    }
                }
            }
        }
        Body::Placement(p) => {
            for (i, g) in p.groups.iter().enumerate() {
                push(g, Look::nth(i), true);
            }
        }
        Body::Heatmap(_) | Body::Intervals(_) => {}
    }
    out
}

/// Legend rows needed at this width (entries flow left to right).
fn legend_layout(entries: &[(String, Look, bool)]) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = WIDTH; // forces a first row
    let avail = WIDTH - Y_AXIS - RIGHT;
    for (i, (label, _, _)) in entries.iter().enumerate() {
        let w = entry_width(label);
        if used + w > avail {
            rows.push(Vec::new());
            used = 0;
        }
        rows.last_mut().expect("a row").push(i);
        used += w;
    }
    rows
}

fn entry_width(label: &str) -> u32 {
    // Sample swatch, gap, text at ~0.6 em per character, spacing.
    40 + (label.chars().count() as f64 * LABEL_SIZE * 0.6) as u32 + 22
}

fn height(fig: &Figure) -> u32 {
    let legend = legend_layout(&legend_entries(fig)).len() as u32 * LEGEND_ROW;
    let legend = if legend > 0 { legend + 8 } else { 0 };
    TITLE
        + legend
        + match &fig.body {
            Body::Panels(p) => {
                p.panels.iter().map(|p| p.height).sum::<u32>()
                    + p.events.len() as u32 * EVENT_ROW
                    + if p.events.is_empty() { 0 } else { 12 }
                    + X_AXIS
            }
            Body::Bars(b) => b.panels.len() as u32 * 200 + X_AXIS,
            Body::Placement(p) => (p.rows.len() as u32 * 22).max(160) + X_AXIS,
            Body::Heatmap(h) => (h.rows.len() as u32 * 8).clamp(200, 480) + X_AXIS + 44,
            Body::Intervals(c) => {
                c.panels.len().div_ceil(2) as u32 * (c.rows.len() as u32 * 26 + 80) + 10
            }
        }
}

fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal)
}

fn text_style(size: f64) -> TextStyle<'static> {
    font(size).color(&style::TEXT)
}

fn anchored(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    text_style(size).pos(Pos::new(h, v))
}

/// Draws `fig`; for a bar chart, returns where each bar went (see [`BarMark`]).
fn draw<DB: DrawingBackend>(
    fig: &Figure,
    root: &DrawingArea<DB, Shift>,
) -> Result<Vec<BarMark>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (title, rest) = root.split_vertically(TITLE);
    let rest = rest.margin(0, 0, 6, 0);
    title
        .draw(&Text::new(
            fig.title.clone(),
            (Y_AXIS as i32 - 70, 12),
            text_style(TITLE_SIZE),
        ))
        .map_err(err)?;
    let entries = legend_entries(fig);
    let rows = legend_layout(&entries);
    let legend_h = if rows.is_empty() {
        0
    } else {
        rows.len() as u32 * LEGEND_ROW + 8
    };
    let body_h = rest.dim_in_pixel().1 - legend_h;
    let (body, legend) = rest.split_vertically(body_h);
    let mut marks = Vec::new();
    match &fig.body {
        Body::Panels(p) => panels(p, &body)?,
        Body::Bars(b) => marks = bars(b, &body)?,
        Body::Placement(p) => placement(p, &body)?,
        Body::Heatmap(h) => heatmap(h, &body)?,
        Body::Intervals(c) => intervals(c, &body)?,
    }
    draw_legend(&legend, &entries, &rows)?;
    Ok(marks)
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Look, bool)],
    rows: &[Vec<usize>],
) -> Res {
    for (r, row) in rows.iter().enumerate() {
        let y = 8 + r as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        let mut x = Y_AXIS as i32;
        for &i in row {
            let (label, look, filled) = &entries[i];
            if *filled {
                area.draw(&Rectangle::new(
                    [(x + 4, y - 7), (x + 30, y + 7)],
                    look.rgb().filled(),
                ))
                .map_err(err)?;
            } else {
                sample_line(area, look, x + 2, x + 32, y)?;
            }
            area.draw(&Text::new(
                label.clone(),
                (x + 40, y),
                anchored(LABEL_SIZE, HPos::Left, VPos::Center),
            ))
            .map_err(err)?;
            x += entry_width(label) as i32;
        }
    }
    Ok(())
}

fn sample_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    x0: i32,
    x1: i32,
    y: i32,
) -> Res {
    let st = look.rgb().stroke_width(2);
    match look.dash {
        Dash::Solid => area
            .draw(&PathElement::new(vec![(x0, y), (x1, y)], st))
            .map_err(err)?,
        Dash::Dashed | Dash::Dotted => {
            let (on, off) = dash_lengths(look.dash);
            let mut x = x0;
            while x < x1 {
                area.draw(&PathElement::new(vec![(x, y), ((x + on).min(x1), y)], st))
                    .map_err(err)?;
                x += on + off;
            }
        }
    }
    marker(area, look, ((x0 + x1) / 2, y))
}

fn dash_lengths(dash: Dash) -> (i32, i32) {
    match dash {
        Dash::Solid => (1, 0),
        Dash::Dashed => (8, 5),
        Dash::Dotted => (2, 4),
    }
}

fn marker<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, look: &Look, p: (i32, i32)) -> Res {
    let c = look.rgb();
    let (x, y) = p;
    match look.marker {
        Marker::None => Ok(()),
        Marker::Circle => area.draw(&Circle::new(p, 4, c.filled())).map_err(err),
        Marker::Square => area
            .draw(&Rectangle::new(
                [(x - 4, y - 4), (x + 4, y + 4)],
                c.filled(),
            ))
            .map_err(err),
        Marker::Triangle => area
            .draw(&Polygon::new(
                vec![(x, y - 5), (x - 5, y + 4), (x + 5, y + 4)],
                c.filled(),
            ))
            .map_err(err),
        Marker::Cross => {
            let st = c.stroke_width(2);
            area.draw(&PathElement::new(vec![(x - 4, y - 4), (x + 4, y + 4)], st))
                .map_err(err)?;
            area.draw(&PathElement::new(vec![(x - 4, y + 4), (x + 4, y - 4)], st))
                .map_err(err)
        }
    }
}

fn format_y(format: Format, v: f64) -> String {
    match format {
        Format::Plain => tick(v),
        Format::Count if (v - v.round()).abs() < 1e-9 => tick(v.round()),
        Format::Count => String::new(),
        Format::Percent => format!("{}%", tick(v * 100.0)),
        Format::Dollars => format!("${}", tick(v)),
    }
}

fn format_x(x: &XAxis, v: f64) -> String {
    match &x.scale {
        Scale::Linear => tick(v),
        Scale::Integers if (v - v.round()).abs() < 1e-9 => tick(v.round()),
        Scale::Integers => String::new(),
        Scale::Log10 => tick(10f64.powf(v)),
        Scale::Categories(names) => {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[i as usize].clone()
            } else {
                String::new()
            }
        }
    }
}

/// The largest axis bound drawn, either way. Plotters looks for round tick steps in a loop
/// that never ends on an infinite span; outputs hold figures of at most 1e15
/// (`outputs::figure::LARGEST`), and a chart pads its axis by a fifth at most.
const AXIS_LIMIT: f64 = 1e17;

/// `range`, if an axis over it can be drawn: every chart's axes pass here before plotters
/// sees them, so no figure, however its data came about, can keep the drawing from ending.
fn drawable(range: std::ops::Range<f64>) -> Result<std::ops::Range<f64>, String> {
    let ok = |v: f64| v.is_finite() && v.abs() <= AXIS_LIMIT;
    if ok(range.start) && ok(range.end) {
        Ok(range)
    } else {
        Err(format!(
            "its axis runs from {:e} to {:e}, which cannot be drawn (at most {AXIS_LIMIT:e} either way)",
            range.start, range.end
        ))
    }
}

fn x_range(x: &XAxis) -> std::ops::Range<f64> {
    match &x.scale {
        Scale::Categories(names) => -0.5..(names.len() as f64 - 0.5),
        _ => x.min..if x.max > x.min { x.max } else { x.min + 1.0 },
    }
}

fn x_tick_count(x: &XAxis) -> usize {
    match &x.scale {
        Scale::Log10 => ((x.max - x.min).round() as usize + 1).max(2),
        // One tick per whole number while there are few, else plotters' round steps
        // (which are whole for spans over ten); fractional ones print blank.
        Scale::Integers => ((x.max - x.min).floor() as usize + 1).clamp(2, 11),
        _ => 10,
    }
}

/// At most six ticks; on a count axis, no more than its whole numbers (plotters then steps
/// by one), so no tick lands between two counts.
fn y_tick_count(panel: &super::Panel) -> usize {
    match panel.format {
        Format::Count => ((panel.y_max - panel.y_min).floor() as usize + 1).clamp(2, 6),
        _ => 6,
    }
}

fn panels<DB: DrawingBackend>(p: &PanelChart, area: &DrawingArea<DB, Shift>) -> Res {
    let mut rest = area.clone();
    let categories = matches!(p.x.scale, Scale::Categories(_));
    let n = p.panels.len();
    for (i, panel) in p.panels.iter().enumerate() {
        let last = i + 1 == n && p.events.is_empty();
        let h = panel.height + if last { X_AXIS } else { 0 };
        let (top, bottom) = rest.split_vertically(h);
        rest = bottom;
        let y_range = panel.y_min..if panel.y_max > panel.y_min {
            panel.y_max
        } else {
            panel.y_min + 1.0
        };
        let label_room = i == 0 && p.shade.is_some();
        let mut chart = ChartBuilder::on(&top)
            .margin_top(if label_room { 24 } else { 8 })
            .margin_left(6)
            .margin_right(RIGHT)
            .x_label_area_size(if last { X_AXIS } else { 0 })
            .y_label_area_size(Y_AXIS)
            .build_cartesian_2d(drawable(x_range(&p.x))?, drawable(y_range.clone())?)
            .map_err(err)?;
        if let Some((from, to, label)) = &p.shade {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(*from, y_range.start), (*to, y_range.end)],
                    style::SHADE.filled(),
                )))
                .map_err(err)?;
            if i == 0 {
                let (px, py) = at(&top, &chart, &(*from, y_range.end));
                top.draw(&Text::new(
                    label.clone(),
                    (px + 2, py - 4),
                    anchored(TICK_SIZE - 1.0, HPos::Left, VPos::Bottom).color(&style::MUTED),
                ))
                .map_err(err)?;
            }
        }
        let xf = |v: &f64| format_x(&p.x, *v);
        let yf = |v: &f64| format_y(panel.format, *v);
        let mut mesh = mesh(&mut chart);
        mesh.y_desc(panel.y_label.clone())
            .y_labels(y_tick_count(panel))
            .y_label_formatter(&yf)
            .x_label_formatter(&xf);
        if categories {
            mesh.disable_x_mesh().x_labels(0);
        } else {
            mesh.x_labels(x_tick_count(&p.x));
        }
        // Category axes get their title from `category_labels`, below the names.
        if last && !categories {
            mesh.x_desc(p.x.label.clone());
        } else if !last {
            mesh.x_labels(0);
        }
        mesh.draw().map_err(err)?;
        if categories && last {
            category_labels(&top, &chart, &p.x, y_range.start)?;
        }
        stacked_bands(&mut chart, &panel.lines)?;
        // Reference levels last: a target the data sits on stays visible.
        for line in panel.lines.iter().filter(|l| !l.stacked && !l.reference) {
            draw_line(&mut chart, &top, line)?;
        }
        for line in panel.lines.iter().filter(|l| l.reference) {
            draw_line(&mut chart, &top, line)?;
        }
    }
    if !p.events.is_empty() {
        event_rows(p, &rest)?;
    }
    Ok(())
}

/// The mesh every chart shares: light grid, muted axes, the chart font.
fn mesh<'a, 'b, DB: DrawingBackend>(
    chart: &'b mut Chart<'a, DB>,
) -> plotters::chart::MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut m = chart.configure_mesh();
    m.light_line_style(TRANSPARENT)
        .bold_line_style(style::GRID)
        .axis_style(style::MUTED)
        .label_style(text_style(TICK_SIZE))
        .axis_desc_style(text_style(LABEL_SIZE));
    m
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A data point in pixels relative to `area` (plotters' `backend_coord` is absolute).
fn at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    p: &(f64, f64),
) -> (i32, i32) {
    let (x, y) = chart.backend_coord(p);
    let (bx, by) = area.get_base_pixel();
    (x - bx, y - by)
}

fn category_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    x: &XAxis,
    y0: f64,
) -> Res {
    if let Scale::Categories(names) = &x.scale {
        for (i, name) in names.iter().enumerate() {
            let (px, py) = at(area, chart, &(i as f64, y0));
            area.draw(&Text::new(
                name.clone(),
                (px, py + 6),
                anchored(TICK_SIZE, HPos::Center, VPos::Top),
            ))
            .map_err(err)?;
        }
        let (_, py) = at(area, chart, &(0.0, y0));
        let w = area.dim_in_pixel().0 as i32;
        area.draw(&Text::new(
            x.label.clone(),
            (Y_AXIS as i32 + (w - Y_AXIS as i32) / 2, py + 26),
            anchored(LABEL_SIZE, HPos::Center, VPos::Top),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The stacked lines as filled bands, each on top of the ones before it. A line whose
/// x values differ from the first band's cannot stack and is left out.
fn stacked_bands<DB: DrawingBackend>(chart: &mut Chart<'_, DB>, lines: &[Line]) -> Res {
    let mut base: Option<Vec<(f64, f64)>> = None;
    for line in lines.iter().filter(|l| l.stacked) {
        let floor = base.get_or_insert_with(|| line.points.iter().map(|p| (p.0, 0.0)).collect());
        if floor.len() != line.points.len()
            || floor.iter().zip(&line.points).any(|(a, b)| a.0 != b.0)
        {
            continue;
        }
        let top: Vec<(f64, f64)> = floor
            .iter()
            .zip(&line.points)
            .map(|(f, p)| (p.0, f.1 + p.1))
            .collect();
        let outline: Vec<(f64, f64)> = top.iter().chain(floor.iter().rev()).copied().collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                line.look.rgb().filled(),
            )))
            .map_err(err)?;
        *floor = top;
    }
    Ok(())
}

fn draw_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    area: &DrawingArea<DB, Shift>,
    line: &Line,
) -> Res {
    let c = line.look.rgb();
    for &(x, lo, hi) in &line.whiskers {
        let st = c.stroke_width(2);
        let (px, plo) = at(area, chart, &(x, lo));
        let (_, phi) = at(area, chart, &(x, hi));
        for seg in [
            vec![(px, plo), (px, phi)],
            vec![(px - 5, plo), (px + 5, plo)],
            vec![(px - 5, phi), (px + 5, phi)],
        ] {
            area.draw(&PathElement::new(seg, st)).map_err(err)?;
        }
    }
    if !line.points_only && line.points.len() > 1 {
        let st = c.stroke_width(if line.reference { 1 } else { 2 });
        match line.look.dash {
            Dash::Solid => {
                chart
                    .draw_series(LineSeries::new(line.points.iter().copied(), st))
                    .map_err(err)?;
            }
            dash => {
                let (on, off) = dash_lengths(dash);
                chart
                    .draw_series(DashedLineSeries::new(
                        line.points.iter().copied(),
                        on,
                        off,
                        st,
                    ))
                    .map_err(err)?;
            }
        }
    }
    if line.plain {
        return Ok(());
    }
    // Sparse markers: enough to tell lines apart in grayscale, few enough not to clutter.
    let n = line.points.len();
    let step = if line.points_only || n <= 12 {
        1
    } else {
        n / 8
    };
    let mut look = line.look;
    if look.marker == Marker::None && (line.points_only || n <= 12) {
        look.marker = Marker::Circle;
    }
    for (k, p) in line.points.iter().enumerate() {
        // Offset per colour so markers of overlapping lines do not sit on one another.
        if (k + line.look.color).is_multiple_of(step) {
            marker(area, &look, at(area, chart, p))?;
        }
    }
    Ok(())
}

fn event_rows<DB: DrawingBackend>(p: &PanelChart, area: &DrawingArea<DB, Shift>) -> Res {
    let rows = p.events.len();
    let mut chart = ChartBuilder::on(area)
        .margin_top(12)
        .margin_left(6)
        .margin_right(RIGHT)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(Y_AXIS)
        .build_cartesian_2d(drawable(x_range(&p.x))?, -0.5..(rows as f64 - 0.5))
        .map_err(err)?;
    let xf = |v: &f64| format_x(&p.x, *v);
    mesh(&mut chart)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(x_tick_count(&p.x))
        .x_label_formatter(&xf)
        .x_desc(p.x.label.clone())
        .draw()
        .map_err(err)?;
    for (r, (label, look, xs)) in p.events.iter().enumerate() {
        // Row 0 at the top.
        let y = (rows - 1 - r) as f64;
        let (lx, ly) = at(area, &chart, &(x_range(&p.x).start, y));
        area.draw(&Text::new(
            label.clone(),
            (lx - 6, ly),
            anchored(TICK_SIZE, HPos::Right, VPos::Center),
        ))
        .map_err(err)?;
        let st = look.rgb().stroke_width(2);
        for &x in xs {
            let (px, py) = at(area, &chart, &(x, y));
            area.draw(&PathElement::new(vec![(px, py - 7), (px, py + 7)], st))
                .map_err(err)?;
        }
    }
    Ok(())
}

fn bars<DB: DrawingBackend>(
    b: &BarChart,
    area: &DrawingArea<DB, Shift>,
) -> Result<Vec<BarMark>, String> {
    let n = b.panels.len();
    let mut rest = area.clone();
    let mut marks = Vec::new();
    let x = XAxis {
        label: String::new(),
        min: 0.0,
        max: 0.0,
        scale: Scale::Categories(b.categories.clone()),
    };
    for (i, panel) in b.panels.iter().enumerate() {
        let last = i + 1 == n;
        let (top, bottom) = rest.split_vertically(200 + if last { X_AXIS } else { 0 });
        rest = bottom;
        let totals: Vec<f64> = (0..b.categories.len())
            .map(|c| panel.stacks.iter().filter_map(|(_, v)| v[c]).sum())
            .collect();
        let ghost = |c: usize| panel.ghost.as_ref().and_then(|(_, v)| v[c]);
        let max = (0..b.categories.len())
            .map(|c| totals[c].max(ghost(c).unwrap_or(0.0)))
            .fold(0.0, f64::max);
        let top_y = if max > panel.y_floor {
            panel.y_floor + (max - panel.y_floor) * 1.18
        } else {
            panel.y_floor + 1.0
        };
        let mut chart = ChartBuilder::on(&top)
            .margin_top(14)
            .margin_left(6)
            .margin_right(RIGHT)
            .x_label_area_size(if last { X_AXIS } else { 8 })
            .y_label_area_size(Y_AXIS)
            .build_cartesian_2d(x_range(&x), drawable(panel.y_floor..top_y)?)
            .map_err(err)?;
        let yf = |v: &f64| format_y(panel.format, *v);
        mesh(&mut chart)
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_desc(panel.y_label.clone())
            .y_label_formatter(&yf)
            .draw()
            .map_err(err)?;
        let mut mark =
            |series: &'static str, c: usize, value: f64, label: String, from: f64, to: f64| {
                let (x0, y0) = chart.backend_coord(&(c as f64 - 0.3, from));
                let (x1, y1) = chart.backend_coord(&(c as f64 + 0.3, to));
                marks.push(BarMark {
                    panel: panel.y_label.clone(),
                    category: b.categories[c].clone(),
                    series,
                    value,
                    label,
                    rect: (x0, y0, x1, y1),
                });
            };
        // The ghost first, so the bar is drawn over it.
        let ghost_label = panel.ghost.as_ref().map_or("", |g| g.0.as_str());
        for c in 0..b.categories.len() {
            let Some(g) = ghost(c) else { continue };
            let g_top = g.max(panel.y_floor);
            mark(
                "ghost",
                c,
                g,
                format!("{ghost_label} {}", format_value(panel.format, g)),
                panel.y_floor,
                g_top,
            );
        }
        for (c, total) in totals.iter().enumerate() {
            let Some(g) = ghost(c) else { continue };
            let cx = c as f64;
            let g_top = g.max(panel.y_floor);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(cx - 0.3, panel.y_floor), (cx + 0.3, g_top)],
                    style::GHOST.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(cx - 0.3, panel.y_floor), (cx + 0.3, g_top)],
                    style::MUTED.stroke_width(1),
                )))
                .map_err(err)?;
            if (g - total).abs() > 1e-9 {
                let (px, py) = at(&top, &chart, &(cx + 0.3, g_top));
                top.draw(&Text::new(
                    format!("{ghost_label} {}", format_value(panel.format, g)),
                    (px, py - 4),
                    anchored(TICK_SIZE, HPos::Right, VPos::Bottom),
                ))
                .map_err(err)?;
            }
        }
        for c in 0..b.categories.len() {
            let mut base = panel.y_floor;
            let cx = c as f64;
            let mut any = false;
            for (s, (label, values)) in panel.stacks.iter().enumerate() {
                let Some(v) = values[c] else { continue };
                any = true;
                let look = if panel.stacks.len() > 1 {
                    Look::nth(s)
                } else {
                    Look::nth(b.colors.get(c).copied().unwrap_or(c))
                };
                let top_v = if s == 0 {
                    v.max(panel.y_floor)
                } else {
                    base + v
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(cx - 0.3, base), (cx + 0.3, top_v)],
                        look.rgb().filled(),
                    )))
                    .map_err(err)?;
                let (x0, y0) = chart.backend_coord(&(cx - 0.3, base));
                let (x1, y1) = chart.backend_coord(&(cx + 0.3, top_v));
                marks.push(BarMark {
                    panel: panel.y_label.clone(),
                    category: b.categories[c].clone(),
                    series: "bar",
                    value: v,
                    label: format!("{label} {}", format_value(panel.format, v)),
                    rect: (x0, y0, x1, y1),
                });
                base = top_v;
            }
            let label = if any {
                format_value(panel.format, totals[c])
            } else {
                "n/a".to_string()
            };
            let (px, py) = at(&top, &chart, &(cx, base));
            top.draw(&Text::new(
                label,
                (px, py - 4),
                anchored(TICK_SIZE, HPos::Center, VPos::Bottom),
            ))
            .map_err(err)?;
        }
        if last {
            category_labels(&top, &chart, &x, panel.y_floor)?;
        }
    }
    Ok(marks)
}

/// A value printed on a bar: more digits than a tick.
fn format_value(format: Format, v: f64) -> String {
    match format {
        Format::Plain | Format::Count => tick(v),
        Format::Percent => format!("{:.3}%", v * 100.0),
        Format::Dollars => format!("${v:.2}"),
    }
}

fn row_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &XAxis,
    rows: usize,
    label_area: u32,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_left(6)
        .margin_right(RIGHT)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(label_area)
        .build_cartesian_2d(drawable(x_range(x))?, -0.5..(rows as f64 - 0.5))
        .map_err(err)?;
    let xf = |v: &f64| format_x(x, *v);
    mesh(&mut chart)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(x_tick_count(x))
        .x_label_formatter(&xf)
        .x_desc(x.label.clone())
        .draw()
        .map_err(err)?;
    Ok(chart)
}

fn row_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    x0: f64,
    rows: &[String],
    size: f64,
) -> Res {
    let n = rows.len();
    for (r, label) in rows.iter().enumerate() {
        let (px, py) = at(area, chart, &(x0, (n - 1 - r) as f64));
        area.draw(&Text::new(
            label.clone(),
            (px - 6, py),
            anchored(size, HPos::Right, VPos::Center),
        ))
        .map_err(err)?;
    }
    Ok(())
}

fn placement<DB: DrawingBackend>(p: &PlacementChart, area: &DrawingArea<DB, Shift>) -> Res {
    let n = p.rows.len();
    let chart = row_chart(area, &p.x, n, Y_AXIS + 20)?;
    if let Some((from, to, label)) = &p.shade {
        let a = at(area, &chart, &(*from, n as f64 - 0.5));
        let b = at(area, &chart, &(*to, -0.5));
        area.draw(&Rectangle::new([a, b], style::SHADE.filled()))
            .map_err(err)?;
        area.draw(&Text::new(
            label.clone(),
            (a.0 + 4, a.1 - 14),
            anchored(TICK_SIZE - 1.0, HPos::Left, VPos::Top).color(&style::MUTED),
        ))
        .map_err(err)?;
    }
    for bar in &p.bars {
        let lane_h = 0.8 / f64::from(bar.lanes.max(1));
        let top = (n - 1 - bar.row as usize) as f64 + 0.4 - f64::from(bar.lane) * lane_h;
        let group = bar.group;
        let a = at(area, &chart, &(bar.start, top));
        let mut b = at(area, &chart, &(bar.end, top - lane_h));
        b.0 = b.0.max(a.0 + 1);
        area.draw(&Rectangle::new(
            [a, b],
            Look::nth(group as usize).rgb().filled(),
        ))
        .map_err(err)?;
        // A white edge keeps back-to-back tasks apart.
        area.draw(&Rectangle::new([a, b], WHITE.stroke_width(1)))
            .map_err(err)?;
    }
    row_labels(area, &chart, x_range(&p.x).start, &p.rows, 11.0)
}

fn heatmap<DB: DrawingBackend>(h: &HeatmapChart, area: &DrawingArea<DB, Shift>) -> Res {
    let dim = area.dim_in_pixel();
    let (plot, scale) = area.split_vertically(dim.1 - 44);
    let n = h.rows.len();
    let chart = row_chart(&plot, &h.x, n, Y_AXIS + 20)?;
    let levels = 9.0;
    for (r, row) in h.cells.iter().enumerate() {
        let y = (n - 1 - r) as f64;
        // Quantized colours, and runs of one colour merged into one rectangle: the SVG
        // stays small whatever the resolution.
        let mut c = 0;
        while c < row.len() {
            let level = (row[c] / h.max.max(1e-12) * levels).round();
            let mut end = c + 1;
            while end < row.len() && (row[end] / h.max.max(1e-12) * levels).round() == level {
                end += 1;
            }
            let a = at(&plot, &chart, &(h.edges[c], y + 0.5));
            let b = at(&plot, &chart, &(h.edges[end], y - 0.5));
            plot.draw(&Rectangle::new(
                [a, b],
                style::sequential(level / levels).filled(),
            ))
            .map_err(err)?;
            c = end;
        }
    }
    let (lx, ly) = at(&plot, &chart, &(x_range(&h.x).start, n as f64 - 0.5));
    let (_, by) = at(&plot, &chart, &(x_range(&h.x).start, -0.5));
    plot.draw(&Text::new(
        h.row_axis.clone(),
        (lx - Y_AXIS as i32 - 8, (ly + by) / 2),
        anchored(LABEL_SIZE, HPos::Center, VPos::Center).transform(FontTransform::Rotate270),
    ))
    .map_err(err)?;
    let step = (n / 12).max(1);
    let shown: Vec<String> = h
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i % step == 0 {
                r.clone()
            } else {
                String::new()
            }
        })
        .collect();
    row_labels(&plot, &chart, x_range(&h.x).start, &shown, 11.0)?;
    // Colour bar.
    let x0 = Y_AXIS as i32 + 20;
    let w = 300;
    for k in 0..w {
        let t = f64::from(k) / f64::from(w - 1);
        let level = (t * 9.0).round() / 9.0;
        scale
            .draw(&Rectangle::new(
                [(x0 + k, 10), (x0 + k + 1, 24)],
                style::sequential(level).filled(),
            ))
            .map_err(err)?;
    }
    scale
        .draw(&Text::new(
            "0".to_string(),
            (x0, 28),
            anchored(TICK_SIZE, HPos::Center, VPos::Top),
        ))
        .map_err(err)?;
    scale
        .draw(&Text::new(
            tick(h.max),
            (x0 + w, 28),
            anchored(TICK_SIZE, HPos::Center, VPos::Top),
        ))
        .map_err(err)?;
    scale
        .draw(&Text::new(
            h.scale_label.clone(),
            (x0 + w + 24, 17),
            anchored(LABEL_SIZE, HPos::Left, VPos::Center),
        ))
        .map_err(err)
}

fn intervals<DB: DrawingBackend>(c: &IntervalChart, area: &DrawingArea<DB, Shift>) -> Res {
    let cols = 2usize.min(c.panels.len()).max(1);
    let rows_of_panels = c.panels.len().div_ceil(cols);
    let cells = area.split_evenly((rows_of_panels, cols));
    let n = c.rows.len();
    for (cell, (metric, values)) in cells.iter().zip(&c.panels) {
        let (lo, hi) = values
            .iter()
            .flatten()
            .fold((0.0f64, 0.0f64), |(lo, hi), v| {
                (lo.min(v.1).min(v.0), hi.max(v.2).max(v.0))
            });
        let pad = ((hi - lo) * 0.08).max(1e-9);
        let x = XAxis {
            label: metric.clone(),
            min: lo - pad,
            max: hi + pad,
            scale: Scale::Linear,
        };
        let label_area = c
            .rows
            .iter()
            .map(|r| (r.chars().count() as f64 * 11.0 * 0.6) as u32 + 16)
            .max()
            .unwrap_or(40)
            .clamp(40, 300);
        let chart = row_chart(cell, &x, n, label_area)?;
        // Zero: no difference from the first variant.
        let a = at(cell, &chart, &(0.0, n as f64 - 0.5));
        let b = at(cell, &chart, &(0.0, -0.5));
        cell.draw(&PathElement::new(vec![a, b], style::MUTED.stroke_width(1)))
            .map_err(err)?;
        for (r, v) in values.iter().enumerate() {
            let y = (n - 1 - r) as f64;
            let Some((m, l, u)) = *v else { continue };
            let look = Look::nth(r);
            let (pl, py) = at(cell, &chart, &(l, y));
            let (pu, _) = at(cell, &chart, &(u, y));
            let st = look.rgb().stroke_width(2);
            for seg in [
                vec![(pl, py), (pu, py)],
                vec![(pl, py - 5), (pl, py + 5)],
                vec![(pu, py - 5), (pu, py + 5)],
            ] {
                cell.draw(&PathElement::new(seg, st)).map_err(err)?;
            }
            let mut dot = look;
            dot.marker = Marker::Circle;
            marker(cell, &dot, at(cell, &chart, &(m, y)))?;
        }
        row_labels(cell, &chart, x.min, &c.rows, 11.0)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel_chart(x_max: f64, y_max: f64) -> Figure {
        Figure {
            name: "t".into(),
            title: "t".into(),
            caption: String::new(),
            body: Body::Panels(PanelChart {
                x: XAxis {
                    label: "time".into(),
                    min: 0.0,
                    max: x_max,
                    scale: Scale::Linear,
                },
                panels: vec![super::super::Panel {
                    y_label: "y".into(),
                    y_min: 0.0,
                    y_max,
                    format: Format::Plain,
                    lines: vec![Line::new("a", Look::nth(0), vec![(0.0, 0.0), (1.0, 1.0)])],
                    height: 200,
                }],
                shade: None,
                events: Vec::new(),
            }),
        }
    }

    /// Issue 32 item 7: plotters looks for round tick steps in a loop that never ends on an
    /// infinite span, so an axis that is not finite is refused before plotters sees it.
    #[test]
    fn an_axis_that_is_not_finite_is_refused_not_drawn_for_ever() {
        for (x_max, y_max) in [
            (f64::INFINITY, 1.0),
            (1.0, f64::INFINITY),
            (1.0, 1e300),
            (f64::MAX, 1.0),
        ] {
            let fig = panel_chart(x_max, y_max);
            let e = svg(&fig).unwrap_err();
            assert!(e.contains("cannot be drawn"), "{e}");
            assert!(png(&fig, DEFAULT_DPI).is_err());
        }
        // A span of 1e15, the largest figure an output may hold, still draws.
        assert!(svg(&panel_chart(1e15, 1e15)).is_ok());
    }

    #[test]
    fn an_integer_axis_labels_whole_numbers_only() {
        let x = XAxis {
            label: "count".into(),
            min: 2.5,
            max: 6.5,
            scale: Scale::Integers,
        };
        assert_eq!(format_x(&x, 3.0), "3");
        assert_eq!(format_x(&x, 3.5), "");
        // 2.5..6.5 holds 3, 4, 5, 6: at most one tick per whole number.
        assert_eq!(x_tick_count(&x), 5);
    }
}
