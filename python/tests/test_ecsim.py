"""`import ecsim` against the `ecsim` command: the same scenario and seed give the same
bytes; bad input raises ScenarioError (or TypeError/ValueError for Python-level misuse)
with the CLI's message and location; Ctrl-C stops a run and the next one still works.

The command is $ECSIM_BIN (CI's ci build), else target/ci/ecsim, else target/release/ecsim.
"""

import io
import os
import pathlib
import signal
import subprocess
import threading
import time

import pandas as pd
import pytest

import ecsim

REPO = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "scenarios" / "quickstart.toml"


def ecsim_bin() -> str:
    if os.environ.get("ECSIM_BIN"):
        return os.environ["ECSIM_BIN"]
    for profile in ("ci", "release"):
        path = REPO / "target" / profile / "ecsim"
        if path.exists():
            return str(path)
    raise RuntimeError("no ecsim binary: set ECSIM_BIN or `cargo build --profile ci`")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ecsim_bin(), *args], capture_output=True, text=True, cwd=REPO)


def test_run_gives_the_cli_bytes(tmp_path):
    done = cli("run", str(QUICKSTART), "--set", "horizon=2h", "--seed", "11", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    run = ecsim.run(ecsim.load(QUICKSTART, set={"horizon": "2h"}), seed=11)
    assert run.summary_json == (tmp_path / "summary.json").read_text()
    assert run.timeseries_csv == (tmp_path / "timeseries.csv").read_bytes()
    assert run.tasks_csv == (tmp_path / "tasks.csv").read_bytes()
    assert run.seed == 11 and run.summary["seed"] == 11
    # The same run again in this process: nothing carried over between runs.
    assert ecsim.run(QUICKSTART, seed=11, tasks="none").summary != run.summary  # 6 h, not 2 h
    assert ecsim.run(ecsim.load(QUICKSTART, set=["horizon=2h"]), seed=11).summary_json == run.summary_json


def test_sampled_tasks_match_the_cli(tmp_path):
    done = cli("run", str(QUICKSTART), "--seed", "3", "--tasks-sample", "10%", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    run = ecsim.run(QUICKSTART, seed=3, tasks=0.1)
    assert run.tasks_csv == (tmp_path / "tasks.csv").read_bytes()
    assert ecsim.run(QUICKSTART, seed=3, tasks="none").tasks_csv is None


def test_warmup_rows_are_flagged():
    run = ecsim.run(QUICKSTART, seed=5)
    ts = run.timeseries
    # quickstart: warmup 30m, sample_interval 1m, samples from t = 0: the rows at
    # 0, 60, ..., 1740 s (30 rows) are before the window opens at 1,800 s.
    assert run.warmup_s == 1800
    assert int(ts["warmup"].sum()) == 30
    assert ts.loc[ts["time_s"] == 1800, "warmup"].tolist() == [False]
    assert ((ts["hours"] * 3600 - ts["time_s"]).abs() < 1e-6).all()
    tasks = run.tasks
    # Every task created in the window, and only those, is what the summary counts as created.
    assert int((~tasks["warmup"]).sum()) == run.summary["tasks"]["created"]
    assert (tasks.loc[tasks["warmup"], "created_s"] < 1800).all()


def test_a_dict_built_scenario_runs_as_the_file_does():
    tomllib = pytest.importorskip("tomllib")
    doc = tomllib.loads(QUICKSTART.read_text())
    from_dict = ecsim.run(ecsim.load(doc, set={"horizon": "1h"}), seed=9, tasks="none")
    from_file = ecsim.run(ecsim.load(QUICKSTART, set={"horizon": "1h"}), seed=9, tasks="none")
    assert from_dict.summary_json == from_file.summary_json


def test_to_toml_round_trips_with_overrides():
    s = ecsim.load(QUICKSTART, set={"cluster.pools.general.count": 6, "horizon": "1h"})
    again = ecsim.load(s.to_toml())
    assert "count = 6" in again.text
    assert ecsim.run(again, seed=1, tasks="none").summary_json == ecsim.run(s, seed=1, tasks="none").summary_json
    assert ecsim.load(QUICKSTART).to_toml() == QUICKSTART.read_text()


def test_sweep_frame_equals_the_cli_runs_csv(tmp_path):
    key = "cluster.pools.general.count"
    done = cli("sweep", str(QUICKSTART), "--set", "horizon=1h", "-r", "3", "--vary", f"{key}=2,3",
               "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    df = ecsim.sweep(ecsim.load(QUICKSTART, set={"horizon": "1h"}), vary={key: [2, 3]}, replications=3, jobs=2)
    assert df._ecsim_sweep["runs_csv"] == (tmp_path / "runs.csv").read_text()
    pd.testing.assert_frame_equal(pd.DataFrame(df), pd.read_csv(tmp_path / "runs.csv"))
    pd.testing.assert_frame_equal(df.summary(), pd.read_csv(tmp_path / "sweep.csv"))
    assert df._ecsim_sweep["sweep_json"] == (tmp_path / "sweep.json").read_text()
    # 2 variants × 3 replications, replication i of each with the same seed.
    assert len(df) == 6 and df[key].tolist() == [2, 2, 2, 3, 3, 3]
    assert df["seed"].tolist()[:3] == df["seed"].tolist()[3:]
    # The printed table: the CLI's, whatever the thread count.
    assert df.table() == done.stdout or df.table() in cli("sweep", str(QUICKSTART), "--set", "horizon=1h", "-r", "3",
                                                            "--vary", f"{key}=2,3", "--out", str(tmp_path)).stdout
    one_thread = ecsim.sweep(ecsim.load(QUICKSTART, set={"horizon": "1h"}), vary=[f"{key}=2,3"], replications=3, jobs=1)
    assert one_thread._ecsim_sweep["runs_csv"] == df._ecsim_sweep["runs_csv"]


def test_compare_equals_the_cli(tmp_path):
    done = cli("compare", str(QUICKSTART), "--set", "horizon=2h", "--with", "scenario", "--with", "fargate",
               "--seed", "4", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    df = ecsim.compare(ecsim.load(QUICKSTART, set={"horizon": "2h"}), ["scenario", "fargate"], seed=4)
    assert df.attrs["csv"] == (tmp_path / "compare.csv").read_text()
    assert df.attrs["json"] == (tmp_path / "compare.json").read_text()
    assert df["leg"].tolist() == ["scenario", "fargate"]


def test_report_writes_the_cli_page(tmp_path):
    done = cli("run", str(QUICKSTART), "--set", "horizon=1h", "--seed", "2", "--report",
               "--out", str(tmp_path / "cli"), "-q")
    assert done.returncode == 0, done.stderr
    page = ecsim.run(ecsim.load(QUICKSTART, set={"horizon": "1h"}), seed=2).report(tmp_path / "py")
    assert page == tmp_path / "py" / "report.html"
    assert page.read_bytes() == (tmp_path / "cli" / "report.html").read_bytes()
    with pytest.raises(ValueError, match='tasks="all"'):
        ecsim.run(QUICKSTART, tasks="none").report(tmp_path / "none")


def located(text: str, needle: str) -> int:
    """1-based line of `needle` in `text`, found independently of ecsim."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_scenario_error_has_the_cli_message_and_location(tmp_path):
    text = QUICKSTART.read_text().replace("count = 4", 'count = "four"')
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    done = cli("validate", str(bad))
    assert done.returncode == 2
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(bad)
    e = caught.value
    assert done.stderr.strip() == f"error: {e}"
    assert (e.file, e.line) == (str(bad), located(text, 'count = "four"'))
    assert e.field.endswith("count") and e.column is not None
    # The same text given as a string: located in the string, named as asked.
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(text, name="mine.toml")
    assert (caught.value.file, caught.value.line) == ("mine.toml", e.line)
    assert str(caught.value) == str(e).replace(str(bad), "mine.toml", 1)


def test_unknown_field_names_what_is_allowed(tmp_path):
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(QUICKSTART, set={"services.web.desiredCont": 3})
    assert "desiredCont" in str(caught.value)


@pytest.mark.parametrize(
    "doc, field",
    [
        ({"name": "x", "horizon": "1h", "cluster": {"pools": "four"}}, "cluster.pools"),
        ({"name": "x", "horizon": "1h", "nonsense": 1}, "nonsense"),
        ({"name": "x", "horizon": "1h", "seed": -1}, "seed"),
        ({"name": "x", "horizon": "1h", "seed": 10**30}, "seed"),
        ({"name": "x", "horizon": 12.5e300}, "horizon"),
    ],
)
def test_hostile_dicts_raise_scenario_errors(doc, field):
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(doc)
    e = caught.value
    assert e.file == "<dict>" and e.line is None
    assert field in (e.field + str(e)), str(e)


def test_huge_counts_are_refused_not_run():
    text = QUICKSTART.read_text()
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(text, set={"services.web.desiredCount": 10**12})
    assert caught.value.field == "services[0].desiredCount"
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(text, set={"cluster.pools.general.count": -3})
    assert caught.value.field == "cluster.pools[0].count"
    # Within every field's range, but a year of 5,000 tasks a minute is past the size
    # limits: refused before it runs, as the command line refuses it without --allow-large.
    big = ecsim.load(text, set={"horizon": "365d", "jobs.reports.arrival.rate_per_hour": 300000})
    with pytest.raises(ValueError, match="allow_large=True"):
        ecsim.run(big, tasks="none")


def test_python_misuse_raises_type_and_value_errors():
    s = ecsim.load(QUICKSTART, set={"horizon": "1h"})
    loop = []
    loop.append(loop)
    cases = [
        (TypeError, lambda: ecsim.load({"name": None})),
        (TypeError, lambda: ecsim.load({"name": {1, 2}})),
        (TypeError, lambda: ecsim.load({1: "x"})),
        (TypeError, lambda: ecsim.load({"name": "\ud800"})),
        (TypeError, lambda: ecsim.load(42)),
        (TypeError, lambda: ecsim.load(QUICKSTART, set="horizon=1h")),
        (TypeError, lambda: ecsim.run(s, seed="7")),
        (ValueError, lambda: ecsim.run(s, seed=-1)),
        (ValueError, lambda: ecsim.run(s, tasks=2.0)),
        (ValueError, lambda: ecsim.run(s, tasks="some")),
        (TypeError, lambda: ecsim.run(s, tasks=True)),
        (ValueError, lambda: ecsim.run(s, trace="loud")),
        (ValueError, lambda: ecsim.sweep(s, replications=0)),
        (ValueError, lambda: ecsim.sweep(s, replications=2, jobs=0)),
        (TypeError, lambda: ecsim.sweep(s, vary={"horizon": "1h"}, replications=2)),
        (ValueError, lambda: ecsim.sweep(s, vary=["horizon"], replications=2)),
        (ValueError, lambda: ecsim.compare(s, ["moon"])),
    ]
    for error, call in cases:
        with pytest.raises(error):
            call()
    with pytest.raises(ecsim.ScenarioError, match="nested more than"):
        ecsim.load({"name": loop})


def test_unreadable_files_raise_scenario_errors(tmp_path):
    with pytest.raises(ecsim.ScenarioError) as caught:
        ecsim.load(tmp_path / "missing.toml")
    assert caught.value.file == str(tmp_path / "missing.toml")
    assert "cannot read the scenario" in str(caught.value)
    latin = tmp_path / "latin1.toml"
    latin.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ecsim.ScenarioError, match="cannot read the scenario"):
        ecsim.load(latin)


# A year of quickstart: about 0.6 s of simulation on the ci build (one core, 2026-12-07).
A_YEAR = {"horizon": "365d", "sample_interval": "1h"}


def test_the_gil_is_released_while_simulating():
    s = ecsim.load(QUICKSTART, set=A_YEAR)
    ticks, done = 0, []
    worker = threading.Thread(target=lambda: done.append(ecsim.run(s, tasks="none")))
    worker.start()
    while worker.is_alive():
        ticks += 1  # runs only while the simulation has let go of the GIL
        time.sleep(0.001)
    worker.join()
    assert done and done[0].summary["sim_time_s"] == 365 * 86400 - 1800
    assert ticks > 10


def test_ctrl_c_stops_a_run_and_the_next_one_runs():
    s = ecsim.load(QUICKSTART, set={**A_YEAR, "horizon": "3650d"})  # about 6 s uninterrupted
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        ecsim.run(s, tasks="none")
    # Stopped within a poll (50 ms) and a checkpoint (16,384 events) of the signal.
    assert time.monotonic() - started < 3
    timer.join()
    # The stop request is withdrawn: the process runs on.
    # 6 h horizon less the 30 min warm-up: the measured window.
    assert ecsim.run(QUICKSTART, seed=1, tasks="none").summary["sim_time_s"] == 5.5 * 3600
