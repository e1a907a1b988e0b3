#!/usr/bin/env bash
# Re-executes every stored notebook in place, so its outputs (charts included) match the
# current code: run after a change to ecsim's outputs, and commit the result.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
(cd "$here/.." && cargo build --release --bin ecsim)
exec "$here/execute.sh" --inplace
