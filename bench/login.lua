-- wrk script for the log-in scenario: every request is a full POST /api/v1/auth/login
-- (argon2id verification + a new session row + the /me view of the user).
-- Usage: wrk -s bench/login.lua http://127.0.0.1:PORT/api/v1/auth/login
-- The demo administrator's credentials; override with KC_BENCH_LOGIN / KC_BENCH_PASSWORD.
local login = os.getenv("KC_BENCH_LOGIN") or "admin"
local password = os.getenv("KC_BENCH_PASSWORD") or "Admin#2026kc"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"login":"%s","password":"%s"}', login, password)
