# Shared by bench/run.sh and bench/rush.sh (sourced after `root` is set): the output
# directory, stopping the server, dropping the PostgreSQL database, the machine description.

need() { command -v "$1" >/dev/null || { echo "bench needs $1 ($2)" >&2; exit 1; }; }

bench_check_tools() {
  need wrk "Debian: apt-get install wrk"
  need curl "Debian: apt-get install curl"
  need python3 "Debian: apt-get install python3"
}

# Splits pg_url into pg_db and pg_admin_url and, when PostgreSQL is among `backends`, checks
# psql and the name: the database is dropped at the end, so only a throw-away kc_bench* name.
bench_pg_target() {
  pg_base=${pg_url%%\?*}
  pg_query=${pg_url#"$pg_base"}
  pg_db=${pg_base##*/}
  pg_admin_url="${pg_base%/*}/postgres${pg_query}"
  if [[ " ${backends[*]} " == *" postgres "* ]]; then
    need psql "Debian: apt-get install postgresql-client"
    [[ "$pg_db" =~ ^kc_bench[a-z0-9_]*$ ]] || {
      echo "KC_BENCH_DB must name a database starting with kc_bench (it is dropped afterwards): $pg_url" >&2
      exit 1
    }
  fi
}

# Creates bench/out/<stamp>/ (linked as bench/out/latest) and a scratch directory; installs
# the clean-up traps. Sets: stamp, out, tmp, pid, pg_created.
bench_prepare_out() {
  stamp=$(date +%Y%m%d-%H%M%S)
  out="$root/bench/out/$stamp"
  mkdir -p "$out"
  ln -sfn "$stamp" "$root/bench/out/latest"
  tmp=$(mktemp -d)
  pid=""
  pg_created=""
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

stop_server() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}

drop_pg_db() {
  if [[ -n "$pg_created" ]]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$pg_admin_url" -q -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true
    pg_created=""
  fi
}

cleanup() {
  stop_server
  drop_pg_db
  [[ -n "${tmp:-}" ]] && rm -rf "$tmp"
}

# The lines every run records about the machine; callers add their own settings and uptime.
machine_info() {
  echo "date:    $(date -Is)"
  echo "host:    $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "os:      $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(uname -r)"
  echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo ' (Rust sources modified)')"
  echo "rustc:   $(rustc --version)"
  echo "wrk:     $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
