#!/usr/bin/env bash
# Builds the raft-web crate (web/) to WebAssembly + JS bindings in www/pkg/
# (release, --target web) and prints the .wasm size, raw and gzipped.
# Expects the tools from scripts/setup.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# npm's binaryen provides a working wasm-opt; it must come first on PATH so
# wasm-pack uses it instead of trying to download one (no internet here).
# Debian's binaryen package is too old for current wasm-bindgen output.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

for tool in wasm-pack wasm-bindgen wasm-opt; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build: $tool not found: run scripts/setup.sh first" >&2; exit 1; }
done

echo "build: wasm-pack build web (profile wasm-release, --target web) -> www/pkg/"
# The output is a complete npm package (package.json included) that a site can vendor.
wasm-pack --log-level warn build web --target web --profile wasm-release --out-dir ../www/pkg

shopt -s nullglob
wasm_files=(www/pkg/*.wasm)
if [[ ${#wasm_files[@]} -eq 0 ]]; then
  echo "build: ERROR: no .wasm file in www/pkg/ after wasm-pack build" >&2
  exit 1
fi
for f in "${wasm_files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf 'build: %s: %d bytes (%d KiB), gzip -9: %d bytes (%d KiB)\n' \
    "$f" "$raw" $(((raw + 1023) / 1024)) "$gz" $(((gz + 1023) / 1024))
done
