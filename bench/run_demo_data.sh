#!/usr/bin/env bash
# Time `portal-server demo-data --subscribers N` and report the database size it leaves.
#
#   bash bench/run_demo_data.sh                                  # 1,000,000 accounts on SQLite
#   SUBSCRIBERS=100000 bash bench/run_demo_data.sh
#   PG_URL=postgres://postgres@127.0.0.1:55432/postgres bash bench/run_demo_data.sh
#
# Works in a throwaway data directory (and, with PG_URL, a throwaway database on that server):
# migrate, the base demo, then the timed bulk run. Prints the time, the rate, the database size
# and the load average before and after (the machine may be shared), writes the same to
# bench/results/demo-data-latest.json, and removes what it made on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# shellcheck source=bench/lib.sh
source bench/lib.sh
need_venv

SUBSCRIBERS=${SUBSCRIBERS:-1000000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-demo-bench.XXXXXX")
PG_DB=""

cleanup() {
    if [[ -n $PG_DB ]]; then
        pg_sql "$PG_URL" "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n ${PG_URL:-} ]]; then
    PG_DB="portal_demo_bench_$$"
    pg_sql "$PG_URL" "CREATE DATABASE \"$PG_DB\""
    DATABASE_URL="${PG_URL%/*}/$PG_DB"
else
    DATABASE_URL="sqlite://$WORK/portal.db"
fi
export DATABASE_URL PORTAL_DATA_DIR="$WORK"

"$VENV/bin/portal-server" migrate >/dev/null
"$VENV/bin/portal-server" demo-data >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s.%N)
"$VENV/bin/portal-server" demo-data --subscribers "$SUBSCRIBERS" >"$WORK/out.txt"
end=$(date +%s.%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$RESULTS"
"$PY" - "$DATABASE_URL" "$WORK" "$SUBSCRIBERS" "$start" "$end" "$load_before" "$load_after" \
    "$RESULTS/demo-data-latest.json" <<'PYEOF'
import asyncio, json, sys
from pathlib import Path

url, work, count, start, end, before, after, out = sys.argv[1:]
seconds = float(end) - float(start)

async def database_bytes() -> int:
    if url.startswith("sqlite://"):
        base = Path(url.removeprefix("sqlite://"))
        return sum(p.stat().st_size for p in (base, Path(f"{base}-wal")) if p.exists())
    import asyncpg
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return await connection.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await connection.close()

size = asyncio.run(database_bytes())
result = {
    "database": url.split("://", 1)[0],
    "subscribers": int(count),
    "seconds": round(seconds, 1),
    "accounts_per_second": round(int(count) / seconds),
    "database_bytes": size,
    "load_average_before": before,
    "load_average_after": after,
}
Path(out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
print(
    f"{result['database']}: {int(count):,} accounts with logins in {seconds:.1f} s "
    f"({result['accounts_per_second']:,}/s), database {size / 1e6:,.0f} MB; "
    f"load average {before} before, {after} after"
)
PYEOF
