//! `ecsim report` and `--report`: every kind of output directory gets the charts it should
//! (valid PNG and SVG, nothing for a feature the run lacks), and a report.html that stands
//! alone.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .output()
        .expect("ecsim runs")
}

fn ok(args: &[&str]) {
    let out = ecsim(args);
    assert!(
        out.status.success(),
        "ecsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The chart names in `dir/charts`, each checked: the PNG decodes to a non-blank image
/// and the SVG parses as XML with drawn content.
fn charts(dir: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(dir.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("png") => {
                let decoder = png::Decoder::new(fs::File::open(&path).unwrap());
                let mut reader = decoder.read_info().unwrap();
                let mut buf = vec![0; reader.output_buffer_size()];
                let info = reader.next_frame(&mut buf).unwrap();
                assert!(info.width >= 900 && info.height >= 150, "{name}: {info:?}");
                let pixels = &buf[..info.buffer_size()];
                let dark = pixels
                    .chunks(3)
                    .filter(|p| p.iter().all(|c| *c < 128))
                    .count();
                assert!(dark > 500, "{name}.png has almost nothing drawn");
                assert!(dir.join("charts").join(format!("{name}.svg")).is_file());
            }
            Some("svg") => {
                let text = fs::read_to_string(&path).unwrap();
                let doc = roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{name}.svg is not XML: {e}"));
                let drawn = doc
                    .descendants()
                    .filter(|n| {
                        ["polyline", "path", "rect", "line", "circle"]
                            .contains(&n.tag_name().name())
                    })
                    .count();
                assert!(drawn > 10, "{name}.svg draws {drawn} shapes");
                let texts: String = doc
                    .descendants()
                    .filter(|n| n.tag_name().name() == "text")
                    .filter_map(|n| n.text())
                    .collect();
                assert!(!texts.trim().is_empty(), "{name}.svg has no text");
                names.insert(name);
            }
            _ => panic!("unexpected file {}", path.display()),
        }
    }
    names
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The page uses nothing from outside itself and links only to what it holds.
fn check_self_contained(dir: &Path, charts: &BTreeSet<String>) -> String {
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    // Scripts only inline (a run's time charts: uPlot, its glue, each chart's data), none
    // with a source; the rest of the page is checked without their bodies.
    let mut page = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<script") {
        page.push_str(&rest[..at]);
        let open = &rest[at..at + rest[at..].find('>').unwrap()];
        assert!(!open.contains("src"), "a script loads something: {open}");
        let end = at + rest[at..].find("</script>").expect("scripts close");
        rest = &rest[end + "</script>".len()..];
    }
    page.push_str(rest);
    for attr in ["src=", "<link", "@import", "url("] {
        assert!(!page.contains(attr), "the page loads something: {attr}");
    }
    // The only URLs are SVG namespace declarations.
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    let ids: BTreeSet<&str> = html
        .split("id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    for target in html.split("href=\"#").skip(1) {
        let target = &target[..target.find('"').unwrap()];
        assert!(
            ids.contains(target),
            "link to #{target}, which is not on the page"
        );
    }
    let figures: BTreeSet<String> = ids
        .iter()
        .filter_map(|id| id.strip_prefix("chart-"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        &figures, charts,
        "the page shows exactly the charts written"
    );
    // Each chart once: inline SVG, or (a run's time charts) an interactive host.
    assert_eq!(
        page.matches("<svg").count() + page.matches("class=\"tchart\"").count(),
        charts.len()
    );
    html
}

#[test]
fn a_run_report_has_its_charts_and_none_for_features_it_lacks() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("q");
    let q = scenario("quickstart.toml");
    ok(&["run", "-q", &q, "--out", out.to_str().unwrap(), "--report"]);
    let names = charts(&out);
    // quickstart: four fixed instances, no auto scaling, no failures: no autoscaling and no
    // restart chart; its two services' costs stacked (issue 39).
    assert_eq!(
        names,
        set(&[
            "tasks",
            "capacity",
            "cost",
            "cost-by-service",
            "pending-time",
            "placement"
        ])
    );
    let html = check_self_contained(&out, &names);
    assert!(
        html.contains("Four m5.large instances over three AZs"),
        "the description"
    );
    // A row per instance, named: the quickstart has four.
    let placement = fs::read_to_string(out.join("charts/placement.svg")).unwrap();
    for i in 1..=4 {
        assert!(placement.contains(&format!("i-0000000{i}")));
    }
    assert!(!placement.contains("i-00000005"));
    // Every summary figure is explained in a sentence.
    let rows = html.split("<tr><td><code>").skip(1);
    for row in rows {
        let cells: Vec<&str> = row.split("</td>").collect();
        assert!(
            cells.len() >= 3 && cells[2].len() > "<td>".len() + 10,
            "unexplained: {row}"
        );
    }
}

#[test]
fn an_autoscaled_run_gets_the_autoscaling_chart() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a");
    ok(&[
        "run",
        "-q",
        &scenario("autoscaling.toml"),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&["report", "-q", out.to_str().unwrap()]);
    let names = charts(&out);
    assert!(names.contains("autoscaling"), "{names:?}");
    assert!(!names.contains("forecast"), "{names:?}");
    let svg = fs::read_to_string(out.join("charts/autoscaling.svg")).unwrap();
    assert!(svg.contains("CapacityProviderReservation") && svg.contains("CPU utilization"));
    // Issue 37: the levels the policies steer to are drawn. autoscaling.toml: target
    // tracking target = 50 (%), scale-in below 50 × 0.9 = 45; target_capacity = 100.
    assert!(svg.contains("api target") && svg.contains("api scales in below"));
    assert!(svg.contains("general target capacity"));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let targets = &summary["scaling"]["targets"];
    assert_eq!(targets["api.cpu_utilization"], 50.0);
    assert_eq!(targets["api.cpu_utilization.scale_in"], 45.0);
    assert_eq!(targets["general.reservation"], 100.0);
    // Counts on whole-number ticks only: no "2.5 tasks".
    let tasks = fs::read_to_string(out.join("charts/tasks.svg")).unwrap();
    assert!(!tasks.contains(".5</text>"), "a half-task tick");
    // Scaling actions are marked under the tasks chart.
    assert!(
        fs::read_to_string(out.join("charts/tasks.svg"))
            .unwrap()
            .contains("scaling action")
    );
    check_self_contained(&out, &names);
}

#[test]
fn a_predictive_run_charts_its_forecast_against_the_load() {
    // Issue 35: lesson 16 has a predictive policy; the autoscaling scenario, checked above,
    // has none and so no forecast chart.
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("p");
    ok(&[
        "run",
        "-q",
        &scenario("teaching/16-predictive-scaling.toml"),
        "--out",
        out.to_str().unwrap(),
        "--report",
    ]);
    let names = charts(&out);
    assert!(names.contains("forecast"), "{names:?}");
    let svg = fs::read_to_string(out.join("charts/forecast.svg")).unwrap();
    assert!(svg.contains("api forecast") && svg.contains("api load"));
    assert!(svg.contains("api forecast tasks") && svg.contains("api desired"));
    check_self_contained(&out, &names);
}

#[test]
fn reports_are_byte_identical_for_a_fixed_seed() {
    let root = tempfile::tempdir().unwrap();
    let q = scenario("quickstart.toml");
    let mut pages = Vec::new();
    for name in ["one", "two"] {
        let out = root.path().join(name);
        ok(&[
            "run",
            "-q",
            &q,
            "--seed",
            "7",
            "--out",
            out.to_str().unwrap(),
            "--report",
        ]);
        let mut files = vec![(
            "report.html".to_string(),
            fs::read(out.join("report.html")).unwrap(),
        )];
        let mut entries: Vec<_> = fs::read_dir(out.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            files.push((
                p.file_name().unwrap().to_string_lossy().to_string(),
                fs::read(&p).unwrap(),
            ));
        }
        pages.push(files);
    }
    // report.html and an SVG and a PNG of each of six charts (cost-by-service: issue 39).
    assert_eq!(pages[0].len(), 13);
    assert!(pages[0] == pages[1], "same seed, same bytes");
}

#[test]
fn a_large_cluster_draws_a_heat_map_instead_of_rows() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("big");
    ok(&[
        "run",
        "-q",
        &scenario("quickstart.toml"),
        "--set",
        "cluster.pools[0].count=80",
        "--set",
        "services.web.desiredCount=150",
        "--out",
        out.to_str().unwrap(),
        "--report",
    ]);
    let names = charts(&out);
    let svg = fs::read_to_string(out.join("charts/placement.svg")).unwrap();
    // 80 instances > 60 rows: instances grouped two to a row, coloured by reserved vCPU.
    assert!(svg.contains("reserved vCPU per instance"), "heat map");
    assert!(!svg.contains("i-00000080"), "no row per instance");
    assert!(
        svg.contains("79–80"),
        "the last row groups instances 79 and 80"
    );
    let html = check_self_contained(&out, &names);
    // Instances no task ran on have no row; the caption counts them (issue 37).
    assert!(html.contains("billed instance"), "idle instances counted");
}

#[test]
fn compare_and_sweep_reports() {
    let root = tempfile::tempdir().unwrap();
    let c = root.path().join("c");
    ok(&[
        "compare",
        "-q",
        &scenario("ec2-vs-fargate.toml"),
        "--out",
        c.to_str().unwrap(),
        "--report",
    ]);
    let names = charts(&c);
    assert_eq!(
        names,
        set(&["compare-cost", "compare-service", "break-even"])
    );
    let html = check_self_contained(&c, &names);
    // The README's break-even for the api task on m5.large: 0.096 / (4 × 0.024685) = 97.2%.
    assert!(html.contains("97.2%"));

    let s = root.path().join("s");
    ok(&[
        "sweep",
        "-q",
        &scenario("binpack-vs-spread.toml"),
        "-r",
        "3",
        "--vary",
        "cluster.pools.workers.count=8,10",
        "--out",
        s.to_str().unwrap(),
        "--report",
    ]);
    let names = charts(&s);
    assert_eq!(names, set(&["sweep-metrics", "sweep-paired"]));
    check_self_contained(&s, &names);
}

#[test]
fn commitment_reports_chart_the_hourly_bill_and_the_commitment_curve() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path().join("r");
    let path = scenario("commitments.toml");
    ok(&["run", "-q", &path, "--out", r.to_str().unwrap(), "--report"]);
    let names = charts(&r);
    assert!(names.contains("cost"), "{names:?}");
    let html = check_self_contained(&r, &names);
    for legend in [
        "total with commitments",
        "commitment fee, used by covered usage",
        "commitment fee, unused (paid anyway)",
        "On-Demand (usage not covered)",
    ] {
        assert!(html.contains(legend), "{legend}");
    }

    let c = root.path().join("c");
    let compare = |extra: &[&str]| {
        let mut args = vec!["compare", "-q", &path, "--out", c.to_str().unwrap()];
        args.extend_from_slice(extra);
        ok(&args);
    };
    compare(&["--recommend-commitment", "--report"]);
    let names = charts(&c);
    assert!(names.contains("commitment-curve"), "{names:?}");
    let html = check_self_contained(&c, &names);
    assert!(html.contains("Commitment that minimizes each bill"));
    // The curve also sits beside the comparison's files, as a PNG the page need not open.
    let png = fs::read(c.join("commitment-curve.png")).unwrap();
    assert_eq!(
        png,
        fs::read(c.join("charts/commitment-curve.png")).unwrap()
    );
    // A comparison without the recommendation leaves no curve of an earlier one behind.
    compare(&["--report"]);
    for stale in [
        "commitment-curve.png",
        "commitment-curve.csv",
        "commitment-recommendation.json",
    ] {
        assert!(!c.join(stale).exists(), "{stale}");
    }
    assert!(!charts(&c).contains("commitment-curve"));
}

#[test]
fn report_on_a_directory_without_results_is_a_usage_error() {
    let root = tempfile::tempdir().unwrap();
    let out = ecsim(&["report", root.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an ecsim output directory"), "{err}");
    assert!(!root.path().join("report.html").exists());
}

/// `ecsim report DIR`, failing the test instead of hanging if it has not ended in a minute.
fn report_within_a_minute(dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["report", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("ecsim report {} did not end within a minute", dir.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// (line, column), 1-based, of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = offset - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, column)
}

/// Issue 32 items 7 and 16: a figure no run writes (infinite, NaN, or beyond 1e15) in any
/// file `ecsim report` reads is refused with its file, line and column, and the report ends
/// instead of charting an infinite axis for ever.
#[test]
fn report_refuses_a_figure_no_run_writes_with_its_place() {
    let root = tempfile::tempdir().unwrap();
    let run = root.path().join("run");
    ok(&[
        "run",
        "-q",
        &scenario("quickstart.toml"),
        "--out",
        run.to_str().unwrap(),
    ]);
    // One CSV cell replaced: (file, column, data row, new text, what the error says).
    let cells = [
        (
            "timeseries.csv",
            "cost_usd",
            3,
            "inf",
            "`inf` is not a finite number",
        ),
        (
            "timeseries.csv",
            "cost_usd",
            5,
            "1e308",
            "`1e308` is more than any figure ecsim writes (at most 1e15)",
        ),
        ("tasks.csv", "cost_usd", 2, "NaN", "`NaN` is not a number"),
        (
            "tasks.csv",
            "pending_s",
            4,
            "-inf",
            "`-inf` is not a finite number",
        ),
    ];
    for (file, column, row, text, says) in cells {
        let dir = root.path().join(format!("{file}-{row}"));
        fs::create_dir(&dir).unwrap();
        for f in ["summary.json", "timeseries.csv", "tasks.csv"] {
            fs::copy(run.join(f), dir.join(f)).unwrap();
        }
        let original = fs::read_to_string(run.join(file)).unwrap();
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let c = header.iter().position(|h| *h == column).unwrap();
        // Data row `row` is line row + 1 (the header is line 1); no cell here is quoted.
        let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
        cells[c] = text.to_string();
        lines[row] = cells.join(",");
        fs::write(dir.join(file), lines.join("\n") + "\n").unwrap();
        let out = report_within_a_minute(&dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file} {text}: {err}");
        let place = format!(
            "{file}: line {}, column {} (`{column}`): {says}",
            row + 1,
            c + 1
        );
        assert!(err.contains(&place), "{place:?} in {err}");
        assert!(!dir.join("report.html").exists());
    }

    // summary.json: a figure is located by line and column in the JSON text.
    let dir = root.path().join("summary");
    fs::create_dir(&dir).unwrap();
    for f in ["timeseries.csv", "tasks.csv"] {
        fs::copy(run.join(f), dir.join(f)).unwrap();
    }
    let text = fs::read_to_string(run.join("summary.json")).unwrap();
    let key = "\"sim_time_s\": ";
    let at = text.find(key).unwrap() + key.len();
    let end = at + text[at..].find([',', '\n']).unwrap();
    let edited = format!("{}1e308{}", &text[..at], &text[end..]);
    fs::write(dir.join("summary.json"), &edited).unwrap();
    let (line, column) = line_col(&edited, at);
    let out = report_within_a_minute(&dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let place = format!(
        "summary.json: line {line}, column {column}: `1e308` is more than any figure ecsim writes"
    );
    assert!(err.contains(&place), "{place:?} in {err}");
}

/// Issue 32 item 16: a missing input is named with the file and in words, not "(os error 2)".
#[test]
fn report_names_a_missing_file_in_words() {
    let root = tempfile::tempdir().unwrap();
    let run = root.path().join("run");
    ok(&[
        "run",
        "-q",
        &scenario("quickstart.toml"),
        "--out",
        run.to_str().unwrap(),
        "--tasks",
        "none",
    ]);
    let out = report_within_a_minute(&run);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("tasks.csv: there is no such file"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    // A file where the report's charts/ directory goes.
    fs::remove_dir_all(&run).unwrap();
    ok(&[
        "run",
        "-q",
        &scenario("quickstart.toml"),
        "--out",
        run.to_str().unwrap(),
    ]);
    fs::write(run.join("charts"), "in the way").unwrap();
    let out = report_within_a_minute(&run);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("charts: a file of that name is in the way"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

/// Issue 32 item 12: tasks.csv is read in one pass into bounded summaries. Past 200,000
/// waits the pending-time chart is drawn from an even sample and says so; the heat map
/// stays exact: its colour scale's top is the largest reserved vCPU of any instance and
/// column, recomputed here from the rows.
#[test]
fn a_report_of_many_tasks_samples_its_waits_and_keeps_the_heat_map_exact() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("many.toml");
    fs::write(
        &file,
        "name = \"many\"\nseed = 3\nhorizon = \"5h\"\nsample_interval = \"5m\"\n\n[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.4xlarge\"\ncount = 40\n\n[[taskDefinitions]]\nfamily = \"job\"\ncpu = 256\nmemory = 512\n\n[[jobs]]\nname = \"j\"\ntaskDefinition = \"job\"\narrival = { type = \"poisson\", rate_per_hour = 50000 }\nduration = { type = \"exponential\", mean = 20 }\n",
    )
    .unwrap();
    let out = root.path().join("out");
    ok(&[
        "run",
        "-q",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
    ]);

    let mut reader = csv::Reader::from_path(out.join("tasks.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (instance, cpu, placed, stopped, pending) = (
        col("instance"),
        col("cpu"),
        col("placed_s"),
        col("stopped_s"),
        col("pending_s"),
    );
    // No warm-up: every task with a pending time counts. 120 columns of 5 h / 120 = 150 s.
    let (horizon, width) = (5.0 * 3600.0, 150.0);
    let mut waits = 0u64;
    let mut cells: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for row in reader.records() {
        let row = row.unwrap();
        if !row[pending].is_empty() {
            waits += 1;
        }
        if row[placed].is_empty() || row[instance].is_empty() {
            continue;
        }
        let s: f64 = row[placed].parse().unwrap();
        let e: f64 = if row[stopped].is_empty() {
            horizon
        } else {
            row[stopped].parse().unwrap()
        };
        let vcpu = row[cpu].parse::<f64>().unwrap() / 1024.0;
        let cell = cells
            .entry(row[instance].to_string())
            .or_insert_with(|| vec![0.0; 120]);
        for (c, v) in cell.iter_mut().enumerate() {
            let (lo, hi) = ((c as f64 * width).max(s), ((c + 1) as f64 * width).min(e));
            if hi > lo {
                *v += vcpu * (hi - lo) / width;
            }
        }
    }
    assert!(waits > 200_000, "{waits} waits: too few to sample");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let said = format!("Drawn from an even sample of 200000 of the {waits} tasks.");
    assert!(html.contains(&said), "{said}");
    let max = cells.values().flatten().copied().fold(0.0, f64::max);
    // The colour bar's top label, as the chart's ticks print it: two decimals, no trailing
    // zeros.
    let top = format!("{max:.2}");
    let top = top.trim_end_matches('0').trim_end_matches('.');
    let svg = fs::read_to_string(out.join("charts/placement.svg")).unwrap();
    assert!(svg.contains("reserved vCPU per instance"), "a heat map");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(
        labels.contains(&top),
        "colour scale up to {top}: {labels:?}"
    );
}

/// Issue 37 items 1 and 2: the comparison's answer names the cheapest leg meeting the
/// targets, and the bill chart draws the bills the table states (with commitments), the
/// On-Demand bill as a ghost behind, the value of each bar in the SVG.
#[test]
fn compare_report_answers_first_and_its_bars_are_the_bills() {
    let root = tempfile::tempdir().unwrap();
    let c = root.path().join("c");
    ok(&[
        "compare",
        "-q",
        &scenario("ec2-vs-fargate.toml"),
        "--with",
        "scenario",
        "--with",
        "ec2+ri",
        "--with",
        "ec2-spot",
        "--out",
        c.to_str().unwrap(),
        "--report",
    ]);
    let html = check_self_contained(&c, &charts(&c));
    // 3 m5.large for 24 h: On-Demand 3 × 24 × $0.096 = $6.912; Reserved (1 yr, no upfront)
    // 3 × 24 × $0.060 = $4.32; Spot at 70% off 0.3 × 6.912 = $2.0736. All three start tasks
    // alike (same instances), so Spot is the cheapest meeting the default targets, and
    // saves 6.912 − 2.0736 = 4.8384 → $4.84, 70%.
    assert!(
        html.contains("<strong>ec2-spot</strong> is the cheapest option that meets the targets"),
        "{html}"
    );
    assert!(html.contains("$4.84 (70%) less"));
    assert!(html.contains("at least 99.9% (default)"));
    assert!(html.contains("<summary>All figures"));
    let svg = fs::read_to_string(c.join("charts/compare-cost.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let value = |series: &str, leg: &str| -> f64 {
        doc.descendants()
            .find(|n| {
                n.attribute("class") == Some("bar-value")
                    && n.attribute("data-series") == Some(series)
                    && n.attribute("data-category") == Some(leg)
            })
            .and_then(|n| n.attribute("data-value"))
            .unwrap_or_else(|| panic!("no {series} mark for {leg}"))
            .parse()
            .unwrap()
    };
    assert!((value("bar", "ec2+ri") - 4.32).abs() < 1e-9);
    assert!((value("ghost", "ec2+ri") - 6.912).abs() < 1e-9);
    assert!((value("bar", "scenario") - 6.912).abs() < 1e-9);
    assert!((value("bar", "ec2-spot") - 2.0736).abs() < 1e-9);
    // Availability is drawn as downtime: 100% is no downtime, a zero bar.
    let svg = fs::read_to_string(c.join("charts/compare-service.svg")).unwrap();
    assert!(svg.contains("downtime (min / month)"));
    assert!(!svg.contains("100.000%"));
}

/// Issue 37 item 3: `--recommend --report` charts bill against pending p95 per candidate and
/// says what the search did not model or try.
#[test]
fn recommend_report_charts_each_candidate_with_its_caveats() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path().join("r");
    ok(&[
        "compare",
        "-q",
        &scenario("ec2-vs-fargate.toml"),
        "--recommend",
        "--types",
        "m5.large,t3.medium",
        "--target-pending-p95",
        "30",
        "--out",
        r.to_str().unwrap(),
        "--report",
    ]);
    let names = charts(&r);
    assert_eq!(names, set(&["recommend"]));
    let html = check_self_contained(&r, &names);
    // docs/ec2-vs-fargate.md's pinned answer: 4 × t3.medium, 4 × 24 h × $0.0416 = $3.9936.
    assert!(
        html.contains("<strong>4 × t3.medium</strong>: <strong>$3.99</strong>"),
        "{html}"
    );
    assert!(html.contains("t3.medium is a burstable type: ecsim does not model CPU credits"));
    assert!(html.contains("Burstable CPU credits are not modeled"));
    assert!(html.contains("What the search did not try"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(r.join("recommend.json")).unwrap()).unwrap();
    // Every run of the search is a probe: their count is the runs the table prints.
    for t in json["types"].as_array().unwrap() {
        assert_eq!(
            t["probes"].as_array().unwrap().len() as u64,
            t["runs"].as_u64().unwrap()
        );
    }
    // A comparison into the same directory replaces the recommendation's page.
    ok(&[
        "compare",
        "-q",
        &scenario("ec2-vs-fargate.toml"),
        "--with",
        "scenario",
        "--out",
        r.to_str().unwrap(),
        "--report",
    ]);
    assert!(!r.join("recommend.json").exists());
}

/// Issue 34's columns in reports: each deployment's strategy and extra cost, on the run's
/// page and per option on a comparison's.
#[test]
fn deployment_tables_show_strategy_and_extra_cost() {
    let root = tempfile::tempdir().unwrap();
    let path = scenario("deployment-strategies.toml");
    let d = root.path().join("run");
    ok(&["run", "-q", &path, "--out", d.to_str().unwrap(), "--report"]);
    let html = fs::read_to_string(d.join("report.html")).unwrap();
    assert!(
        html.contains("<th>strategy</th>") && html.contains("<th class=\"num\">extra cost</th>")
    );
    for s in ["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"] {
        assert!(html.contains(&format!("<td>{s}</td>")), "{s}");
    }
    let c = root.path().join("cmp");
    ok(&[
        "compare",
        "-q",
        &path,
        "--with",
        "scenario",
        "--out",
        c.to_str().unwrap(),
        "--report",
    ]);
    let html = fs::read_to_string(c.join("report.html")).unwrap();
    assert!(html.contains("Deployments per option"));
    assert!(html.contains("<td>scenario</td>") && html.contains("<td>CANARY</td>"));
}

/// The width and height a PNG's header states.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap();
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Issue 37: restart latency is the step ECDF of tasks.csv's per-task restarts, and PNGs
/// are drawn at 2× unless `--dpi` says otherwise.
#[test]
fn restart_latency_is_charted_from_each_restart_and_pngs_default_to_2x() {
    // One m5.large holds both 1024-unit tasks; it fails at 1 h and both replacements wait
    // for the pool's new instance: 120 s launch + 3 s pull overhead + 100 MB at 50 MB/s +
    // 2 s container start = 127 s each (tests/it/failures.rs works the same case).
    let text = r#"
horizon = "3h"
sample_interval = "10s"
[timing]
ec2_image_cache = false
[cluster]
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
[[cluster.pools]]
name = "general"
instance_type = "m5.large"
count = 1
[[taskDefinitions]]
family = "web"
cpu = 1024
memory = 512
networkMode = "bridge"
image_size_mb = 100
[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
launchType = "EC2"
[[failures.events]]
action = "kill_instance"
at = "1h"
pool = "general"
"#;
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("restarts.toml");
    fs::write(&file, text).unwrap();
    let out = root.path().join("r");
    ok(&[
        "run",
        "-q",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--report",
    ]);
    let run = ecsim::outputs::RunOutputs::load(&out).unwrap();
    let restarts: Vec<(String, f64)> = run
        .tasks
        .restarts
        .iter()
        .map(|r| (run.name(r.cause).to_string(), r.latency_s))
        .collect();
    assert_eq!(restarts, vec![("instance_failure".to_string(), 127.0); 2]);
    let names = charts(&out);
    assert!(names.contains("restart-latency"), "{names:?}");
    let html = check_self_contained(&out, &names);
    assert!(
        html.contains("instance failure 2"),
        "the caption counts the restarts"
    );
    // Two restarts: a dot each at the top of the one step, (127 s, 100%).
    let svg = fs::read_to_string(out.join("charts/restart-latency.svg")).unwrap();
    assert!(svg.contains("<circle"), "dots for a small sample");
    // 960 CSS pixels wide, drawn at 2×; `--dpi 96` draws them pixel for pixel.
    let png = out.join("charts/restart-latency.png");
    let (w2, h2) = png_size(&png);
    assert_eq!(w2, 1920);
    ok(&["report", "-q", "--dpi", "96", out.to_str().unwrap()]);
    assert_eq!(png_size(&png), (960, h2 / 2));
    let bad = ecsim(&["report", "-q", "--dpi", "20", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("48..=576"));
}
