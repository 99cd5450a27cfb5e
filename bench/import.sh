#!/usr/bin/env bash
# Import benchmark: generate demo CSV files, import them with audiences-cli
# (typed, validated, upserted, indexed) and, in the same run, with the
# sqlite3 shell (`.import` into untyped tables plus the same indexes).
#
#   bench/import.sh [--large]      100k customers / 2M events (1M / 20M)
#
# Needs a build in _build (./build-aux/run-tests or ninja -C _build).
set -euo pipefail
cd "$(dirname "$0")/.."

customers=100000
events=2000000
if [ "${1:-}" = "--large" ]; then
  customers=1000000
  events=20000000
fi

cli=_build/src/cli/audiences-cli
out=bench/out/import-$customers
mkdir -p "$out"
rm -f "$out"/*.audiences* "$out"/shell.db*

if [ ! -f "$out/customers.csv" ] || [ ! -f "$out/events.csv" ]; then
  "$cli" demo "$out" --customers "$customers" --events "$events" --seed 1 --now 2026-11-01T00:00:00Z
fi

measure () {
  # Prints "<seconds> <peak MiB>" of the command.
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                                          for (i = 1; i <= n; i++) s = s * 60 + t[i]; secs = s }
              /Maximum resident set size/ { mem = $2 / 1024 }
              END { printf "%.2f %.0f\n", secs, mem }' "$log"
  rm -f "$log"
}

read -r ours_c ours_c_mem < <(measure "$cli" import "$out/ours.audiences" "$out/customers.csv" \
  --as customers --id customer_id)
read -r ours_e ours_e_mem < <(measure "$cli" import "$out/ours.audiences" "$out/events.csv" \
  --as events --customer customer_id --event event --time timestamp)

cat > "$out/shell.sql" <<SQL
PRAGMA journal_mode = WAL;
.mode csv
.import $out/customers.csv customers
.import $out/events.csv events
CREATE UNIQUE INDEX customers_by_id ON customers (customer_id);
CREATE INDEX events_by_name_time ON events (event, timestamp, customer_id);
CREATE INDEX events_by_customer ON events (customer_id, event, timestamp);
SQL
read -r shell_c shell_mem < <(measure sqlite3 "$out/shell.db" ".read $out/shell.sql")

ours=$(echo "$ours_c + $ours_e" | bc -l)
printf '\nImport of %s customers and %s events (%s, %s)\n' "$customers" "$events" \
  "$(date -u +%Y-%m-%d)" "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
printf '%-34s %10s %12s\n' "" "seconds" "peak MiB"
printf '%-34s %10.2f %12s\n' "audiences-cli import (customers)" "$ours_c" "$ours_c_mem"
printf '%-34s %10.2f %12s\n' "audiences-cli import (events)" "$ours_e" "$ours_e_mem"
printf '%-34s %10.2f %12s\n' "audiences-cli total" "$ours" ""
printf '%-34s %10.2f %12s\n' "sqlite3 shell .import + indexes" "$shell_c" "$shell_mem"
printf '%-34s %10.2f\n' "ratio (ours / shell)" "$(echo "$ours / $shell_c" | bc -l)"
printf 'workspace %s MiB, shell db %s MiB\n' \
  "$(du -m "$out/ours.audiences" | cut -f1)" "$(du -m "$out/shell.db" | cut -f1)"
