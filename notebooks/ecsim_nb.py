"""What every notebook needs: the `ecsim` library (installed into notebooks/.venv from this
checkout by setup.sh), a scratch output directory, and loaders that turn output directories
into pandas objects.

`ecsim("run", ...)` and friends keep the command line's words for the notebooks written with
them, but nothing runs a process: each call goes through `import ecsim` in this kernel and
writes the same files the command would. New code can use the library directly
(docs/python.md). Notebooks import this from their own directory (Jupyter runs a notebook there).
"""

import argparse
import json
import pathlib
import shlex
import tempfile

import ecsim as lib
import matplotlib
import pandas as pd
from IPython.display import Markdown, display

REPO = pathlib.Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"

# Stored notebooks are read on a code host: moderate resolution keeps them small.
matplotlib.rcParams.update({"figure.dpi": 90, "figure.figsize": (8, 4), "axes.grid": True, "grid.alpha": 0.3})

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=COLORS)


def ecsim_binary() -> pathlib.Path:
    """Where the simulator comes from: the `ecsim` package's native module (the notebooks
    run no `ecsim` binary any more; the name stays for notebooks that print it)."""
    return pathlib.Path(lib._ecsim.__file__)


BIN = ecsim_binary()
WORK = pathlib.Path(tempfile.mkdtemp(prefix="ecsim-notebook-"))


def _parser(command: str) -> argparse.ArgumentParser:
    """The flags of `ecsim COMMAND` the notebooks use, with the command line's names."""
    p = argparse.ArgumentParser(prog=f"ecsim {command}", add_help=False)
    p.add_argument("scenario")
    p.add_argument("--set", action="append", default=[])
    p.add_argument("--out")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--allow-large", action="store_true")
    if command == "run":
        p.add_argument("--seed", type=int)
        p.add_argument("--tasks", choices=["none", "csv"], default="csv")
        p.add_argument("--tasks-sample")
        p.add_argument("--report", action="store_true")
        p.add_argument("--trace", nargs="?", const="normal", choices=["normal", "detail"])
    elif command == "sweep":
        p.add_argument("-r", "--replications", type=int, required=True)
        p.add_argument("--vary", action="append", default=[])
        p.add_argument("-j", "--jobs", type=int)
    elif command == "compare":
        p.add_argument("--with", dest="legs", action="append", default=[])
        p.add_argument("--seed", type=int)
        p.add_argument("--recommend-commitment", action="store_true")
    else:
        raise ValueError(f"ecsim_nb: `ecsim {command}` has no in-process form here; use the ecsim library")
    return p


def _in_process(command: str, argv: list) -> tuple:
    """Runs `ecsim COMMAND ARGV` through the library: (output directory, printed text)."""
    try:
        a = _parser(command).parse_args(argv)
    except SystemExit:
        raise ValueError(f"ecsim {shlex.join([command, *argv])}: arguments the in-process helper does not take") from None
    scenario = lib.load(pathlib.Path(a.scenario), set=a.set, allow_large=a.allow_large)
    if command == "run":
        dest = pathlib.Path(a.out or REPO / "output" / scenario.name)
        tasks = "none" if a.tasks == "none" else (a.tasks_sample or "all")
        r = lib.run(scenario, seed=a.seed, tasks=tasks, trace=a.trace)
        r.report(dest) if a.report else r.write(dest)
        return dest, (r.trace or "") + r.table() + f"  results in {dest}\n"
    if command == "sweep":
        dest = pathlib.Path(a.out or REPO / "output" / f"{scenario.name}-sweep")
        df = lib.sweep(scenario, vary=a.vary, replications=a.replications, jobs=a.jobs)
        df.write(dest)
        return dest, df.table()
    dest = pathlib.Path(a.out or REPO / "output" / f"{scenario.name}-compare")
    df = lib.compare(scenario, a.legs, seed=a.seed, recommend_commitment=a.recommend_commitment)
    lib.write_compare(df, dest)
    return dest, df.attrs["table"] + f"  results in {dest}\n"


def ecsim(command: str, scenario: str, *args: str, out: str) -> pathlib.Path:
    """`ecsim COMMAND SCENARIO ARGS --out WORK/OUT -q`, in this process; returns the output
    directory, holding the files the command writes.

    `scenario` is relative to scenarios/. A bad scenario raises `ecsim.ScenarioError` with
    ecsim's own message, so the cell (and CI) fails where the problem is.
    """
    dest = WORK / out
    return _in_process(command, [str(SCENARIOS / scenario), *args, "--out", str(dest), "-q"])[0]


def ecsim_text(*args: str) -> str:
    """What `ecsim ARGS` prints (the `--trace` narration, the summary), run in this process."""
    return _in_process(args[0], list(args[1:]))[1]


def summary(run: pathlib.Path) -> dict:
    return json.loads((run / "summary.json").read_text())


def timeseries(run: pathlib.Path) -> pd.DataFrame:
    """timeseries.csv with an `hours` column for the time axis and a `warmup` flag on the
    rows sampled before the measurement window opens (summary.json covers only the rest)."""
    df = pd.read_csv(run / "timeseries.csv")
    df["hours"] = df["time_s"] / 3600
    df["warmup"] = df["time_s"] < summary(run)["warmup_s"]
    return df


def tasks(run: pathlib.Path) -> pd.DataFrame:
    """tasks.csv with a `warmup` flag on the tasks created before the measurement window
    opens: summary.json's pending-time figures leave them out."""
    df = pd.read_csv(run / "tasks.csv")
    df["warmup"] = df["created_s"] < summary(run)["warmup_s"]
    return df


def md(text: str) -> None:
    """Prose with computed numbers, rendered as Markdown."""
    display(Markdown(text))


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def usd(x: float, digits: int = 2) -> str:
    return f"${x:,.{digits}f}"
