"""Micro-benchmarks of the profile schema, read as ratios to json.loads of the same document.

    .venv/bin/pytest bench -p no:cacheprovider --benchmark-only

Every benchmark is in one group, so pytest-benchmark's table shows each figure with its ratio
to the fastest in parentheses; the fastest is the floor, ``json.loads`` of the document text.
Nothing here asserts a time: the assertions only check that each call did its work.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.profile import ProfileContent
from common.profile_diff import diff
from common.resources import RESOURCES_DIR
from common.validation import parse

pytestmark = pytest.mark.benchmark(group="profile")


def _demo(name: str) -> dict[str, Any]:
    entries = json.loads((RESOURCES_DIR / "demo" / "profiles.json").read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["name"] == name)
    return {"name": entry["name"], "description": entry["description"], **entry["content"]}


def _full(document: dict[str, Any]) -> dict[str, Any]:
    """Return the document with every field present, as the admin API and the console send it."""
    return parse(ProfileContent, document).model_dump(mode="json")


@pytest.fixture(scope="module")
def full_document() -> dict[str, Any]:
    """Retail East with every field filled in, plus a login logo and a chat widget."""
    document = _demo("Retail East")
    document["logos"] = {
        "login": {
            "sha256": "ab" * 32,
            "content_type": "image/png",
            "width": 250,
            "height": 64,
            "size": 18_432,
        }
    }
    document["chat"] = {"provider": "teamsupport", "widget_id": "eastern-care-widget"}
    return _full(document)


@pytest.fixture(scope="module")
def other_document() -> dict[str, Any]:
    """Business West with every field filled in: differs from Retail East in many fields."""
    return _full(_demo("Business West"))


def test_floor_json_loads(benchmark: Any, full_document: dict[str, Any]) -> None:
    """The floor: decode the same document from JSON text into dicts and lists."""
    text = json.dumps(full_document)
    result = benchmark(json.loads, text)
    assert result == full_document


def test_parse_profile(benchmark: Any, full_document: dict[str, Any]) -> None:
    """Validate a full document into ProfileContent, as every profile write does."""
    result = benchmark(parse, ProfileContent, full_document)
    assert result.model_dump(mode="json") == full_document


def test_model_dump_json(benchmark: Any, full_document: dict[str, Any]) -> None:
    """Turn a validated profile back into JSON-ready dicts, as every profile read does."""
    content = parse(ProfileContent, full_document)
    result = benchmark(content.model_dump, mode="json")
    assert result == full_document


def test_profile_diff(benchmark: Any, full_document: dict[str, Any], other_document: dict[str, Any]) -> None:
    """Field-by-field differences between two full profiles, as the version history shows."""
    result = benchmark(diff, full_document, other_document)
    assert len(result) > 10
