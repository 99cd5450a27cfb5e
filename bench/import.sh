#!/usr/bin/env bash
# Import benchmark: generate demo CSV files, import them with audiences-cli
# (typed, validated, upserted, events linked to their customers, indexed,
# logged) and, in the same run, with the sqlite3 shell (`.import` into
# untyped tables plus the same indexes). Prints wall-clock and CPU times,
# peak memory and the ratios of the two (CPU time is the steadier figure on
# a busy machine).
#
#   bench/import.sh [--large]      100k customers / 2M events (1M / 20M)
#
# Needs a build in _build (./build-aux/run-tests or ninja -C _build), or the
# build folder in $AUDIENCES_BUILD.
# The files and databases go to bench/out/ (OUT_DIR=... to change it).
set -euo pipefail
cd "$(dirname "$0")/.."

customers=100000
events=2000000
case "${1:-}" in
  "") ;;
  --large) customers=1000000; events=20000000 ;;
  *) echo "usage: $0 [--large]" >&2; exit 2 ;;
esac

cli=${AUDIENCES_BUILD:-_build}/src/cli/audiences-cli
if [ ! -x "$cli" ]; then
  echo "$0: $cli not found: build first (ninja -C _build)" >&2
  exit 1
fi
for tool in sqlite3 /usr/bin/time bc; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 1; }
done

out=${OUT_DIR:-bench/out}/import-$customers
mkdir -p "$out"
rm -f "$out"/ours.audiences* "$out"/shell.db*

# The same seed and reference time give the same files: keep them between runs.
if [ ! -f "$out/customers.csv" ] || [ ! -f "$out/events.csv" ]; then
  "$cli" demo "$out" --customers "$customers" --events "$events" --seed 1 \
    --now 2026-11-01T00:00:00Z >/dev/null
fi

measure () {
  # Runs the command; prints "<wall seconds> <CPU seconds> <peak MiB>".
  local log
  log=$(mktemp)
  if ! /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
                                          for (i = 1; i <= n; i++) s = s * 60 + t[i]; secs = s }
              /User time|System time/ { cpu += $2 }
              /Maximum resident set size/ { mem = $2 / 1024 }
              END { printf "%.2f %.2f %.0f\n", secs, cpu, mem }' "$log"
  rm -f "$log"
}

read -r ours_c ours_c_cpu ours_c_mem < <(measure "$cli" import "$out/ours.audiences" "$out/customers.csv" \
  --as customers --id customer_id)
read -r ours_e ours_e_cpu ours_e_mem < <(measure "$cli" import "$out/ours.audiences" "$out/events.csv" \
  --as events --customer customer_id --event event --time timestamp)

# The shell loads text as it is, in one transaction per .import, then
# builds what the workspace has: a unique index on the customer id and the
# two event indexes, the one by name and time with the same property
# columns as ours (the workspace's columns named back to the file's).
index_columns () {
  sqlite3 -readonly "$out/ours.audiences" "
    SELECT group_concat(c, ', ') FROM (
      SELECT CASE i.name WHEN 'name' THEN 'event' WHEN 'ts' THEN 'timestamp'
                         WHEN 'customer' THEN 'customer_id'
                         ELSE '\"' || replace(f.name, '\"', '\"\"') || '\"' END AS c
      FROM pragma_index_info('$1') AS i
      LEFT JOIN fields AS f ON f.scope = 1 AND f.column_name = i.name
      ORDER BY i.seqno)"
}
by_name_time=$(index_columns events_by_name_time)
by_customer=$(index_columns events_by_customer)
cat > "$out/shell.sql" <<SQL
PRAGMA journal_mode = WAL;
.mode csv
.import $out/customers.csv customers
.import $out/events.csv events
CREATE UNIQUE INDEX customers_by_id ON customers (customer_id);
CREATE INDEX events_by_name_time ON events ($by_name_time);
CREATE INDEX events_by_customer ON events ($by_customer);
SQL
read -r shell shell_cpu shell_mem < <(measure sqlite3 "$out/shell.db" ".read $out/shell.sql")

counts=$(sqlite3 "$out/ours.audiences" \
  "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM events)")
if [ "$counts" != "$customers $events" ]; then
  echo "$0: the workspace holds $counts customers and events, expected $customers $events" >&2
  exit 1
fi

ours=$(echo "$ours_c + $ours_e" | bc -l)
ours_cpu=$(echo "$ours_c_cpu + $ours_e_cpu" | bc -l)
printf '\nImport of %s customers and %s events (%s; %s cores, %s; load %s)\n' \
  "$customers" "$events" "$(date -u +%Y-%m-%d)" "$(nproc)" \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %10s %10s\n' "" "wall s" "CPU s" "peak MiB"
row () { printf '%-34s %10.2f %10.2f %10s\n' "$@"; }
row "audiences-cli import (customers)" "$ours_c" "$ours_c_cpu" "$ours_c_mem"
row "audiences-cli import (events)" "$ours_e" "$ours_e_cpu" "$ours_e_mem"
row "audiences-cli total" "$ours" "$ours_cpu" ""
row "sqlite3 shell .import + indexes" "$shell" "$shell_cpu" "$shell_mem"
printf '%-34s %10.2f %10.2f\n' "ratio (ours / shell)" "$(echo "$ours / $shell" | bc -l)" \
  "$(echo "$ours_cpu / $shell_cpu" | bc -l)"
printf 'files %s MiB; workspace %s MiB, shell db %s MiB\n' \
  "$(du -cm "$out/customers.csv" "$out/events.csv" | tail -1 | cut -f1)" \
  "$(du -cm "$out"/ours.audiences* | tail -1 | cut -f1)" \
  "$(du -cm "$out"/shell.db* | tail -1 | cut -f1)"
