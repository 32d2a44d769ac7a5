#!/usr/bin/env bash
# Installs what building, serving and testing Raft Live need. Idempotent: every
# step first checks what is already there (and its version) and skips it then.
#
#   scripts/setup.sh            build + serve tools: wasm32 target, wasm-pack,
#                               wasm-bindgen-cli (exact version), npm packages
#   scripts/setup.sh --browser  the above plus Debian's Chromium + ChromeDriver
#   scripts/setup.sh --all      everything the test suite needs (= --browser plus
#                               the rustfmt and clippy components)
#
# Environment: WASM_BINDGEN_VERSION overrides the wasm-bindgen-cli version (by
# default the one in Cargo.lock, else 0.2.130).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WANT_BROWSER=0
WANT_LINT=0
for arg in "$@"; do
  case "$arg" in
    --browser) WANT_BROWSER=1 ;;
    --all) WANT_BROWSER=1; WANT_LINT=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

# cargo install puts binaries here; make sure this shell (and the checks below)
# sees them even when the caller's PATH lacks it.
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

ok()   { echo "ok: $*"; }
step() { echo "installing: $*"; }
die()  { echo "setup: ERROR: $*" >&2; exit 1; }

# The wasm-bindgen CLI must match the wasm-bindgen crate version exactly, or
# wasm-pack tries to download one (there is no internet here) and then spends
# minutes compiling its own copy. Take the version from Cargo.lock when present.
wasm_bindgen_version() {
  if [[ -n "${WASM_BINDGEN_VERSION:-}" ]]; then
    echo "$WASM_BINDGEN_VERSION"; return
  fi
  if [[ -f Cargo.lock ]]; then
    local v
    v="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
    if [[ -n "$v" ]]; then echo "$v"; return; fi
  fi
  echo "0.2.130"
}

# Runs a command as root: directly when we are root, via sudo otherwise.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || die "'sudo $*' failed (passwordless sudo is needed to install Debian packages)"
  else
    die "not root and no sudo: cannot run '$*'; install it by hand"
  fi
}

# --- Rust toolchain ---------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup) first"
command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the wasm32 target"

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "rust target wasm32-unknown-unknown already installed ($(rustc --version))"
else
  step "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || die "rustup target add wasm32-unknown-unknown failed"
fi

if [[ "$WANT_LINT" -eq 1 ]]; then
  for comp in rustfmt clippy; do
    if rustup component list --installed | grep -q "^${comp}-"; then
      ok "rust component $comp already installed"
    else
      step "rust component $comp"
      rustup component add "$comp" || die "rustup component add $comp failed"
    fi
  done
fi

# --- wasm-pack --------------------------------------------------------------
if command -v wasm-pack >/dev/null 2>&1; then
  ok "$(wasm-pack --version) already installed"
else
  step "wasm-pack (cargo install --locked; takes a minute or two)"
  cargo install --quiet wasm-pack --locked || die "cargo install wasm-pack --locked failed"
  ok "$(wasm-pack --version) installed"
fi

# --- wasm-bindgen-cli (exact version) ---------------------------------------
WB_VERSION="$(wasm_bindgen_version)"
have_wb=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have_wb="$(wasm-bindgen --version | awk '{print $2}')"
fi
if [[ "$have_wb" == "$WB_VERSION" ]] && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  ok "wasm-bindgen-cli $WB_VERSION already installed"
else
  if [[ -n "$have_wb" ]]; then
    step "wasm-bindgen-cli $WB_VERSION (found $have_wb; takes a minute or two)"
  else
    step "wasm-bindgen-cli $WB_VERSION (takes a minute or two)"
  fi
  # --locked is preferred, but the CLI's own lock file can pin a dependency
  # release that the reachable crate index lacks; then resolve afresh.
  if ! cargo install --quiet wasm-bindgen-cli --version "$WB_VERSION" --locked --force; then
    echo "setup: 'cargo install --locked' failed; retrying without --locked" >&2
    cargo install --quiet wasm-bindgen-cli --version "$WB_VERSION" --force \
      || die "cargo install wasm-bindgen-cli --version $WB_VERSION failed"
  fi
  got="$(wasm-bindgen --version | awk '{print $2}')"
  [[ "$got" == "$WB_VERSION" ]] || die "wasm-bindgen on PATH is $got after installing $WB_VERSION (is another one earlier on PATH? $(command -v wasm-bindgen))"
  ok "wasm-bindgen-cli $WB_VERSION installed"
fi

# --- Chromium + ChromeDriver (browser tests only) ---------------------------
if [[ "$WANT_BROWSER" -eq 1 ]]; then
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    # The Debian wrapper may print a harmless shell warning on stderr; drop it.
    ok "$(chromium --version 2>/dev/null | head -n1) and $(chromedriver --version 2>/dev/null | awk '{print $1, $2}') already installed"
  else
    command -v apt-get >/dev/null 2>&1 || die "Chromium/ChromeDriver missing and no apt-get: install chromium and chromedriver by hand"
    step "chromium + chromium-driver (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    # apt's output (hundreds of lines) goes to a log, shown only on failure.
    apt_log="$(mktemp -t raft-live-apt.XXXXXX)"
    # Refresh the package lists first: on a new machine they are stale or empty.
    if ! as_root apt-get update -q >"$apt_log" 2>&1; then
      cat "$apt_log" >&2; die "apt-get update failed (log above)"
    fi
    if ! as_root apt-get install -y -q -o Dpkg::Use-Pty=0 chromium chromium-driver >>"$apt_log" 2>&1; then
      tail -n 60 "$apt_log" >&2; die "apt-get install chromium chromium-driver failed (end of $apt_log above)"
    fi
    rm -f "$apt_log"
    command -v chromium >/dev/null 2>&1 || die "chromium still not on PATH after apt-get install"
    command -v chromedriver >/dev/null 2>&1 || die "chromedriver still not on PATH after apt-get install"
    ok "$(chromium --version 2>/dev/null | head -n1) and $(chromedriver --version 2>/dev/null | awk '{print $1, $2}') installed"
  fi
fi

# --- npm packages (binaryen's wasm-opt, playwright-core) --------------------
command -v node >/dev/null 2>&1 || die "node not found: Node.js 20+ is needed"
command -v npm >/dev/null 2>&1 || die "npm not found: it comes with Node.js"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 20 ]] || die "Node.js $(node --version) is too old: 20 or newer is needed"

# Up to date when every package the lock file lists is installed at exactly the
# locked version (npm ci would otherwise wipe and refill node_modules each run).
npm_up_to_date() {
  [[ -f package-lock.json && -d node_modules ]] || return 1
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [p, meta] of Object.entries(lock.packages || {})) {
      if (!p || meta.link) continue;
      let v;
      try { v = JSON.parse(fs.readFileSync(p + "/package.json", "utf8")).version; } catch { process.exit(1); }
      if (v !== meta.version) process.exit(1);
    }
  ' 2>/dev/null
}

if npm_up_to_date; then
  ok "npm packages already installed ($(node -p 'Object.entries(require("./package.json").devDependencies).map(([n]) => n + " " + require("./node_modules/" + n + "/package.json").version).join(", ")'))"
else
  # No progress bars or funding/audit chatter: this also runs without a TTY in CI.
  npm_flags=(--no-audit --no-fund --loglevel=error)
  if [[ -f package-lock.json ]]; then
    step "npm packages (npm ci)"
    npm ci "${npm_flags[@]}" || die "npm ci failed"
  else
    step "npm packages (npm install; no package-lock.json)"
    npm install "${npm_flags[@]}" || die "npm install failed"
  fi
  ok "npm packages installed"
fi
[[ -x node_modules/.bin/wasm-opt ]] || die "node_modules/.bin/wasm-opt missing after npm install"
node_modules/.bin/wasm-opt --version >/dev/null 2>&1 || die "node_modules/.bin/wasm-opt does not run"
ok "$(node_modules/.bin/wasm-opt --version) (npm binaryen) works"

echo "setup: done"
