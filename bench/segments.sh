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
                                 || CASE WHEN scale <= 2 THEN ' * ' || CAST(power(10, 2 - scale) AS INTEGER)
                                         ELSE ' / ' || CAST(power(10, scale - 2) AS INTEGER) END
                                 || ' AS "' || name || '_cents"'
                            ELSE ', ' || column_name || ' AS "' || name || '"' END, '')
       || ' FROM events ev JOIN event_names n ON n.id = ev.name;'
FROM (SELECT * FROM fields WHERE scope = 1 ORDER BY position);
SQL

# Runs SQL (stdin, after the views) in a new shell and prints "<ms> <first
# output line>" for its last statement.
shell_run () {
  { cat "$out/views.sql"; echo ".timer on"; cat; } | sqlite3 -readonly "$ws" |
    awk '/^Run Time: real/ { ms = $4 * 1000 } !/^Run Time/ && first == "" { first = $0 }
         END { printf "%.3f %s\n", ms, first }'
}

# "<median ms> <count>" of SQL file $1 at k = $2 over $rounds shells.
shell_count () {
  local times=() line count
  for _ in $(seq "$rounds"); do
    line=$(echo "SELECT count(*) FROM ($(instantiate "$1" "$2"));" | shell_run)
    times+=("${line%% *}")
    count=${line#* }
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | median)" "$count"
}

echo "Running the sqlite3 shell…" >&2
: > "$out/sqlite3.txt"
for sql in "${sql_files[@]}"; do
  read -r base edited < <(k_values "$sql")
  read -r ms count < <(shell_count "$sql" "$base")
  read -r edited_ms edited_count < <(shell_count "$sql" "$edited")
  echo "$(basename "$sql" .sql) $count $ms $edited_count $edited_ms" >> "$out/sqlite3.txt"
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
shell_overlap_ms=$(awk '/^Run Time: real/ { print $4 * 1000 }' "$out/sqlite3-overlap.txt" | median)

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
    echo "!!! MISMATCH: $1: ours $2, sqlite3 $3, DuckDB $4" | tee /dev/stderr
    mismatches=$((mismatches + 1))
  fi
}

ratio () {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

row () {
  # row LABEL KIND COUNT OURS SQLITE DUCKDB
  printf '%-28s %-5s %9s %9.1f %10.1f %9.1f %9s %9s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
    "$(ratio "$4" "$5")" "$(ratio "$4" "$6")"
}

{
  printf '\nSegments over %s customers and %s events (%s; %s; sqlite3 %s, DuckDB %s, %s threads)\n' \
    "$customers" "$events" "$(date -u +%Y-%m-%d)" \
    "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
    "$(sqlite3 --version | cut -d' ' -f1)" "$(jq -r .version "$out/duckdb.json")" \
    "$(jq -r .threads "$out/duckdb.json")"
  printf 'Milliseconds, median of %s. cold: a first count (ours: empty cache, new connection);\n' \
    "$rounds"
  printf 'warm: the count after editing one criterion (ours runs only that one again; the others\n'
  printf 'run the edited query); overlap: the %sx%s matrix of the computed segments.\n\n' \
    "${#segments[@]}" "${#segments[@]}"
  printf '%-28s %-5s %9s %9s %10s %9s %9s %9s\n' "segment" "" "members" "ours" "sqlite3" \
    "DuckDB" "/sqlite3" "/DuckDB"

  cold_misses=()
  warm_misses=()
  for i in "${!segments[@]}"; do
    name=$(basename "${segments[$i]}" .json)
    read -r _ s_count s_ms s_edited_count s_edited_ms < <(sed -n "$((i + 1))p" "$out/sqlite3.txt")
    o_count=$(jq ".segments[$i].count" "$out/ours.json")
    o_cold=$(jq ".segments[$i].cold_ms.median" "$out/ours.json")
    o_edited_count=$(jq ".segments[$i].edited_count" "$out/ours.json")
    o_warm=$(jq ".segments[$i].warm_ms.median" "$out/ours.json")
    o_runs=$(jq ".segments[$i].warm_leaf_runs" "$out/ours.json")
    d_count=$(jq ".segments[$i].count" "$out/duckdb.json")
    d_ms=$(jq ".segments[$i].ms" "$out/duckdb.json")
    d_edited_count=$(jq ".segments[$i].edited_count" "$out/duckdb.json")
    d_edited_ms=$(jq ".segments[$i].edited_ms" "$out/duckdb.json")

    check "$name count" "$o_count" "$s_count" "$d_count"
    check "$name edited count" "$o_edited_count" "$s_edited_count" "$d_edited_count"
    if [ "$o_runs" != 1 ]; then
      echo "!!! $name: the warm count ran $o_runs criteria, expected 1" | tee /dev/stderr
      mismatches=$((mismatches + 1))
    fi

    row "$name" cold "$o_count" "$o_cold" "$s_ms" "$d_ms"
    row "" warm "$o_edited_count" "$o_warm" "$s_edited_ms" "$d_edited_ms"
    awk -v a="$o_cold" -v b="$d_ms" 'BEGIN { exit !(a > b) }' && cold_misses+=("$name")
    awk -v a="$o_warm" -v b="$warm_target" 'BEGIN { exit !(a > b) }' && warm_misses+=("$name")
  done

  o_overlap=$(jq .overlap_ms.median "$out/ours.json")
  d_overlap=$(jq .overlap_ms "$out/duckdb.json")
  row "overlap ${#segments[@]}x${#segments[@]}" "" "" "$o_overlap" "$shell_overlap_ms" "$d_overlap"

  n_seg=${#segments[@]}
  for ((i = 0; i < n_seg; i++)); do
    for ((j = 0; j < n_seg; j++)); do
      o=$(jq ".overlap[$i][$j]" "$out/ours.json")
      d=$(jq ".overlap[$i][$j]" "$out/duckdb.json")
      s=$(awk -F'|' -v i="$i" -v j="$j" '$1 == i && $2 == j { n = $3 } END { print n + 0 }' \
            "$out/sqlite3-overlap.txt")
      check "overlap [$i][$j]" "$o" "$s" "$d"
    done
  done

  printf '\nDuckDB loaded the CSV files in %.0f ms (not in the figures above).\n' \
    "$(jq .load_ms "$out/duckdb.json")"
  printf 'Targets: cold count no slower than DuckDB: %s of %s%s\n' \
    "$((n_seg - ${#cold_misses[@]}))" "$n_seg" \
    "$([ ${#cold_misses[@]} -gt 0 ] && echo " (slower: ${cold_misses[*]})")"
  printf '         warm count <= %s ms: %s of %s%s\n' "$warm_target" \
    "$((n_seg - ${#warm_misses[@]}))" "$n_seg" \
    "$([ ${#warm_misses[@]} -gt 0 ] && echo " (slower: ${warm_misses[*]})")"
  if [ "$customers" = 100000 ]; then
    printf '         overlap <= 5 ms: %s\n' \
      "$(awk -v a="$o_overlap" 'BEGIN { print (a <= 5 ? "yes" : "no") }')"
  fi
  if [ "$mismatches" = 0 ]; then
    echo "All three engines agree on every count and overlap."
  fi
} > "$out/results.txt"
cat "$out/results.txt"

if [ "$mismatches" != 0 ]; then
  echo "!!! $mismatches MISMATCHES between the engines (above)" >&2
  exit 1
fi
