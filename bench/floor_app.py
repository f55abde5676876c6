"""The floor for the HTTP benchmarks: bare Sanic, no sanic-ext, no database.

    python bench/floor_app.py --port 8100

Serves GET /json with a small JSON object, in one process, without access logs, as
``portal-server serve --workers 1`` does, so its figures are the most the framework gives on
this machine and every portal figure reads as a ratio to them.
"""

from __future__ import annotations

import argparse

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

app = Sanic("bench_floor")
# Sanic loads sanic-ext by itself whenever it is installed, as it is in this venv; the floor
# must run without it.
app.config.AUTO_EXTEND = False
app.config.ACCESS_LOG = False


@app.get("/json")
async def small_json(request: Request) -> HTTPResponse:
    """Return a small constant JSON object."""
    return json({"status": "ok", "service": "floor", "items": [1, 2, 3]})


def main(argv: list[str] | None = None) -> None:
    """Serve the floor app until interrupted."""
    parser = argparse.ArgumentParser(description="bare Sanic JSON app, the benchmark floor")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args(argv)
    app.run(
        host=args.host,
        port=args.port,
        single_process=True,
        access_log=False,
        motd=False,
        debug=False,
    )


if __name__ == "__main__":
    main()
