#!/usr/bin/env bash
# Builds the raft-web crate (web/) to WebAssembly + JS bindings in www/pkg/
# (release, --target web) and prints the .wasm size, raw and gzipped; then bundles the
# front end (www/src/, ES modules) into one script per page in www/dist/ with esbuild.
# `build.sh --js` bundles only (the wasm package must be there already).
# Expects the tools from scripts/setup.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# npm's binaryen provides a working wasm-opt; it must come first on PATH so
# wasm-pack uses it instead of trying to download one (no internet here).
# Debian's binaryen package is too old for current wasm-bindgen output.
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The front end: one bundle per page (each holds the element, its views and the wasm
# bindings), so a page loads one script; the sources stay plain ES modules in www/src/.
bundle() {
  [[ -x node_modules/.bin/esbuild ]] || { echo "build: node_modules/.bin/esbuild not found: run scripts/setup.sh first" >&2; exit 1; }
  [[ -f www/pkg/raft_web.js ]] || { echo "build: www/pkg/raft_web.js missing: run scripts/build.sh (without --js) first" >&2; exit 1; }
  rm -rf www/dist
  node_modules/.bin/esbuild www/src/page.js www/src/raft-cluster.js www/src/raft-compare.js www/src/tour.js www/src/docs.js www/src/embed.js \
    www/src/import-page.js www/src/import-worker.js www/src/paint-worker.js \
    --bundle --format=esm --target=es2022 --outdir=www/dist --minify \
    --legal-comments=none --log-level=warning
  for f in www/dist/*.js; do
    printf 'build: %s: %d bytes, gzip -9: %d bytes\n' "$f" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
  done
}
if [[ "${1:-}" == "--js" ]]; then bundle; exit 0; fi

for tool in wasm-pack wasm-bindgen wasm-opt; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build: $tool not found: run scripts/setup.sh first" >&2; exit 1; }
done

# Three builds of the one crate (web/Cargo.toml's features say why), each loaded only where
# it is needed (www/src/controller.js `loadWasm`):
# - www/pkg/: the playground's cluster, without scenario scripts and comparisons: what every
#   page with a cluster loads first. A complete npm package (package.json included) that a
#   site can vendor.
echo "build: wasm-pack build web --no-default-features (profile wasm-release, --target web) -> www/pkg/"
wasm-pack --log-level warn build web --target web --profile wasm-release --out-dir ../www/pkg \
  --no-default-features

# - www/pkg-scripts/: everything, scripts and comparisons too: loaded by a cluster that runs a
#   script (the tour, `#scenario=` links, `scenario` attributes) and by <raft-compare>.
echo "build: wasm-pack build web (all default features) -> www/pkg-scripts/"
wasm-pack --log-level warn build web --target web --profile wasm-release --out-dir ../www/pkg-scripts \
  --out-name raft_scripts
rm -f www/pkg-scripts/package.json www/pkg-scripts/README.md www/pkg-scripts/.gitignore

# - www/pkg-import/: the log importer (the `import` feature), loaded only by the import
#   page's worker (www/src/import-worker.js).
echo "build: wasm-pack build web --features import -> www/pkg-import/"
wasm-pack --log-level warn build web --target web --profile wasm-release --out-dir ../www/pkg-import \
  --out-name raft_import --no-default-features --features import
rm -f www/pkg-import/package.json www/pkg-import/README.md www/pkg-import/.gitignore

shopt -s nullglob
wasm_files=(www/pkg/*.wasm www/pkg-scripts/*.wasm www/pkg-import/*.wasm)
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

bundle
