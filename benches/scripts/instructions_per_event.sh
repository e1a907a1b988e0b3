#!/usr/bin/env bash
# Instructions per event of issue 12's M/M/10, four ways (a bare BinaryHeap loop, ecsim's
# kernel with no ECS model, simcore, and ecsim's whole run), counted by callgrind. Unlike
# time, an instruction count does not move with the machine's load: the same build gives
# the same figures to within a few instructions per event, so it is a gate a noisy
# machine cannot fail or pass by luck. Each model runs once in `benches/instructions.rs`;
# its count is that process's minus one that only loads the scenario (`none`).
#
#   benches/scripts/instructions_per_event.sh [--budget N]
#
# Needs valgrind (Debian: apt-get install valgrind). With --budget, it also checks two
# limits and exits 1 if either is broken: ecsim's whole run at most N instructions per
# event, and ecsim's kernel within issue 12's 1.5x of the bare loop.
set -euo pipefail
cd "$(dirname "$0")/../.."
budget=
case "${1:-}" in
    "") ;;
    --budget)
        budget=${2:-}
        if ! [[ "$budget" =~ ^[0-9]+$ ]]; then
            echo "instructions_per_event.sh: --budget needs a whole number of instructions per event" >&2
            exit 2
        fi
        ;;
    *)
        echo "instructions_per_event.sh: unknown argument '$1' (allowed: --budget N)" >&2
        exit 2
        ;;
esac
if ! command -v valgrind >/dev/null; then
    echo "instructions_per_event.sh: needs valgrind (Debian: apt-get install valgrind)" >&2
    exit 2
fi
exe=$(cargo bench --bench instructions --no-run 2>&1 |
    sed -n 's/^ *Executable .*(\(.*\))$/\1/p' | tail -n 1)
if [ ! -x "$exe" ]; then
    echo "instructions_per_event.sh: cargo did not build benches/instructions.rs" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints "<instructions> <events>" for one model.
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" "$1" \
        >"$tmp/events" 2>"$tmp/log"
    local collected
    collected=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$tmp/log")
    echo "$collected $(cat "$tmp/events")"
}

read -r base _ < <(count none)
printf '%-26s %10s %15s %16s %14s\n' model events instructions "per event" "to bare loop"
bare_per_event=
for model in bare kernel simcore ecsim; do
    read -r total events < <(count "$model")
    python3 - "$model" "$total" "$base" "$events" "${bare_per_event:-0}" "$tmp/per_event" <<'PY'
import sys
names = {"bare": "bare BinaryHeap loop", "kernel": "ecsim's kernel, no model",
         "simcore": "simcore", "ecsim": "ecsim (mmc_run)"}
model, total, base, events = sys.argv[1], *map(int, sys.argv[2:5])
bare, per_event_file = float(sys.argv[5]), sys.argv[6]
instructions = total - base
per_event = instructions / events
ratio = per_event / bare if bare else 1.0
print(f"{names[model]:<26} {events:>10,} {instructions:>15,} {per_event:>16.1f} {ratio:>13.2f}x")
open(per_event_file, "w").write(f"{per_event}\n")
PY
    case "$model" in
        bare) bare_per_event=$(cat "$tmp/per_event") ;;
        kernel) kernel_per_event=$(cat "$tmp/per_event") ;;
        ecsim) ecsim_per_event=$(cat "$tmp/per_event") ;;
    esac
done

if [ -n "$budget" ]; then
    python3 - "$bare_per_event" "$kernel_per_event" "$ecsim_per_event" "$budget" <<'PY'
import sys
bare, kernel, ecsim, budget = map(float, sys.argv[1:5])
broken = []
if kernel > 1.5 * bare:
    broken.append(f"ecsim's kernel takes {kernel:.1f} instructions per event, "
                  f"over 1.5x the bare loop's {bare:.1f}")
if ecsim > budget:
    broken.append(f"ecsim's run takes {ecsim:.1f} instructions per event, "
                  f"over the budget of {budget:.0f}")
for line in broken:
    print(f"over budget: {line}")
if broken:
    sys.exit(1)
print(f"within budget: ecsim {ecsim:.1f} <= {budget:.0f}, kernel {kernel / bare:.2f}x <= 1.5x the bare loop")
PY
fi
