"""Read wrk outputs, print them as a table of ratios to the floor, and write the same as JSON.

    python bench/wrk_report.py --out bench/results/http-latest.json \\
        --target floor http://127.0.0.1:8100/json wrk-floor.txt \\
        --target healthz http://127.0.0.1:8200/healthz wrk-healthz.txt ...

The first target is the floor. Exits 1 when a run got answers other than 2xx/3xx or served no
request at all, since its figures would then describe an error path, not the route.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_LATENCY = re.compile(r"^\s+Latency\s+([\d.]+)(us|ms|s|m)\s", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def _ms(amount: str, unit: str) -> float:
    return round(float(amount) * _UNIT_MS[unit], 3)


def parse_wrk(output: str) -> dict[str, Any]:
    """Return requests/sec, request count, latency (ms) and error counts from wrk's text."""
    rps = _RPS.search(output)
    total = _TOTAL.search(output)
    if rps is None or total is None:
        raise ValueError("not a wrk report: no 'Requests/sec' or 'requests in' line")
    percentiles = {f"p{p}": _ms(n, u) for p, n, u in _PERCENTILE.findall(output)}
    if "p50" not in percentiles or "p99" not in percentiles:
        raise ValueError("no latency distribution: run wrk with --latency")
    mean = _LATENCY.search(output)
    socket = _SOCKET.search(output)
    non_2xx = _NON_2XX.search(output)
    connect, read, write, timeout = (int(n) for n in socket.groups()) if socket else (0,) * 4
    return {
        "requests_per_sec": float(rps.group(1)),
        "requests": int(total.group(1)),
        "seconds": round(_ms(total.group(2), total.group(3)) / 1000.0, 2),
        "latency_ms": {"mean": _ms(*mean.groups()) if mean else None, **percentiles},
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": {"connect": connect, "read": read, "write": write, "timeout": timeout},
    }


def _ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 3) if floor else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version_of(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def build_report(targets: list[list[str]], meta: dict[str, str]) -> dict[str, Any]:
    """Parse every target's wrk output and add the ratios to the first (the floor)."""
    results = []
    for name, url, path in targets:
        parsed = parse_wrk(Path(path).read_text(encoding="utf-8"))
        results.append({"name": name, "url": url, **parsed})
    floor = results[0]
    for result in results:
        result["vs_floor"] = {
            "requests_per_sec": _ratio(result["requests_per_sec"], floor["requests_per_sec"]),
            "p50": _ratio(result["latency_ms"]["p50"], floor["latency_ms"]["p50"]),
            "p99": _ratio(result["latency_ms"]["p99"], floor["latency_ms"]["p99"]),
        }
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": _cpu_model(),
            "python": platform.python_version(),
            "sanic": _version_of("sanic"),
            "sanic_ext": _version_of("sanic-ext"),
            "tortoise_orm": _version_of("tortoise-orm"),
        },
        "settings": meta,
        "floor": floor["name"],
        "results": results,
    }


def format_table(report: dict[str, Any]) -> str:
    """Return the report as a fixed-width table."""
    head = (
        f"{'target':<16} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'req/s÷floor':>12} {'p50×floor':>10} {'p99×floor':>10} {'errors':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in report["results"]:
        errors = r["non_2xx_3xx"] + sum(r["socket_errors"].values())
        ratio = r["vs_floor"]
        lines.append(
            f"{r['name']:<16} {r['requests_per_sec']:>10.0f} {r['latency_ms']['p50']:>8.2f} "
            f"{r['latency_ms']['p99']:>8.2f} {ratio['requests_per_sec']:>12.3f} "
            f"{ratio['p50']:>10.2f} {ratio['p99']:>10.2f} {errors:>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table, write the JSON report, and say whether every run was clean."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON report")
    parser.add_argument(
        "--target",
        nargs=3,
        action="append",
        required=True,
        metavar=("NAME", "URL", "WRK_OUTPUT"),
        help="one wrk run; the first one given is the floor",
    )
    parser.add_argument(
        "--meta", action="append", default=[], metavar="KEY=VALUE", help="run settings to record"
    )
    args = parser.parse_args(argv)
    meta = dict(item.split("=", 1) for item in args.meta)
    report = build_report(args.target, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(format_table(report))
    print(f"\nwritten to {args.out}")
    bad = [r["name"] for r in report["results"] if r["non_2xx_3xx"] or not r["requests"]]
    if bad:
        print(f"error: non-2xx/3xx answers or no requests from: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
