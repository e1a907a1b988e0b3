//! The HTML text of the report.

use super::RenderedChart;
use super::notes::{self, Notes};
use super::text::{esc, prose, value};
use crate::outputs::{Outputs, RunOutputs};
use std::fmt::Write;

pub(super) const STYLE: &str = "
body{margin:0;background:#fafafa;color:#222;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:1.8em;margin:0 0 .2em}
h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#555}
nav ol{columns:2;column-gap:3em;padding-left:1.2em}
table{border-collapse:collapse;width:100%;font-size:.92em;background:#fff}
th,td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-size:.95em}
figure.chart{margin:1.5em 0;background:#fff;border:1px solid #e4e4e4;padding:8px}
figure.chart svg{display:block;width:100%;height:auto}
figcaption{color:#444;margin-top:.4em}
.wide{overflow-x:auto}
.headline{background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px 18px 10px;margin:1em 0}
.headline h2{margin-top:.6em}
.answer{font-size:1.2em;margin:.7em 0}
.headline .detail,.headline .meta{font-size:.9em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin:10px 0}
.card .label{color:#555;font-size:.9em}
.card .big{font-size:1.7em;font-weight:600;font-variant-numeric:tabular-nums}
.card .detail{color:#555;font-size:.85em}
.better{color:#1a7f37}
.worse{color:#b42318}
details{margin:1em 0}
summary{cursor:pointer;color:#0550ae}
";

pub fn page(outputs: &Outputs, charts: &[RenderedChart], description: Option<&str>) -> String {
    let (scenario, kind, meta, headline, table, notes) = match outputs {
        Outputs::Run(r) => (
            r.scenario.as_str(),
            "run",
            run_meta(r),
            super::run_page::headline(r),
            run_table(r),
            notes::run(r),
        ),
        Outputs::Compare(c) => (
            c.scenario.as_str(),
            "comparison",
            super::compare_page::meta(c),
            super::compare_page::headline(c),
            super::compare_page::all_figures(c),
            notes::compare(c),
        ),
        Outputs::Recommend(r) => (
            r.scenario.as_str(),
            "recommendation",
            super::recommend_page::meta(r),
            super::recommend_page::headline(r),
            super::recommend_page::table(r),
            super::recommend_page::notes(r),
        ),
        Outputs::Sweep(s) => (
            s.scenario.as_str(),
            "sweep",
            super::sweep_page::meta(s),
            super::sweep_page::headline(s),
            super::sweep_page::summary(s),
            notes::sweep(s),
        ),
    };
    // A run's time charts are interactive (uPlot, inlined); the other pages stay static.
    let interactive = matches!(outputs, Outputs::Run(_))
        && charts
            .iter()
            .any(|c| super::interactive::is_time_series(&c.figure));
    let chart_style = if interactive {
        super::interactive::style()
    } else {
        String::new()
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>ecsim {kind}: {}</title>\n<style>{STYLE}{chart_style}</style>\n</head>\n<body>\n<main>\n",
        esc(scenario)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(scenario));
    match description {
        Some(d) => {
            let _ = writeln!(h, "<p class=\"description\">{}</p>", esc(d));
        }
        None => {
            let _ = writeln!(
                h,
                "<p class=\"description\">(No description: pass <code>--scenario FILE</code> to <code>ecsim report</code> to include the scenario's.)</p>"
            );
        }
    }
    let _ = writeln!(h, "<p class=\"meta\">ecsim {kind} · {}</p>", esc(&meta));
    // The answer first, above the table of contents: a reader sees it without scrolling.
    h.push_str(&headline);
    h.push_str("<nav>\n<ol>\n<li><a href=\"#summary\">Summary</a></li>\n");
    for c in charts {
        let _ = writeln!(
            h,
            "<li><a href=\"#chart-{}\">{}</a></li>",
            c.figure.name,
            esc(&chart_heading(&c.figure.title))
        );
    }
    h.push_str("<li><a href=\"#notes\">Warnings and modeling choices</a></li>\n</ol>\n</nav>\n");
    let _ = write!(
        h,
        "<section id=\"summary\">\n<h2>Summary</h2>\n{table}</section>\n"
    );
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for c in charts {
        let drawn = interactive
            .then(|| super::interactive::figure_html(&c.figure))
            .flatten()
            .map_or_else(
                || inline_svg(&c.svg, &c.figure.title),
                |html| format!("<h3>{}</h3>\n{html}", esc(&chart_heading(&c.figure.title))),
            );
        let _ = write!(
            h,
            "<figure class=\"chart\" id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            c.figure.name,
            drawn,
            prose(&c.figure.caption)
        );
    }
    h.push_str("</section>\n");
    h.push_str(&notes_html(&notes));
    h.push_str("</main>\n");
    if interactive {
        h.push_str(&super::interactive::scripts());
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// "quickstart: tasks over time" → "Tasks over time".
fn chart_heading(title: &str) -> String {
    let rest = title.split_once(": ").map_or(title, |(_, rest)| rest);
    let mut chars = rest.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The SVG element alone (no XML prologue), labelled for screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", esc(title)),
        1,
    )
}

fn notes_html(n: &Notes) -> String {
    let mut h = String::from("<section id=\"notes\">\n<h2>Warnings and modeling choices</h2>\n");
    let list = |h: &mut String, items: &[String]| {
        h.push_str("<ul>\n");
        for i in items {
            let _ = writeln!(h, "<li>{}</li>", prose(i));
        }
        h.push_str("</ul>\n");
    };
    h.push_str("<h3>Read the figures with these in mind</h3>\n");
    list(&mut h, &n.warnings);
    if !n.choices.is_empty() {
        h.push_str("<h3>Modeling choices this run relied on</h3>\n<p>Rules ECS does not publish, modeled as settings with these defaults (see <code>scenarios/README.md</code>, “Modeling choices”):</p>\n");
        list(&mut h, &n.choices);
    }
    h.push_str("</section>\n");
    h
}

fn run_meta(r: &RunOutputs) -> String {
    let mut parts = Vec::new();
    if let Some(seed) = r.seed {
        parts.push(format!("seed {seed}"));
    }
    if let Some(t) = r.figure("/sim_time_s") {
        let mut m = format!("measured {}", notes::duration(t));
        if r.warmup_s() > 0.0 {
            let _ = write!(m, " after a {} warm-up", notes::duration(r.warmup_s()));
        }
        parts.push(m);
    }
    parts.push(format!("{} tasks recorded", r.tasks.count));
    parts.join(" · ")
}

fn run_table(r: &RunOutputs) -> String {
    let mut h = super::run_page::all_figures(r);
    if let Some(deps) = r.summary.get("deployments").and_then(|d| d.as_object()) {
        h.push_str("<h3>Deployments</h3>\n<table>\n<thead><tr><th>service</th><th>task definition</th><th>strategy</th><th>kind</th><th class=\"num\">start s</th><th class=\"num\">duration s</th><th>outcome</th><th class=\"num\">failed tasks</th><th class=\"num\">extra cost</th></tr></thead>\n<tbody>\n");
        for (service, list) in deps {
            for d in list.as_array().into_iter().flatten() {
                let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("");
                let n = |k: &str| {
                    d.get(k)
                        .and_then(|v| v.as_f64())
                        .map_or("n/a".into(), value)
                };
                let kind = if d.get("rollback").and_then(|v| v.as_bool()) == Some(true) {
                    "rollback"
                } else {
                    "rollout"
                };
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{kind}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    esc(service),
                    esc(s("task_definition")),
                    esc(s("strategy")),
                    n("started_s"),
                    n("duration_s"),
                    esc(s("outcome")),
                    n("failed_tasks"),
                    d.get("extra_cost_usd")
                        .and_then(|v| v.as_f64())
                        .map_or("n/a".into(), |x| format!("${x:.4}"))
                );
            }
        }
        h.push_str("</tbody>\n</table>\n<p>Each deployment (and automatic rollback) of the run, in start order, with its strategy (ROLLING, BLUE_GREEN, LINEAR, CANARY) and what it cost above the bill rate at its start over its span (<code>extra_cost_usd</code>: the two revisions' overlap, and on EC2 the scale-out it caused).</p>\n");
    }
    h
}
