#!/usr/bin/env bash
# ecsim beside SimPy on the same two models (issue 12): M/M/10 (λ = 9, μ = 1 per minute,
# ~500 k arrivals) and binpack(memory) placement with CPU binding at INSTANCES instances
# (default 1000; 100% load, 24 h). Both sides are timed as CPU seconds of the whole process
# (ecsim) or of the event loop (SimPy); events/s uses each side's own event count, and the
# ratio is SimPy's CPU time over ecsim's for the same model.
#
#   benches/peers/run.sh ECSIM_BINARY [INSTANCES]
set -euo pipefail
ecsim=$(realpath "$1")
instances=${2:-1000}
here=$(cd "$(dirname "$0")" && pwd)
venv=${PEERS_VENV:-$here/.venv}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_seconds() {
    local TIMEFORMAT='%3U %3S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%.3f", $1 + $2 }' <<<"$t"
}

ecsim_side() { # name scenario
    local s events
    s=$(cpu_seconds "$ecsim" run "$2" --quiet --allow-large --tasks none --out "$tmp/$1")
    events=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['events_processed'])" "$tmp/$1/summary.json")
    echo "$s $events"
}

report() { # model ecsim_s ecsim_events simpy_line
    local es=$2 ee=$3 ss se
    ss=$(awk '{ print $3 }' <<<"$4")
    se=$(awk '{ print $5 }' <<<"$4")
    awk -v m="$1" -v es="$es" -v ee="$ee" -v ss="$ss" -v se="$se" 'BEGIN {
        printf "%-16s ecsim %7.3f s %9d events %6.2f M events/s | simpy %8.3f s %9d events %6.3f M events/s | simpy/ecsim time %.1fx\n",
            m, es, ee, ee / es / 1e6, ss, se, se / ss / 1e6, ss / es }'
}

read -r es ee < <(ecsim_side mmc "$here/mmc.toml")
simpy=$("$venv/bin/python" "$here/mmc_simpy.py" 500000)
report "M/M/10" "$es" "$ee" "$simpy"

python3 "$here/../scripts/gen_placement.py" "$tmp/gen" --sizes "$instances" --load 1.0 --hours 24 >/dev/null
read -r es ee < <(ecsim_side binpack "$tmp/gen/binpack_memory-$instances.toml")
simpy=$("$venv/bin/python" "$here/binpack_simpy.py" "$instances" --load 1.0 --hours 24)
report "binpack@$instances" "$es" "$ee" "$simpy"
