"""Theme colours, their CSS variables and WCAG contrast ratios."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WCAG_AA_NORMAL = 4.5


class ThemeName(StrEnum):
    """The colour themes a profile can choose for buttons, tabs and labels."""

    BLUE = "blue"
    GRAY = "gray"


@dataclass(frozen=True)
class Palette:
    """The colours one theme paints with."""

    primary: str
    primary_text: str
    top_bar: str
    top_bar_text: str
    accent: str
    surface: str
    text: str


PALETTES: dict[ThemeName, Palette] = {
    ThemeName.BLUE: Palette(
        primary="#0b5cad",
        primary_text="#ffffff",
        top_bar="#0a3d73",
        top_bar_text="#ffffff",
        accent="#e8f1fb",
        surface="#ffffff",
        text="#1d2733",
    ),
    ThemeName.GRAY: Palette(
        primary="#4a5560",
        primary_text="#ffffff",
        top_bar="#33393f",
        top_bar_text="#ffffff",
        accent="#eef0f2",
        surface="#ffffff",
        text="#1f2327",
    ),
}


def default_top_bar_colour(theme: str) -> str:
    """Return the top-bar colour a theme starts with (what Reset goes back to)."""
    return PALETTES[ThemeName(theme)].top_bar


def is_hex_colour(value: str) -> bool:
    """Tell whether value is a #rrggbb colour."""
    return bool(HEX_COLOUR.match(value))


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG 2 contrast ratio between two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str) -> str:
    """Return black or white, whichever reads better on background.

    The better of the two never falls below WCAG AA: the worst background (luminance about 0.18)
    still gives 4.58:1, so text drawn with this choice needs no contrast warning.
    """
    on_white = contrast_ratio("#ffffff", background)
    on_black = contrast_ratio("#000000", background)
    return "#ffffff" if on_white >= on_black else "#000000"


def css_variables(theme: str, top_bar_colour: str | None) -> dict[str, str]:
    """Return the CSS custom properties that paint a page in a theme."""
    palette = PALETTES[ThemeName(theme)]
    top_bar = top_bar_colour or palette.top_bar
    return {
        "--portal-primary": palette.primary,
        "--portal-primary-text": palette.primary_text,
        "--portal-top-bar": top_bar,
        "--portal-top-bar-text": readable_text_on(top_bar),
        "--portal-accent": palette.accent,
        "--portal-surface": palette.surface,
        "--portal-text": palette.text,
    }
