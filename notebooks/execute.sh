#!/usr/bin/env bash
# Executes every notebook headless (in notebooks/.venv, made by setup.sh); exits non-zero if
# any cell of any notebook fails, after trying them all.
#   notebooks/execute.sh OUTDIR     # executed copies in OUTDIR (CI; the repository is untouched)
#   notebooks/execute.sh --inplace  # rewrite the stored notebooks with fresh outputs
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR | --inplace" >&2; exit 2; }
"$here/setup.sh"
if [ "$1" = --inplace ]; then where=(--inplace); else where=(--output-dir "$1"); fi
passed=0 failed=0
for nb in "$here"/*.ipynb; do
  start=$(date +%s)
  if "$here/.venv/bin/jupyter" nbconvert --log-level=WARN --execute --to notebook "${where[@]}" \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False "$nb"; then
    passed=$((passed + 1)); status=ok
  else
    failed=$((failed + 1)); status=FAILED
  fi
  echo "notebook $(basename "$nb"): $status in $(( $(date +%s) - start )) s"
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
