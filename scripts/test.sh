#!/usr/bin/env bash
# Runs every test of Raft Live; this is what CI runs (.ci/run).
#
# Stages: setup, rustfmt, clippy, cargo test, the fuzz run, the wasm tests in
# headless Chromium, the wasm build, and the browser end-to-end tests. Every
# stage runs even when an earlier one failed, so the summary is complete; the
# script exits non-zero at the end if anything failed. Its last line is
# "N passed, M failed": tests counted from each runner's own summary, plus 1
# failed for every stage that failed without counting its failures (a lint, a
# build error, a crash, a time-out) and for a test stage that ran no tests.
#
# Works without a TTY or stdin (CI=true). Logs of each stage: $TEST_LOG_DIR
# (default: a fresh temporary directory).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# A clean clone gains nothing from incremental artefacts; skip writing them.
if [[ "${CI:-}" == "true" ]]; then export CARGO_INCREMENTAL=0; fi

LOG_DIR="${TEST_LOG_DIR:-$(mktemp -d -t raft-live-test.XXXXXX)}"
mkdir -p "$LOG_DIR"

CHILD_PID=""
TAIL_PID=""
# Ctrl-C or a TERM: stop the running stage's whole process group, then quit.
on_signal() {
  echo "test: interrupted; stopping the running stage" >&2
  if [[ -n "$CHILD_PID" ]]; then kill -TERM "$CHILD_PID" 2>/dev/null || true; wait "$CHILD_PID" 2>/dev/null || true; fi
  if [[ -n "$TAIL_PID" ]]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  exit 130
}
trap on_signal INT TERM

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()
STAGE_NO=0

# Sums the libtest summaries ("test result: ok. 3 passed; 0 failed; ...") in a
# log; cargo test and wasm-bindgen-test-runner both print them.
count_libtest() {
  grep -aE '^test result: (ok|FAILED)\. [0-9]+ passed; [0-9]+ failed' "$1" \
    | awk '{p += $4; f += $6} END {print p + 0, f + 0, NR + 0}' FS='[ ;]+'
}

# Reads node's TAP summary ("# pass N", "# fail N", "# cancelled N").
count_tap() {
  awk '/^# pass [0-9]+$/ {p += $3; n++} /^# (fail|cancelled) [0-9]+$/ {f += $3}
       END {print p + 0, f + 0, n + 0}' "$1"
}

# run_stage NAME COUNTER TIMEOUT COMMAND...
#   COUNTER: libtest | tap:FILE | none. TIMEOUT: for `timeout` (e.g. 20m), so a
#   hung browser cannot eat CI's whole time budget.
run_stage() {
  local name="$1" counter="$2" limit="$3"
  shift 3
  STAGE_NO=$((STAGE_NO + 1))
  local log="$LOG_DIR/$(printf '%02d' "$STAGE_NO")-${name// /-}.log"
  echo
  echo "=================================================================="
  echo "== stage $STAGE_NO: $name"
  echo "== \$ $*"
  echo "=================================================================="
  local start=$SECONDS rc=0
  # The command writes to its log; `tail --pid` shows it live and ends when the
  # command does. `timeout` runs it in its own process group and kills the
  # whole group when time is up (or when we are interrupted, see on_signal),
  # so no browser or driver is left behind.
  : >"$log" # exists before tail opens it
  timeout --kill-after=30s "$limit" "$@" </dev/null >>"$log" 2>&1 &
  CHILD_PID=$!
  tail -n +1 -s 0.2 -f --pid="$CHILD_PID" "$log" &
  TAIL_PID=$!
  wait "$CHILD_PID" || rc=$?
  wait "$TAIL_PID" || true
  CHILD_PID="" TAIL_PID=""
  local secs=$((SECONDS - start))

  local passed=0 failed=0 seen=0 counts=""
  case "$counter" in
    libtest) read -r passed failed seen < <(count_libtest "$log") ;;
    tap:*) if [[ -f "${counter#tap:}" ]]; then read -r passed failed seen < <(count_tap "${counter#tap:}"); fi ;;
    none) ;;
  esac
  if [[ "$seen" -gt 0 ]]; then counts=" ($passed passed, $failed failed)"; fi

  local verdict=PASS note=""
  if [[ "$rc" -ne 0 ]]; then
    verdict=FAIL
    [[ "$rc" -eq 124 || "$rc" -eq 137 ]] && note=" [timed out after $limit]"
    # Failed without saying which tests failed (a build error, a lint, a
    # crash): count the stage itself as one failure.
    [[ "$failed" -eq 0 ]] && failed=1
  elif [[ "$failed" -gt 0 ]]; then
    verdict=FAIL
  elif [[ "$counter" != none && $((passed + failed)) -eq 0 ]]; then
    # A test stage that ran no test at all is a broken set-up, not a pass.
    verdict=FAIL note=" [ran no tests]" failed=1
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  local line
  line="$(printf '%s %-14s %5ss%s%s' "$verdict" "$name" "$secs" "$counts" "$note")"
  SUMMARY+=("$line")
  echo "== $verdict: $name (exit $rc, ${secs}s)$counts$note"
}

# A stage that cannot run at all (e.g. nothing to test) counts as one failure.
fail_stage() {
  local name="$1" why="$2"
  STAGE_NO=$((STAGE_NO + 1))
  echo
  echo "=================================================================="
  echo "== stage $STAGE_NO: $name"
  echo "=================================================================="
  echo "== FAIL: $name: $why"
  SUMMARY+=("$(printf 'FAIL %-14s %5ss (%s)' "$name" 0 "$why")")
  TOTAL_FAILED=$((TOTAL_FAILED + 1))
}

echo "Raft Live test run: $(date -u +%Y-%m-%dT%H:%M:%SZ), logs in $LOG_DIR"

run_stage "setup" none 40m bash scripts/setup.sh --all
run_stage "fmt" none 5m cargo fmt --all --check
run_stage "clippy" none 30m cargo clippy --workspace --all-targets --features raft-web/import -- -D warnings
# The web crate's other two wasm builds (scripts/build.sh): the playground's, the importer's.
run_stage "clippy web" none 10m bash -c 'cargo clippy -p raft-web --no-default-features -- -D warnings &&
  cargo clippy -p raft-web --no-default-features --features import -- -D warnings'
# The test profile is optimised (opt-level 2 in Cargo.toml), so a debug-profile
# run is fast and skips the release profile's slow LTO link for test binaries.
run_stage "cargo test" libtest 30m cargo test --workspace --features raft-web/import --no-fail-fast
run_stage "fuzz" none 20m cargo run --release -p raftsim -- fuzz --seeds 2000 --seconds 60

# wasm-bindgen tests in headless Chromium. Chromium's flags (--no-sandbox as
# root, no background networking on a closed network) come from
# web/webdriver.json, which wasm-bindgen-test-runner reads from the crate dir.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/web/webdriver.json"
wasm_test=(wasm-pack test --headless --chrome)
if command -v chromedriver >/dev/null 2>&1; then
  # An explicit driver keeps wasm-pack from trying to download one.
  wasm_test+=(--chromedriver "$(command -v chromedriver)")
fi
run_stage "wasm test" libtest 30m "${wasm_test[@]}" web

run_stage "wasm build" none 20m bash scripts/build.sh

# Browser end-to-end tests: spec output for people, TAP to a file for counting.
E2E_TAP="$LOG_DIR/e2e.tap"
rm -f "$E2E_TAP"
# Given a directory, node runs the files named like *.test.mjs (or test-*.mjs,
# *_test.mjs, *-test.mjs) in it; helper modules are not run by themselves.
if [[ -d tests/e2e ]]; then
  run_stage "e2e" "tap:$E2E_TAP" 20m node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$E2E_TAP" \
    tests/e2e/
else
  fail_stage "e2e" "tests/e2e/ is missing"
fi

echo
echo "=================================================================="
echo "== summary (logs in $LOG_DIR)"
echo "=================================================================="
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[[ "$TOTAL_FAILED" -eq 0 ]]
