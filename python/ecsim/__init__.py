"""ecsim as a Python library: load a scenario, run it, sweep it, compare capacity options.

The simulator underneath is the one the ``ecsim`` command runs (the same Rust library in
this process): the same scenario and seed give the same numbers, byte for byte, and a
sweep runs on the same thread pool. Simulations release the GIL, and Ctrl-C stops them
with ``KeyboardInterrupt``.

    >>> import ecsim
    >>> s = ecsim.load("scenarios/quickstart.toml", set={"horizon": "2h"})
    >>> run = ecsim.run(s, seed=7)
    >>> run.summary["cost_usd"]["total"]
    >>> run.timeseries.plot(x="hours", y="running_tasks")
    >>> df = ecsim.sweep(s, vary={"cluster.pools.general.count": [2, 4]}, replications=5)
    >>> df.summary()          # mean and 95% interval per variant and figure

Scenario fields and what each summary figure means: scenarios/README.md; this API:
docs/python.md.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ecsim
from ._ecsim import Scenario
from ._errors import ScenarioError

if TYPE_CHECKING:  # pandas is imported when a table is first asked for
    import pandas as pd

    class Sweep(pd.DataFrame):
        """What :func:`sweep` returns (the class is made when pandas is first imported)."""

        def summary(self) -> pd.DataFrame: ...
        def table(self) -> str: ...
        def write(self, path: Union[str, "os.PathLike[str]"]) -> pathlib.Path: ...

__all__ = ["load", "run", "sweep", "compare", "write_compare", "Scenario", "Run", "ScenarioError"]
__version__ = _ecsim.__version__

ScenarioLike = Union["Scenario", str, "os.PathLike[str]", Mapping[str, Any]]
Overrides = Union[Mapping[str, Any], Sequence[str], None]


def _overrides(set: Overrides) -> List[str]:
    """``set=`` as ``--set KEY=VALUE`` strings."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        out = []
        for key, value in set.items():
            if not isinstance(key, str):
                raise TypeError(f"set=: key {key!r} is a {type(key).__name__}; give the field's dotted path as a str")
            out.append(f"{key}={_ecsim.literal(value, key)}")
        return out
    if isinstance(set, (str, bytes)):
        raise TypeError('set= takes a dict {"field.path": value} or a list of "KEY=VALUE" strings')
    items = list(set)
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise TypeError(f'set=: {item!r} is not a "KEY=VALUE" string')
    return items


def load(
    source: ScenarioLike,
    set: Overrides = None,
    *,
    name: Optional[str] = None,
    allow_large: bool = False,
) -> Scenario:
    """Loads and validates a scenario; raises :class:`ScenarioError` if it is not valid.

    Args:
        source: a path to a scenario file (``str`` or ``pathlib.Path``); TOML text (a
            ``str`` holding a newline or ``=``); a dict shaped like the file (tables as
            dicts, arrays of tables as lists of dicts); or a loaded :class:`Scenario`, to
            apply more overrides.
        set: overrides by dotted field path, as ``ecsim run --set`` takes them:
            ``{"services.web.desiredCount": 8, "horizon": "26h"}``. A ``str`` value is
            read as on the command line (TOML syntax, else plain text); other values are
            written as TOML. A list of ``"KEY=VALUE"`` strings works too.
        name: what errors call a scenario given as text or dict (default ``<string>`` or
            ``<dict>``); relative paths in it (demand CSVs, price files) are read from its
            directory, the current one by default.
        allow_large: run even when the expected work is beyond the size limits (the
            command line's ``--allow-large``).
    """
    overrides = _overrides(set)
    if isinstance(allow_large, bool) is False:
        raise TypeError("allow_large= takes True or False")
    if isinstance(source, Scenario):
        if not overrides and allow_large == source.allow_large:
            return source
        return _ecsim.load_text(source.text, source.path, list(source.overrides) + overrides, allow_large)
    if isinstance(source, Mapping):
        doc = source if isinstance(source, dict) else dict(source)
        return _ecsim.load_dict(doc, name or "<dict>", overrides, allow_large)
    if isinstance(source, os.PathLike):
        return _ecsim.load_path(os.fspath(source), overrides, allow_large)
    if isinstance(source, str):
        if "\n" in source or "=" in source:
            return _ecsim.load_text(source, name or "<string>", overrides, allow_large)
        return _ecsim.load_path(source, overrides, allow_large)
    raise TypeError(
        f"load() takes a scenario file's path, TOML text, a dict or a Scenario, not a {type(source).__name__}"
    )


def _scenario(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def _seed(seed: Optional[int]) -> Optional[int]:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed= takes an int, not a {type(seed).__name__}")
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed={seed}: a seed is between 0 and 2**64 - 1")
    return seed


def _tasks(tasks: Union[str, float]) -> str:
    if isinstance(tasks, bool):
        raise TypeError('tasks= takes "none", "all" or a share of the tasks such as 0.01')
    if isinstance(tasks, (int, float)):
        return repr(float(tasks))
    if isinstance(tasks, str):
        return tasks
    raise TypeError(f'tasks= takes "none", "all" or a share of the tasks such as 0.01, not a {type(tasks).__name__}')


def _frame(data: Union[str, bytes]) -> "pd.DataFrame":
    import pandas as pd

    if isinstance(data, str):
        return pd.read_csv(io.StringIO(data))
    return pd.read_csv(io.BytesIO(data))


class Run:
    """One finished run: what ``ecsim run`` writes, in memory.

    Attributes:
        scenario: the :class:`Scenario` run.
        seed: the master seed used.
        summary: ``summary.json`` as a dict (same keys, same order).
        summary_json, timeseries_csv, tasks_csv: the files' exact contents (``tasks_csv``
            None with ``tasks="none"``).
        trace: the narrated trace (``trace="normal"`` or ``"detail"``), else None.
    """

    def __init__(self, scenario: Scenario, tasks: str, result: Dict[str, Any]) -> None:
        self.scenario = scenario
        self._tasks_mode = tasks
        self.summary_json: str = result["summary"]
        self.summary: Dict[str, Any] = json.loads(self.summary_json)
        self.seed: int = self.summary["seed"]
        self.timeseries_csv: bytes = result["timeseries"]
        self.tasks_csv: Optional[bytes] = result["tasks"]
        self.trace: Optional[str] = result["trace"]
        self._table: str = result["table"]
        self._timeseries: Optional["pd.DataFrame"] = None
        self._task_frame: Optional["pd.DataFrame"] = None

    @property
    def warmup_s(self) -> float:
        """Seconds before the measurement window opens; the summary covers only the rest."""
        return float(self.summary["warmup_s"])

    @property
    def timeseries(self) -> "pd.DataFrame":
        """``timeseries.csv``, plus ``hours`` (the time axis) and ``warmup`` (True on rows
        sampled before the measurement window opens)."""
        if self._timeseries is None:
            df = _frame(self.timeseries_csv)
            df["hours"] = df["time_s"] / 3600
            df["warmup"] = df["time_s"] < self.warmup_s
            self._timeseries = df
        return self._timeseries.copy()

    @property
    def tasks(self) -> "pd.DataFrame":
        """``tasks.csv``, plus ``warmup`` (True on tasks created before the measurement
        window opens: the summary's pending-time figures leave them out)."""
        if self.tasks_csv is None:
            raise ValueError('this run kept no task table (tasks="none"); run with tasks="all" or a share')
        if self._task_frame is None:
            df = _frame(self.tasks_csv)
            df["warmup"] = df["created_s"] < self.warmup_s
            self._task_frame = df
        return self._task_frame.copy()

    def table(self) -> str:
        """The summary ``ecsim run`` prints."""
        return self._table

    def __repr__(self) -> str:
        cost = self.summary.get("cost_usd", {}).get("total")
        return f"<ecsim.Run {self.summary.get('scenario')!r} seed={self.seed} cost_usd.total={cost}>"

    def write(self, path: Union[str, "os.PathLike[str]"]) -> pathlib.Path:
        """Writes ``summary.json``, ``timeseries.csv`` and ``tasks.csv`` (if kept) into the
        directory ``path``, all or nothing, as ``ecsim run --out`` does."""
        files = [("summary.json", self.summary_json.encode()), ("timeseries.csv", self.timeseries_csv)]
        if self.tasks_csv is not None:
            files.append(("tasks.csv", self.tasks_csv))
        dest = pathlib.Path(path)
        _ecsim.write_files(os.fspath(dest), files)
        stale = dest / "tasks.csv"
        if self.tasks_csv is None and stale.is_file():
            stale.unlink()  # an earlier run's tasks.csv would not describe this one
        return dest

    def report(self, path: Union[str, "os.PathLike[str]"]) -> pathlib.Path:
        """Writes the run's files and its ``report.html`` (with charts) into the directory
        ``path``, the page ``ecsim run --report`` writes; returns the page's path."""
        if self._tasks_mode != "all":
            raise ValueError(
                'report() draws its charts (costs, pending times) from every task: run with tasks="all"'
            )
        dest = self.write(path)
        return pathlib.Path(_ecsim.write_report(os.fspath(dest), _ecsim.description(self.scenario.text)))


def run(
    scenario: ScenarioLike,
    seed: Optional[int] = None,
    tasks: Union[str, float] = "all",
    *,
    trace: Optional[str] = None,
) -> Run:
    """Runs a scenario (anything :func:`load` takes) and returns its :class:`Run`.

    Args:
        seed: master seed; default: the scenario's ``seed``.
        tasks: ``"all"`` (a row per task), ``"none"`` (no task table: faster on large
            runs) or a share of the tasks kept, ``0.01`` or ``"1%"`` (chosen by the seed,
            as ``--tasks-sample`` does).
        trace: ``"normal"`` or ``"detail"`` for the narrated trace in ``Run.trace``.
    """
    s = _scenario(scenario)
    mode = _tasks(tasks)
    if trace is not None and not isinstance(trace, str):
        raise TypeError('trace= takes "normal", "detail" or None')
    result = _ecsim.run(s, _seed(seed), mode, trace)
    return Run(s, mode, result)


def _vary(vary: Union[Mapping[str, Iterable[Any]], Sequence[str], None]) -> List[Tuple[str, List[str]]]:
    if vary is None:
        return []
    if isinstance(vary, Mapping):
        axes = []
        for key, values in vary.items():
            if not isinstance(key, str):
                raise TypeError(f"vary=: key {key!r} is a {type(key).__name__}; give the field's dotted path as a str")
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise TypeError(f"vary=: {key!r} takes a list of values, e.g. [2, 4, 8]")
            axes.append((key, [_ecsim.literal(v, key) for v in values]))
        return axes
    if isinstance(vary, (str, bytes)):
        raise TypeError('vary= takes a dict {"field.path": [values]} or a list of "KEY=V1,V2" strings')
    return [_ecsim.parse_vary(v) for v in vary]


def _sweep_frame_class():
    import pandas as pd

    class Sweep(pd.DataFrame):
        """``runs.csv`` as a DataFrame (one row per run: run, variant, the varied values,
        replication, seed, then every summary figure), with the sweep's other results."""

        _metadata = ["_ecsim_sweep"]

        @property
        def _constructor(self):
            return Sweep

        def summary(self) -> "pd.DataFrame":
            """``sweep.csv``: per variant and figure, the mean with its 95% confidence
            interval and the paired difference from the first variant with its interval,
            as ``ecsim sweep`` prints them."""
            return _frame(self._ecsim_sweep["sweep_csv"])

        def table(self) -> str:
            """The table ``ecsim sweep`` prints."""
            return self._ecsim_sweep["table"]

        def write(self, path: Union[str, "os.PathLike[str]"]) -> pathlib.Path:
            """Writes ``runs.csv``, ``sweep.csv`` and ``sweep.json`` into ``path``, as
            ``ecsim sweep --out`` does."""
            d = self._ecsim_sweep
            files = [(n, d[k].encode()) for n, k in
                     [("runs.csv", "runs_csv"), ("sweep.csv", "sweep_csv"), ("sweep.json", "sweep_json")]]
            _ecsim.write_files(os.fspath(path), files)
            return pathlib.Path(path)

    return Sweep


_SWEEP = None


def sweep(
    scenario: ScenarioLike,
    vary: Union[Mapping[str, Iterable[Any]], Sequence[str], None] = None,
    *,
    replications: int,
    jobs: Optional[int] = None,
) -> "Sweep":
    """Runs a grid of variants × replications, as ``ecsim sweep`` does, and returns
    ``runs.csv`` as a DataFrame (a :class:`Sweep`; ``.summary()`` gives the intervals).

    Args:
        vary: the grid's axes: ``{"services.web.desiredCount": [2, 4, 8]}`` (every
            combination; the first key varies slowest), values as in ``load(set=...)``; or
            a list of ``"KEY=V1,V2"`` strings as ``--vary`` takes them.
        replications: runs per variant; replication i of every variant uses the same seed
            (common random numbers), so differences between variants are paired.
        jobs: threads; default every core. The results do not depend on it.
    """
    global _SWEEP
    s = _scenario(scenario)
    if isinstance(replications, bool) or not isinstance(replications, int):
        raise TypeError("replications= takes an int")
    if not 1 <= replications < 2**32:
        raise ValueError(f"replications={replications}: give at least 1 (2 or more for confidence intervals)")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0):
        raise TypeError("jobs= takes a positive int or None")
    runs_csv, sweep_csv, sweep_json, table = _ecsim.run_sweep(s, _vary(vary), replications, jobs)
    if _SWEEP is None:
        _SWEEP = _sweep_frame_class()
    df = _SWEEP(_frame(runs_csv))
    df._ecsim_sweep = {"runs_csv": runs_csv, "sweep_csv": sweep_csv, "sweep_json": sweep_json, "table": table}
    return df


def compare(
    scenario: ScenarioLike,
    legs: Optional[Sequence[str]] = None,
    *,
    seed: Optional[int] = None,
    recommend_commitment: bool = False,
) -> "pd.DataFrame":
    """Runs one workload under several capacity options, as ``ecsim compare`` does, and
    returns ``compare.csv`` as a DataFrame (one row per leg).

    Args:
        legs: ``scenario``, ``fargate``, ``fargate-spot``, ``ec2-spot``,
            ``managed-instances``, ``managed-instances-spot``, ``ec2+ri``, ``ec2+isp``,
            ``fargate+csp``, or ``fargate:NAME[,NAME]`` (move those services and jobs);
            default: the first four.
        seed: master seed every leg uses; default: the scenario's.
        recommend_commitment: also find each leg's best Compute Savings Plan commitment.

    ``df.attrs`` holds the outputs' text: ``"csv"``, ``"json"`` (compare.json's text), ``"table"``
    (what the command prints) and with ``recommend_commitment``, ``"curve"``
    (commitment-curve.csv) and ``"recommendation"`` (commitment-recommendation.json).
    """
    s = _scenario(scenario)
    if legs is None:
        legs = []
    if isinstance(legs, str) or not all(isinstance(leg, str) for leg in legs):
        raise TypeError('legs= takes a list of leg names, e.g. ["scenario", "fargate"]')
    out = _ecsim.run_compare(s, list(legs), _seed(seed), bool(recommend_commitment))
    df = _frame(out["csv"])
    df.attrs.update(out)
    return df


def write_compare(df: "pd.DataFrame", path: Union[str, "os.PathLike[str]"]) -> pathlib.Path:
    """Writes a :func:`compare` result's files into ``path`` as ``ecsim compare --out``
    does (compare.csv, compare.json, and the commitment files when asked for)."""
    a = df.attrs
    files = [("compare.csv", a["csv"].encode()), ("compare.json", a["json"].encode())]
    if "curve" in a:
        files += [("commitment-curve.csv", a["curve"].encode()),
                  ("commitment-recommendation.json", a["recommendation"].encode())]
    _ecsim.write_files(os.fspath(path), files)
    return pathlib.Path(path)
