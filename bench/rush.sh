#!/usr/bin/env bash
# Kechuang deadline-rush and application-read benchmarks (see bench/README.md, "Deadline
# rush and application reads"). For each backend, on fresh databases with the demo data and
# the bench call (bench/bench-call.json, imported with `kechuang call import` before the
# server starts):
#   reads-small   10 generated organisations, 200 submitted applications; wrk, 64 connections:
#                 GET /api/v1/ping (bare), GET /api/v1/applications/{id} (the applicant's own),
#                 GET /api/v1/admin/applications (the bureau list: 200 rows)
#   reads-large   the same with 10,000 generated organisations
#   rush-100      100 clients (= applicants): save draft, save again, submit; ping beside it
#   rush-1000     the same with 1,000 clients
# Raw outputs go to bench/out/<timestamp>/ (bench/out/latest points at the newest run), then
# a summary table (bench/summarise_rush.py, also written to summary-rush.md there).
#
# Usage: bash bench/rush.sh [sqlite|pg|all]   (default: all)
# Environment:
#   KC_BENCH_DB          PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/kc_bench_rush);
#                        created fresh for each server and dropped afterwards, so its name must
#                        start with kc_bench
#   KC_BENCH_DURATION    measured wrk duration per read scenario (default 15s)
#   KC_BENCH_WARMUP      unmeasured wrk warm-up before each (default 3s)
#   KC_BENCH_CONNECTIONS wrk connections (default 64); wrk threads: 2
#   KC_RUSH_CLIENTS      client counts of the rushes (default "100 1000")
#   KC_RUSH_APPS         applications per client, per client count (default "30:100 10:1000",
#                        i.e. 3,000 and 10,000 submissions)
#   KC_RUSH_MAX_SECONDS  clients start no new application after this (default 60)
#   KC_RUSH_APPLICANTS   at most this many applicants per rush (default 250): registering and
#                        logging in costs two argon2 hashes each, so 1,000 clients act as 250
#                        applicants with four connections (tabs) each
#   KC_BENCH_SCENARIOS   which of reads-small reads-large rush to run (default all three)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

case "${1:-all}" in
  sqlite) backends=(sqlite) ;;
  pg | postgres) backends=(postgres) ;;
  all) backends=(sqlite postgres) ;;
  *) echo "usage: bash bench/rush.sh [sqlite|pg|all]" >&2; exit 2 ;;
esac

duration=${KC_BENCH_DURATION:-15s}
warmup=${KC_BENCH_WARMUP:-3s}
conns=${KC_BENCH_CONNECTIONS:-64}
threads=2
rush_clients=${KC_RUSH_CLIENTS:-100 1000}
rush_apps=${KC_RUSH_APPS:-30:100 10:1000}
rush_max=${KC_RUSH_MAX_SECONDS:-60}
rush_applicants=${KC_RUSH_APPLICANTS:-250}
scenarios=${KC_BENCH_SCENARIOS:-reads-small reads-large rush}
pg_url=${KC_BENCH_DB:-postgres://postgres@127.0.0.1:5432/kc_bench_rush}

bench_check_tools

bench_pg_target

# Two separate builds: built together, cargo unifies the features of shared dependencies
# across both packages and rebuilds much of the server's dependency tree in a different
# configuration from the one `cargo build --release -p kechuang` (bench/run.sh) leaves.
echo "== building the release binaries (cargo build --release -p kechuang; -p kc-loadgen)"
cargo build --release -p kechuang
cargo build --release -p kc-loadgen
bin="${CARGO_TARGET_DIR:-$root/target}/release/kechuang"
loadgen="${CARGO_TARGET_DIR:-$root/target}/release/kc-loadgen"
[[ -x "$bin" && -x "$loadgen" ]] || { echo "no binaries at $bin / $loadgen" >&2; exit 1; }

bench_prepare_out

{
  machine_info
  echo "reads:   ${duration} per scenario after ${warmup} warm-up; ${threads} wrk threads; ${conns} connections"
  echo "rush:    clients ${rush_clients}; applications per client ${rush_apps}; limit ${rush_max}s"
  echo "uptime:  $(uptime)"
} >"$out/machine.txt"
cat "$out/machine.txt"


# start_server BACKEND LABEL: a fresh database with the demo data and the bench call.
start_server() {
  local backend=$1 label=$2 port data
  local -a db_env=(-u KC_DATABASE_URL) # SQLite in the data directory
  data="$tmp/$label"
  mkdir -p "$data"
  if [[ "$backend" == postgres ]]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$pg_admin_url" -q -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" -c "CREATE DATABASE $pg_db" >/dev/null
    pg_created=1
    db_env=(KC_DATABASE_URL="$pg_url")
  fi
  port=$(free_port)
  base="http://127.0.0.1:$port"
  # Started in the data directory so no ./kechuang.toml of the caller is picked up. The
  # per-address limit of unauthenticated attempts (log-in and registration share it, 30 a
  # minute by default) would refuse the seeding's registrations and log-ins.
  local -a env_common=(env -u KC_CONFIG -u KC_BENCH_DB "${db_env[@]}" KC_DATA_DIR="$data"
    KC_AUTH__LOGIN_RATE_PER_MINUTE=100000000 RUST_LOG=warn)
  (cd "$data" && "${env_common[@]}" "$bin" call import "$root/bench/bench-call.json") >"$out/$label-import.log" 2>&1
  (cd "$data" && exec "${env_common[@]}" \
    "$bin" serve --demo --data-dir "$data" --listen "127.0.0.1:$port") >"$out/$label-server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    curl -sf "$base/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "server did not become ready:" >&2
  cat "$out/$label-server.log" >&2
  exit 1
}

wrk_scenario() {
  local label=$1 name=$2
  shift 2
  echo "-- $label $name: ${conns} connections, ${warmup} warm-up + ${duration}"
  wrk -t"$threads" -c"$conns" -d"$warmup" "$@" >"$out/$label-$name.warmup.txt"
  echo "$name  $(uptime)" >>"$out/$label-load.txt"
  wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency "$@" | tee "$out/$label-$name.txt" |
    grep -E 'Requests/sec| 50%| 99%|Non-2xx|Socket errors' | sed 's/^ */     /'
}

state_field() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

reads() {
  local backend=$1 size=$2 orgs=$3 label="$1-reads-$2" state
  echo "== $label: $orgs organisations"
  start_server "$backend" "$label"
  state="$out/$label-state.json"
  echo "seed  $(uptime)" >>"$out/$label-load.txt"
  "$loadgen" seed --base-url "$base" --organisations "$orgs" --applicants 20 --apps-per-applicant 10 \
    --applications-for-list 200 --out "$state" 2>&1 | tee "$out/$label-seed.txt"
  local app_id app_cookie admin_cookie
  app_id=$(state_field "$state" 's["read_application"]["id"]')
  app_cookie=$(state_field "$state" 's["read_application"]["cookie"]')
  admin_cookie=$(state_field "$state" '"kc_session=" + s["admin"]["session"]')
  curl -sSf -H "Cookie: $app_cookie" "$base/api/v1/applications/$app_id" >"$out/$label-application.json"
  curl -sSf -H "Cookie: $admin_cookie" "$base/api/v1/admin/applications" >"$out/$label-list.json"
  local rows
  rows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out/$label-list.json")
  echo "   bureau list rows: $rows"
  echo "$rows" >"$out/$label-list-rows.txt"
  wrk_scenario "$label" ping "$base/api/v1/ping"
  wrk_scenario "$label" application -H "Cookie: $app_cookie" "$base/api/v1/applications/$app_id"
  wrk_scenario "$label" bureau-list -H "Cookie: $admin_cookie" "$base/api/v1/admin/applications"
  echo "end  $(uptime)" >>"$out/$label-load.txt"
  stop_server
  drop_pg_db
}

rush() {
  local backend=$1 clients=$2 per=$3 label="$1-rush-$2" state applicants
  applicants=$((clients < rush_applicants ? clients : rush_applicants))
  echo "== $label: $clients clients × $per applications, as $applicants applicants"
  start_server "$backend" "$label"
  state="$out/$label-state.json"
  echo "seed  $(uptime)" >>"$out/$label-load.txt"
  "$loadgen" seed --base-url "$base" --organisations 10 --applicants "$applicants" \
    --apps-per-applicant $(((clients * per + applicants - 1) / applicants)) \
    --applications-for-list 0 --out "$state" 2>&1 | tee "$out/$label-seed.txt"
  echo "rush  $(uptime)" >>"$out/$label-load.txt"
  "$loadgen" rush --state "$state" --clients "$clients" --max-seconds "$rush_max" \
    --out "$out/$label.json" 2>&1 | tee "$out/$label.txt" || echo "   (rush reported a failure; see $label.txt)"
  echo "end  $(uptime)" >>"$out/$label-load.txt"
  stop_server
  drop_pg_db
}

per_client() {
  local c=$1 pair
  for pair in $rush_apps; do
    [[ "${pair#*:}" == "$c" ]] && { echo "${pair%%:*}"; return; }
  done
  echo 10
}

for backend in "${backends[@]}"; do
  [[ " $scenarios " == *" reads-small "* ]] && reads "$backend" small 10
  [[ " $scenarios " == *" reads-large "* ]] && reads "$backend" large 10000
  if [[ " $scenarios " == *" rush "* ]]; then
    for c in $rush_clients; do rush "$backend" "$c" "$(per_client "$c")"; done
  fi
done

echo
echo "== summary (raw outputs in bench/out/$stamp/)"
python3 "$root/bench/summarise_rush.py" "$out"
