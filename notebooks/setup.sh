#!/usr/bin/env bash
# Creates notebooks/.venv with the pinned requirements (Python 3.11 or newer), then builds
# the `ecsim` package from this checkout (python/, with the venv's pinned maturin) and
# installs it there. Registers nothing globally: notebooks run with the venv's own kernel.
#   notebooks/setup.sh            # then: notebooks/.venv/bin/jupyter lab notebooks/
# ECSIM_PROFILE=ci builds with the `ci` profile (CI: the test step's compiled crates are
# reused); the default is release. ECSIM_SKIP_PACKAGE=1 installs the requirements only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
stamp="$here/.venv/.requirements"
if ! cmp -s "$here/requirements.txt" "$stamp"; then
  "$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$stamp"
fi
if [ -z "${ECSIM_SKIP_PACKAGE:-}" ]; then
  wheels="$(mktemp -d)"
  trap 'rm -rf "$wheels"' EXIT
  "$here/.venv/bin/maturin" build --quiet --manifest-path "$here/../python/Cargo.toml" \
    --profile "${ECSIM_PROFILE:-release}" --interpreter "$here/.venv/bin/python" --out "$wheels"
  "$here/.venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheels"/ecsim-*.whl
fi
