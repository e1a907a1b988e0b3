#!/usr/bin/env bash
# Re-executes every stored notebook in place, so its outputs (charts included) match the
# current code: run after a change to ecsim's outputs, and commit the result. setup.sh
# (called by execute.sh) rebuilds the `ecsim` package from this checkout first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/execute.sh" --inplace
