//! `ecsim._ecsim`: the simulator's library behind `import ecsim` (python/ecsim/ is the
//! Python side: pandas tables, the `Run` object, docs). Every entry point calls what the
//! command line calls (`scenario::load_str_with`, `sim::run_with` with the `FileRecorder`,
//! `sweep::plan_text` and `execute`, `compare::run_legs`), so the same scenario and seed give
//! the same bytes; results come back as the text of the files the command line writes.
//! Simulations run without the GIL and stop on Ctrl-C (`watch`).

mod convert;
mod watch;

use convert::ConvertError;
use ecsim::compare::{self, Leg};
use ecsim::report::{FileRecorder, OutputDir, TaskSample};
use ecsim::scenario::{self, RunFiles, SizeLimits};
use ecsim::sim::RunHalted;
use ecsim::sweep::{self, SweepError, SweepSpec, Vary};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A loaded, validated scenario: the text it was loaded from, its `set=` overrides, and
/// the resolved configuration every run starts from.
#[pyclass(frozen, module = "ecsim._ecsim", name = "Scenario")]
struct PyScenario {
    text: String,
    path: PathBuf,
    set: Vec<String>,
    allow_large: bool,
    loaded: scenario::Scenario,
}

#[pymethods]
impl PyScenario {
    /// The scenario's TOML: the file's text, or the text a dict became; with `set=`
    /// overrides, the document with them applied (comments are then not kept).
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        if self.set.is_empty() {
            return Ok(self.text.clone());
        }
        let mut doc: toml::Value = toml::from_str(&self.text)
            .map_err(|e| PyRuntimeError::new_err(format!("re-reading the scenario: {e}")))?;
        for assignment in &self.set {
            scenario::overrides::apply(&mut doc, assignment).map_err(|e| {
                let error = scenario::ScenarioError {
                    file: self.path.clone(),
                    line: None,
                    column: None,
                    field: e.field.clone(),
                    message: format!("--set {assignment}: {}", e.message),
                    allowed: e.allowed.clone(),
                };
                scenario_error(py, &error)
            })?;
        }
        toml::to_string(&doc).map_err(|e| PyRuntimeError::new_err(format!("writing TOML: {e}")))
    }

    /// The TOML text loaded, before `set=` overrides.
    #[getter]
    fn text(&self) -> String {
        self.text.clone()
    }

    /// The scenario's `name`.
    #[getter]
    fn name(&self) -> String {
        self.loaded.config.name.clone()
    }

    /// The master seed runs use when `run` is given none.
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.config.seed
    }

    /// Simulated seconds a run lasts.
    #[getter]
    fn horizon_s(&self) -> f64 {
        self.loaded.config.horizon.as_secs_f64()
    }

    /// Seconds before the measurement window opens.
    #[getter]
    fn warmup_s(&self) -> f64 {
        self.loaded.config.warmup.as_secs_f64()
    }

    /// The file it came from, or the name a string or dict was given.
    #[getter]
    fn path(&self) -> String {
        self.path.display().to_string()
    }

    /// The `set=` overrides applied, as `KEY=VALUE`.
    #[getter]
    fn overrides(&self) -> Vec<String> {
        self.set.clone()
    }

    /// What loading decided for the user to know (trace rows turned away, ...).
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.loaded.notes.clone()
    }

    /// The scenario's warnings, as `ecsim validate` prints them.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.loaded.config.warnings.clone()
    }

    /// Whether runs beyond the size limits are allowed (`--allow-large`).
    #[getter]
    fn allow_large(&self) -> bool {
        self.allow_large
    }

    fn __repr__(&self) -> String {
        format!(
            "<ecsim.Scenario {:?} from {}>",
            self.loaded.config.name,
            self.path.display()
        )
    }
}

/// `ecsim.ScenarioError` (python/ecsim/_errors.py) from the library's located error.
fn scenario_error(py: Python<'_>, e: &scenario::ScenarioError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("ecsim._errors")?.getattr("ScenarioError")?;
        let value = class.call1((
            e.to_string(),
            e.file.display().to_string(),
            e.line,
            e.column,
            e.field.clone(),
            e.allowed.clone(),
        ))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|err| err)
}

fn convert_error(py: Python<'_>, file: &Path, e: ConvertError) -> PyErr {
    match e {
        ConvertError::Type(message) => PyTypeError::new_err(message),
        ConvertError::Value { field, message } => scenario_error(
            py,
            &scenario::ScenarioError {
                file: file.to_path_buf(),
                line: None,
                column: None,
                field,
                message,
                allowed: None,
            },
        ),
    }
}

fn load_options(allow_large: bool) -> scenario::LoadOptions<'static> {
    // As `ecsim run` loads: a trace past the task limit refused as it is read.
    scenario::LoadOptions {
        trace_task_limit: (!allow_large).then(|| SizeLimits::default().tasks as u64),
        ..Default::default()
    }
}

fn load(
    py: Python<'_>,
    text: String,
    path: PathBuf,
    set: Vec<String>,
    allow_large: bool,
    located: bool,
) -> PyResult<PyScenario> {
    let loaded = {
        let (text, path, set) = (&text, &path, &set);
        py.detach(move || {
            scenario::load_str_with(text, path, set, load_options(allow_large)).map_err(Box::new)
        })
    };
    match loaded {
        Ok(loaded) => Ok(PyScenario {
            text,
            path,
            set,
            allow_large,
            loaded,
        }),
        Err(mut e) => {
            if !located {
                // A dict's TOML is ours, not the caller's: its line numbers mean nothing.
                e.line = None;
                e.column = None;
            }
            Err(scenario_error(py, &e))
        }
    }
}

/// Loads a scenario file, as `ecsim run FILE --set ...` does.
#[pyfunction]
#[pyo3(signature = (path, set, allow_large=false))]
fn load_path(
    py: Python<'_>,
    path: PathBuf,
    set: Vec<String>,
    allow_large: bool,
) -> PyResult<PyScenario> {
    let text = std::fs::read_to_string(&path).map_err(|e| {
        scenario_error(
            py,
            &scenario::ScenarioError {
                file: path.clone(),
                line: None,
                column: None,
                field: String::new(),
                message: format!("cannot read the scenario: {}", scenario::io_words(&e)),
                allowed: None,
            },
        )
    })?;
    load(py, text, path, set, allow_large, true)
}

/// Loads a scenario from TOML text; `name` stands for the file in errors, and relative
/// paths in it are read from its directory.
#[pyfunction]
#[pyo3(signature = (text, name, set, allow_large=false))]
fn load_text(
    py: Python<'_>,
    text: String,
    name: PathBuf,
    set: Vec<String>,
    allow_large: bool,
) -> PyResult<PyScenario> {
    load(py, text, name, set, allow_large, true)
}

/// Loads a scenario given as a dict (the file's tables as dicts, arrays of tables as
/// lists of dicts).
#[pyfunction]
#[pyo3(signature = (doc, name, set, allow_large=false))]
fn load_dict(
    py: Python<'_>,
    doc: &Bound<'_, PyDict>,
    name: PathBuf,
    set: Vec<String>,
    allow_large: bool,
) -> PyResult<PyScenario> {
    let value = convert::to_toml(doc.as_any(), "", 0).map_err(|e| convert_error(py, &name, e))?;
    let text = toml::to_string(&value).map_err(|e| {
        scenario_error(
            py,
            &scenario::ScenarioError {
                file: name.clone(),
                line: None,
                column: None,
                field: String::new(),
                message: format!("cannot be written as TOML: {e}"),
                allowed: None,
            },
        )
    })?;
    load(py, text, name, set, allow_large, false)
}

/// A value as `--set KEY=VALUE` takes it: a str as written, anything else as its TOML
/// literal.
#[pyfunction]
fn literal(py: Python<'_>, value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    convert::literal(value, field).map_err(|e| convert_error(py, Path::new("set="), e))
}

/// `--vary KEY=V1,V2,...` split as the command line splits it: (key, values).
#[pyfunction]
fn parse_vary(text: &str) -> PyResult<(String, Vec<String>)> {
    Vary::parse(text)
        .map(|v| (v.key, v.values))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A writer into memory that stays readable after the recorder owning it is done.
#[derive(Clone, Default)]
struct Buffer(Rc<RefCell<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn take(self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// `tasks=`: "none", "all", or a share of the tasks ("0.01", "1%").
fn tasks_choice(tasks: &str) -> PyResult<Option<Option<TaskSample>>> {
    match tasks {
        "none" => Ok(None),
        "all" => Ok(Some(None)),
        share => share
            .parse::<TaskSample>()
            .map(|s| Some(Some(s)))
            .map_err(|why| {
                PyValueError::new_err(format!(
                    "tasks={share:?}: {why}; or tasks=\"all\" for every task, \"none\" for no task table"
                ))
            }),
    }
}

/// The command line's size guard (`--allow-large`): a run whose expected work is beyond the
/// limits is refused before it starts.
fn too_large(scenario: &PyScenario, files: RunFiles) -> PyResult<()> {
    if scenario.allow_large {
        return Ok(());
    }
    match scenario::estimate(&scenario.loaded.config, files).exceeds(&SizeLimits::default()) {
        Some(why) => Err(PyValueError::new_err(format!(
            "{}: {why}; load it with allow_large=True to run it anyway",
            scenario.path.display()
        ))),
        None => Ok(()),
    }
}

/// The error for a simulation that stopped before its horizon (a runaway instant; an
/// interrupt is raised by `watch` before this is reached).
fn halted(halt: &RunHalted) -> PyErr {
    match halt {
        RunHalted::InvariantBroken { .. } => PyRuntimeError::new_err(format!(
            "the simulator's own consistency check failed ({halt}); this is a bug in ecsim"
        )),
        _ => PyRuntimeError::new_err(halt.to_string()),
    }
}

/// Runs a scenario, as `ecsim run --seed SEED --tasks ... [--trace[=detail]]` does, in
/// memory: a dict of `summary` (summary.json's text), `timeseries` and `tasks` (the CSVs'
/// bytes; `tasks` None with tasks="none"), `trace` (the narrated trace, None unless asked)
/// and `table` (the summary `ecsim run` prints).
#[pyfunction]
#[pyo3(signature = (scenario, seed=None, tasks="all", trace=None))]
fn run<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyScenario>,
    seed: Option<u64>,
    tasks: &str,
    trace: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let scenario = scenario.get();
    let tasks = tasks_choice(tasks)?;
    let detail = match trace {
        None => None,
        Some("normal") => Some(false),
        Some("detail") => Some(true),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "trace={other:?}: give \"normal\", \"detail\" or None"
            )));
        }
    };
    let files = RunFiles {
        tasks_csv: tasks.is_some(),
        timeseries_csv: true,
    };
    too_large(scenario, files)?;
    let mut config = scenario.loaded.config.clone();
    if let Some(seed) = seed {
        config.seed = seed;
    }
    let outcome = watch::interruptible(py, move || {
        let series = Buffer::default();
        let table = tasks.map(|_| Buffer::default());
        let narration = detail.map(|_| Buffer::default());
        let recorder = FileRecorder::to_writers(
            table.clone().map(|b| Box::new(b) as Box<dyn Write>),
            Box::new(series.clone()),
            &config,
            narration.clone().map(|b| Box::new(b) as Box<dyn Write>),
        );
        let mut recorder = match recorder {
            Ok(r) => r
                .with_task_sample(tasks.flatten())
                .with_trace_detail(detail == Some(true)),
            Err(e) => return Err(e.to_string()),
        };
        let summary = ecsim::sim::run_with(&config, &mut recorder, Default::default())
            .map_err(|halt| halt.to_string())?
            .summary;
        recorder.finish().map_err(|e| e.to_string())?;
        let mut printed = ecsim::report::summary_table(&summary);
        for w in &summary.warnings {
            printed.push_str(&format!("  warning: {w}\n"));
        }
        Ok((
            ecsim::report::summary_json(&summary),
            series.take(),
            table.map(Buffer::take),
            narration.map(Buffer::take),
            printed,
        ))
    })?;
    let (summary, series, table, narration, printed) = outcome.map_err(PyRuntimeError::new_err)?;
    let result = PyDict::new(py);
    result.set_item("summary", summary)?;
    result.set_item("timeseries", PyBytes::new(py, &series))?;
    result.set_item("tasks", table.map(|t| PyBytes::new(py, &t)))?;
    result.set_item(
        "trace",
        narration.map(|t| String::from_utf8_lossy(&t).into_owned()),
    )?;
    result.set_item("table", printed)?;
    Ok(result)
}

/// Writes files into `dir` all together or not at all, as every `ecsim` command writes
/// its output directory; returns their paths.
#[pyfunction]
fn write_files(dir: PathBuf, files: Vec<(String, Vec<u8>)>) -> PyResult<Vec<String>> {
    let io = |e: std::io::Error| {
        PyOSError::new_err(format!(
            "writing {}: {}",
            dir.display(),
            scenario::io_words(&e)
        ))
    };
    if dir.exists() && !dir.is_dir() {
        return Err(PyValueError::new_err(format!(
            "{} is a file, not a directory; give a directory",
            dir.display()
        )));
    }
    let mut out = OutputDir::create(&dir).map_err(io)?;
    for (name, bytes) in &files {
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(PyValueError::new_err(format!(
                "{name:?}: a file name inside the directory, without a path"
            )));
        }
        out.write(name, bytes).map_err(io)?;
    }
    let written = out.commit().map_err(io)?;
    Ok(written.iter().map(|p| p.display().to_string()).collect())
}

/// Writes charts and report.html for an output directory, as `ecsim report DIR` does;
/// returns the page's path.
#[pyfunction]
#[pyo3(signature = (dir, description=None))]
fn write_report(py: Python<'_>, dir: PathBuf, description: Option<String>) -> PyResult<String> {
    let page = py
        .detach(|| {
            ecsim::report_html::write(&dir, description.as_deref(), ecsim::charts::DEFAULT_DPI)
        })
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok(page.display().to_string())
}

/// The `description` a scenario's text holds, for the report's page.
#[pyfunction]
fn description(text: &str) -> Option<String> {
    let value: toml::Value = toml::from_str(text).ok()?;
    value.get("description")?.as_str().map(str::to_string)
}

fn sweep_error(py: Python<'_>, e: SweepError) -> PyErr {
    match e {
        SweepError::Scenario(e) => scenario_error(py, &e),
        SweepError::Usage(m) => PyValueError::new_err(m),
        SweepError::Halted { halt, run, .. } => {
            PyRuntimeError::new_err(format!("run {run}: {}", halted(&halt)))
        }
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// A sweep in memory: (runs.csv, sweep.csv, sweep.json, the table `ecsim sweep` prints),
/// the bytes `ecsim sweep --vary ... -r R` writes.
#[pyfunction]
#[pyo3(signature = (scenario, vary, replications, jobs=None))]
fn run_sweep(
    py: Python<'_>,
    scenario: &Bound<'_, PyScenario>,
    vary: Vec<(String, Vec<String>)>,
    replications: u32,
    jobs: Option<usize>,
) -> PyResult<(String, String, String, String)> {
    let scenario = scenario.get();
    if jobs == Some(0) {
        return Err(PyValueError::new_err(
            "jobs=0 would run nothing; give 1 or more threads, or None for every core",
        ));
    }
    let mut axes = Vec::new();
    for (key, values) in vary {
        if key.trim().is_empty() || values.is_empty() || values.iter().any(|v| v.trim().is_empty())
        {
            return Err(PyValueError::new_err(format!(
                "vary: {key:?} needs a field path and at least one non-empty value, e.g. vary={{\"services.web.desiredCount\": [2, 4, 8]}}"
            )));
        }
        axes.push(Vary {
            key: key.trim().to_string(),
            values: values.iter().map(|v| v.trim().to_string()).collect(),
        });
    }
    let spec = SweepSpec {
        scenario: scenario.path.clone(),
        set: scenario.set.clone(),
        vary: axes,
        replications,
    };
    let plan = py
        .detach(|| sweep::plan_text(&spec, &scenario.text, load_options(scenario.allow_large)))
        .map_err(|e| sweep_error(py, e))?;
    if !scenario.allow_large {
        for variant in &plan.variants {
            if let Some(why) = scenario::estimate(&variant.config, RunFiles::SUMMARY_ONLY)
                .exceeds(&SizeLimits::default())
            {
                let values: Vec<String> = plan
                    .meta
                    .keys
                    .iter()
                    .zip(&variant.values)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                return Err(PyValueError::new_err(format!(
                    "{}: the variant {}: {why}; load it with allow_large=True to run it anyway",
                    scenario.path.display(),
                    values.join(" ")
                )));
            }
        }
    }
    let records =
        watch::interruptible(py, || sweep::execute(&plan, &plan.runs, jobs, &|_| Ok(())))?
            .map_err(|e| sweep_error(py, e))?;
    let stats = sweep::aggregate(&plan.meta, &records);
    let json = sweep::sweep_json(&plan.meta, &stats);
    let doc: serde_json::Value = serde_json::from_slice(&json)
        .map_err(|e| PyRuntimeError::new_err(format!("reading sweep.json back: {e}")))?;
    let table = ecsim::outputs::SweepOutputs::from_json(doc, Path::new("sweep.json"))
        .map(|s| sweep::table(&s))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Ok((
        text(sweep::runs_csv(&plan.meta, &records)),
        text(sweep::sweep_csv(&plan.meta, &stats)),
        text(json),
        table,
    ))
}

/// The legs `--with` names, as `ecsim compare` reads them: capacity options and
/// `fargate:<names>` moves.
fn legs(with: &[String]) -> PyResult<(Vec<Leg>, Vec<Vec<String>>)> {
    if with.is_empty() {
        return Ok((Leg::ALL.to_vec(), Vec::new()));
    }
    let mut legs = Vec::new();
    let mut moves = Vec::new();
    for w in with {
        if let Some(names) = compare::per_service::parse_origin_leg(w) {
            let names = names.map_err(|e| PyValueError::new_err(format!("legs: {e}")))?;
            if !moves.contains(&names) {
                moves.push(names);
            }
            continue;
        }
        let leg = Leg::parse(w)
            .map_err(|e| PyValueError::new_err(e.replace("for --with", "in legs=")))?;
        if !legs.contains(&leg) {
            legs.push(leg);
        }
    }
    Ok((legs, moves))
}

/// A comparison in memory, as `ecsim compare --with LEG ... --seed SEED
/// [--recommend-commitment]` writes it: a dict of `csv` (compare.csv), `json`
/// (compare.json), `table` (what it prints) and, with `recommend_commitment`, `curve`
/// (commitment-curve.csv) and `recommendation` (commitment-recommendation.json).
#[pyfunction]
#[pyo3(signature = (scenario, legs, seed=None, recommend_commitment=false))]
fn run_compare<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyScenario>,
    legs: Vec<String>,
    seed: Option<u64>,
    recommend_commitment: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let scenario = scenario.get();
    let (legs, moves) = self::legs(&legs)?;
    too_large(scenario, RunFiles::SUMMARY_ONLY)?;
    let mut config = scenario.loaded.config.clone();
    if let Some(seed) = seed {
        config.seed = seed;
    }
    let outcome = watch::interruptible(py, || {
        if recommend_commitment {
            compare::run::run_and_recommend(&config, &legs)
        } else {
            let mut results = compare::run_legs(&config, &legs)?;
            results.extend(compare::per_service::run_origin_legs(&config, &moves)?);
            Ok((results, Vec::new()))
        }
    })?;
    let (results, recs) = outcome.map_err(|e| match e {
        compare::CompareError::Usage(m) => PyValueError::new_err(m),
        halted_leg => PyRuntimeError::new_err(halted_leg.to_string()),
    })?;
    let be = compare::break_even_with_legs(&config, &legs);
    let mut table = compare::table::text(&config.name, config.seed, &results, &be);
    let out = PyDict::new(py);
    if recommend_commitment {
        table.push_str(&compare::commitment_legs::recommendation_text(&recs));
        out.set_item("curve", compare::commitment_legs::curve_csv(&recs))?;
        out.set_item(
            "recommendation",
            serde_json::to_string_pretty(&recs).unwrap_or_default() + "\n",
        )?;
    }
    out.set_item("csv", compare::table::csv(&results))?;
    out.set_item(
        "json",
        // The command's default targets (`--target-pending-p95`, `--target-availability`
        // unset), so compare.json is the same bytes as `ecsim compare` writes.
        compare::table::json(
            &config.name,
            config.seed,
            &ecsim::outputs::CompareTargets::default(),
            &results,
            &be,
        ),
    )?;
    out.set_item("table", table)?;
    Ok(out)
}

/// The native half of `import ecsim`; use the `ecsim` package, not this module.
#[pymodule]
fn _ecsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(load_path, m)?)?;
    m.add_function(wrap_pyfunction!(load_text, m)?)?;
    m.add_function(wrap_pyfunction!(load_dict, m)?)?;
    m.add_function(wrap_pyfunction!(literal, m)?)?;
    m.add_function(wrap_pyfunction!(parse_vary, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(write_files, m)?)?;
    m.add_function(wrap_pyfunction!(write_report, m)?)?;
    m.add_function(wrap_pyfunction!(description, m)?)?;
    m.add_function(wrap_pyfunction!(run_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(run_compare, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
