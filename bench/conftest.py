"""After the micro-benchmarks, print and save each median as a ratio to the floor's median.

pytest-benchmark's own table puts ratios to the fastest benchmark in parentheses; the fastest
need not be the floor, so this summary divides by the floor (``test_floor_json_loads``)
explicitly and writes the figures to bench/results/profile-latest.json.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

FLOOR = "test_floor_json_loads"
RESULTS = Path(__file__).resolve().parent / "results" / "profile-latest.json"
_MEDIANS = pytest.StashKey[dict[str, dict[str, float]]]()


@pytest.fixture(autouse=True)
def _record_median(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    fixture = request.node.funcargs.get("benchmark")
    stats = getattr(getattr(fixture, "stats", None), "stats", None)
    if stats is not None and stats.rounds:
        request.config.stash.setdefault(_MEDIANS, {})[request.node.name] = {
            "median_us": stats.median * 1e6,
            "min_us": stats.min * 1e6,
            "rounds": stats.rounds,
        }


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the medians with their ratio to the floor, and write them as JSON."""
    medians = config.stash.get(_MEDIANS, {})
    if FLOOR not in medians:
        return
    floor = medians[FLOOR]["median_us"]
    rows = sorted(medians.items(), key=lambda item: item[1]["median_us"])
    terminalreporter.section("ratios to the floor (json.loads of the same document)")
    terminalreporter.write_line(f"{'benchmark':<26} {'median µs':>10} {'× floor':>8}")
    results = []
    for name, figures in rows:
        ratio = figures["median_us"] / floor
        terminalreporter.write_line(f"{name:<26} {figures['median_us']:>10.1f} {ratio:>8.2f}")
        results.append(
            {
                "name": name,
                "median_us": round(figures["median_us"], 2),
                "min_us": round(figures["min_us"], 2),
                "rounds": figures["rounds"],
                "median_vs_floor": round(ratio, 3),
            }
        )
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "floor": FLOOR,
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    terminalreporter.write_line(f"written to {RESULTS}")
