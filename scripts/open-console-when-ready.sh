#!/usr/bin/env bash
# Wait until the portal server answers, then open the care console connected to it.
set -euo pipefail
url="$1"
for _ in $(seq 1 60); do
  if curl -sf "$url/healthz" >/dev/null 2>&1; then
    exec .venv/bin/portal-console --server "$url"
  fi
  sleep 0.5
done
echo "open-console: the server at $url did not answer; start the console with .venv/bin/portal-console" >&2
