#!/usr/bin/env bash
# Set up everything Tradelane needs, inside the project only: node_modules (npm ci)
# and .venv (pinned Python packages + the solc adapter where py-solc-x looks).
# Quick when nothing changed; an interrupted run recovers on the next one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SOLC_VERSION=0.8.37

die() { echo "bootstrap: $*" >&2; exit 1; }
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

command -v node >/dev/null || die "node is not installed; install Node.js 20 (e.g. 'apt-get install nodejs') and re-run"
command -v npm >/dev/null || die "npm is not installed; install npm (e.g. 'apt-get install npm') and re-run"
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 11)' 2>/dev/null \
  || die "Python 3.11+ is required ('$PYTHON' is older or missing); install python3.11 and re-run"

# --- node_modules: the compiler, anvil and OpenZeppelin, exactly as locked ---------
want=$(fingerprint package-lock.json)
if [ "$(cat node_modules/.tradelane-stamp 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing node packages (npm ci)…"
  # --ignore-scripts: anvil's binary ships in its platform package; its postinstall
  # would only try to fetch one, which this project never does.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
    || die "npm ci failed (see above); check the network to the npm registry and re-run"
  echo "$want" > node_modules/.tradelane-stamp
fi

# --- .venv: pinned Python packages ------------------------------------------------
want=$(fingerprint requirements.lock pyproject.toml tools/bootstrap.sh)
if [ "$(cat .venv/.tradelane-stamp 2>/dev/null)" != "$want" ]; then
  if ! .venv/bin/python -c 'import sys' 2>/dev/null; then
    rm -rf .venv
    "$PYTHON" -m venv .venv || die "could not create .venv; install python3-venv and re-run"
  fi
  echo "bootstrap: installing Python packages into .venv…"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -c 'import brownie, solcx, web3, eth_tester, networkx, tradelane, routing' 2>/dev/null \
    || die "Python packages did not install (see above); check the network to PyPI and re-run"

  # The solc adapter, where py-solc-x and brownie look for a native compiler.
  mkdir -p .venv/solcx
  for target in .venv/bin/solc ".venv/solcx/solc-v$SOLC_VERSION"; do
    printf '#!/bin/sh\nexec node "%s/tools/solc.js" "$@"\n' "$ROOT" > "$target"
    chmod +x "$target"
  done
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "import os; os.environ.setdefault('SOLCX_BINARY_PATH', '$ROOT/.venv/solcx')" > "$site/tradelane-solcx.pth"
  .venv/bin/solc --version | grep -q "Version: $SOLC_VERSION+commit" \
    || die "the solc adapter does not answer --version; check node_modules/solc and re-run"
  echo "$want" > .venv/.tradelane-stamp
fi
