"""The profiles table model and its sort/search proxy, without any widget."""

from __future__ import annotations

from tests.desktop_admin import qt_env  # noqa: F401  (headless Qt before any Qt import)

# isort: split
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from common.schemas import ProfileSummary
from desktop_admin.models.profiles_table_model import (
    COL_ACTIONS,
    COL_DEFAULT,
    COL_DESCRIPTION,
    COL_MARKETS,
    COL_NAME,
    COL_UPDATED,
    DEFAULT_BADGE,
    DEFAULT_MARKETS_TEXT,
    NO_MARKETS_TEXT,
    PROFILE_ROLE,
    ProfilesProxyModel,
    ProfilesTableModel,
    format_updated,
)

pytestmark = pytest.mark.usefixtures("qapp")

DISPLAY = Qt.ItemDataRole.DisplayRole


def summary(
    profile_id: int,
    name: str,
    description: str = "",
    markets: list[str] | None = None,
    is_default: bool = False,
    updated: datetime | None = None,
) -> ProfileSummary:
    return ProfileSummary(
        id=profile_id,
        name=name,
        description=description,
        is_default=is_default,
        markets=markets or [],
        version=1,
        updated_at=updated,
    )


DEMO = [
    summary(
        3,
        "Business West",
        "Business and corporate accounts",
        ["WEST"],
        updated=datetime(2026, 3, 1, tzinfo=UTC),
    ),
    summary(
        1, "Default", "Out-of-box configuration", is_default=True, updated=datetime(2026, 1, 1, tzinfo=UTC)
    ),
    summary(
        2,
        "Retail East",
        "Residential subscribers",
        ["EAST", "NORTHEAST"],
        updated=datetime(2026, 2, 1, tzinfo=UTC),
    ),
]


@pytest.fixture
def model() -> ProfilesTableModel:
    table = ProfilesTableModel()
    table.set_rows(DEMO)
    return table


@pytest.fixture
def proxy(model: ProfilesTableModel) -> ProfilesProxyModel:
    sorted_view = ProfilesProxyModel()
    sorted_view.setSourceModel(model)
    sorted_view.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    return sorted_view


def column(model: QSortFilterProxyModel | ProfilesTableModel, col: int) -> list[str]:
    return [model.index(row, col).data(DISPLAY) for row in range(model.rowCount())]


def test_columns_have_titles_and_the_actions_column_shows_nothing(model: ProfilesTableModel) -> None:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[COL_NAME] == "Name"
    assert titles[COL_DESCRIPTION] == "Description"
    assert titles[COL_MARKETS] == "Markets"
    assert titles[COL_DEFAULT] == "Default"
    assert titles[COL_UPDATED] == "Last updated"
    assert model.index(0, COL_ACTIONS).data(DISPLAY) is None


def test_cells_show_names_descriptions_markets_and_the_default_badge(model: ProfilesTableModel) -> None:
    assert column(model, COL_NAME) == ["Business West", "Default", "Retail East"]
    assert column(model, COL_MARKETS) == ["WEST", DEFAULT_MARKETS_TEXT, "EAST, NORTHEAST"]
    assert column(model, COL_DEFAULT) == ["", DEFAULT_BADGE, ""]
    assert column(model, COL_UPDATED)[0] == format_updated(DEMO[0].updated_at)
    assert model.index(1, COL_NAME).data(Qt.ItemDataRole.FontRole).bold()
    assert "not removed" in model.index(1, COL_DEFAULT).data(Qt.ItemDataRole.ToolTipRole)


def test_a_profile_without_markets_says_so(model: ProfilesTableModel) -> None:
    model.set_rows([summary(9, "Spare")])
    assert model.index(0, COL_MARKETS).data(DISPLAY) == NO_MARKETS_TEXT
    assert "no subscriber" in model.index(0, COL_MARKETS).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, COL_UPDATED).data(DISPLAY) == ""


def test_rows_are_read_only(model: ProfilesTableModel) -> None:
    flags = model.flags(model.index(0, COL_NAME))
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, COL_NAME), "Renamed")
    assert model.index(0, COL_NAME).data(DISPLAY) == "Business West"


def test_set_rows_replaces_everything_with_one_reset(qtbot: QtBot, model: ProfilesTableModel) -> None:
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset], timeout=1000):
        model.set_rows([summary(7, "Only one")])
    assert model.rowCount() == 1
    assert model.row(model.index(0, COL_NAME)).id == 7
    model.set_rows([])
    assert model.rowCount() == 0


def test_row_and_index_of_work_through_the_proxy(
    model: ProfilesTableModel, proxy: ProfilesProxyModel
) -> None:
    first = proxy.index(0, COL_MARKETS)
    assert model.row(first).name == "Business West"
    assert model.row(QPersistentModelIndex(proxy.index(2, COL_NAME))).name == "Retail East"
    assert model.row(model.index_of(2)).name == "Retail East"
    assert not model.index_of(404).isValid()
    assert proxy.index(1, COL_NAME).data(PROFILE_ROLE).is_default
    with pytest.raises(IndexError):
        model.row(QModelIndex())


def test_sorting_by_name_ignores_case(model: ProfilesTableModel, proxy: ProfilesProxyModel) -> None:
    model.set_rows([summary(1, "beta"), summary(2, "Alpha"), summary(3, "gamma"), summary(4, "alpha two")])
    assert column(proxy, COL_NAME) == ["Alpha", "alpha two", "beta", "gamma"]
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    assert column(proxy, COL_NAME) == ["gamma", "beta", "alpha two", "Alpha"]


def test_sorting_by_date_and_default_uses_their_values(proxy: ProfilesProxyModel) -> None:
    proxy.sort(COL_UPDATED, Qt.SortOrder.AscendingOrder)
    assert column(proxy, COL_NAME) == ["Default", "Retail East", "Business West"]
    proxy.sort(COL_DEFAULT, Qt.SortOrder.AscendingOrder)
    assert column(proxy, COL_NAME)[0] == "Default"
    proxy.sort(COL_MARKETS, Qt.SortOrder.AscendingOrder)
    assert column(proxy, COL_NAME) == ["Default", "Retail East", "Business West"]


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("", ["Business West", "Default", "Retail East"]),
        ("retail", ["Retail East"]),
        ("CORPORATE", ["Business West"]),
        ("northeast", ["Retail East"]),
        ("west business", ["Business West"]),
        ("  out-of-box  ", ["Default"]),
        ("nothing like this", []),
    ],
)
def test_search_matches_name_description_and_markets(
    proxy: ProfilesProxyModel, search: str, names: list[str]
) -> None:
    proxy.set_search(search)
    assert column(proxy, COL_NAME) == names


def test_search_survives_new_rows(model: ProfilesTableModel, proxy: ProfilesProxyModel) -> None:
    proxy.set_search("east")
    model.set_rows([*DEMO, summary(8, "Wholesale", markets=["SOUTHEAST"])])
    assert column(proxy, COL_NAME) == ["Retail East", "Wholesale"]
    assert proxy.search() == "east"


def test_model_and_proxy_pass_qt_model_checks(
    qtmodeltester: ModelTester, model: ProfilesTableModel, proxy: ProfilesProxyModel
) -> None:
    qtmodeltester.check(model)
    proxy.set_search("e")
    qtmodeltester.check(proxy)
