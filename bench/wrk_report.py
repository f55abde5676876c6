"""Read wrk outputs, print them as ratios to their floors, check the goals, and write the same as JSON.

    python bench/wrk_report.py --out bench/results/http-latest.json \\
        --target floor_page - http://127.0.0.1:8100/page wrk-floor_page-1.txt \\
        --target login_branded floor_page http://127.0.0.1:8200/login?... wrk-login-1.txt \\
        --goal login_branded rps 0.7 ...

Each ``--target NAME FLOOR URL WRK_OUTPUT`` is one wrk run; FLOOR names the floor target it is read
against (``-`` for a floor itself). A target given several times is several rounds: round *n* of a
target is divided by round *n* of its floor, so each ratio compares runs made side by side, and
the report gives the median over the rounds. ``--goal NAME rps MIN`` wants the req/s ratio at
least MIN, ``--goal NAME p99 MAX`` the p99 ratio at most MAX.

Exits 1 when a run got answers other than 2xx/3xx or served no request at all, since its figures
would then describe an error path, not the route. A missed goal is reported, not an error: the
figures are what they are on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
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


def _ratio(value: float, floor: float) -> float:
    # A floor run that served nothing fails the report anyway (see main); infinity keeps it visible.
    return value / floor if floor else float("inf")


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


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _summary(name: str, url: str, floor: str | None, runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "url": url,
        "floor": floor,
        "rounds": len(runs),
        "requests_per_sec": _median([r["requests_per_sec"] for r in runs]),
        "latency_ms": {
            key: _median([r["latency_ms"][key] for r in runs])
            for key in ("p50", "p75", "p90", "p99")
            if all(key in r["latency_ms"] for r in runs)
        },
        "requests": sum(r["requests"] for r in runs),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in runs),
        "socket_errors": {
            key: sum(r["socket_errors"][key] for r in runs) for key in ("connect", "read", "write", "timeout")
        },
        "runs": runs,
    }


def build_report(targets: list[list[str]], goals: list[list[str]], meta: dict[str, str]) -> dict[str, Any]:
    """Parse every run, take medians over rounds, add the ratios to each floor and check the goals."""
    runs: dict[str, list[dict[str, Any]]] = {}
    floors: dict[str, str | None] = {}
    urls: dict[str, str] = {}
    for name, floor, url, path in targets:
        runs.setdefault(name, []).append(parse_wrk(Path(path).read_text(encoding="utf-8")))
        floors[name] = None if floor == "-" else floor
        urls[name] = url
    results = {name: _summary(name, urls[name], floors[name], found) for name, found in runs.items()}
    for name, result in results.items():
        floor = floors[name]
        if floor is None:
            continue
        if floor not in runs or len(runs[floor]) != len(runs[name]):
            raise ValueError(f"{name}: its floor {floor} needs as many rounds as it has")
        pairs = list(zip(runs[name], runs[floor], strict=True))
        result["vs_floor"] = {
            "requests_per_sec": _median(
                [_ratio(r["requests_per_sec"], f["requests_per_sec"]) for r, f in pairs]
            ),
            "p50": _median([_ratio(r["latency_ms"]["p50"], f["latency_ms"]["p50"]) for r, f in pairs]),
            "p99": _median([_ratio(r["latency_ms"]["p99"], f["latency_ms"]["p99"]) for r, f in pairs]),
        }
    checked = []
    for name, metric, bound in goals:
        ratio = results[name].get("vs_floor", {})
        if metric == "rps":
            value, wanted = ratio.get("requests_per_sec"), f">= {bound}"
            met = value is not None and value >= float(bound)
        elif metric == "p99":
            value, wanted = ratio.get("p99"), f"<= {bound}"
            met = value is not None and value <= float(bound)
        else:
            raise ValueError(f"unknown goal metric {metric!r}: use rps or p99")
        checked.append({"target": name, "metric": metric, "wanted": wanted, "value": value, "met": met})
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
        "results": list(results.values()),
        "goals": checked,
    }


def format_table(report: dict[str, Any]) -> str:
    """Return the report as a fixed-width table, then the goals."""
    head = (
        f"{'target':<16} {'floor':<12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'req/s÷floor':>12} {'p50×floor':>10} {'p99×floor':>10} {'errors':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in report["results"]:
        errors = r["non_2xx_3xx"] + sum(r["socket_errors"].values())
        ratio = r.get("vs_floor")
        ratios = (
            f"{ratio['requests_per_sec']:>12.3f} {ratio['p50']:>10.2f} {ratio['p99']:>10.2f}"
            if ratio
            else f"{'-':>12} {'-':>10} {'-':>10}"
        )
        lines.append(
            f"{r['name']:<16} {r['floor'] or '-':<12} {r['requests_per_sec']:>9.1f} "
            f"{r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} {ratios} {errors:>7}"
        )
    if report["goals"]:
        lines.append("")
        for goal in report["goals"]:
            verdict = "met" if goal["met"] else "MISSED"
            lines.append(
                f"goal {goal['target']} {goal['metric']} ratio {goal['wanted']}: {goal['value']} — {verdict}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table, write the JSON report, and say whether every run was clean."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON report")
    parser.add_argument(
        "--target",
        nargs=4,
        action="append",
        required=True,
        metavar=("NAME", "FLOOR", "URL", "WRK_OUTPUT"),
        help="one wrk run (one round) and the floor it is read against, '-' for a floor",
    )
    parser.add_argument(
        "--goal",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "METRIC", "BOUND"),
        help="rps MIN: req/s ratio at least MIN; p99 MAX: p99 ratio at most MAX",
    )
    parser.add_argument(
        "--meta", action="append", default=[], metavar="KEY=VALUE", help="run settings to record"
    )
    args = parser.parse_args(argv)
    meta = dict(item.split("=", 1) for item in args.meta)
    report = build_report(args.target, args.goal, meta)
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
