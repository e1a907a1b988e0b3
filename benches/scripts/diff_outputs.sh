#!/usr/bin/env bash
# Runs every scenario in scenarios/ and tests/fixtures/, plus the generated placement
# scenarios at 100 and 1,000 instances, with two ecsim binaries and diffs every output file
# and the narrated trace byte for byte. Exit status 1 if anything differs.
#
#   benches/scripts/diff_outputs.sh BEFORE_BINARY AFTER_BINARY
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/gen_placement.py" "$tmp/gen" --sizes 100,1000 --load 1.0 --hours 3 >/dev/null
mkdir -p "$tmp/before" "$tmp/after"
status=0
for scenario in "$root"/scenarios/*.toml "$root"/scenarios/*/*.toml "$root"/tests/fixtures/*.toml "$tmp"/gen/*.toml; do
    name=$(basename "$scenario" .toml)
    for side in before after; do
        binary=$before
        [ "$side" = after ] && binary=$after
        # Same relative --out on both sides: the trace ends with the results' path.
        (cd "$tmp/$side" && "$binary" run "$scenario" --out "$name" --trace >"$name.trace" 2>&1) || true
    done
    if diff -r -q "$tmp/before/$name" "$tmp/after/$name" >/dev/null &&
        cmp -s "$tmp/before/$name.trace" "$tmp/after/$name.trace"; then
        echo "same      $name"
    else
        echo "DIFFERENT $name"
        diff -r "$tmp/before/$name" "$tmp/after/$name" | head -5 || true
        cmp "$tmp/before/$name.trace" "$tmp/after/$name.trace" || true
        status=1
    fi
done
exit $status
