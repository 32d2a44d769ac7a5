#!/usr/bin/env bash
# Compare raft-core with tikv/raft-rs on the shared workloads
# (shared/reference/bench-workloads.md): every workload, both implementations, one process
# per run, RUNS runs each (default 3), then a min/median/max table and the ratio of medians.
#
# usage: scripts/bench-compare.sh            # the full suite
#        RUNS=1 scripts/bench-compare.sh     # one run each (quick look)
#        SEED=123 scripts/bench-compare.sh   # another harness seed
#
# Runs alternate between the implementations (rs, core, rs, core, ...) so that a slow phase
# of a shared machine hurts both alike. Raw result lines are kept in
# bench/target/bench-compare/results.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
SEED="${SEED:-0x5EED000000000001}"
BENCH_DIR="${BENCH_DIR:-$ROOT/bench}"   # overridable to try a copy of bench/
OUT="$BENCH_DIR/target/bench-compare"
BIN="$BENCH_DIR/target/release/raft-compare"
IMPLS=(raft-rs raft-core)

echo "building bench/ (release, lto) ..." >&2
cargo build --release --quiet --manifest-path "$BENCH_DIR/Cargo.toml"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"
: >"$RESULTS"

# name | raft-compare options | headline metric | better
CONFIGS=(
  "elect M=1000|--workload elect --elections 1000|elections_per_s|higher"
  "elect M=20000|--workload elect --elections 20000|elections_per_s|higher"
  "replicate B=1 pv+cq=on|--workload replicate --batch 1 --entries 200000 --prevote on|entries_per_s|higher"
  "replicate B=64 pv+cq=on|--workload replicate --batch 64 --entries 200000 --prevote on|entries_per_s|higher"
  "replicate B=1 pv+cq=off|--workload replicate --batch 1 --entries 200000 --prevote off|entries_per_s|higher"
  "replicate B=64 pv+cq=off|--workload replicate --batch 64 --entries 200000 --prevote off|entries_per_s|higher"
  "chaos T=100|--workload chaos --period 100 --ticks 200000 --drop 0.05|wall_s|lower"
  "chaos T=1000|--workload chaos --period 1000 --ticks 200000 --drop 0.05|wall_s|lower"
)

for config in "${CONFIGS[@]}"; do
  IFS='|' read -r name opts _ _ <<<"$config"
  for run in $(seq 1 "$RUNS"); do
    for impl in "${IMPLS[@]}"; do
      echo "  $name  $impl  run $run" >&2
      # shellcheck disable=SC2086 # opts is a list of words on purpose
      if line="$("$BIN" --impl "$impl" --seed "$SEED" $opts 2>"$OUT/stderr.txt")" && [ -n "$line" ]; then
        :
      else
        line="FAILED exit=$? $(tr '\n' ' ' <"$OUT/stderr.txt" | cut -c1-300)"
      fi
      printf '%s\t%s\t%s\t%s\n' "$name" "$impl" "$run" "$line" >>"$RESULTS"
    done
  done
done

# Table: per workload, min/median/max of the headline metric per implementation, and the
# ratio raft-core/raft-rs of the medians.
printf '%s\n' "${CONFIGS[@]}" | awk -F'|' -v results="$RESULTS" '
function field(line, key,   n, i, parts, kv) {
  n = split(line, parts, " ")
  for (i = 1; i <= n; i++) {
    if (index(parts[i], key "=") == 1) { return substr(parts[i], length(key) + 2) }
  }
  return ""
}
# Sorts v[1..n] numerically in place (n is tiny).
function isort(v, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
}
function median(v, n) { return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
BEGIN {
  FS = "|"
  while ((getline row < results) > 0) {
    split(row, c, "\t"); rows[++nrows] = row; cfg[nrows] = c[1]; imp[nrows] = c[2]; txt[nrows] = c[4]
  }
  printf "\n%-26s %-16s %-34s %-34s %s\n", "workload", "metric", "raft-core min / median / max", "raft-rs min / median / max", "core/rs (median)"
}
{
  name = $1; metric = $3; better = $4
  for (k = 1; k <= 2; k++) {
    which = (k == 1) ? "raft-core" : "raft-rs"; n = 0; failed = 0
    for (r = 1; r <= nrows; r++) {
      if (cfg[r] != name || imp[r] != which) continue
      val = field(txt[r], metric)
      if (val == "") { failed++; continue }
      vals[++n] = val + 0
    }
    if (n == 0) { cell[k] = sprintf("no result (%d failed)", failed); med[k] = ""; continue }
    isort(vals, n); med[k] = median(vals, n)
    fmt = (metric == "wall_s") ? "%.3f / %.3f / %.3f" : "%.0f / %.0f / %.0f"
    cell[k] = sprintf(fmt, vals[1], med[k], vals[n]) (failed ? sprintf(" (%d failed)", failed) : "")
  }
  ratio = (med[1] != "" && med[2] != "" && med[2] > 0) ? sprintf("%.3f", med[1] / med[2]) : "-"
  printf "%-26s %-16s %-34s %-34s %s (%s is better)\n", name, metric, cell[1], cell[2], ratio, better
}'

# Every run, with its checks, so a broken run is visible next to its figures.
echo
echo "runs (checks and context):"
awk -F'\t' '
function field(line, key,   n, i, parts) {
  n = split(line, parts, " ")
  for (i = 1; i <= n; i++) if (index(parts[i], key "=") == 1) return parts[i]
  return ""
}
{
  out = sprintf("%-26s %-9s run %s ", $1, $2, $3)
  if ($4 ~ /^FAILED/) { print out $4; next }
  n = split("check log_matching final_check converged safety_violations elections_per_s ticks_mean term_mean entries_per_s msgs_per_entry readies_per_batch extra_ticks leader_unchanged wall_s committed_client_entries no_leader_ticks leader_terms leader_changes settle_ticks peak_rss_kib", keys, " ")
  for (i = 1; i <= n; i++) { f = field($4, keys[i]); if (f != "") out = out " " f }
  print out
}' "$RESULTS"
echo
echo "raw result lines: $RESULTS"
