#!/usr/bin/env python3
"""Times two ecsim binaries side by side on the same scenarios: whole `ecsim run`
processes, alternating which binary goes first in each repetition (on a shared machine a
neighbour's build then slows both alike), and prints per scenario and binary the median
and range of the child's CPU time (user + system, from wait4), its peak resident memory,
and events and tasks per CPU second. With --callgrind it also counts each binary's
instructions once per scenario (valgrind), which load does not move.

  paired_runs.py BEFORE AFTER SCENARIO.toml... [--reps 5] [--callgrind] [--raw FILE]
                 [-- extra ecsim run args, default: --tasks none --allow-large]

--raw appends every run as a line "scenario binary rep cpu_s peak_rss_kb events tasks" (and
"scenario binary callgrind instructions events" for counts), the raw data behind the table.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile


def run(binary, scenario, extra, out):
    """One whole process; (CPU seconds, peak RSS KiB, events, tasks created)."""
    child = subprocess.Popen([binary, "run", scenario, "--out", out, "-q", *extra])
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"paired_runs.py: {binary} failed on {scenario} (status {status})")
    summary = json.load(open(os.path.join(out, "summary.json")))
    return (usage.ru_utime + usage.ru_stime, usage.ru_maxrss, summary["events_processed"],
            summary["tasks"]["created"])


def count(binary, scenario, extra, out):
    """callgrind's instruction count of one whole process, and its events."""
    log = out + ".callgrind.log"
    with open(log, "w") as f:
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        binary, "run", scenario, "--out", out, "-q", *extra],
                       check=True, stdout=f, stderr=f)
    collected = re.search(r"Collected : (\d+)", open(log).read())
    summary = json.load(open(os.path.join(out, "summary.json")))
    return int(collected.group(1)), summary["events_processed"]


def main():
    argv = sys.argv[1:]
    extra = ["--tasks", "none", "--allow-large"]
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--callgrind", action="store_true")
    p.add_argument("--raw")
    args = p.parse_args(argv)
    binaries = {"before": os.path.realpath(args.before), "after": os.path.realpath(args.after)}
    raw = open(args.raw, "a") if args.raw else None
    print(f"{'scenario':<28} {'binary':<7} {'CPU s median':>12} {'range':>17} "
          f"{'peak RSS MB':>11} {'events':>11} {'M events/s':>10} {'M tasks/s':>9}"
          + (f" {'instr/event':>11}" if args.callgrind else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in args.scenarios:
            name = os.path.splitext(os.path.basename(scenario))[0]
            times = {b: [] for b in binaries}
            rss = {b: [] for b in binaries}
            facts = {}
            for rep in range(args.reps):
                order = list(binaries) if rep % 2 == 0 else list(binaries)[::-1]
                for b in order:
                    cpu, peak, events, tasks = run(binaries[b], scenario, extra,
                                                   os.path.join(tmp, f"{name}-{b}"))
                    times[b].append(cpu)
                    rss[b].append(peak)
                    facts[b] = (events, tasks)
                    if raw:
                        print(f"{name} {b} {rep} {cpu:.3f} {peak} {events} {tasks}", file=raw,
                              flush=True)
            if facts["before"] != facts["after"]:
                print(f"{name}: the binaries disagree on events and tasks: {facts}")
            for b in binaries:
                med = statistics.median(times[b])
                events, tasks = facts[b]
                line = (f"{name:<28} {b:<7} {med:>12.3f} "
                        f"{f'{min(times[b]):.3f}-{max(times[b]):.3f}':>17} "
                        f"{max(rss[b]) / 1024:>11.1f} {events:>11} {events / med / 1e6:>10.2f} "
                        f"{tasks / med / 1e6:>9.3f}")
                if args.callgrind:
                    instructions, events = count(binaries[b], scenario, extra,
                                                 os.path.join(tmp, f"{name}-{b}-cg"))
                    line += f" {instructions / events:>11.1f}"
                    if raw:
                        print(f"{name} {b} callgrind {instructions} {events}", file=raw,
                              flush=True)
                print(line, flush=True)


if __name__ == "__main__":
    main()
