//! `report.html`: one self-contained page for a run, comparison or sweep directory: the
//! scenario, its summary table with every figure explained, the charts inlined (a run's
//! time charts interactive, through the vendored uPlot; the rest as SVG), and the warnings
//! and modeling choices that apply. No external resources, no timestamps: the same
//! directory gives the same bytes.
//!
//! The charts are also written beside it as `charts/<name>.svg` and `.png`, for slides and
//! design documents.

mod compare_page;
mod glossary;
mod interactive;
mod notes;
mod page;
mod recommend_page;
pub mod replay;
mod run_page;
mod sweep_page;
mod text;

pub use glossary::explain;

use crate::charts::{self, Figure};
use crate::outputs::{self, LoadError, Outputs};
use crate::report::OutputDir;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why `ecsim report` wrote no page.
#[derive(Debug, Error)]
pub enum ReportError {
    /// The directory's results could not be read.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// A chart could not be drawn as SVG or PNG.
    #[error("drawing chart `{name}`: {message}")]
    Draw {
        /// The chart's file stem.
        name: String,
        /// The renderer's reason.
        message: String,
    },
    /// A chart or the page could not be written.
    #[error("writing {path}: {}", crate::scenario::io_words(source))]
    Io {
        /// The directory being written.
        path: PathBuf,
        /// The operating system's error, put in words by the message.
        source: std::io::Error,
    },
}

/// One chart, drawn both ways.
pub struct RenderedChart {
    /// What was drawn; its `name` is the file stem under `charts/`.
    pub figure: Figure,
    /// Inlined into the page and written as `charts/<name>.svg`.
    pub svg: String,
    /// Written as `charts/<name>.png`.
    pub png: Vec<u8>,
}

/// Draws every chart of `outputs`, in parallel, in the families' order; the PNGs at `dpi`
/// ([`charts::DEFAULT_DPI`] unless the reader asked otherwise).
pub fn render_charts(outputs: &Outputs, dpi: u32) -> Result<Vec<RenderedChart>, ReportError> {
    charts::figures(outputs)
        .into_par_iter()
        .map(|figure| {
            let draw = |message| ReportError::Draw {
                name: figure.name.clone(),
                message,
            };
            let svg = charts::svg(&figure).map_err(draw)?;
            let png = charts::png(&figure, dpi).map_err(draw)?;
            Ok(RenderedChart { figure, svg, png })
        })
        .collect()
}

/// The page's bytes for already-drawn charts.
pub fn html(outputs: &Outputs, charts: &[RenderedChart], description: Option<&str>) -> String {
    page::page(outputs, charts, description)
}

/// Reads `dir`, writes `charts/*.svg`, `charts/*.png` and `report.html` into it (each file
/// atomically; the page last, so it never names a chart that is not there). Returns the
/// page's path. The PNGs are drawn at `dpi`.
pub fn write(dir: &Path, description: Option<&str>, dpi: u32) -> Result<PathBuf, ReportError> {
    let outputs = outputs::load(dir)?;
    let charts = render_charts(&outputs, dpi)?;
    let page = html(&outputs, &charts, description);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    let chart_dir = dir.join("charts");
    let mut files = OutputDir::create(&chart_dir).map_err(io(&chart_dir))?;
    for c in &charts {
        files
            .write(&format!("{}.svg", c.figure.name), c.svg.as_bytes())
            .map_err(io(&chart_dir))?;
        files
            .write(&format!("{}.png", c.figure.name), &c.png)
            .map_err(io(&chart_dir))?;
    }
    files.commit().map_err(io(&chart_dir))?;
    remove_stale_charts(&chart_dir, &charts).map_err(io(&chart_dir))?;
    let mut out = OutputDir::create(dir).map_err(io(dir))?;
    out.write("report.html", page.as_bytes()).map_err(io(dir))?;
    out.commit().map_err(io(dir))?;
    Ok(dir.join("report.html"))
}

/// Charts an earlier report of this directory drew that this one does not (a comparison
/// rerun without `--recommend-commitment`): left there, they would describe another run.
fn remove_stale_charts(chart_dir: &Path, charts: &[RenderedChart]) -> std::io::Result<()> {
    for entry in std::fs::read_dir(chart_dir)? {
        let path = entry?.path();
        let drawn = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("svg" | "png")
        );
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if drawn && path.is_file() && !charts.iter().any(|c| c.figure.name == stem) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The scenario file's `description`, if it has one (the outputs do not record it).
pub fn scenario_description(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    value.get("description")?.as_str().map(str::to_string)
}
