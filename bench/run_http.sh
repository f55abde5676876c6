#!/usr/bin/env bash
# HTTP benchmarks of the portal server against bare-Sanic floors measured in the same run.
#
#   bash bench/run_http.sh              # 3 rounds of 5 s per target, about 2 minutes in all
#   DURATION=10 ROUNDS=5 bash bench/run_http.sh
#
# Starts bench/floor_app.py and `portal-server serve --workers 1` on free loopback ports over a
# throwaway SQLite database with the demo data, runs wrk against each target in rounds (1 s
# warm-up, then the measured run), prints req/s, p50, p99 and the ratios to each target's floor
# (median over the rounds), checks the goals, and writes the same to
# bench/results/http-latest.json. Both servers are stopped and the data removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
# With two cores or more, the servers run on CPU 0 and wrk on CPU 1, so the load generator never
# takes the servers' time and run-to-run noise drops; PIN=0 lets the scheduler place everything.
PIN=${PIN:-1}
HOST=127.0.0.1

# shellcheck source=bench/lib.sh
source bench/lib.sh
need_venv
need_wrk

SERVER_CPU=()
CLIENT_CPU=()
if ((PIN)) && (($(nproc) >= 2)) && command -v taskset >/dev/null 2>&1; then
    SERVER_CPU=(taskset -c 0)
    CLIENT_CPU=(taskset -c 1)
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-bench.XXXXXX")
PIDS=()

# Each server runs in a session of its own (setsid; see stop_server in bench/lib.sh), so a Ctrl-C
# here reaches the servers only through this cleanup.
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        stop_server "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
setsid "${SERVER_CPU[@]}" "$PY" bench/floor_app.py --host "$HOST" --port "$FLOOR_PORT" >"$WORK/floor.log" 2>&1 &
PIDS+=("$!")
wait_ready "http://$HOST:$FLOOR_PORT/json" "${PIDS[-1]}" "$WORK/floor.log"

PORTAL_PORT=$(free_port)
setsid "${SERVER_CPU[@]}" "$VENV/bin/portal-server" serve --host "$HOST" --port "$PORTAL_PORT" --workers 1 \
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

# A demo subscriber signs in through the form, as a browser would, for the signed-in page.
SUBSCRIBER=$("$PY" -c 'import json, sys
creds = json.load(open(sys.argv[1]))["_subscribers"]
email, login = next(iter(creds.items()))
print(email, login["password"])' "$PORTAL_DATA_DIR/demo-credentials.json")
# shellcheck disable=SC2086 # two words: the email and the password
SESSION="Cookie: $("$PY" bench/sign_in.py "http://$HOST:$PORTAL_PORT" $SUBSCRIBER)"

# name, floor it is read against ("-" for a floor), URL, request header
NAMES=(floor_json healthz profiles_list profile_get floor_page login_branded home_signed_in)
FLOORS=(- floor_json floor_json floor_json - floor_page floor_page)
URLS=(
    "http://$HOST:$FLOOR_PORT/json"
    "http://$HOST:$PORTAL_PORT/healthz"
    "http://$HOST:$PORTAL_PORT/api/v1/admin/profiles"
    "http://$HOST:$PORTAL_PORT/api/v1/admin/profiles/1"
    "http://$HOST:$FLOOR_PORT/page"
    "http://$HOST:$PORTAL_PORT/login?loginProfile=Retail%20East"
    "http://$HOST:$PORTAL_PORT/"
)
HEADERS=("" "" "$AUTH" "$AUTH" "" "" "$SESSION")
GOALS=(--goal login_branded rps 0.7 --goal home_signed_in rps 0.4 --goal home_signed_in p99 3)

# Every target must answer 200 before it is measured.
for i in "${!NAMES[@]}"; do
    headers=()
    [[ -n ${HEADERS[i]} ]] && headers=(-H "${HEADERS[i]}")
    status=$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "${URLS[i]}")
    if [[ $status != 200 ]]; then
        echo "error: ${NAMES[i]} (${URLS[i]}) answered $status, not 200" >&2
        exit 1
    fi
done

REPORT_ARGS=()
for round in $(seq "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do
        headers=()
        [[ -n ${HEADERS[i]} ]] && headers=(-H "${HEADERS[i]}")
        out="$WORK/wrk-${NAMES[i]}-$round.txt"
        echo "== round $round/$ROUNDS, wrk ${NAMES[i]}: ${URLS[i]} (1 s warm-up, then ${DURATION} s)"
        "${CLIENT_CPU[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "${headers[@]}" "${URLS[i]}" >/dev/null
        "${CLIENT_CPU[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${headers[@]}" \
            "${URLS[i]}" >"$out"
        REPORT_ARGS+=(--target "${NAMES[i]}" "${FLOORS[i]}" "${URLS[i]}" "$out")
    done
done

echo
"$PY" bench/wrk_report.py --out "$RESULTS/http-latest.json" "${REPORT_ARGS[@]}" "${GOALS[@]}" \
    --meta "duration_s=$DURATION" --meta "rounds=$ROUNDS" --meta "threads=$THREADS" \
    --meta "connections=$CONNECTIONS" --meta "pinned=${SERVER_CPU[*]:-no} / ${CLIENT_CPU[*]:-no}" \
    --meta "portal_workers=1" --meta "database=sqlite (temporary file)" \
    --meta "wrk=$(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2 || true)" \
    --meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
