#!/usr/bin/env bash
# Sign-in through the portal's form with a million subscribers in PostgreSQL.
#
#   bash bench/run_sign_in.sh                    # 1,000,000 subscribers, 20 s of sign-ins
#   SUBSCRIBERS=200000 DURATION=10 bash bench/run_sign_in.sh
#   REUSE_DB=portal_signin_bench bash bench/run_sign_in.sh   # keep (or reuse) a loaded database
#
# Uses PostgreSQL at $PG_URL (a server URL ending in a maintenance database such as /postgres),
# else starts the throwaway cluster of scripts/pg-test-server.sh. Loads a fresh database with
# `portal-server migrate`, `demo-data` and `demo-data --subscribers N`, picks 20,000 random bulk
# logins, serves the portal with `--workers 1`, and lets wrk sign them in (bench/sign_in.lua: a
# different login on every request, each a full argon2id check) with 2 and then 8 connections.
# Then measures argon2id hashes
# per second on one core with the server's own parameters, since those dominate a sign-in.
# Writes bench/results/sign-in-latest.json. The database is dropped on exit unless REUSE_DB is set.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SUBSCRIBERS=${SUBSCRIBERS:-1000000}
DURATION=${DURATION:-20}
# 2 connections: as many sign-ins as the worker hashes at once (PORTAL_HASH_THREADS), so the
# latency is a sign-in's own; 8: four waiting per hashing thread, the throughput under a queue.
CONNECTIONS=${CONNECTIONS:-2 8}
SAMPLE=${SAMPLE:-20000}
HOST=127.0.0.1

# shellcheck source=bench/lib.sh
source bench/lib.sh
need_venv
need_wrk
if [[ -z ${PG_URL:-} ]]; then
    bash scripts/pg-test-server.sh start
    PG_URL=$(bash scripts/pg-test-server.sh url)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-sign-in-bench.XXXXXX")
SERVER_PID=""
DB_NAME=${REUSE_DB:-portal_signin_bench_$$}
DATABASE_URL="${PG_URL%/*}/$DB_NAME"

cleanup() {
    if [[ -n $SERVER_PID ]]; then
        stop_server "$SERVER_PID"
    fi
    if [[ -z ${REUSE_DB:-} ]]; then
        pg_sql "$PG_URL" "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export DATABASE_URL PORTAL_DATA_DIR="$WORK/data" PORTAL_ACCESS_LOG=""
unset PORTAL_SECRET_KEY SMTP_URL PORTAL_TRUST_PROXY

exists=$(pg_sql "$PG_URL" "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
if [[ -n ${REUSE_DB:-} && -n $exists ]]; then
    echo "== data: reusing database $DB_NAME"
    CREDENTIALS="$ROOT/bench/results/$DB_NAME-credentials.json"
    if [[ ! -f $CREDENTIALS ]]; then
        echo "error: $CREDENTIALS is missing; drop $DB_NAME to load it afresh" >&2
        exit 1
    fi
    mkdir -p "$PORTAL_DATA_DIR"
    cp "$CREDENTIALS" "$PORTAL_DATA_DIR/demo-credentials.json"
else
    echo "== data: $SUBSCRIBERS subscribers into database $DB_NAME"
    pg_sql "$PG_URL" "CREATE DATABASE \"$DB_NAME\"" >/dev/null
    "$VENV/bin/portal-server" migrate >"$WORK/migrate.log" 2>&1
    "$VENV/bin/portal-server" demo-data >"$WORK/demo-data.log" 2>&1
    start=$(date +%s)
    "$VENV/bin/portal-server" demo-data --subscribers "$SUBSCRIBERS" >"$WORK/bulk.log" 2>&1
    echo "   loaded in $(($(date +%s) - start)) s"
    if [[ -n ${REUSE_DB:-} ]]; then
        mkdir -p "$RESULTS"
        cp "$PORTAL_DATA_DIR/demo-credentials.json" "$RESULTS/$DB_NAME-credentials.json"
    fi
fi

PASSWORD=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["_bulk"]["password"])' \
    "$PORTAL_DATA_DIR/demo-credentials.json")
RANGE=$("$PY" -c 'import json, sys
ranges = json.load(open(sys.argv[1]))["_bulk"]["accounts"]
print(min(int(r["first"]) for r in ranges), max(int(r["last"]) for r in ranges))' \
    "$PORTAL_DATA_DIR/demo-credentials.json")
read -r FIRST LAST <<<"$RANGE"
LOGINS=$(pg_sql "$DATABASE_URL" "SELECT count(*) FROM portal_user")
pg_sql "$DATABASE_URL" "SELECT u.username FROM portal_user u JOIN account a ON a.id = u.account_id
    WHERE a.number ~ '^[0-9]+\$' AND a.number::bigint BETWEEN $FIRST AND $LAST
    ORDER BY random() LIMIT $SAMPLE" >"$WORK/identifiers.txt"
echo "== $LOGINS portal logins; signing in $(wc -l <"$WORK/identifiers.txt") random bulk logins"

PORT=$(free_port)
setsid "$VENV/bin/portal-server" serve --host "$HOST" --port "$PORT" --workers 1 >"$WORK/portal.log" 2>&1 &
SERVER_PID=$!
for _ in {1..300}; do
    curl -sf -o /dev/null --max-time 1 "http://$HOST:$PORT/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/portal.log" >&2; exit 1; }
    sleep 0.1
done

# One CSRF cookie and its token for every request: GET /login once.
curl -sf -c "$WORK/cookies.txt" -o "$WORK/login.html" "http://$HOST:$PORT/login"
CSRF_COOKIE=$(awk '$6 == "portal_csrf" {print $7}' "$WORK/cookies.txt")
CSRF_TOKEN=$(grep -o 'name="csrf_token" value="[^"]*"' "$WORK/login.html" | head -n 1 | cut -d'"' -f4)
LUA_ARGS=("$WORK/identifiers.txt" "$PASSWORD" "$CSRF_COOKIE" "$CSRF_TOKEN")

REPORT_ARGS=()
for connections in $CONNECTIONS; do
    echo "== wrk: POST /login, $connections connections (3 s warm-up, then ${DURATION} s)"
    wrk -t1 -c"$connections" -d3s -s bench/sign_in.lua "http://$HOST:$PORT/login" -- "${LUA_ARGS[@]}" \
        >/dev/null
    wrk -t1 -c"$connections" -d"${DURATION}s" --latency -s bench/sign_in.lua "http://$HOST:$PORT/login" \
        -- "${LUA_ARGS[@]}" >"$WORK/wrk-sign-in-$connections.txt"
    REPORT_ARGS+=(--target "sign_in_c$connections" - "http://$HOST:$PORT/login" "$WORK/wrk-sign-in-$connections.txt")
done

# The worker's peak memory: with --workers 1 the server process serves every request itself.
peak_kb=0
for pid in $SERVER_PID $(pgrep -P "$SERVER_PID" || true); do
    kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    ((kb > peak_kb)) && peak_kb=$kb
done

echo "== argon2id on one core, the server's parameters"
HASHES=$("$PY" - <<'PYEOF'
import time

from portal_server.security.passwords import _HASHER

_HASHER.hash("warm-up password")
count, start = 0, time.perf_counter()
while time.perf_counter() - start < 5:
    _HASHER.hash("benchmark password 1")
    count += 1
elapsed = time.perf_counter() - start
print(f"{count / elapsed:.2f} {_HASHER.time_cost} {_HASHER.memory_cost} {_HASHER.parallelism}")
PYEOF
)
read -r HASHES_PER_S TIME_COST MEMORY_KIB PARALLELISM <<<"$HASHES"

"$PY" bench/wrk_report.py --out "$RESULTS/sign-in-latest.json" \
    "${REPORT_ARGS[@]}" \
    --meta "portal_logins=$LOGINS" --meta "database=postgresql" \
    --meta "duration_s=$DURATION" --meta "connections=${CONNECTIONS// /, }" --meta "portal_workers=1" \
    --meta "hash_threads=${PORTAL_HASH_THREADS:-2}" --meta "peak_rss_mb=$((peak_kb / 1024))" \
    --meta "argon2id_hashes_per_s_one_core=$HASHES_PER_S" \
    --meta "argon2id=t=$TIME_COST m=${MEMORY_KIB} KiB p=$PARALLELISM" \
    --meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
echo "argon2id (t=$TIME_COST, m=$((MEMORY_KIB / 1024)) MiB, p=$PARALLELISM): $HASHES_PER_S hashes/s on one core"
echo "server peak RSS: $((peak_kb / 1024)) MB"
