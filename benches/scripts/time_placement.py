#!/usr/bin/env python3
"""Times whole-process `ecsim run` on the placement-scaling scenarios (gen_placement.py),
one run at a time, and prints the child's CPU time (user + system: on a shared machine
wall time also counts other processes), events per CPU second and CPU microseconds per
task created.

  time_placement.py ECSIM_BINARY [--sizes 100,1000,10000] [--load 1.0] [--hours 4]
                    [--workloads binpack_memory,...] [--timeout 300] [-- extra ecsim args]
"""
import argparse
import json
import resource
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--sizes", default="100,1000,10000")
    p.add_argument("--load", default="1.0")
    p.add_argument("--hours", default="4")
    p.add_argument("--workloads", default="binpack_memory,binpack_cpu,spread_az_inst,random")
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, os.path.join(HERE, "gen_placement.py"), tmp, "--sizes", args.sizes,
             "--load", args.load, "--hours", args.hours],
            check=True, stdout=subprocess.DEVNULL)
        print(f"{'scenario':<24} {'cpu_s':>8} {'events':>10} {'events/s':>12} {'tasks':>9} {'us/task':>8} {'waiting_mean_s':>14}")
        for w in args.workloads.split(","):
            for n in args.sizes.split(","):
                scen = os.path.join(tmp, f"{w}-{n}.toml")
                out = os.path.join(tmp, f"out-{w}-{n}")
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = usage.ru_utime + usage.ru_stime
                try:
                    subprocess.run([args.binary, "run", scen, "--out", out, "-q", *extra],
                                   check=True, timeout=args.timeout)
                except subprocess.TimeoutExpired:
                    print(f"{w + '-' + n:<24} {'>' + str(args.timeout):>8}  (timed out)")
                    continue
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall = usage.ru_utime + usage.ru_stime - start
                s = json.load(open(os.path.join(out, "summary.json")))
                ev, tasks = s["events_processed"], s["tasks"]["created"]
                print(f"{w + '-' + n:<24} {wall:>8.3f} {ev:>10} {ev / wall:>12.0f} {tasks:>9} "
                      f"{1e6 * wall / max(tasks, 1):>8.2f} {s['pending_time_s']['mean']:>14.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
