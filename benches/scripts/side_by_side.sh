#!/usr/bin/env bash
# Issue 36's before/after comparison of two ecsim binaries in one run, each figure paired
# (paired_runs.py alternates the binaries, so a neighbour's load slows both alike):
#   1. the Google-2011-sized month (gen_google.py: 12,517 machines, 25 M tasks, 29 days),
#      CPU time and peak memory, `--tasks none`;
#   2. its first day under callgrind (instructions per event; load does not move them);
#   3. the placement scenarios of time_placement.py (gen_placement.py, 100% load, 4 h,
#      tasks.csv written) at 1,000, 10,000 and 50,000 instances;
#   4. the M/M/10 (benches/mm10.toml: binpack) and the same with its placementStrategy
#      removed (a job's default: random), `--tasks none`, with callgrind's counts.
#
#   benches/scripts/side_by_side.sh BEFORE AFTER OUT_DIR [REPS]
#
# OUT_DIR receives every printed table (side_by_side.txt) and the raw runs (raw.txt). The
# bare heap loop's instructions per event come from instructions_per_event.sh.
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
out=$3
reps=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"
out=$(realpath "$out")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$out/side_by_side.txt
raw=$out/raw.txt
: >"$log"
: >"$raw"
{
    echo "# $(date -u +%FT%TZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
    echo "# before: $before"
    echo "# after:  $after"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$log"

python3 "$here/gen_google.py" "$tmp/google-month.toml"
python3 "$here/gen_google.py" "$tmp/google-day.toml" --days 1
python3 "$here/gen_placement.py" "$tmp" --sizes 1000,10000,50000 --load 1.0 --hours 4 >/dev/null
cp "$root/benches/mm10.toml" "$tmp/mm10-binpack.toml"
grep -v '^placementStrategy' "$root/benches/mm10.toml" >"$tmp/mm10-default.toml"

section() { echo; echo "## $1"; } 
section "Google-2011-sized month, --tasks none" | tee -a "$log"
python3 "$here/paired_runs.py" "$before" "$after" "$tmp/google-month.toml" --reps "$reps" \
    --raw "$raw" | tee -a "$log"
section "its first day, instructions per event" | tee -a "$log"
python3 "$here/paired_runs.py" "$before" "$after" "$tmp/google-day.toml" --reps 1 \
    --callgrind --raw "$raw" | tee -a "$log"
section "placement, whole runs with tasks.csv (time_placement.py's scenarios)" | tee -a "$log"
scenarios=()
for w in binpack_memory binpack_cpu spread_az_inst random; do
    for n in 1000 10000 50000; do scenarios+=("$tmp/$w-$n.toml"); done
done
python3 "$here/paired_runs.py" "$before" "$after" "${scenarios[@]}" --reps "$reps" \
    --raw "$raw" -- | tee -a "$log"
section "M/M/10, --tasks none" | tee -a "$log"
python3 "$here/paired_runs.py" "$before" "$after" "$tmp/mm10-binpack.toml" \
    "$tmp/mm10-default.toml" --reps $((reps * 3)) --callgrind --raw "$raw" | tee -a "$log"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
