#!/usr/bin/env bash
# Export benchmark: audiences-cli export of a segment to CSV, next to the
# sqlite3 shell writing the same columns for the same customers (`.mode csv`,
# `.once`), on a demo workspace.
#
#   bench/export.sh [CUSTOMERS]      default 1000000
#
# Two segments: everyone, and the customers in Germany (about a tenth), to
# show that memory does not grow with the number of members. Our export also
# flushes the file to disk (fsync) before renaming it into place; the shell
# does not.
#
# Needs a build in _build (./build-aux/run-tests or ninja -C _build), or the
# build folder in $AUDIENCES_BUILD.
set -euo pipefail
cd "$(dirname "$0")/.."

customers=${1:-1000000}
cli=${AUDIENCES_BUILD:-_build}/src/cli/audiences-cli
out=bench/out/export-$customers
ws=$out/ws.audiences
mkdir -p "$out"

if [ ! -f "$ws" ]; then
  rm -f "$ws"*
  "$cli" demo "$out/demo" --customers "$customers" --events 1000 --seed 1 \
    --now 2026-11-01T00:00:00Z --workspace "$ws" >/dev/null
fi

echo '{"format": 1, "name": "everyone", "match": {"all": []}}' > "$out/everyone.json"
echo '{"format": 1, "name": "germany", "match": {"field": "country", "op": "eq", "value": "DE"}}' \
  > "$out/germany.json"

column () {
  sqlite3 "$ws" "SELECT column_name FROM fields WHERE scope = 0 AND name = '$1'"
}
email=$(column email)
first=$(column first_name)
last=$(column last_name)
phone=$(column phone)
country=$(column country)
ltv=$(column lifetime_value)
fields=customer_id,email,first_name,last_name,phone,country,lifetime_value

measure () {
  # Runs the command; prints "<wall seconds> <cpu seconds> <peak RSS MiB> <peak anonymous MiB>".
  # The anonymous peak leaves out the pages of the workspace file that SQLite
  # maps into memory, which count in RSS but are the file, not the heap.
  local log anon=0 pid kb
  log=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$log" "$@" >/dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for child in $(pgrep -P "$pid" 2>/dev/null); do
      kb=$(awk '/^RssAnon/ { print $2 }' "/proc/$child/status" 2>/dev/null || echo 0)
      [ "${kb:-0}" -gt "$anon" ] && anon=$kb
    done
    sleep 0.02
  done
  wait "$pid" || { cat "$log" >&2; rm -f "$log"; return 1; }
  awk -v anon="$anon" '{ printf "%.2f %.2f %.0f %.0f\n", $1, $2 + $3, $4 / 1024, anon / 1024 }' "$log"
  rm -f "$log"
}

run () {
  local name=$1 where=$2
  local ours_wall ours_cpu ours_rss ours_anon shell_wall shell_cpu shell_rss shell_anon

  rm -f "$out/ours-$name.csv" "$out/shell-$name.csv"
  read -r ours_wall ours_cpu ours_rss ours_anon < <(measure "$cli" export "$ws" \
    "$out/$name.json" -o "$out/ours-$name.csv" --columns "$fields")
  read -r shell_wall shell_cpu shell_rss shell_anon < <(measure sqlite3 "$ws" \
    -cmd '.mode csv' -cmd '.headers on' -cmd ".once $out/shell-$name.csv" \
    "SELECT external_id AS customer_id, $email AS email, $first AS first_name,
            $last AS last_name, $phone AS phone, $country AS country,
            printf('%d.%02d', $ltv / 100, $ltv % 100) AS lifetime_value
     FROM customers WHERE $where ORDER BY id")

  # The same customers, in the same order.
  if ! cmp -s <(cut -d, -f1 "$out/ours-$name.csv") <(cut -d, -f1 "$out/shell-$name.csv"); then
    echo "the customer ids of $name differ" >&2
    exit 1
  fi

  printf '%-30s %8s %8.2f %8.2f %9s %9s\n' "$name: audiences-cli export" \
    "$(($(wc -l < "$out/ours-$name.csv") - 1))" "$ours_wall" "$ours_cpu" "$ours_rss" "$ours_anon"
  printf '%-30s %8s %8.2f %8.2f %9s %9s\n' "$name: sqlite3 shell" \
    "$(($(wc -l < "$out/shell-$name.csv") - 1))" "$shell_wall" "$shell_cpu" "$shell_rss" \
    "$shell_anon"
  printf '%-30s %8s %8.2f %8.2f\n' "$name: ratio (ours / shell)" "" \
    "$(echo "$ours_wall / $shell_wall" | bc -l)" "$(echo "$ours_cpu / $shell_cpu" | bc -l)"
}

printf '\nExport to CSV, %s customers (%s, %s)\n' "$customers" "$(date -u +%Y-%m-%d)" \
  "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
printf '%-30s %8s %8s %8s %9s %9s\n' "" "rows" "wall s" "cpu s" "RSS MiB" "anon MiB"
run everyone "1"
run germany "$country = 'DE'"
printf 'workspace %s MiB\n' "$(du -m "$ws" | cut -f1)"
