#!/usr/bin/env python3
"""1,000 short runs from Python: in-process (`import ecsim`) against the same runs through
the `ecsim` command (a process, files written and read back), side by side in one session.

    notebooks/.venv/bin/python benches/scripts/python_vs_cli.py [--runs 1000] [--bin target/release/ecsim]

Each run: scenarios/quickstart.toml with horizon=1h, seed i, no tasks.csv; the in-process
side gets the summary as a dict and the timeseries bytes (what a notebook reads), the
command side runs `ecsim run ... --tasks none -q --out DIR` and reads summary.json back.
Both sides check the first run's summary.json is byte-identical. Prints a Markdown table
with the machine, its load and the date, for benches/results/.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import resource
import subprocess
import tempfile
import time

import ecsim

REPO = pathlib.Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "quickstart.toml"
SET = "horizon=1h"


def in_process(runs: int) -> tuple:
    """(wall, CPU) seconds; CPU is this process's, every thread included."""
    scenario = ecsim.load(SCENARIO, set=[SET])
    start, cpu = time.perf_counter(), time.process_time()
    for seed in range(runs):
        run = ecsim.run(scenario, seed=seed, tasks="none")
        assert run.summary["seed"] == seed
    return time.perf_counter() - start, time.process_time() - cpu


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def through_cli(runs: int, binary: str) -> tuple:
    """(wall, CPU) seconds; CPU is the children's plus this process's reading the files."""
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
        for seed in range(runs):
            out = pathlib.Path(tmp) / "run"
            subprocess.run([binary, "run", str(SCENARIO), "--set", SET, "--seed", str(seed), "--tasks", "none",
                            "--out", str(out), "-q"], check=True)
            summary = json.loads((out / "summary.json").read_text())
            assert summary["seed"] == seed
        return time.perf_counter() - start, time.process_time() - cpu + children_cpu() - child


def same_bytes(binary: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([binary, "run", str(SCENARIO), "--set", SET, "--seed", "0", "--tasks", "none",
                        "--out", tmp, "-q"], check=True)
        text = (pathlib.Path(tmp) / "summary.json").read_text()
    return text == ecsim.run(ecsim.load(SCENARIO, set=[SET]), seed=0, tasks="none").summary_json


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=1000)
    p.add_argument("--bin", default=os.environ.get("ECSIM_BIN", str(REPO / "target" / "release" / "ecsim")))
    a = p.parse_args()
    assert same_bytes(a.bin), "the library and the command disagree on the first run"
    load_before = os.getloadavg()
    lib_s, lib_cpu = in_process(a.runs)
    cli_s, cli_cpu = through_cli(a.runs, a.bin)
    load_after = os.getloadavg()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# {a.runs} short runs from Python: in-process against the command line\n")
    print(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    print(f"- load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    print(f"- ecsim package: {pathlib.Path(ecsim._ecsim.__file__).name}; command: {a.bin}")
    print(f"- each run: {SCENARIO.relative_to(REPO)} --set {SET}, seed 0..{a.runs - 1}, no tasks.csv; "
          "first summary.json byte-identical on both sides\n")
    print("| way | wall (s) | per run (ms) | CPU (s) | CPU per run (ms) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `ecsim.run` in-process | {lib_s:.2f} | {1000 * lib_s / a.runs:.2f} | {lib_cpu:.2f} | {1000 * lib_cpu / a.runs:.2f} |")
    print(f"| `ecsim run` process + files | {cli_s:.2f} | {1000 * cli_s / a.runs:.2f} | {cli_cpu:.2f} | {1000 * cli_cpu / a.runs:.2f} |")
    print(f"\nin-process: {cli_s / lib_s:.1f}× less wall time, {cli_cpu / lib_cpu:.1f}× less CPU time")


if __name__ == "__main__":
    main()
