#!/usr/bin/env bash
# The README's screenshots: the first screen (1,400 x 900) of each kind of page, in headless
# Chromium. ECSIM names the binary (default target/release/ecsim, built when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
ecsim=${ECSIM:-target/release/ecsim}
[ -x "$ecsim" ] || cargo build --release --quiet --bin ecsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$ecsim" run -q scenarios/autoscaling.toml --out "$work/run" --report
"$ecsim" compare -q scenarios/ec2-vs-fargate.toml --with scenario --with ec2+ri --with fargate \
  --with fargate+csp --with ec2-spot --out "$work/compare" --report
"$ecsim" sweep -q scenarios/binpack-vs-spread.toml -r 3 --vary cluster.pools.workers.count=8,10 \
  --out "$work/sweep" --report
"$ecsim" run -q scenarios/teaching/12-capacity-providers.toml --out "$work/replay" --replay

shot() { # shot PAGE PNG
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile-$(basename "$2" .png)" --window-size=1400,900 \
    --virtual-time-budget=5000 --screenshot="$2" "file://$1" 2>/dev/null
}
shot "$work/run/report.html" docs/images/report-run.png
shot "$work/compare/report.html" docs/images/report-compare.png
shot "$work/sweep/report.html" docs/images/report-sweep.png
# Seven minutes in: the burst waits in PROVISIONING while managed scaling adds instances.
shot "$work/replay/replay.html#t=420" docs/images/replay-lesson-12.png
