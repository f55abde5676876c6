#!/usr/bin/env python3
"""Convert the Font Awesome fonts qtawesome ships to WOFF2 under resources/static/fonts.

The portal must draw every icon code the console offers exactly as the console does, so its web
fonts are qtawesome's own TTF files, only repackaged: WOFF2 is the same glyphs, Brotli-compressed
(about a third of the TTF's size). Run it again after upgrading qtawesome and commit the result;
tests/common/test_icon_fonts.py fails until the committed files match the installed package.

    .venv/bin/python scripts/convert-icon-fonts.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.icons import ICON_FONTS  # noqa: E402  (the checkout's own list, not an installed copy)
from common.resources import RESOURCES_DIR  # noqa: E402

FONTS_DIR = RESOURCES_DIR / "static" / "fonts"


def qtawesome_fonts_dir() -> Path:
    """Return the folder of font files inside the installed qtawesome package (without importing Qt)."""
    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("qtawesome is not installed in this Python; run `make venv` first.")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


def convert(source: Path, target: Path) -> None:
    """Write one TTF as WOFF2, keeping every table and the font's own timestamps."""
    # recalcTimestamp=False: the same TTF gives the same WOFF2, so a re-run changes no bytes.
    font = TTFont(source, recalcTimestamp=False)
    font.flavor = "woff2"
    font.save(target)


def main() -> int:
    """Convert every icon font the portal serves."""
    source_dir = qtawesome_fonts_dir()
    FONTS_DIR.mkdir(parents=True, exist_ok=True)
    for stem in ICON_FONTS.values():
        source = source_dir / f"{stem}.ttf"
        if not source.is_file():
            raise SystemExit(
                f"{source} is missing: this qtawesome no longer ships {stem}; "
                "update ICON_FONTS and the charmaps in common/icons.py first."
            )
        target = FONTS_DIR / f"{stem}.woff2"
        convert(source, target)
        print(f"{target.relative_to(ROOT)}: {source.stat().st_size:,} → {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
