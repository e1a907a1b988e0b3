//! Hand-written exports in AWS's shapes, and the steps worked out by hand from them.

use super::*;
use std::path::Path;

fn inputs(files: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .map(|(n, t)| (PathBuf::from(n), t.to_string()))
        .collect()
}

fn steps_s(d: &Demand) -> Vec<(f64, f64)> {
    d.steps
        .iter()
        .map(|(at, v)| (*at as f64 / 1000.0, *v))
        .collect()
}

/// get-metric-data output as the CLI prints it: the default order, TimestampDescending;
/// 10:02 has no datapoint.
const NEWEST_FIRST: &str = include_str!("../../../tests/fixtures/cloudwatch-cpu-newest-first.json");

fn cpu(tasks: u32, task_cpu: u32) -> Options {
    Options {
        tasks: Some(tasks),
        task_cpu: Some(task_cpu),
        ..Default::default()
    }
}

#[test]
fn cpu_utilization_newest_first_becomes_ascending_cpu_units() {
    // 4 tasks × 512 CPU units reserve 2048: 12.5% → 256, 50% → 1024, 25% → 512,
    // 30% → 614.4. The period is 60 s (10:03 to 10:04); 10:01 to 10:03 is a gap, held.
    let d = import(&inputs(&[("cpu.json", NEWEST_FIRST)]), &cpu(4, 512)).unwrap();
    assert_eq!(d.metric, Metric::CpuUtilization);
    assert_eq!(d.unit, Unit::CpuUnits);
    assert_eq!(
        steps_s(&d),
        [(0.0, 256.0), (60.0, 1024.0), (180.0, 512.0), (240.0, 614.4)]
    );
    assert_eq!((d.period_ms, d.gaps, d.gap_rule), (60_000, 1, Gaps::Hold));
    assert_eq!(d.end_ms, 300_000);
    assert_eq!(timestamp::format(d.start_ms), "2024-05-06T10:00:00Z");
}

#[test]
fn the_zero_gap_rule_drops_to_zero_one_period_after_the_last_datapoint() {
    let options = Options {
        gaps: Some(Gaps::Zero),
        ..cpu(4, 512)
    };
    let d = import(&inputs(&[("cpu.json", NEWEST_FIRST)]), &options).unwrap();
    assert_eq!(
        steps_s(&d),
        [
            (0.0, 256.0),
            (60.0, 1024.0),
            (120.0, 0.0),
            (180.0, 512.0),
            (240.0, 614.4)
        ]
    );
}

/// Two pages of RequestCount (Sum, 5-minute period), as `--no-paginate` writes them: the
/// first page newest first with a NextToken, the second the older datapoints.
const PAGE_1: &str = r#"{"MetricDataResults": [{"Id": "r", "Label": "RequestCount",
  "Timestamps": ["2024-05-06T10:20:00Z", "2024-05-06T10:15:00Z"], "Values": [3000, 1500],
  "StatusCode": "PartialData"}], "NextToken": "abc", "Messages": []}"#;
const PAGE_2: &str = r#"{"MetricDataResults": [{"Id": "r", "Label": "RequestCount",
  "Timestamps": ["2024-05-06T10:10:00Z", "2024-05-06T10:00:00Z"], "Values": [600, 900],
  "StatusCode": "Complete"}], "Messages": []}"#;

#[test]
fn request_count_pages_join_into_a_rate_with_zero_in_gaps() {
    // Sorted: 10:00 900, 10:10 600, 10:15 1500, 10:20 3000; period 300 s; per second
    // 3, 2, 5, 10. No datapoint at 10:05: no requests from 300 s (the default for
    // RequestCount).
    let files = inputs(&[("p1.json", PAGE_1), ("p2.json", PAGE_2)]);
    let d = import(&files, &Options::default()).unwrap();
    assert_eq!(d.unit, Unit::RequestsPerSecond);
    assert_eq!(
        steps_s(&d),
        [
            (0.0, 3.0),
            (300.0, 0.0),
            (600.0, 2.0),
            (900.0, 5.0),
            (1200.0, 10.0)
        ]
    );
    assert_eq!(d.end_ms, 1_500_000);
    assert!(
        d.notes.iter().any(|n| n.contains("PartialData")),
        "{:?}",
        d.notes
    );

    // 50 ms of CPU per request: 1 request/s keeps 0.05 vCPU = 51.2 CPU units busy.
    let options = Options {
        cpu_ms_per_request: Some(50.0),
        ..Default::default()
    };
    let d = import(&files, &options).unwrap();
    assert_eq!(d.unit, Unit::CpuUnits);
    assert_eq!(
        steps_s(&d),
        [
            (0.0, 153.6),
            (300.0, 0.0),
            (600.0, 102.4),
            (900.0, 256.0),
            (1200.0, 512.0)
        ]
    );
}

#[test]
fn concatenated_pages_and_a_repeated_id_are_one_series() {
    // Both pages in one file, and the CLI's joined form (one document, the Id twice).
    let concatenated = format!("{PAGE_1}\n{PAGE_2}\n");
    let joined = r#"{"MetricDataResults": [
      {"Id": "r", "Label": "RequestCount", "Timestamps": ["2024-05-06T10:20:00Z", "2024-05-06T10:15:00Z"], "Values": [3000, 1500], "StatusCode": "Complete"},
      {"Id": "r", "Label": "RequestCount", "Timestamps": ["2024-05-06T10:10:00Z", "2024-05-06T10:00:00Z"], "Values": [600, 900], "StatusCode": "Complete"}
    ]}"#;
    let expected = [
        (0.0, 3.0),
        (300.0, 0.0),
        (600.0, 2.0),
        (900.0, 5.0),
        (1200.0, 10.0),
    ];
    for text in [concatenated.as_str(), joined] {
        let d = import(&inputs(&[("all.json", text)]), &Options::default()).unwrap();
        assert_eq!(steps_s(&d), expected);
    }
    // A page given twice adds nothing.
    let twice = inputs(&[
        ("p1.json", PAGE_1),
        ("p2.json", PAGE_2),
        ("again.json", PAGE_1),
    ]);
    assert_eq!(
        steps_s(&import(&twice, &Options::default()).unwrap()),
        expected
    );
}

/// The console's CSV download of a graph with two metrics: a time column, a column per
/// label, empty cells where a metric has no datapoint.
const CONSOLE: &str = "\
Time,web CPUUtilization,api CPUUtilization
2024-05-06 10:00:00,10,40
2024-05-06 10:01:00,20,
2024-05-06 10:02:00,,45
2024-05-06 10:03:00,15,50
";

#[test]
fn console_csv_columns_are_series_with_empty_cells_as_gaps() {
    let files = inputs(&[("graph.csv", CONSOLE)]);
    let err = import(&files, &cpu(2, 1024)).unwrap_err();
    assert!(err.message.contains("--series"), "{err}");
    assert!(
        err.allowed
            .as_deref()
            .unwrap()
            .contains("api CPUUtilization"),
        "{err}"
    );
    // web: 2 tasks × 1024 = 2048 reserved: 10% → 204.8, 20% → 409.6, 15% → 307.2.
    // 10:01 to 10:03 is a gap; held.
    let options = Options {
        series: Some("web CPUUtilization".into()),
        ..cpu(2, 1024)
    };
    let d = import(&files, &options).unwrap();
    assert_eq!(steps_s(&d), [(0.0, 204.8), (60.0, 409.6), (180.0, 307.2)]);
    assert_eq!(d.gaps, 1);
}

fn error_of(name: &str, text: &str, options: &Options) -> ScenarioError {
    import(&inputs(&[(name, text)]), options).unwrap_err()
}

#[test]
fn bad_json_is_located() {
    let e = error_of("x.json", &NEWEST_FIRST.replace("30.0,", "30.0"), &cpu(1, 1));
    // 30.0 is on line 13; the parser stops at the next value, line 14.
    assert_eq!((e.line, e.column), (Some(14), Some(17)));
    assert!(e.message.starts_with("not valid JSON"), "{e}");

    let e = error_of(
        "x.json",
        &NEWEST_FIRST.replace("\"StatusCode\"", "\"Unit\": \"Percent\", \"StatusCode\""),
        &cpu(1, 1),
    );
    assert_eq!(e.field, "MetricDataResults[0].Unit");
    assert_eq!(e.line, Some(18));
    assert!(e.allowed.as_deref().unwrap().contains("Timestamps"), "{e}");

    let e = error_of(
        "x.json",
        &NEWEST_FIRST.replace("25.0,", "-25.0,"),
        &cpu(1, 1),
    );
    assert_eq!(e.field, "MetricDataResults[0].Values[1]");
    assert_eq!((e.line, e.column), (Some(14), Some(17)));
    assert!(e.message.contains("negative"), "{e}");

    let e = error_of(
        "x.json",
        &NEWEST_FIRST.replace("50.0,", "\"n/a\","),
        &cpu(1, 1),
    );
    assert_eq!(e.field, "MetricDataResults[0].Values[2]");
    assert_eq!(e.line, Some(15));
    assert!(e.message.contains("not a number"), "{e}");

    let e = error_of(
        "x.json",
        &NEWEST_FIRST.replace("2024-05-06T10:03:00+00:00", "10:03"),
        &cpu(1, 1),
    );
    assert_eq!(e.field, "MetricDataResults[0].Timestamps[1]");
    assert_eq!(e.line, Some(8));

    let e = error_of(
        "x.json",
        &NEWEST_FIRST.replace("50.0,\n                12.5", "50.0"),
        &cpu(1, 1),
    );
    assert!(e.message.contains("3 values for 4 timestamps"), "{e}");

    let e = error_of("x.json", r#"{"Datapoints": []}"#, &cpu(1, 1));
    assert!(e.message.contains("MetricDataResults"), "{e}");
}

#[test]
fn an_error_in_a_later_page_names_its_line_in_the_file() {
    // PAGE_2 starts on line 4 of the file; its second value is on its own line 2.
    let text = format!("{PAGE_1}\n{}", PAGE_2.replace("[600, 900]", "[600, -900]"));
    let e = error_of("all.json", &text, &Options::default());
    assert_eq!(e.field, "MetricDataResults[0].Values[1]");
    assert_eq!(e.line, Some(5));
}

#[test]
fn bad_csv_is_located() {
    let e = error_of("g.csv", &CONSOLE.replace(",20,", ",twenty,"), &cpu(1, 1));
    assert_eq!((e.line, e.field.as_str()), (Some(3), "web CPUUtilization"));
    assert!(e.message.contains("`twenty` is not a number"), "{e}");

    let e = error_of("g.csv", &CONSOLE.replace(",45", ",-45"), &cpu(1, 1));
    assert_eq!((e.line, e.field.as_str()), (Some(4), "api CPUUtilization"));
    assert!(e.message.contains("negative"), "{e}");

    let e = error_of(
        "g.csv",
        &CONSOLE.replace("10:03:00,15,50", "10:03:00,15"),
        &cpu(1, 1),
    );
    assert_eq!(e.line, Some(5));
    assert!(e.message.contains("2 fields where the header has 3"), "{e}");

    let e = error_of(
        "g.csv",
        &CONSOLE.replace("2024-05-06 10:01:00", "noon"),
        &cpu(1, 1),
    );
    assert_eq!((e.line, e.field.as_str()), (Some(3), "Time"));

    let e = error_of("g.csv", "2024-05-06 10:00:00,10\n", &cpu(1, 1));
    assert!(e.message.contains("not a header"), "{e}");
}

#[test]
fn conflicting_values_for_one_time_name_both_places() {
    let other = PAGE_2.replace("[600, 900]", "[600, 901]");
    let files = inputs(&[("p2.json", PAGE_2), ("other.json", &other)]);
    let e = import(&files, &Options::default()).unwrap_err();
    assert_eq!(e.file, Path::new("other.json"));
    assert!(e.message.contains("p2.json:2"), "{e}");
    assert!(
        e.message.contains("901") && e.message.contains("900"),
        "{e}"
    );
}

#[test]
fn what_the_user_must_say_is_asked_for() {
    let files = inputs(&[("cpu.json", NEWEST_FIRST)]);
    let e = import(&files, &Options::default()).unwrap_err();
    assert!(e.allowed.as_deref().unwrap().contains("--tasks"), "{e}");

    let unnamed = NEWEST_FIRST.replace("\"CPUUtilization\"", "\"web\"");
    let e = import(&inputs(&[("cpu.json", &unnamed)]), &cpu(1, 1)).unwrap_err();
    assert!(e.message.contains("--metric"), "{e}");
    let named = Options {
        metric: Some(Metric::CpuUtilization),
        ..cpu(1, 100)
    };
    let d = import(&inputs(&[("cpu.json", &unnamed)]), &named).unwrap();
    assert_eq!(d.steps[0].1, 12.5);

    let one = r#"{"MetricDataResults": [{"Id": "r", "Label": "RequestCount",
      "Timestamps": ["2024-05-06T10:00:00Z"], "Values": [120]}]}"#;
    let e = import(&inputs(&[("one.json", one)]), &Options::default()).unwrap_err();
    assert!(e.message.contains("--period"), "{e}");
    let given = Options {
        period_s: Some(60),
        ..Default::default()
    };
    let d = import(&inputs(&[("one.json", one)]), &given).unwrap();
    assert_eq!(steps_s(&d), [(0.0, 2.0)]);
}

#[test]
fn the_csv_written_is_the_curve_ecsim_reads() {
    let d = import(&inputs(&[("cpu.json", NEWEST_FIRST)]), &cpu(4, 512)).unwrap();
    let text = d.to_csv(&["cpu.json".into()]);
    let curve = crate::scaling::demand::DemandCurve::from_csv(&text).unwrap();
    let expected: Vec<(crate::time::SimTime, f64)> =
        [(0, 256.0), (60, 1024.0), (180, 512.0), (240, 614.4)]
            .iter()
            .map(|(s, v)| (crate::time::SimTime(s * 1000), *v))
            .collect();
    assert_eq!(curve, crate::scaling::demand::DemandCurve::Steps(expected));
}

/// CPUUtilization and Container Insights' RunningTaskCount in one get-metric-data call,
/// newest first; the service went from 2 to 4 tasks at 10:02.
const WITH_TASK_COUNT: &str = r#"{"MetricDataResults": [
  {"Id": "cpu", "Label": "CPUUtilization",
   "Timestamps": ["2024-05-06T10:03:00Z", "2024-05-06T10:02:00Z", "2024-05-06T10:01:00Z", "2024-05-06T10:00:00Z"],
   "Values": [80, 40, 50, 50], "StatusCode": "Complete"},
  {"Id": "tasks", "Label": "RunningTaskCount",
   "Timestamps": ["2024-05-06T10:02:00Z", "2024-05-06T10:00:00Z"],
   "Values": [4, 2], "StatusCode": "Complete"}
], "Messages": []}"#;

#[test]
fn a_task_count_series_scales_each_datapoint_by_the_tasks_then_running() {
    // 256 CPU units per task: 50% of 2 tasks = 256 at 10:00 and 10:01 (10:01 has no count:
    // 10:00's 2 holds), 40% of 4 = 409.6 at 10:02, 80% of 4 = 819.2 at 10:03.
    let options = Options {
        tasks_series: Some("RunningTaskCount".into()),
        task_cpu: Some(256),
        ..Default::default()
    };
    let d = import(&inputs(&[("both.json", WITH_TASK_COUNT)]), &options).unwrap();
    assert_eq!(d.series, "cpu");
    assert_eq!(
        steps_s(&d),
        [(0.0, 256.0), (60.0, 256.0), (120.0, 409.6), (180.0, 819.2)]
    );
    // Without it the export is ambiguous, and a fixed count is one number for all.
    let e = import(&inputs(&[("both.json", WITH_TASK_COUNT)]), &cpu(2, 256)).unwrap_err();
    assert!(e.message.contains("--series"), "{e}");
    let e = import(
        &inputs(&[("both.json", WITH_TASK_COUNT)]),
        &Options {
            tasks_series: Some("running".into()),
            ..options
        },
    )
    .unwrap_err();
    assert!(
        e.message.contains("--tasks-series: no series `running`"),
        "{e}"
    );
}
