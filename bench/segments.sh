#!/usr/bin/env bash
# Segment benchmark: the eight segments of bench/segments/ counted by our
# engine, by the sqlite3 shell and by DuckDB over the same data, side by side.
#
#   bench/segments.sh [--large]      100k customers / 2M events (1M / 20M)
#
# - data: `audiences-cli demo` CSV files (seed 1, now 2026-11-01T00:00:00Z),
#   imported with `audiences-cli import` into bench/out/segments-N/ours.audiences
#   (kept for the next run; delete the folder to start over);
# - ours: `audiences-cli bench` in one process: cold count (empty cache, new
#   connection), warm count after editing one criterion (NN-name.edit.json;
#   only that leaf runs again), the 8×8 overlap of the computed segments;
# - sqlite3: the hand-written NN-name.sql over the same workspace file, through
#   views that name its store columns (c<N>, p<N>) after the fields table; one
#   shell process per query;
# - DuckDB (@duckdb/node-api, installed into bench/duckdb by npm): the same
#   NN-name.sql over tables loaded from the same CSV files with read_csv_auto
#   (bench/duckdb/segments.mjs).
#
# Every SQL file says `-- k: BASE EDITED`: the runners put k, $now (UTC
# seconds) and $today (YYYY-MM-DD) into it. The three engines must agree on
# every count, edited count and overlap cell; a mismatch is printed loudly and
# makes the script fail.
#
# Needs a build in _build (./build-aux/run-tests or ninja -C _build), or the
# build folder in $AUDIENCES_BUILD; sqlite3, jq, node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C.UTF-8

customers=100000
events=2000000
rounds=5
warm_target=10
if [ "${1:-}" = "--large" ]; then
  customers=1000000
  events=20000000
  rounds=3
  warm_target=50
fi

cli=${AUDIENCES_BUILD:-_build}/src/cli/audiences-cli
now_iso=2026-11-01T00:00:00Z
now=$(date -u -d "$now_iso" +%s)
today=${now_iso%%T*}
out=bench/out/segments-$customers
ws=$out/ours.audiences
mkdir -p "$out"

# The data ----------------------------------------------------------------

if [ ! -f "$ws" ]; then
  "$cli" demo "$out" --customers "$customers" --events "$events" --seed 1 --now "$now_iso"
  "$cli" import "$ws" "$out/customers.csv" --as customers --id customer_id
  "$cli" import "$ws" "$out/events.csv" --as events --customer customer_id --event event \
    --time timestamp
fi

n=$(sqlite3 -readonly "$ws" "SELECT count(*) FROM customers")
if [ "$n" != "$customers" ]; then
  echo "segments.sh: $ws has $n customers, expected $customers; delete $out and run again" >&2
  exit 1
fi

segments=()
edit_args=()
sql_files=()
for json in bench/segments/[0-9]*.json; do
  case "$json" in *.edit.json) continue ;; esac
  segments+=("$json")
  edit_args+=(--edit "${json%.json}.edit.json")
  sql_files+=("${json%.json}.sql")
done

# The query of SQL file $1 with k = $2.
instantiate () {
  sed -e "s/\\\$now/$now/g" -e "s/\\\$today/'$today'/g" -e "s/\\\$k/$2/g" "$1"
}

# k of SQL file $1: "BASE EDITED".
k_values () {
  sed -n 's/^-- k: \([^ ]*\) \([^ ]*\)$/\1 \2/p' "$1"
}

median () {
  sort -g | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }'
}

# Ours --------------------------------------------------------------------

echo "Running audiences-cli bench ($rounds rounds)…" >&2
"$cli" bench "$ws" "${segments[@]}" "${edit_args[@]}" --rounds "$rounds" --now "$now_iso" \
  > "$out/ours.json"

# The sqlite3 shell --------------------------------------------------------

# Views named after the fields: decimals as numbers (and event decimals
# also in cents, exactly), dates as YYYY-MM-DD text, booleans 1/0.
sqlite3 -readonly "$ws" > "$out/views.sql" <<'SQL'
SELECT 'CREATE TEMP VIEW c AS SELECT id, external_id AS customer_id'
       || group_concat(', ' || CASE WHEN type = 'decimal'
                                    THEN column_name || ' / 1e' || scale
                                    ELSE column_name END
                       || ' AS "' || name || '"', '')
       || ' FROM customers;'
FROM (SELECT * FROM fields WHERE scope = 0 ORDER BY position);
SELECT 'CREATE TEMP VIEW e AS SELECT ev.customer AS customer, n.name AS event, ev.ts AS ts'
       || group_concat(CASE WHEN type = 'decimal'
                            THEN ', ' || column_name || ' / 1e' || scale || ' AS "' || name || '"'
                                 || ', ' || column_name
                                 || CASE WHEN scale <= 2
                                         THEN ' * ' || CAST(power(10, 2 - scale) AS INTEGER)
                                         ELSE ' / ' || CAST(power(10, scale - 2) AS INTEGER) END
                                 || ' AS "' || name || '_cents"'
                            ELSE ', ' || column_name || ' AS "' || name || '"' END, '')
       || ' FROM events ev JOIN event_names n ON n.id = ev.name;'
FROM (SELECT * FROM fields WHERE scope = 1 ORDER BY position);
SQL

# Runs SQL (stdin, after the views) in a new shell and prints "<wall ms>
# <cpu ms> <first output line>" for its last statement.
shell_run () {
  { cat "$out/views.sql"; echo ".timer on"; cat; } | sqlite3 -readonly "$ws" |
    awk '/^Run Time: real/ { ms = $4 * 1000; cpu = ($6 + $8) * 1000 }
         !/^Run Time/ && first == "" { first = $0 }
         END { printf "%.3f %.3f %s\n", ms, cpu, first }'
}

# "<median wall ms> <median cpu ms> <count>" of SQL file $1 at k = $2 over
# $rounds shells.
shell_count () {
  local walls=() cpus=() wall cpu count
  for _ in $(seq "$rounds"); do
    read -r wall cpu count < <(echo "SELECT count(*) FROM ($(instantiate "$1" "$2"));" |
                               shell_run)
    walls+=("$wall")
    cpus+=("$cpu")
  done
  printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | median)" \
    "$(printf '%s\n' "${cpus[@]}" | median)" "$count"
}

echo "Running the sqlite3 shell…" >&2
: > "$out/sqlite3.txt"
for sql in "${sql_files[@]}"; do
  read -r base edited < <(k_values "$sql")
  read -r ms cpu count < <(shell_count "$sql" "$base")
  read -r edited_ms edited_cpu edited_count < <(shell_count "$sql" "$edited")
  echo "$(basename "$sql" .sql) $count $ms $cpu $edited_count $edited_ms $edited_cpu" \
    >> "$out/sqlite3.txt"
done

# The overlap: every segment's members in one temporary table, then the
# matrix, $rounds times in the same shell.
{
  cat "$out/views.sql"
  echo "CREATE TEMP TABLE m AS"
  i=0
  for sql in "${sql_files[@]}"; do
    read -r base _ < <(k_values "$sql")
    [ "$i" -gt 0 ] && echo "UNION ALL"
    echo "SELECT $i AS seg, id FROM ($(instantiate "$sql" "$base"))"
    i=$((i + 1))
  done
  echo ";"
  echo ".timer on"
  for _ in $(seq "$rounds"); do
    echo "SELECT a.seg, b.seg, count(*) FROM m a JOIN m b ON a.id = b.id GROUP BY 1, 2;"
  done
} | sqlite3 -readonly "$ws" > "$out/sqlite3-overlap.txt"
shell_overlap_ms=$(awk '/^Run Time: real/ { print $4 * 1000 }' "$out/sqlite3-overlap.txt" |
                   median)
shell_overlap_cpu=$(awk '/^Run Time: real/ { print ($6 + $8) * 1000 }' \
                      "$out/sqlite3-overlap.txt" | median)

# DuckDB ------------------------------------------------------------------

if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
  (cd bench/duckdb && npm install --no-audit --no-fund)
fi
echo "Running DuckDB…" >&2
node bench/duckdb/segments.mjs "$out/customers.csv" "$out/events.csv" "$now" "$today" \
  "$rounds" "${sql_files[@]}" > "$out/duckdb.json"

# The figures -------------------------------------------------------------

mismatches=0
check () {
  # check WHAT OURS SQLITE DUCKDB
  if [ "$2" != "$3" ] || [ "$2" != "$4" ]; then
    echo "!!! MISMATCH: $1: ours $2, sqlite3 $3, DuckDB $4" >&2
    mismatches=$((mismatches + 1))
  fi
}

ratio () {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# One line per figure in $out/figures.txt:
#   LABEL KIND MEMBERS OURS_WALL SQLITE_WALL DUCKDB_WALL OURS_CPU SQLITE_CPU DUCKDB_CPU
: > "$out/figures.txt"
n_seg=${#segments[@]}
for i in "${!segments[@]}"; do
  name=$(basename "${segments[$i]}" .json)
  read -r _ s_count s_ms s_cpu s_edited_count s_edited_ms s_edited_cpu \
    < <(sed -n "$((i + 1))p" "$out/sqlite3.txt")
  o=$(jq -r ".segments[$i] | [.count, .cold_ms.median, .cold_ms.cpu_median, .edited_count,
                              .warm_ms.median, .warm_ms.cpu_median, .warm_leaf_runs] | @tsv" \
        "$out/ours.json")
  read -r o_count o_cold o_cold_cpu o_edited_count o_warm o_warm_cpu o_runs <<< "$o"
  d=$(jq -r ".segments[$i] | [.count, .ms, .cpu_ms, .edited_count, .edited_ms,
                              .edited_cpu_ms] | @tsv" "$out/duckdb.json")
  read -r d_count d_ms d_cpu d_edited_count d_edited_ms d_edited_cpu <<< "$d"

  check "$name count" "$o_count" "$s_count" "$d_count"
  check "$name edited count" "$o_edited_count" "$s_edited_count" "$d_edited_count"
  if [ "$o_runs" != 1 ]; then
    echo "!!! $name: the warm count ran $o_runs criteria, expected 1" >&2
    mismatches=$((mismatches + 1))
  fi

  echo "$name cold $o_count $o_cold $s_ms $d_ms $o_cold_cpu $s_cpu $d_cpu" >> "$out/figures.txt"
  echo "- warm $o_edited_count $o_warm $s_edited_ms $d_edited_ms $o_warm_cpu $s_edited_cpu" \
       "$d_edited_cpu" >> "$out/figures.txt"
done
echo "overlap-${n_seg}x${n_seg} - - $(jq .overlap_ms.median "$out/ours.json") $shell_overlap_ms" \
     "$(jq .overlap_ms "$out/duckdb.json") $(jq .overlap_ms.cpu_median "$out/ours.json")" \
     "$shell_overlap_cpu $(jq .overlap_cpu_ms "$out/duckdb.json")" >> "$out/figures.txt"

for ((i = 0; i < n_seg; i++)); do
  for ((j = 0; j < n_seg; j++)); do
    o=$(jq ".overlap[$i][$j]" "$out/ours.json")
    d=$(jq ".overlap[$i][$j]" "$out/duckdb.json")
    s=$(awk -F'|' -v i="$i" -v j="$j" '$1 == i && $2 == j { n = $3 } END { print n + 0 }' \
          "$out/sqlite3-overlap.txt")
    check "overlap [$i][$j]" "$o" "$s" "$d"
  done
done

# table TITLE FIRST_COLUMN: the figures of columns FIRST..FIRST+2 of figures.txt
table () {
  printf '\n%s\n' "$1"
  printf '%-28s %-5s %9s %9s %9s %9s %9s %9s\n' "segment" "" "members" "ours" "sqlite3" \
    "DuckDB" "/sqlite3" "/DuckDB"
  while read -r label kind members rest; do
    read -r -a v <<< "$rest"
    a=${v[$2]} b=${v[$2 + 1]} c=${v[$2 + 2]}
    printf '%-28s %-5s %9s %9.1f %9.1f %9.1f %9s %9s\n' "${label/#-/}" "${kind/#-/}" \
      "${members/#-/}" "$a" "$b" "$c" "$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
  done < "$out/figures.txt"
}

# Names of the segments whose figure in column $1 is over $2 (a number, or
# "duckdb" for DuckDB's figure), for the rows of kind $3.
over () {
  awk -v col="$1" -v limit="$2" -v kind="$3" '
    $1 != "-" { name = $1 }
    $2 == kind { v = $(col + 4); l = limit == "duckdb" ? $(col + 6) : limit;
                 if (v > l) { printf "%s%s", sep, name; sep = " " } }' "$out/figures.txt"
}

{
  printf '\nSegments over %s customers and %s events (%s; %s; load average %s;\n' \
    "$customers" "$events" "$(date -u +%Y-%m-%d)" \
    "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'sqlite3 %s, DuckDB %s with %s threads)\n' "$(sqlite3 --version | cut -d' ' -f1)" \
    "$(jq -r .version "$out/duckdb.json")" "$(jq -r .threads "$out/duckdb.json")"
  printf 'Median of %s. cold: a first count (ours: empty cache, new connection); warm: the\n' \
    "$rounds"
  printf 'count after editing one criterion (ours runs only that one again; the others run\n'
  printf 'the edited query); overlap: the %sx%s matrix of the computed segments.\n' \
    "$n_seg" "$n_seg"
  table "Wall-clock milliseconds" 0
  table "CPU milliseconds (all threads; less disturbed by a busy machine)" 3

  cold_slow=$(over 0 duckdb cold)
  warm_slow=$(over 0 "$warm_target" warm)
  printf '\nDuckDB loaded the CSV files in %.0f ms (not in the figures above).\n' \
    "$(jq .load_ms "$out/duckdb.json")"
  printf 'Targets (wall-clock): cold count no slower than DuckDB: %s of %s%s\n' \
    "$((n_seg - $(wc -w <<< "$cold_slow")))" "$n_seg" "${cold_slow:+ (slower: $cold_slow)}"
  printf '                      warm count <= %s ms: %s of %s%s\n' "$warm_target" \
    "$((n_seg - $(wc -w <<< "$warm_slow")))" "$n_seg" "${warm_slow:+ (slower: $warm_slow)}"
  if [ "$customers" = 100000 ]; then
    printf '                      overlap <= 5 ms: %s\n' \
      "$(awk -v a="$(jq .overlap_ms.median "$out/ours.json")" \
             'BEGIN { print (a <= 5 ? "yes" : "no") }')"
  fi
  if [ "$mismatches" = 0 ]; then
    echo "All three engines agree on every count, edited count and overlap cell."
  else
    echo "!!! $mismatches MISMATCHES between the engines (above)"
  fi
} > "$out/results.txt"
cat "$out/results.txt"

[ "$mismatches" = 0 ]
