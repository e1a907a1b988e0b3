#!/usr/bin/env bash
# Issue 12's scale run: benches/scale/scale.toml (50,000 instances, four months, instance
# failures, task crashes, service auto scaling, managed cluster scaling) as one whole
# `ecsim run` process without per-task output. Prints the run's counts, the process's CPU
# seconds and its peak resident memory; with HORIZONS (e.g. "30d 120d") it runs each
# horizon in turn, to show memory following live tasks and instances, not the horizon.
#
#   benches/scale/run.sh ECSIM_BINARY [HORIZON...]
set -euo pipefail
ecsim=$(realpath "$1")
shift
horizons=("${@:-120d}")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-8s %10s %10s %9s %12s\n' horizon events tasks "CPU s" "peak RSS MB"
for h in "${horizons[@]}"; do
    /usr/bin/time -f '%U %S %M' -o "$tmp/time" "$ecsim" run "$here/scale.toml" \
        --set "horizon=$h" --quiet --allow-large --tasks none --out "$tmp/out-$h"
    python3 - "$tmp/out-$h/summary.json" "$tmp/time" "$h" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
user, system, rss_kb = open(sys.argv[2]).read().split()[-3:]
tasks = summary["tasks"]["created"]
print(f"{sys.argv[3]:<8} {summary['events_processed']:>10} {tasks:>10} "
      f"{float(user) + float(system):>9.2f} {int(rss_kb) / 1024:>12.1f}")
PY
done
