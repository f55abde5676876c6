"""The versions and changes table models, without any widget."""

from __future__ import annotations

from tests.desktop_admin import qt_env  # noqa: F401  (headless Qt before any Qt import)

# isort: split
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from common.schemas import FieldChange, VersionSummary
from desktop_admin.models.changes_table_model import (
    AFTER_TINT,
    BEFORE_TINT,
    CHANGE_ROLE,
    COL_AFTER,
    COL_BEFORE,
    COL_FIELD,
    EMPTY,
    FIELD_ROLE,
    NOT_SET,
    VALUE_LIMIT,
    ChangesTableModel,
    readable_field,
    value_summary,
)
from desktop_admin.models.versions_table_model import (
    ACTION_ROLE,
    COL_ACTION,
    COL_BY,
    COL_NOTE,
    COL_NUMBER,
    COL_WHEN,
    CURRENT_ROLE,
    VERSION_ROLE,
    VersionsTableModel,
    describe_action,
    describe_actor,
    describe_note,
    format_when,
    format_when_in_full,
)

pytestmark = pytest.mark.usefixtures("qapp")

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole

# A fixed afternoon in whatever time zone the tests run in.
NOW = datetime(2026, 3, 12, 15, 30).astimezone()


def version(
    number: int, action: str, at: datetime, by: str = "staff:admin", note: str = ""
) -> VersionSummary:
    return VersionSummary(number=number, created_at=at, created_by=by, action=action, note=note)


HISTORY = [
    version(5, "restore", datetime(2026, 3, 12, 15, 10).astimezone(), note="restored version 2"),
    version(4, "markets", datetime(2026, 3, 11, 14, 30).astimezone(), by="staff:rep", note="+ EAST"),
    version(3, "logo", datetime(2026, 3, 3, 15, 30).astimezone(), note="top_bar logo"),
    version(2, "update", datetime(2025, 12, 30, 9, 5).astimezone()),
    version(1, "create", datetime(2025, 12, 29, 8, 0).astimezone()),
]


@pytest.fixture
def versions() -> VersionsTableModel:
    model = VersionsTableModel(now=lambda: NOW)
    model.set_rows(HISTORY, current=5)
    return model


@pytest.fixture
def changes() -> ChangesTableModel:
    model = ChangesTableModel()
    model.set_rows(
        [
            FieldChange(field="description", before="Residential subscribers", after="Homes and flats"),
            FieldChange(field="settings.theme", before="blue", after="gray"),
            FieldChange(field="settings.top_bar_color", before=None, after="#1f7a4d"),
            FieldChange(field="settings.force_sso", before=False, after=True),
            FieldChange(field="menu.2.label", before="Bills", after="Invoices"),
            FieldChange(field="markets", before=["EAST"], after=["EAST", "NORTHEAST"]),
            FieldChange(field="logos.login", before=LOGO, after=None),
            FieldChange(field="notes_journal_type", before="", after="Care"),
        ],
        before_version=2,
        after_version=5,
    )
    return model


LOGO = {
    "sha256": "9f" * 32,
    "content_type": "image/png",
    "width": 320,
    "height": 96,
    "size": 18_204,
}


def column(model: VersionsTableModel | ChangesTableModel, col: int, role: int = DISPLAY) -> list[Any]:
    return [model.index(row, col).data(role) for row in range(model.rowCount())]


# --- versions ----------------------------------------------------------------------------------


def test_version_columns_have_titles(versions: VersionsTableModel) -> None:
    titles = [versions.headerData(c, Qt.Orientation.Horizontal) for c in range(versions.columnCount())]
    assert titles == ["Version", "When", "By", "What happened", "Note"]
    assert [COL_NUMBER, COL_WHEN, COL_BY, COL_ACTION, COL_NOTE] == [0, 1, 2, 3, 4]


def test_versions_keep_the_servers_order_newest_first(versions: VersionsTableModel) -> None:
    assert column(versions, COL_NUMBER) == ["5", "4", "3", "2", "1"]
    assert column(versions, COL_BY) == ["admin", "rep", "admin", "admin", "admin"]
    assert versions.numbers() == [5, 4, 3, 2, 1]
    assert versions.index(1, COL_BY).data(VERSION_ROLE) == HISTORY[1]
    assert versions.index(1, COL_BY).data(TOOLTIP) == "Staff member rep"
    assert describe_actor("system:demo") == "System (demo)"
    assert describe_actor("system:system") == "System"
    assert describe_actor("subscriber:ann@example.net") == "ann@example.net (subscriber)"
    assert describe_actor("someone") == "someone"


def test_actions_read_as_words(versions: VersionsTableModel) -> None:
    assert column(versions, COL_ACTION) == [
        "Restored",
        "Markets changed",
        "Logo changed",
        "Edited",
        "Created",
    ]
    assert column(versions, COL_ACTION, ACTION_ROLE) == ["restore", "markets", "logo", "update", "create"]
    assert describe_action("duplicate") == "Duplicated"
    assert describe_action("bulk_import") == "Bulk import"


def test_notes_read_as_sentences(versions: VersionsTableModel) -> None:
    assert column(versions, COL_NOTE) == ["From version 2", "Added market EAST", "Top bar logo", "", ""]
    assert describe_note("- WEST") == "Removed market WEST"
    assert describe_note("copy of Retail East") == "Copy of Retail East"


def test_when_is_local_time_said_the_way_people_say_it(versions: VersionsTableModel) -> None:
    assert column(versions, COL_WHEN) == [
        "Today, 15:10",
        "Yesterday, 14:30",
        "3 Mar, 15:30",
        "30 Dec 2025, 09:05",
        "29 Dec 2025, 08:00",
    ]
    tooltip = versions.index(3, COL_WHEN).data(TOOLTIP)
    assert tooltip.startswith("Tuesday 30 December 2025, 09:05:00")
    # A moment given in another time zone is shown in the local one.
    elsewhere = (NOW - timedelta(hours=2)).astimezone(datetime.now().astimezone().tzinfo)
    assert format_when(elsewhere, NOW) == "Today, 13:30"
    assert format_when_in_full(NOW).startswith("Thursday 12 March 2026, 15:30:00")


def test_the_current_version_is_marked(versions: VersionsTableModel) -> None:
    assert column(versions, COL_NUMBER, CURRENT_ROLE) == [True, False, False, False, False]
    assert versions.index(0, COL_WHEN).data(Qt.ItemDataRole.FontRole).bold()
    assert versions.index(1, COL_WHEN).data(Qt.ItemDataRole.FontRole) is None
    assert "current version" in versions.index(0, COL_NUMBER).data(TOOLTIP)
    assert versions.index(0, COL_NUMBER).data(Qt.ItemDataRole.AccessibleTextRole) == "Version 5, current"
    assert versions.is_current(5) and not versions.is_current(4)
    versions.set_rows(HISTORY, current=None)
    assert not any(column(versions, COL_NUMBER, CURRENT_ROLE))


def test_versions_are_found_by_number(versions: VersionsTableModel) -> None:
    assert versions.index_of(3).row() == 2
    assert versions.index_of(3, COL_NOTE).column() == COL_NOTE
    assert not versions.index_of(42).isValid()
    assert versions.version(4) == HISTORY[1]
    assert versions.version(42) is None
    assert versions.previous_number(3) == 2
    assert versions.previous_number(1) is None
    assert versions.current() == 5
    assert versions.row(versions.index(4, COL_BY)).number == 1
    with pytest.raises(IndexError):
        versions.row(QModelIndex())


def test_set_rows_replaces_the_versions_with_one_reset(qtbot: QtBot, versions: VersionsTableModel) -> None:
    with qtbot.waitSignals([versions.modelAboutToBeReset, versions.modelReset], timeout=1000):
        versions.set_rows(HISTORY[-1:], current=1)
    assert versions.rowCount() == 1
    assert versions.index(0, COL_NUMBER).data(CURRENT_ROLE) is True
    versions.set_rows([])
    assert versions.rowCount() == 0
    assert versions.current() is None


def test_version_rows_are_read_only(versions: VersionsTableModel) -> None:
    index = versions.index(0, COL_NOTE)
    assert not versions.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not versions.setData(index, "changed")


# --- changes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("settings.theme", "Settings › Theme"),
        ("menu.2.label", "Menu › item 3 › Label"),
        ("settings.top_bar_color", "Settings › Top bar color"),
        ("settings.force_sso", "Settings › Force SSO"),
        ("support.website", "Support › Website"),
        ("chat.public_widget_id", "Chat › Public widget ID"),
        (
            "support_request_types.0.action_duration.unit",
            "Support request types › item 1 › Action duration › Unit",
        ),
        ("markets", "Markets"),
    ],
)
def test_field_paths_read_as_words(path: str, words: str) -> None:
    assert readable_field(path) == words


def test_change_columns_name_the_versions_compared(qtbot: QtBot, changes: ChangesTableModel) -> None:
    titles = [changes.headerData(c, Qt.Orientation.Horizontal) for c in range(changes.columnCount())]
    assert titles == ["Field", "Before · version 2", "After · version 5"]
    assert changes.versions() == (2, 5)
    with qtbot.waitSignal(changes.headerDataChanged, timeout=1000):
        changes.set_rows([])
    assert changes.headerData(COL_BEFORE, Qt.Orientation.Horizontal) == "Before"
    assert changes.headerData(COL_AFTER, Qt.Orientation.Horizontal) == "After"


def test_each_changed_field_shows_before_and_after(changes: ChangesTableModel) -> None:
    assert column(changes, COL_FIELD)[:5] == [
        "Description",
        "Settings › Theme",
        "Settings › Top bar color",
        "Settings › Force SSO",
        "Menu › item 3 › Label",
    ]
    assert column(changes, COL_BEFORE)[:6] == [
        "Residential subscribers",
        "blue",
        NOT_SET,
        "No",
        "Bills",
        "EAST",
    ]
    assert column(changes, COL_AFTER)[:6] == [
        "Homes and flats",
        "gray",
        "#1f7a4d",
        "Yes",
        "Invoices",
        "EAST, NORTHEAST",
    ]
    assert changes.fields()[4] == "menu.2.label"
    assert changes.index(4, COL_AFTER).data(FIELD_ROLE) == "menu.2.label"
    assert changes.index(4, COL_FIELD).data(CHANGE_ROLE).after == "Invoices"
    assert changes.index(4, COL_FIELD).data(TOOLTIP) == "Menu › item 3 › Label\n(menu.2.label)"
    assert changes.row(changes.index(1, COL_FIELD)).field == "settings.theme"


def test_missing_and_empty_values_are_said_and_greyed(changes: ChangesTableModel) -> None:
    not_set = changes.index(2, COL_BEFORE)
    assert not_set.data(Qt.ItemDataRole.FontRole).italic()
    assert not_set.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert changes.index(7, COL_BEFORE).data(DISPLAY) == EMPTY
    assert changes.index(1, COL_BEFORE).data(Qt.ItemDataRole.FontRole) is None
    assert changes.index(1, COL_BEFORE).data(Qt.ItemDataRole.BackgroundRole) == BEFORE_TINT
    assert changes.index(1, COL_AFTER).data(Qt.ItemDataRole.BackgroundRole) == AFTER_TINT


def test_colours_come_with_a_swatch(changes: ChangesTableModel) -> None:
    swatch = changes.index(2, COL_AFTER).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(swatch, QColor)
    assert swatch.name() == "#1f7a4d"
    assert changes.index(1, COL_AFTER).data(Qt.ItemDataRole.DecorationRole) is None


def test_long_json_is_shortened_with_the_whole_value_in_the_tooltip(changes: ChangesTableModel) -> None:
    cell = changes.index(6, COL_BEFORE)
    shown = cell.data(DISPLAY)
    assert shown.startswith('{"sha256": "9f9f')
    assert shown.endswith("…")
    assert len(shown) == VALUE_LIMIT
    assert json.loads(cell.data(TOOLTIP)) == LOGO
    assert "\n" in cell.data(TOOLTIP)  # indented, to read
    assert changes.index(6, COL_AFTER).data(DISPLAY) == NOT_SET
    # Short plain values need no tooltip.
    assert changes.index(1, COL_AFTER).data(TOOLTIP) is None


def test_long_text_is_shortened_and_wrapped_in_the_tooltip() -> None:
    sentence = "Call us any day between eight and eight; " * 6
    model = ChangesTableModel()
    model.set_rows([FieldChange(field="support.messaging", before="Short", after=sentence)])
    cell = model.index(0, COL_AFTER)
    assert cell.data(DISPLAY).endswith("…")
    assert len(cell.data(DISPLAY)) <= VALUE_LIMIT
    tooltip = cell.data(TOOLTIP)
    assert " ".join(tooltip.split()) == " ".join(sentence.split())
    assert max(len(line) for line in tooltip.splitlines()) <= 90
    assert value_summary("two\nlines") == "two lines"


def test_change_rows_are_read_only_and_replaced_with_one_reset(
    qtbot: QtBot, changes: ChangesTableModel
) -> None:
    index = changes.index(0, COL_AFTER)
    assert not changes.flags(index) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignals([changes.modelAboutToBeReset, changes.modelReset], timeout=1000):
        changes.set_rows([FieldChange(field="name", before="A", after="B")], 1, 2)
    assert changes.rows() == [FieldChange(field="name", before="A", after="B")]
    with pytest.raises(IndexError):
        changes.row(changes.index(3, COL_FIELD))


def test_models_pass_qt_model_checks(
    qtmodeltester: ModelTester, versions: VersionsTableModel, changes: ChangesTableModel
) -> None:
    qtmodeltester.check(versions)
    qtmodeltester.check(changes)
