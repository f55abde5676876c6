"""The portal's WOFF2 icon fonts are the fonts the installed qtawesome draws the console with.

DESIGN.md §7: every icon code the console offers must draw the same in the portal. The portal
serves qtawesome's TTFs converted to WOFF2 (scripts/convert-icon-fonts.py); after a qtawesome
upgrade that changes a glyph these tests fail until the fonts are converted again.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from common.icons import ICON_FONTS, ICON_SETS, ICONS_DIR
from common.resources import RESOURCES_DIR

WEB_FONTS_DIR = RESOURCES_DIR / "static" / "fonts"


def qtawesome_fonts_dir() -> Path:
    """The fonts folder of the installed qtawesome package, found without importing Qt."""
    spec = importlib.util.find_spec("qtawesome")
    assert spec is not None and spec.submodule_search_locations, "qtawesome is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "fonts"


@cache
def fonts(prefix: str) -> tuple[TTFont, TTFont]:
    """The portal's WOFF2 and qtawesome's TTF of an icon set."""
    stem = ICON_FONTS[prefix]
    console = qtawesome_fonts_dir() / f"{stem}.ttf"
    assert console.is_file(), f"the installed qtawesome no longer ships {console.name}"
    web = TTFont(WEB_FONTS_DIR / f"{stem}.woff2")
    assert web.flavor == "woff2"
    return web, TTFont(console)


@pytest.mark.parametrize("prefix", sorted(ICON_FONTS))
def test_woff2_maps_every_codepoint_to_the_glyph_qtawesome_draws(prefix: str) -> None:
    web, console = fonts(prefix)
    web_cmap, console_cmap = web.getBestCmap(), console.getBestCmap()
    assert len(console_cmap) > 100
    missing = sorted(set(console_cmap) - set(web_cmap))
    extra = sorted(set(web_cmap) - set(console_cmap))
    changed = sorted(cp for cp in set(web_cmap) & set(console_cmap) if web_cmap[cp] != console_cmap[cp])
    assert not (missing or extra or changed), (
        f"{ICON_FONTS[prefix]}: missing {[hex(c) for c in missing[:10]]}, extra "
        f"{[hex(c) for c in extra[:10]]}, other glyph {[hex(c) for c in changed[:10]]}; "
        "run scripts/convert-icon-fonts.py"
    )
    assert web_cmap == console_cmap


@pytest.mark.parametrize("prefix", sorted(ICON_FONTS))
def test_woff2_glyphs_have_the_outlines_and_widths_qtawesome_draws(prefix: str) -> None:
    web, console = fonts(prefix)
    assert web.getGlyphOrder() == console.getGlyphOrder()
    web_glyphs, console_glyphs = web["glyf"], console["glyf"]
    for name in console.getGlyphOrder():
        web_glyph, console_glyph = web_glyphs[name], console_glyphs[name]
        web_points, web_ends, web_flags = web_glyph.getCoordinates(web_glyphs)
        points, ends, flags = console_glyph.getCoordinates(console_glyphs)
        assert list(web_points) == list(points), name
        assert web_ends == ends, name
        assert [flag & 1 for flag in web_flags] == [flag & 1 for flag in flags], name  # on-curve
        assert web["hmtx"][name][0] == console["hmtx"][name][0], name
    assert web["head"].unitsPerEm == console["head"].unitsPerEm


@pytest.mark.parametrize("prefix", sorted(ICON_FONTS))
def test_every_catalogued_icon_code_has_a_glyph_in_the_portal_font(prefix: str) -> None:
    web, _console = fonts(prefix)
    charmap = json.loads((ICONS_DIR / ICON_SETS[prefix][0]).read_text(encoding="utf-8"))
    cmap = web.getBestCmap()
    absent = sorted(name for name, codepoint in charmap.items() if int(codepoint, 16) not in cmap)
    assert not absent, absent[:10]
