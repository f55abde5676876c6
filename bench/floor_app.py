"""The floors for the HTTP benchmarks: bare Sanic, no sanic-ext, no database.

    python bench/floor_app.py --port 8100

Serves, in one process and without access logs, as ``portal-server serve --workers 1`` does:

- ``GET /json``: a small JSON object, the most the framework gives on this machine;
- ``GET /page``: ``floor_page.html`` rendered by Jinja2 on every request (compiled once, no
  template stat, autoescaped) into a page of about 5 KB, the floor for portal pages.

Every portal figure reads as a ratio to one of them.
"""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic
from sanic.response import HTTPResponse, html, json

app = Sanic("bench_floor")
# Sanic loads sanic-ext by itself whenever it is installed, as it is in this venv; the floor
# must run without it.
app.config.AUTO_EXTEND = False
app.config.ACCESS_LOG = False


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(default=True),
    auto_reload=False,
)
_PAGE = _TEMPLATES.get_template("floor_page.html")
_MENU = [
    {"url": f"/section-{n}", "label": label, "current": n == 0}
    for n, label in enumerate(["Summary", "Bills", "Payments", "Usage", "Services", "Profile", "Help"])
]
_ROWS = [
    {
        "title": f"Service {n}",
        "text": (
            f"Fibre 500 at 14 Main Street, line {n}: 500 Mbps down, 50 Mbps up, no data cap. "
            "Your next bill includes the router rental and the static address you added."
        ),
        "url": f"/services/{n}",
        "action": "See details",
    }
    for n in range(1, 12)
]


@app.get("/page")
async def page(request: Request) -> HTTPResponse:
    """Render a 5 KB page from a compiled Jinja2 template with a fresh token, as forms need."""
    body = _PAGE.render(
        title="Account summary",
        brand="Floor Broadband",
        menu=_MENU,
        user={"name": "Jordan Lee", "account": "100001"},
        balance="$84.20",
        due="Dec 13, 2026",
        rows=_ROWS,
        csrf=secrets.token_hex(32),
        footer="© 2026 Floor Broadband. All rights reserved.",
    )
    return html(body)


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
