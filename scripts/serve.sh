#!/usr/bin/env bash
# Sets up what serving needs (no browser), builds the wasm package, then serves
# www/ on http://127.0.0.1:8080/ (or the next free port) until Ctrl-C.
# Extra arguments go to serve.mjs, e.g. `scripts/serve.sh --port 9000`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh
# exec: Ctrl-C / SIGTERM reach the server directly and it shuts down cleanly.
exec node scripts/serve.mjs "$@"
