#!/usr/bin/env bash
# Starts the built binary with demo data on a free port in a temporary directory, runs the
# browser tests against it, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$data/server.log"
KC_DATABASE_URL= ./target/debug/kechuang serve --demo --data-dir "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server did not start:"; cat "$log"; exit 1; }
mkdir -p target/e2e
(cd web && KC_E2E_BASE_URL="http://127.0.0.1:$port" npm run -s e2e)
echo "browser tests passed; screenshots in target/e2e/"
