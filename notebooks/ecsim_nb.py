"""What every notebook needs: the ecsim binary (built if missing), a scratch output
directory, and loaders that turn its outputs into pandas objects.

Notebooks import this from their own directory (Jupyter runs a notebook there).
"""

import json
import os
import pathlib
import shlex
import subprocess
import tempfile

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
    """$ECSIM_BIN if set, else the release build (under $CARGO_TARGET_DIR if set), built
    with cargo if it is missing."""
    if os.environ.get("ECSIM_BIN"):
        return pathlib.Path(os.environ["ECSIM_BIN"])
    path = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "release" / "ecsim"
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "--bin", "ecsim"], cwd=REPO, check=True)
    return path


BIN = ecsim_binary()
WORK = pathlib.Path(tempfile.mkdtemp(prefix="ecsim-notebook-"))


def ecsim(command: str, scenario: str, *args: str, out: str) -> pathlib.Path:
    """Run `ecsim COMMAND SCENARIO ARGS --out WORK/OUT -q`; return the output directory.

    `scenario` is relative to scenarios/. A failing run raises with ecsim's own message, so
    the cell (and CI) fails where the problem is.
    """
    dest = WORK / out
    argv = [str(BIN), command, str(SCENARIOS / scenario), *args, "--out", str(dest), "-q"]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return dest


def ecsim_text(*args: str) -> str:
    """Run ecsim and return what it prints (for `--trace` and the printed summaries)."""
    argv = [str(BIN), *args]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


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
