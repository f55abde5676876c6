"""The Font Awesome icons both the console (qtawesome) and the portal (web font) can draw.

The catalogue is read from the charmaps that ship beside the web fonts in `resources/`, the
very files qtawesome draws from, so every code offered draws the same on both sides.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from common.resources import RESOURCES_DIR

ICONS_DIR: Path = RESOURCES_DIR / "icons"

# prefix -> (charmap file, CSS font family style)
ICON_SETS: dict[str, tuple[str, str]] = {
    "fa6s": ("fontawesome6-solid-webfont-charmap-6.7.2.json", "solid"),
    "fa6": ("fontawesome6-regular-webfont-charmap-6.7.2.json", "regular"),
    "fa6b": ("fontawesome6-brands-webfont-charmap-6.7.2.json", "brands"),
}

# prefix -> the font file (without extension) qtawesome draws the set with; the portal serves
# the same font converted to WOFF2 under the same name (scripts/convert-icon-fonts.py).
ICON_FONTS: dict[str, str] = {
    "fa6s": "fontawesome6-solid-webfont-6.7.2",
    "fa6": "fontawesome6-regular-webfont-6.7.2",
    "fa6b": "fontawesome6-brands-webfont-6.7.2",
}

_CSS_STYLE_PREFIX = {
    "fa-solid": "fa6s",
    "fas": "fa6s",
    "fa-regular": "fa6",
    "far": "fa6",
    "fa-brands": "fa6b",
    "fab": "fa6b",
}
_ICON_CODE = re.compile(r"^(fa6s|fa6|fa6b)\.([a-z0-9-]+)$")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Return every drawable icon code (``fa6s.house``) mapped to its hex code point."""
    icons: dict[str, str] = {}
    for prefix, (filename, _style) in ICON_SETS.items():
        charmap = json.loads((ICONS_DIR / filename).read_text(encoding="utf-8"))
        for name, codepoint in charmap.items():
            icons[f"{prefix}.{name}"] = codepoint
    return icons


def normalize_icon_code(text: str) -> str:
    """Turn a typed icon code into its canonical ``fa6s.name`` form.

    Accepts ``fa6s.dollar-sign``, ``fa-solid fa-dollar-sign``, ``fas fa-dollar-sign`` and the
    bare ``fa-dollar-sign`` (solid). Raises ValueError naming the reason when it cannot draw it.
    """
    code = " ".join(text.strip().lower().split())
    if not code:
        raise ValueError("an icon code is required")
    match = _ICON_CODE.match(code)
    if match:
        candidate = code
    else:
        parts = code.split(" ")
        prefix = "fa6s"
        names = []
        for part in parts:
            if part in _CSS_STYLE_PREFIX:
                prefix = _CSS_STYLE_PREFIX[part]
            elif part.startswith("fa-"):
                names.append(part[3:])
            else:
                names.append(part)
        if len(names) != 1:
            raise ValueError(f"'{text}' is not a Font Awesome icon code such as fa-solid fa-house")
        candidate = f"{prefix}.{names[0]}"
    if candidate not in catalogue():
        raise ValueError(f"'{text}' is not an icon the portal can draw")
    return candidate


def css_classes(code: str) -> str:
    """Return the CSS classes the portal uses to draw an icon code."""
    prefix, name = code.split(".", 1)
    style = ICON_SETS[prefix][1]
    return f"fa-{style} fa-{name}"


# A short list for the Icon drop-down; the full catalogue is behind "Choose other icon".
COMMON_ICONS: tuple[str, ...] = (
    "fa6s.house",
    "fa6s.user",
    "fa6s.file-invoice-dollar",
    "fa6s.file-invoice",
    "fa6s.credit-card",
    "fa6s.wallet",
    "fa6s.dollar-sign",
    "fa6s.chart-line",
    "fa6s.chart-column",
    "fa6s.signal",
    "fa6s.wifi",
    "fa6s.mobile-screen",
    "fa6s.phone",
    "fa6s.tv",
    "fa6s.box-open",
    "fa6s.list",
    "fa6s.headset",
    "fa6s.circle-question",
    "fa6s.life-ring",
    "fa6s.gear",
    "fa6s.address-book",
    "fa6s.envelope",
    "fa6s.bell",
    "fa6s.lock",
    "fa6s.building",
    "fa6s.sitemap",
    "fa6s.clock-rotate-left",
    "fa6s.receipt",
    "fa6s.money-bill-wave",
    "fa6s.bolt",
)
