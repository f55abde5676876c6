#!/usr/bin/env bash
# HTTP benchmarks of the portal server against a bare-Sanic floor measured in the same run.
#
#   bash bench/run_http.sh              # 5 s per target, about 40 s in all
#   DURATION=10 bash bench/run_http.sh
#
# Starts bench/floor_app.py and `portal-server serve --workers 1` on free loopback ports over a
# throwaway SQLite database with the demo data, runs wrk against each target (1 s warm-up, then
# the measured run), prints req/s, p50, p99 and the ratios to the floor, and writes the same to
# bench/results/http-latest.json. Both servers are stopped and the data removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
HOST=127.0.0.1
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
RESULTS="$ROOT/bench/results"

if [[ ! -x $PY || ! -x $VENV/bin/portal-server ]]; then
    echo "error: $VENV is not set up; run 'make venv' first" >&2
    exit 1
fi
if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    bash scripts/ensure-system-packages.sh wrk curl
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-bench.XXXXXX")
PIDS=()

# Each server runs in a session of its own (setsid), so its process group is its pid: Sanic's
# worker manager answers a second shutdown signal by SIGKILLing its whole process group, which
# must not be this script's, and a Ctrl-C here reaches the servers only through this cleanup.
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in {1..100}; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_ready URL PID LOG: poll until URL answers 200, the server dies, or 30 s pass.
wait_ready() {
    local url=$1 pid=$2 log=$3
    for _ in {1..300}; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: the server for $url exited; its log:" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        if curl -sf -o /dev/null --max-time 1 "$url"; then
            return 0
        fi
        sleep 0.1
    done
    echo "error: $url did not answer within 30 s; log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

export PORTAL_DATA_DIR="$WORK/data"
export DATABASE_URL="sqlite://$WORK/data/portal.db"
export PORTAL_ACCESS_LOG=""
unset PORTAL_SECRET_KEY SMTP_URL PORTAL_TRUST_PROXY

echo "== data: migrate and load demo data in $PORTAL_DATA_DIR"
"$VENV/bin/portal-server" migrate >"$WORK/migrate.log" 2>&1
"$VENV/bin/portal-server" demo-data >"$WORK/demo-data.log" 2>&1

FLOOR_PORT=$(free_port)
setsid "$PY" bench/floor_app.py --host "$HOST" --port "$FLOOR_PORT" >"$WORK/floor.log" 2>&1 &
PIDS+=("$!")
wait_ready "http://$HOST:$FLOOR_PORT/json" "${PIDS[-1]}" "$WORK/floor.log"

PORTAL_PORT=$(free_port)
setsid "$VENV/bin/portal-server" serve --host "$HOST" --port "$PORTAL_PORT" --workers 1 \
    >"$WORK/portal.log" 2>&1 &
PIDS+=("$!")
wait_ready "http://$HOST:$PORTAL_PORT/healthz" "${PIDS[-1]}" "$WORK/portal.log"
echo "== servers: floor on :$FLOOR_PORT, portal on :$PORTAL_PORT (1 worker)"

LOGIN=$("$PY" -c 'import json, sys
creds = json.load(open(sys.argv[1]))
print(json.dumps({"username": "admin", "password": creds["admin"]["password"]}))' \
    "$PORTAL_DATA_DIR/demo-credentials.json")
TOKEN=$(curl -sf -X POST "http://$HOST:$PORTAL_PORT/api/v1/admin/auth/token" \
    -H 'content-type: application/json' -d "$LOGIN" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
AUTH="Authorization: Bearer $TOKEN"

NAMES=(floor_json healthz profiles_list profile_get)
URLS=(
    "http://$HOST:$FLOOR_PORT/json"
    "http://$HOST:$PORTAL_PORT/healthz"
    "http://$HOST:$PORTAL_PORT/api/v1/admin/profiles"
    "http://$HOST:$PORTAL_PORT/api/v1/admin/profiles/1"
)
NEEDS_AUTH=(0 0 1 1)

# Every target must answer 200 before it is measured.
for i in "${!NAMES[@]}"; do
    headers=()
    ((NEEDS_AUTH[i])) && headers=(-H "$AUTH")
    status=$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "${URLS[i]}")
    if [[ $status != 200 ]]; then
        echo "error: ${NAMES[i]} (${URLS[i]}) answered $status, not 200" >&2
        exit 1
    fi
done

REPORT_ARGS=()
for i in "${!NAMES[@]}"; do
    headers=()
    ((NEEDS_AUTH[i])) && headers=(-H "$AUTH")
    echo "== wrk ${NAMES[i]}: ${URLS[i]} (1 s warm-up, then ${DURATION} s)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "${headers[@]}" "${URLS[i]}" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${headers[@]}" "${URLS[i]}" \
        >"$WORK/wrk-${NAMES[i]}.txt"
    REPORT_ARGS+=(--target "${NAMES[i]}" "${URLS[i]}" "$WORK/wrk-${NAMES[i]}.txt")
done

echo
"$PY" bench/wrk_report.py --out "$RESULTS/http-latest.json" "${REPORT_ARGS[@]}" \
    --meta "duration_s=$DURATION" --meta "threads=$THREADS" --meta "connections=$CONNECTIONS" \
    --meta "portal_workers=1" --meta "database=sqlite (temporary file)" \
    --meta "wrk=$(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2 || true)" \
    --meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
