"""The Tickets, Links & Ticket Notes and Chat tabs of the profile editor."""

from __future__ import annotations

from tests.desktop_admin import qt_env

# isort: split
import copy
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from common.profile import MAX_HELPFUL_LINKS, Chat, ProfileContent, default_content
from common.validation import FieldErrors, parse
from desktop_admin.views.profile_editor.chat_tab import ChatTab
from desktop_admin.views.profile_editor.links_tab import NO_JOURNAL, LinksTab
from desktop_admin.views.profile_editor.tickets_tab import ENABLED_ROLE, ERROR_ROLE, TicketsTab

BILLING_TYPE: dict[str, Any] = {
    "name": "Billing question",
    "enabled": True,
    "ticket_type": "Billing Inquiry",
    "ticket_category": "Billing",
    "ticket_status": "New",
    "ticket_priority": "Medium",
    "assign_to": "Billing Team",
    "action_duration": {"length": 4, "unit": "hours"},
    "commit_duration": {"length": 2, "unit": "days"},
}


def _draft(**changes: Any) -> dict[str, Any]:
    draft = default_content("Retail East").model_dump(mode="json")
    draft.update(copy.deepcopy(changes))
    return draft


def _applied(tab: TicketsTab | LinksTab | ChatTab) -> dict[str, Any]:
    draft = _draft()
    tab.apply(draft)
    return draft


def _errors_of(tab: TicketsTab | LinksTab | ChatTab) -> dict[str, str]:
    try:
        parse(ProfileContent, _applied(tab))
    except FieldErrors as exc:
        return exc.fields
    return {}


def _show(qtbot: QtBot, tab: QWidget) -> None:
    qtbot.add_widget(tab)
    tab.resize(1000, 760)
    tab.show()
    qtbot.waitExposed(tab)


def _count_edits(tab: TicketsTab | LinksTab | ChatTab) -> list[int]:
    seen: list[int] = []
    tab.edited.connect(lambda: seen.append(1))
    return seen


@pytest.fixture(autouse=True)
def _delete_closed_widgets(qapp: QApplication) -> Iterator[None]:
    """Delete the widgets the test closed, so they do not pile up (and slow restyling) in later tests."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def tickets(qtbot: QtBot, console_theme: QApplication) -> TicketsTab:
    tab = TicketsTab()
    tab.load(_draft(support_request_types=[BILLING_TYPE]))
    _show(qtbot, tab)
    return tab


@pytest.fixture
def links(qtbot: QtBot, console_theme: QApplication) -> LinksTab:
    tab = LinksTab()
    tab.load(_draft())
    _show(qtbot, tab)
    return tab


@pytest.fixture
def chat(qtbot: QtBot, console_theme: QApplication) -> ChatTab:
    tab = ChatTab()
    tab.load(_draft())
    _show(qtbot, tab)
    return tab


# -- Tickets


def test_tickets_round_trip_and_badges(tickets: TicketsTab) -> None:
    edits = _count_edits(tickets)
    draft = _draft(support_request_types=[BILLING_TYPE, {**BILLING_TYPE, "name": "Outage", "enabled": False}])
    tickets.load(draft)
    assert _applied(tickets)["support_request_types"] == draft["support_request_types"]
    assert tickets.type_list.count() == 2
    assert tickets.type_list.item(0).data(ENABLED_ROLE) is True
    assert tickets.type_list.item(1).data(ENABLED_ROLE) is False
    assert tickets.current_row() == 0
    assert tickets.title_label.text() == "Billing question"
    assert tickets.state_badge.text() == "Enabled"
    assert tickets.combos["ticket_type"].currentText() == "Billing Inquiry"
    assert tickets.length_spins["action_duration"].value() == 4
    assert tickets.unit_combos["action_duration"].currentData() == "hours"
    tickets.type_list.setCurrentRow(1)
    assert tickets.state_badge.text() == "Disabled"
    assert edits == []


def test_required_fields_are_marked(tickets: TicketsTab) -> None:
    starred = {
        label.text().split(" <", 1)[0]
        for label in tickets.findChildren(QLabel)
        if label.objectName() == "fieldLabel" and "*" in label.text()
    }
    assert starred == {
        "Name",
        "Ticket type",
        "Ticket category",
        "Ticket status",
        "Ticket priority",
        "Action duration",
        "Commit duration",
    }


def test_add_a_support_type_fill_it_and_it_validates(qtbot: QtBot, tickets: TicketsTab) -> None:
    edits = _count_edits(tickets)
    tickets.add_button.click()
    assert tickets.current_row() == 1
    assert tickets.title_label.text() == "New support type"
    assert edits == [1]

    qtbot.keyClicks(tickets.text_inputs["name"], "Moving house")
    for name, value in (
        ("ticket_type", "Service Request"),
        ("ticket_category", "Account Changes"),
        ("ticket_status", "New"),
        ("ticket_priority", "Low"),
    ):
        line = tickets.combos[name].lineEdit()
        assert line is not None
        qtbot.keyClicks(line, value)
    tickets.combos["assign_to"].setCurrentIndex(0)
    tickets.combos["assign_to"].activated.emit(0)
    tickets.length_spins["commit_duration"].setValue(5)
    tickets.unit_combos["action_duration"].setCurrentIndex(1)
    qtbot.mouseClick(tickets.enabled_switch, Qt.MouseButton.LeftButton)

    assert tickets.title_label.text() == "Moving house"
    assert tickets.state_badge.text() == "Disabled"
    assert tickets.type_list.item(1).data(ENABLED_ROLE) is False
    profile = parse(ProfileContent, _applied(tickets))
    added = profile.support_request_types[1]
    assert added.name == "Moving house"
    assert (added.ticket_type, added.ticket_category) == ("Service Request", "Account Changes")
    assert (added.ticket_status, added.ticket_priority) == ("New", "Low")
    assert added.assign_to == "Support Desk"
    assert added.enabled is False
    assert (added.action_duration.length, added.action_duration.unit) == (1, "hours")
    assert (added.commit_duration.length, added.commit_duration.unit) == (5, "days")
    assert not any(error.isVisibleTo(tickets) for error in tickets.errors.values())


def test_missing_required_fields_are_shown_at_the_fields(qtbot: QtBot, tickets: TicketsTab) -> None:
    tickets.add_type()
    qtbot.keyClicks(tickets.text_inputs["name"], "Moving house")
    errors = _errors_of(tickets)
    assert set(errors) == {
        "support_request_types.1.ticket_type",
        "support_request_types.1.ticket_category",
        "support_request_types.1.ticket_status",
        "support_request_types.1.ticket_priority",
    }
    tickets.type_list.setCurrentRow(0)
    tickets.show_errors({**errors, "name": "is required"})

    assert tickets.current_row() == 1, "the type with problems is selected"
    assert tickets.errors["ticket_type"].isVisibleTo(tickets)
    assert tickets.errors["ticket_type"].text() == "The ticket type is required."
    assert tickets.errors["ticket_priority"].text() == "The ticket priority is required."
    assert tickets.combos["ticket_type"].property("invalid") is True
    assert tickets.errors["name"].isHidden()
    assert tickets.errors["assign_to"].isHidden()
    assert tickets.type_list.item(1).data(ERROR_ROLE) is True
    assert tickets.type_list.item(0).data(ERROR_ROLE) is False

    line = tickets.combos["ticket_type"].lineEdit()
    assert line is not None
    qtbot.keyClicks(line, "Trouble Ticket")
    assert tickets.errors["ticket_type"].isHidden(), "fixing a field clears its problem"
    assert tickets.errors["ticket_status"].isVisibleTo(tickets)


def test_a_cleared_name_and_a_duplicate_name_are_explained_while_typing(
    qtbot: QtBot, tickets: TicketsTab
) -> None:
    tickets.add_type()
    qtbot.keyClicks(tickets.text_inputs["name"], "billing QUESTION")
    assert tickets.errors["name"].text() == "Another support request type already has this name."
    tickets.text_inputs["name"].selectAll()
    qtbot.keyClick(tickets.text_inputs["name"], Qt.Key.Key_Delete)
    assert tickets.errors["name"].text() == "The name is required."
    assert tickets.errors["ticket_type"].isHidden(), "fields not yet touched are not complained about"


def test_removing_a_type_asks_first_when_it_holds_something(tickets: TicketsTab) -> None:
    asked: list[str] = []
    answers = [False, True]

    def confirm(title: str, question: str) -> bool:
        asked.append(question)
        return answers.pop(0)

    tickets.confirm = confirm  # type: ignore[method-assign]
    tickets.remove_button.click()
    assert len(_applied(tickets)["support_request_types"]) == 1, "cancelled"
    tickets.remove_button.click()
    assert _applied(tickets)["support_request_types"] == []
    assert "Billing question" in asked[0]
    assert tickets.list_stack.currentWidget() is tickets.list_empty
    assert tickets.form_empty.isVisibleTo(tickets)

    tickets.add_type()
    tickets.remove_current()  # an empty new type goes without asking
    assert len(asked) == 2
    assert _applied(tickets)["support_request_types"] == []


def test_list_level_problems_go_on_the_banner(tickets: TicketsTab) -> None:
    tickets.show_errors({"support_request_types": "'X' is used by two support request types"})
    assert tickets.banner.isVisibleTo(tickets)
    assert "two support request types" in tickets.banner.text()


# -- Links & Ticket Notes


def _add_link(links: LinksTab, text: str, url: str) -> None:
    dialog = links.open_link_dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.text_edit.setText(text)
    dialog.url_edit.setText(url)
    dialog.save_button.click()
    assert not dialog.isVisible()


def test_add_five_links_then_adding_is_disabled_with_the_reason(links: LinksTab) -> None:
    edits = _count_edits(links)
    assert links.links_empty.isVisibleTo(links)
    for number in range(1, MAX_HELPFUL_LINKS + 1):
        assert links.add_link_button.isEnabled()
        _add_link(links, f"Guide {number}", f"https://help.example.com/{number}")
    assert len(links.link_rows) == MAX_HELPFUL_LINKS
    assert not links.add_link_button.isEnabled()
    assert "at most 5" in links.add_link_button.toolTip()
    assert links.links_full_hint.isVisibleTo(links)
    assert links.links_count.text() == "5 of 5"
    assert links.open_link_dialog() is None
    assert len(edits) == MAX_HELPFUL_LINKS
    profile = parse(ProfileContent, _applied(links))
    assert [link.text for link in profile.helpful_links] == [f"Guide {n}" for n in range(1, 6)]


def test_edit_and_remove_links(links: LinksTab) -> None:
    for number in range(1, 4):
        _add_link(links, f"Guide {number}", f"https://help.example.com/{number}")
    links.link_rows[1].edit_button.click()
    dialog = links.link_dialog
    assert dialog is not None and dialog.windowTitle() == "Edit Helpful Link"
    assert dialog.text_edit.text() == "Guide 2"
    assert dialog.url_edit.text() == "https://help.example.com/2"
    dialog.text_edit.setText("Service status")
    dialog.url_edit.setText("  https://status.example.com  ")
    dialog.save_button.click()
    assert links.links()[1] == {"text": "Service status", "url": "https://status.example.com"}
    assert links.link_rows[1].text_label.text() == "Service status"

    links.link_rows[0].remove_button.click()
    assert [link["text"] for link in links.links()] == ["Service status", "Guide 3"]
    assert len(links.link_rows) == 2
    links.link_rows[1].remove_button.click()
    assert [link["text"] for link in links.links()] == ["Service status"]
    assert links.add_link_button.isEnabled()
    assert _applied(links)["helpful_links"] == [
        {"text": "Service status", "url": "https://status.example.com"}
    ]


def test_the_dialog_refuses_a_bad_url_and_a_missing_text(links: LinksTab) -> None:
    dialog = links.open_link_dialog()
    assert dialog is not None
    dialog.text_edit.setText("Docs")
    dialog.url_edit.setText("ftp://example.com/docs")
    dialog.save_button.click()
    assert dialog.isVisible(), "a bad link does not close the dialog"
    assert dialog.url_error.isVisibleTo(dialog)
    assert "http://" in dialog.url_error.text()
    assert dialog.url_edit.property("invalid") is True
    assert links.links() == []

    dialog.text_edit.clear()
    dialog.url_edit.setText("https://example.com/docs")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.text_error.text() == "The link text is required."
    assert dialog.url_error.isHidden()
    dialog.cancel_button.click()
    assert links.links() == []


def test_journal_type_for_notes(qtbot: QtBot, links: LinksTab) -> None:
    edits = _count_edits(links)
    assert links.journal_type() is None
    assert "cannot add notes" in links.journal_status.text()
    line = links.journal_combo.lineEdit()
    assert line is not None and line.placeholderText() == NO_JOURNAL

    qtbot.keyClicks(line, "Portal ticket note")
    assert links.journal_type() == "Portal ticket note"
    assert _applied(links)["notes_journal_type"] == "Portal ticket note"
    assert "Portal ticket note" in links.journal_status.text()

    links.journal_combo.setCurrentIndex(0)
    links.journal_combo.activated.emit(0)
    assert links.journal_type() is None
    assert _applied(links)["notes_journal_type"] is None
    assert edits

    links.load(
        _draft(notes_journal_type="Customer Note", helpful_links=[{"text": "A", "url": "https://a.example"}])
    )
    assert links.journal_combo.currentText() == "Customer Note"
    draft = _applied(links)
    assert draft["notes_journal_type"] == "Customer Note"
    assert draft["helpful_links"] == [{"text": "A", "url": "https://a.example"}]
    parse(ProfileContent, draft)


def test_link_and_journal_errors_show_where_they_belong(links: LinksTab) -> None:
    links.load(
        _draft(helpful_links=[{"text": "A", "url": "https://a.example"}, {"text": "B", "url": "ftp://b"}])
    )
    links.show_errors(
        {
            "helpful_links.1.url": "must be a web address starting with http:// or https://",
            "notes_journal_type": "must be at most 60 characters",
        }
    )
    assert links.link_rows[1].error.isVisibleTo(links)
    assert links.link_rows[1].error.text().startswith("The URL must be a web address")
    assert links.link_rows[0].error.isHidden()
    assert links.journal_error.text() == "The journal type must be at most 60 characters."
    links.show_errors({})
    assert links.link_rows[1].error.isHidden()
    assert links.journal_error.isHidden()


# -- Chat


def test_teamsupport_without_a_widget_id_shows_the_error_at_the_widget_id(chat: ChatTab) -> None:
    edits = _count_edits(chat)
    assert not chat.teamsupport_box.isVisibleTo(chat)
    chat.set_provider("teamsupport")
    assert chat.teamsupport_box.isVisibleTo(chat)
    assert chat.public_switch.isChecked() and chat.same_switch.isChecked(), "both on by default"
    assert not chat.public_input.isVisibleTo(chat)
    assert edits == [1]

    errors = _errors_of(chat)
    assert errors == {"chat.widget_id": "is required for TeamSupport"}
    chat.show_errors(errors)
    assert chat.widget_input.error.isVisibleTo(chat)
    assert chat.widget_input.error.text() == "The widget ID is required for TeamSupport."
    assert chat.widget_input.edit.property("invalid") is True
    assert chat.public_input.error.isHidden()


def test_the_error_names_the_wrong_widget_id(qtbot: QtBot, chat: ChatTab) -> None:
    chat.set_provider("teamsupport")
    qtbot.keyClicks(chat.widget_input.edit, "abc-123")
    chat.widget_input.edit.editingFinished.emit()
    assert chat.widget_input.ok.isVisibleTo(chat), "a well-formed ID is confirmed"
    qtbot.mouseClick(chat.same_switch, Qt.MouseButton.LeftButton)
    assert chat.public_input.isVisibleTo(chat)
    qtbot.keyClicks(chat.public_input.edit, "x!")
    chat.public_input.edit.editingFinished.emit()

    problem = chat.public_input.error.text()
    assert problem == "The widget ID for non-authenticated pages must be 3 to 64 letters, digits or dashes."
    assert chat.widget_input.error.isHidden()
    assert _errors_of(chat) == {"chat.public_widget_id": "must be 3 to 64 letters, digits or dashes"}

    chat.public_input.edit.clear()
    qtbot.keyClicks(chat.public_input.edit, "public-widget-7")
    assert chat.public_input.error.isHidden()
    settings = _applied(chat)["chat"]
    assert settings == {
        "provider": "teamsupport",
        "widget_id": "abc-123",
        "show_on_public_pages": True,
        "same_widget_for_public": False,
        "public_widget_id": "public-widget-7",
    }
    parse(ProfileContent, _applied(chat))

    qtbot.mouseClick(chat.public_switch, Qt.MouseButton.LeftButton)
    assert not chat.public_box.isVisibleTo(chat)
    assert _applied(chat)["chat"]["public_widget_id"] is None


def test_disable_teamsupport_clears_everything_after_confirming(chat: ChatTab) -> None:
    configured = {
        "provider": "teamsupport",
        "widget_id": "abc-123",
        "show_on_public_pages": True,
        "same_widget_for_public": False,
        "public_widget_id": "def-456",
    }
    chat.load(_draft(chat=configured))
    assert _applied(chat)["chat"] == configured
    edits = _count_edits(chat)
    answers = [False, True]
    chat.confirm = lambda title, question: answers.pop(0)  # type: ignore[method-assign]

    chat.disable_button.click()
    assert _applied(chat)["chat"] == configured, "cancelled"
    chat.disable_button.click()
    assert _applied(chat)["chat"] == Chat().model_dump(mode="json")
    assert chat.provider() is None
    assert chat.widget_input.text() == "" and chat.public_input.text() == ""
    assert chat.public_switch.isChecked() and chat.same_switch.isChecked()
    assert not chat.teamsupport_box.isVisibleTo(chat)
    assert edits == [1]


def test_choosing_no_provider_when_configured_is_the_same_as_disabling(chat: ChatTab) -> None:
    chat.load(_draft(chat={"provider": "teamsupport", "widget_id": "abc-123"}))
    asked: list[str] = []

    def decline(title: str, question: str) -> bool:
        asked.append(title)
        return False

    chat.confirm = decline  # type: ignore[method-assign]
    chat.set_provider(None)
    assert asked == ["Disable TeamSupport"]
    assert chat.provider() == "teamsupport", "declined, nothing changes"
    assert _applied(chat)["chat"]["widget_id"] == "abc-123"


def test_chat_is_only_for_saved_profiles(chat: ChatTab) -> None:
    assert chat.is_saved()
    chat.set_saved(False)
    assert chat.notice.isVisibleTo(chat)
    assert "Save the profile first to set up chat" in chat.notice_label.text()
    assert not chat.section.isEnabled()
    assert not chat.provider_combo.isEnabled()
    chat.set_saved(True)
    assert not chat.notice.isVisibleTo(chat)
    assert chat.provider_combo.isEnabled()


def test_screenshots_of_the_support_tabs(qtbot: QtBot, console_theme: QApplication) -> None:
    for name, tab, size in (
        ("console-editor-tickets.png", TicketsTab(), (1120, 760)),
        ("console-editor-links.png", LinksTab(), (960, 800)),
        ("console-editor-chat.png", ChatTab(), (960, 720)),
    ):
        host = QWidget()
        host.setObjectName("host")
        host.setStyleSheet("QWidget#host { background: #f5f7fb; }")
        layout = QVBoxLayout(host)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(tab)
        qtbot.add_widget(host)
        tab.load(
            _draft(
                support_request_types=[
                    BILLING_TYPE,
                    {**BILLING_TYPE, "name": "Service outage", "enabled": False},
                ],
                notes_journal_type="Customer Portal Note",
                helpful_links=[
                    {"text": "How to read your bill", "url": "https://help.example.com/bill"},
                    {"text": "Service status", "url": "https://status.example.com"},
                ],
                chat={"provider": "teamsupport", "widget_id": "abc-123", "same_widget_for_public": False},
            )
        )
        host.resize(*size)
        host.show()
        qtbot.waitExposed(host)
        for part in tab.findChildren(QWidget):
            if part.isVisible() and part.layout() is not None and part.objectName() != "formBody":
                assert part.height() >= part.minimumSizeHint().height(), f"{part.objectName()} is squeezed"
        assert qt_env.save_screenshot(host, name).stat().st_size > 10_000
