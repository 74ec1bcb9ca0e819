#!/usr/bin/env bash
# Kechuang benchmark (see bench/README.md). Builds the release binary, starts it with demo
# data on a free loopback port, logs in, and measures with wrk in one run:
#   ping       GET /api/v1/ping             bare endpoint: no database, no auth (baseline)
#   me         GET /api/v1/me               authenticated read with the kc_session cookie
#   districts  GET /api/v1/public/districts plain database read without auth (reference)
#   login      POST /api/v1/auth/login      full log-in: argon2id + a new session row
#   me-nocache GET /api/v1/me again, on a second server with the session cache off
# Raw wrk outputs go to bench/out/<timestamp>/ (bench/out/latest points at the newest run),
# followed by a summary table (bench/summarise.py).
#
# Usage: bash bench/run.sh [sqlite|pg|all]
#   sqlite (default)  SQLite in a temporary data directory
#   pg                PostgreSQL only; all: SQLite, then PostgreSQL
#   KC_BENCH_PG=1 or a set KC_BENCH_DB also selects "all" when no argument is given.
# Environment:
#   KC_BENCH_DB        PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/kc_bench);
#                      the database is created fresh and dropped afterwards, so its name must
#                      start with kc_bench
#   KC_BENCH_DURATION  measured duration per scenario (default 20s)
#   KC_BENCH_WARMUP    unmeasured warm-up before each scenario (default 3s)
#   KC_BENCH_CONNECTIONS / KC_BENCH_LOGIN_CONNECTIONS  (default 64 / 8); wrk threads: 2
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

case "${1:-}" in
  "") if [[ "${KC_BENCH_PG:-}" == 1 || -n "${KC_BENCH_DB:-}" ]]; then backends=(sqlite postgres); else backends=(sqlite); fi ;;
  sqlite) backends=(sqlite) ;;
  pg | postgres) backends=(postgres) ;;
  all) backends=(sqlite postgres) ;;
  *) echo "usage: bash bench/run.sh [sqlite|pg|all]" >&2; exit 2 ;;
esac

duration=${KC_BENCH_DURATION:-20s}
warmup=${KC_BENCH_WARMUP:-3s}
conns=${KC_BENCH_CONNECTIONS:-64}
login_conns=${KC_BENCH_LOGIN_CONNECTIONS:-8}
threads=2
login_json='{"login":"admin","password":"Admin#2026kc"}'
pg_url=${KC_BENCH_DB:-postgres://postgres@127.0.0.1:5432/kc_bench}

bench_check_tools

bench_pg_target

echo "== building the release binary (cargo build --release -p kechuang)"
cargo build --release -p kechuang
bin="${CARGO_TARGET_DIR:-$root/target}/release/kechuang"
[[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 1; }

bench_prepare_out

{
  machine_info
  echo "runs:    ${duration} per scenario after ${warmup} warm-up; ${threads} wrk threads; ${conns} connections (login: ${login_conns})"
  echo "uptime:  $(uptime)"
} >"$out/machine.txt"
cat "$out/machine.txt"


# start_server BACKEND LABEL [VAR=value...]: a fresh database with demo data on a free port.
start_server() {
  local backend=$1 label=$2 port data
  shift 2
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
  # Started in the data directory so no ./kechuang.toml of the caller is picked up.
  (cd "$data" && exec env -u KC_CONFIG -u KC_BENCH_DB -u KC_BENCH_PG "${db_env[@]}" \
    KC_AUTH__LOGIN_RATE_PER_MINUTE=100000000 RUST_LOG=warn "$@" \
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

# Logs in as the demo administrator with curl; sets $cookie for GET /me.
log_in() {
  local label=$1 jar="$tmp/$1.cookies" session
  curl -sSf -c "$jar" -H 'Content-Type: application/json' -d "$login_json" "$base/api/v1/auth/login" -o /dev/null
  session=$(awk '$6 == "kc_session" { print $7 }' "$jar")
  [[ -n "$session" ]] || { echo "log-in returned no kc_session cookie" >&2; exit 1; }
  cookie="Cookie: kc_session=$session"
  curl -sSf -H "$cookie" "$base/api/v1/me" >"$out/$label-me.json"
}

# One scenario: an unmeasured warm-up, then the measured run with latency percentiles.
scenario() {
  local backend=$1 name=$2 c=$3
  shift 3
  echo "-- $backend $name: ${c} connections, ${warmup} warm-up + ${duration}"
  wrk -t"$threads" -c"$c" -d"$warmup" "$@" >"$out/$backend-$name.warmup.txt"
  echo "$name  $(uptime)" >>"$out/$backend-load.txt"
  wrk -t"$threads" -c"$c" -d"$duration" --timeout 10s --latency "$@" | tee "$out/$backend-$name.txt" |
    grep -E 'Requests/sec| 50%| 99%|Non-2xx|Socket errors' | sed 's/^ */     /'
}

for backend in "${backends[@]}"; do
  echo "== $backend"
  start_server "$backend" "$backend"
  log_in "$backend"
  curl -sSf "$base/api/v1/ping" >/dev/null

  scenario "$backend" ping "$conns" "$base/api/v1/ping"
  scenario "$backend" me "$conns" -H "$cookie" "$base/api/v1/me"
  scenario "$backend" districts "$conns" "$base/api/v1/public/districts"
  scenario "$backend" login "$login_conns" -s "$root/bench/login.lua" "$base/api/v1/auth/login"
  stop_server

  # The same binary with the in-process session cache off (auth.session_cache_seconds = 0):
  # every GET /me reads its session from the database, as on a cache miss.
  start_server "$backend" "$backend-nocache" KC_AUTH__SESSION_CACHE_SECONDS=0
  log_in "$backend-nocache"
  scenario "$backend" me-nocache "$conns" -H "$cookie" "$base/api/v1/me"
  echo "end  $(uptime)" >>"$out/$backend-load.txt"
  stop_server
  drop_pg_db
done

echo
echo "== summary (raw outputs in bench/out/$stamp/)"
python3 "$root/bench/summarise.py" "$out"
