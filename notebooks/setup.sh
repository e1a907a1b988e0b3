#!/usr/bin/env bash
# Creates notebooks/.venv with the pinned requirements (Python 3.11 or newer) and registers
# nothing globally: notebooks run with the venv's own kernel.
#   notebooks/setup.sh            # then: notebooks/.venv/bin/jupyter lab notebooks/
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
