"""Theme colours, contrast, icon catalogue, diffs and merge patches."""

from __future__ import annotations

from common.icons import catalogue, css_classes, normalize_icon_code
from common.profile_diff import diff, merge_patch
from common.theme import (
    PALETTES,
    contrast_ratio,
    css_variables,
    default_top_bar_colour,
)


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#ffffff", "#ffffff") == 1.0


def test_default_themes_pass_aa() -> None:
    for name, palette in PALETTES.items():
        assert contrast_ratio(palette.primary_text, palette.primary) >= 4.5, name
        assert contrast_ratio(palette.text, palette.surface) >= 4.5, name


def test_top_bar_default_and_override() -> None:
    assert css_variables("gray", None)["--portal-top-bar"] == default_top_bar_colour("gray")
    assert css_variables("blue", "#ffff00")["--portal-top-bar-text"] == "#000000"


def test_icon_catalogue_covers_solid_regular_and_brands() -> None:
    icons = catalogue()
    assert len(icons) > 2000
    assert icons["fa6s.house"] == "f015"
    assert normalize_icon_code("fab fa-github") == "fa6b.github"
    assert css_classes("fa6b.github") == "fa-brands fa-github"


def test_diff_lists_changed_leaves_in_order() -> None:
    before = {"name": "A", "settings": {"theme": "blue", "x": 1}, "menu": [{"label": "One"}]}
    after = {
        "name": "A",
        "settings": {"theme": "gray", "x": 1},
        "menu": [{"label": "Uno"}, {"label": "Two"}],
    }
    assert diff(before, after) == [
        {"field": "menu.0.label", "before": "One", "after": "Uno"},
        {"field": "menu.1.label", "before": None, "after": "Two"},
        {"field": "settings.theme", "before": "blue", "after": "gray"},
    ]


def test_merge_patch_follows_rfc_7396() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    assert merge_patch(target, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}}
    assert merge_patch({"a": [1, 2]}, {"a": [3]}) == {"a": [3]}
