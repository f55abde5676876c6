# What the benchmark scripts share; sourced by bench/run_*.sh after they cd to the repository root.
#
# Reads VENV (default .venv) and sets PY and RESULTS.

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
RESULTS="$PWD/bench/results"

# need_venv: stop unless `make venv` has set up the environment.
need_venv() {
    if [[ ! -x $PY || ! -x $VENV/bin/portal-server ]]; then
        echo "error: $VENV is not set up; run 'make venv' first" >&2
        exit 1
    fi
}

# need_wrk: install wrk and curl from Debian when missing.
need_wrk() {
    if ! command -v wrk >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
        bash scripts/ensure-system-packages.sh wrk curl
    fi
}

# free_port: print a TCP port on 127.0.0.1 that is free now.
free_port() {
    "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# pg_sql URL STATEMENT: run one statement on PostgreSQL; print the first column of each row.
pg_sql() {
    "$PY" - "$1" "$2" <<'PYEOF'
import asyncio
import sys

import asyncpg


async def main(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        if statement.lstrip().upper().startswith("SELECT"):
            for row in await connection.fetch(statement):
                print(row[0])
        else:
            await connection.execute(statement)
    finally:
        await connection.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
PYEOF
}

# stop_server PID: stop a server started with setsid (its process group is its pid), at once if
# it does not stop within 10 s. Sanic's worker manager answers a second signal by SIGKILLing its
# whole process group, which must not be the calling script's: hence setsid and one TERM.
stop_server() {
    local pid=$1
    kill -TERM "$pid" 2>/dev/null || true
    for _ in {1..100}; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
