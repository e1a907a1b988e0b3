#!/usr/bin/env bash
# Instructions per event of issue 12's M/M/10, four ways (a bare BinaryHeap loop, ecsim's
# kernel with no ECS model, simcore, and ecsim's whole run), counted by callgrind. Unlike
# time, an instruction count does not move with the machine's load: the same build gives
# the same figures to within a few instructions per event, so it is a gate a noisy
# machine cannot fail or pass by luck. Each model runs once in `benches/instructions.rs`;
# its count is that process's minus one that only loads the scenario (`none`).
#
#   benches/scripts/instructions_per_event.sh [--budget N] [--kernel-ratio R]
#                                             [--save FILE | --from FILE]
#
# Needs valgrind (Debian: apt-get install valgrind). With --budget, it also checks two
# limits: ecsim's whole run at most N instructions per event, and ecsim's kernel at most
# R times the bare loop's (default 1.5, issue 12's ratio). --save keeps the counts in FILE;
# --from checks counts saved before instead of measuring, so a check can be tried on the
# same figures with other limits. Exit status: 0 within the limits, 1 over one, 2 a bad
# argument, 3 a failed build or model run.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage_error() {
    echo "instructions_per_event.sh: $1 (allowed: --budget N, --kernel-ratio R, --save FILE, --from FILE)" >&2
    exit 2
}
budget=
kernel_ratio=1.5
save=
from=
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage_error "'$1' needs a value"
    case "$1" in
        --budget)
            [[ "$2" =~ ^[0-9]+$ ]] || usage_error "--budget needs a whole number of instructions per event, not '$2'"
            budget=$2 ;;
        --kernel-ratio)
            [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "--kernel-ratio needs a number such as 1.5, not '$2'"
            kernel_ratio=$2 ;;
        --save) save=$2 ;;
        --from)
            [ -r "$2" ] || usage_error "--from: cannot read '$2'"
            from=$2 ;;
        *) usage_error "unknown argument '$1'" ;;
    esac
    shift 2
done
[ -z "$save" ] || [ -z "$from" ] || usage_error "--save and --from do not go together"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
counts=$tmp/counts # lines of "model instructions events", the process's whole count

if [ -n "$from" ]; then
    cp "$from" "$counts"
else
    if ! command -v valgrind >/dev/null; then
        echo "instructions_per_event.sh: needs valgrind (Debian: apt-get install valgrind)" >&2
        exit 2
    fi
    if ! cargo bench --bench instructions --no-run --message-format=json \
        >"$tmp/build.json" 2>"$tmp/build.log"; then
        cat "$tmp/build.log" >&2
        echo "instructions_per_event.sh: cargo could not build benches/instructions.rs" >&2
        exit 3
    fi
    exe=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "instructions":
        print(message["executable"] or "")
' "$tmp/build.json" | tail -n 1)
    if [ ! -x "$exe" ]; then
        echo "instructions_per_event.sh: cargo built no executable for benches/instructions.rs" >&2
        exit 3
    fi
    for model in none bare kernel simcore ecsim; do
        if ! valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" "$model" \
            >"$tmp/events" 2>"$tmp/log"; then
            cat "$tmp/log" >&2
            echo "instructions_per_event.sh: the $model model failed under callgrind" >&2
            exit 3
        fi
        collected=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$tmp/log")
        events=$(cat "$tmp/events")
        if ! [[ "$collected" =~ ^[0-9]+$ && "$events" =~ ^[0-9]+$ ]]; then
            cat "$tmp/log" >&2
            echo "instructions_per_event.sh: no instruction or event count for the $model model" >&2
            exit 3
        fi
        echo "$model $collected $events" >>"$counts"
    done
    [ -z "$save" ] || cp "$counts" "$save"
fi

python3 - "$counts" "$budget" "$kernel_ratio" <<'PY'
import sys
counts_file, budget, kernel_ratio = sys.argv[1], sys.argv[2], float(sys.argv[3])
counts = {}
for line in open(counts_file):
    model, instructions, events = line.split()
    counts[model] = (int(instructions), int(events))
base = counts["none"][0]
names = {"bare": "bare BinaryHeap loop", "kernel": "ecsim's kernel, no model",
         "simcore": "simcore", "ecsim": "ecsim (mmc_run)"}
per_event = {}
print(f"{'model':<26} {'events':>10} {'instructions':>15} {'per event':>16} {'to bare loop':>14}")
for model, name in names.items():
    total, events = counts[model]
    instructions = total - base
    per_event[model] = instructions / events
    ratio = per_event[model] / per_event["bare"]
    print(f"{name:<26} {events:>10,} {instructions:>15,} {per_event[model]:>16.1f} {ratio:>13.2f}x")
if not budget:
    sys.exit(0)
budget = int(budget)
kernel_to_bare = per_event["kernel"] / per_event["bare"]
broken = []
if kernel_to_bare > kernel_ratio:
    broken.append(f"ecsim's kernel takes {kernel_to_bare:.2f}x the bare loop's instructions "
                  f"per event, over {kernel_ratio}x")
if per_event["ecsim"] > budget:
    broken.append(f"ecsim's run takes {per_event['ecsim']:.1f} instructions per event, "
                  f"over the budget of {budget}")
for line in broken:
    print(f"over budget: {line}")
if broken:
    sys.exit(1)
print(f"within budget: ecsim {per_event['ecsim']:.1f} <= {budget}, "
      f"kernel {kernel_to_bare:.2f}x <= {kernel_ratio}x the bare loop")
PY
