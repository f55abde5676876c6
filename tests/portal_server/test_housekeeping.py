"""Housekeeping: each kind of row goes once its retention has passed, live rows never, in batches."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from portal_server import cli, db
from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.audit.models import AuditEvent
from portal_server.clock import FakeClock
from portal_server.config import ConfigError, ServerConfig
from portal_server.housekeeping import service
from portal_server.housekeeping.retention import Retention
from portal_server.housekeeping.task import first_delay
from portal_server.notifications.models import FAILED, QUEUED, SENDING, SENT, OutboxMail
from portal_server.portal_users.models import OneTimeLink, PortalUser
from portal_server.security.models import Attempt
from portal_server.security.throttle import RULES, Rule
from portal_server.staff.models import StaffToken
from portal_server.subscriber_auth.models import PortalSession
from portal_server.subscriber_auth.service import Timeouts, links, sessions
from tests.portal_server.mail_support import GUARD_SECONDS, LogLines, running_app
from tests.portal_server.subscriber_support import make_account

SECOND = timedelta(seconds=1)
TIMEOUTS = Timeouts()


def _move_to(clock: FakeClock, when: datetime) -> None:
    clock.advance(seconds=(when - clock.now()).total_seconds())


async def _run(app: Any) -> service.Report:
    report = await asyncio.wait_for(app.ctx.housekeeping.run_now(), GUARD_SECONDS)
    assert report is not None
    assert report.failures == {}
    return report


@asynccontextmanager
async def _started(config: ServerConfig) -> AsyncIterator[Any]:
    """An app whose start-up run is over, so rows the test adds meet only the runs it asks for."""
    async with running_app(config) as app:
        await asyncio.wait_for(app.ctx.housekeeping.task.wait_passes(1), GUARD_SECONDS)
        yield app


async def _user(clock: FakeClock, number: str, email: str) -> PortalUser:
    account = await make_account(clock, number)
    return await PortalUser.create(
        account=account,
        email=email,
        display_name="Dana Whitfield",
        status="active",
        email_verified_at=clock.now(),
        created_at=clock.now(),
    )


async def _session(user: PortalUser, clock: FakeClock) -> str:
    return await sessions.start_session(
        user, address="203.0.113.9", user_agent="test", now=clock.now(), timeouts=TIMEOUTS
    )


# --- each kind, just inside and just outside its retention ---------------------------------------


async def test_sessions_go_a_week_after_they_expire_revoked_and_timed_out_ones_too(app, clock) -> None:
    dana = await _user(clock, "200001", "dana@example.com")
    lee = await _user(clock, "200002", "lee@example.com")
    start = clock.now()
    signed_out = await _session(dana, clock)
    await _session(dana, clock)  # left to time out
    clock.advance(hours=1)
    await sessions.end_session(signed_out, now=clock.now())
    # Revoked or idle, a session still expires 12 hours after sign-in: that is what the rule reads.
    assert {row.expires_at for row in await PortalSession.all()} == {start + TIMEOUTS.session_absolute}

    clock.advance(hours=11, days=7)  # exactly a week after expiry: kept
    live = await _session(dana, clock)
    other = await _session(lee, clock)
    assert (await _run(app)).deleted["sessions"] == 0
    assert await PortalSession.all().count() == 4

    clock.advance(seconds=1)
    assert (await _run(app)).deleted["sessions"] == 2
    for token in (live, other):
        assert await sessions.session_for(token, now=clock.now(), timeouts=TIMEOUTS) is not None
    assert await PortalSession.all().count() == 2


async def test_one_time_links_go_a_month_after_they_expire_used_or_not(app, clock) -> None:
    dana = await _user(clock, "200001", "dana@example.com")
    start = clock.now()
    reset = await links.issue_link(dana, "reset", TIMEOUTS.reset_link, start)
    await links.issue_link(dana, "invite", TIMEOUTS.invite_link, start)
    clock.advance(minutes=10)
    used = await links.open_link(reset, "reset", clock.now())
    async with in_transaction() as connection:
        await links.consume(used, clock.now(), connection)

    _move_to(clock, start + TIMEOUTS.reset_link + timedelta(days=30))
    fresh = await links.issue_link(dana, "verify", TIMEOUTS.verify_link, clock.now())
    assert (await _run(app)).deleted["links"] == 0
    clock.advance(seconds=1)
    assert (await _run(app)).deleted["links"] == 1  # the used reset link
    assert {link.purpose for link in await OneTimeLink.all()} == {"invite", "verify"}

    _move_to(clock, start + TIMEOUTS.invite_link + timedelta(days=30, seconds=1))
    assert (await _run(app)).deleted["links"] == 1  # the invitation nobody used
    assert (await links.open_link(fresh, "verify", clock.now())).user_id == dana.id


async def _attempt(at: datetime, scope: str = "sign_in") -> Attempt:
    return await Attempt.create(scope=scope, address="203.0.113.9", subject=None, at=at, outcome="failed")


async def test_attempts_go_two_days_after_they_were_made(app, clock) -> None:
    now = clock.now()
    outside = await _attempt(now - timedelta(days=2) - SECOND)
    inside = await _attempt(now - timedelta(days=2) + SECOND)
    recent = await _attempt(now)
    assert (await _run(app)).deleted["attempts"] == 1
    assert {a.id for a in await Attempt.all()} == {inside.id, recent.id}
    assert outside.id not in {a.id for a in await Attempt.all()}
    clock.advance(seconds=2)
    assert (await _run(app)).deleted["attempts"] == 1
    assert [a.id for a in await Attempt.all()] == [recent.id]


async def test_attempts_a_throttle_still_looks_at_are_kept_whatever_its_window(config, clock) -> None:
    rules = {**RULES, "register": Rule(timedelta(days=3), 5, 20, 5, "sign_in")}
    async with _started(dataclasses.replace(config, throttle_rules=rules)) as app:
        now = clock.now()
        kept = await _attempt(now - timedelta(days=3) + SECOND, scope="register")
        await _attempt(now - timedelta(days=3) - SECOND, scope="register")
        assert (await _run(app)).deleted["attempts"] == 1
        assert [a.id for a in await Attempt.all()] == [kept.id]


async def test_staff_tokens_go_a_week_after_they_expire_revoked_ones_too(
    app, client, clock, login_as
) -> None:
    signed_out = await login_as("admin")
    await login_as("rep")
    start = clock.now()
    clock.advance(hours=1)
    response = await client.delete("/api/v1/admin/auth/token", headers=signed_out.headers)
    assert response.status_code == 204
    ttl = timedelta(seconds=app.ctx.config.token_ttl_seconds)
    assert {row.expires_at for row in await StaffToken.all()} == {start + ttl}

    _move_to(clock, start + ttl + timedelta(days=7))
    live = await login_as("admin")
    assert (await _run(app)).deleted["staff_tokens"] == 0
    clock.advance(seconds=1)
    assert (await _run(app)).deleted["staff_tokens"] == 2
    assert await StaffToken.all().count() == 1
    response = await client.get("/api/v1/admin/profiles", headers=live.headers)
    assert response.status_code == 200


async def _mail(status: str, created_at: datetime, sent_at: datetime | None = None) -> OutboxMail:
    return await OutboxMail.create(
        kind="verify",
        recipient="dana@example.com",
        message=b"",
        status=status,
        attempts=1,
        created_at=created_at,
        next_attempt_at=created_at,
        sent_at=sent_at,
    )


async def test_sent_mail_goes_after_a_month_failed_after_three_never_queued_or_sending(app, clock) -> None:
    now = clock.now()
    month, quarter = timedelta(days=30), timedelta(days=90)
    await _mail(SENT, now - month - timedelta(hours=1), sent_at=now - month - SECOND)
    sent_inside = await _mail(SENT, now - month - timedelta(hours=1), sent_at=now - month + SECOND)
    await _mail(FAILED, now - quarter - SECOND)
    failed_inside = await _mail(FAILED, now - quarter + SECOND)
    ancient = timedelta(days=400)
    waiting = [
        await _mail(QUEUED, now - ancient),
        await _mail(SENDING, now - ancient),
        # Even a row that somehow carries a delivery time is never taken while it waits.
        await _mail(QUEUED, now - ancient, sent_at=now - ancient),
    ]
    report = await _run(app)
    assert (report.deleted["sent_mail"], report.deleted["failed_mail"]) == (1, 1)
    assert {m.id for m in await OutboxMail.all()} == {
        sent_inside.id,
        failed_inside.id,
        *(m.id for m in waiting),
    }

    clock.advance(seconds=2)
    report = await _run(app)
    assert (report.deleted["sent_mail"], report.deleted["failed_mail"]) == (1, 1)
    assert {m.id for m in await OutboxMail.all()} == {m.id for m in waiting}


async def _event(at: datetime, action: str = "profile.updated") -> AuditEvent:
    return await audit.record(Actor.system("tests"), action, "profile", 1, at=at)


async def test_audit_events_go_after_400_days_and_the_cut_is_itself_recorded(app, clock) -> None:
    now = clock.now()
    await _event(now - timedelta(days=400) - SECOND)
    await _event(now - timedelta(days=400) - 2 * SECOND)
    inside = await _event(now - timedelta(days=400) + SECOND)
    before = await AuditEvent.all().count()

    assert (await _run(app)).deleted["audit"] == 2
    (cut,) = await AuditEvent.filter(action="audit.purged")
    assert cut.actor == "system:housekeeping"
    assert cut.at == now
    assert cut.after == {"deleted": 2, "older_than": (now - timedelta(days=400)).isoformat()}
    assert await AuditEvent.all().count() == before - 2 + 1
    assert await AuditEvent.exists(id=inside.id)

    # Nothing more to cut: no further record of a cut.
    assert (await _run(app)).deleted["audit"] == 0
    assert await AuditEvent.filter(action="audit.purged").count() == 1


# --- batches --------------------------------------------------------------------------------------


async def test_a_backlog_larger_than_a_batch_goes_over_several_statements(app, clock) -> None:
    old = clock.now() - timedelta(days=3)
    await Attempt.bulk_create(
        [Attempt(scope="sign_in", address="203.0.113.9", at=old, outcome="failed") for _ in range(10)]
    )
    cutoff = clock.now() - timedelta(days=2)
    assert [n async for n in service.delete_in_batches(service.old_attempts(cutoff), 4)] == [4, 4, 2]
    assert await Attempt.all().count() == 0

    await Attempt.bulk_create(
        [Attempt(scope="sign_in", address="203.0.113.9", at=old, outcome="failed") for _ in range(6)]
    )
    assert [n async for n in service.delete_in_batches(service.old_attempts(cutoff), 3)] == [3, 3, 0]
    # Nothing due: not even one DELETE is run.
    assert [n async for n in service.delete_in_batches(service.old_attempts(cutoff), 3)] == []


async def test_a_small_batch_still_clears_every_kind_in_one_run(config, clock) -> None:
    async with _started(dataclasses.replace(config, housekeeping_batch=2)) as app:
        now = clock.now()
        for _ in range(5):
            await _attempt(now - timedelta(days=3))
            await _event(now - timedelta(days=401))
            await _mail(SENT, now - timedelta(days=40), sent_at=now - timedelta(days=40))
        report = await _run(app)
        assert (report.deleted["attempts"], report.deleted["audit"], report.deleted["sent_mail"]) == (5, 5, 5)
        (cut,) = await AuditEvent.filter(action="audit.purged")
        assert cut.after["deleted"] == 5


@contextmanager
def _captured_log() -> Iterator[LogLines]:
    # Attached once the app has set up logging, which drops the handlers of the portal's loggers.
    lines = LogLines()
    logger = logging.getLogger("portal.housekeeping")
    logger.addHandler(lines)
    try:
        yield lines
    finally:
        logger.removeHandler(lines)


@pytest.fixture
def housekeeping_log(app) -> Iterator[LogLines]:
    """The lines the portal.housekeeping logger of the started ``app`` writes during the test."""
    with _captured_log() as lines:
        yield lines


# --- the task -------------------------------------------------------------------------------------


async def _seed_before_start(url: str, clock: FakeClock) -> None:
    await db.open_database(url)
    try:
        await _attempt(clock.now() - timedelta(days=3))
    finally:
        await db.close_database()


async def test_the_task_runs_once_at_start_and_stops_with_the_app(config, clock) -> None:
    await _seed_before_start(config.database_url, clock)
    async with running_app(config) as app:
        housekeeping = app.ctx.housekeeping
        await asyncio.wait_for(housekeeping.task.wait_passes(1), GUARD_SECONDS)
        assert housekeeping.task.passes == 1  # it ran on its own, nobody asked
        assert housekeeping.last.deleted["attempts"] == 1
        assert await Attempt.all().count() == 0
        assert housekeeping.task.running
        assert housekeeping.task.interval == 3600
    assert not housekeeping.task.running


async def test_a_start_delay_is_waited_out_unless_a_run_is_asked_for(config, monkeypatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.5)
    log = LogLines()
    async with running_app(dataclasses.replace(config, housekeeping_start_jitter_seconds=3600)) as app:
        logging.getLogger("portal.housekeeping").addHandler(log)
        housekeeping = app.ctx.housekeeping
        assert housekeeping.task.first_delay == 1800
        await asyncio.sleep(0)
        assert housekeeping.task.passes == 0  # waiting out its half hour
        report = await asyncio.wait_for(housekeeping.run_now(), GUARD_SECONDS)
        assert report is not None and report.failures == {}
        assert housekeeping.task.passes == 1
    # The stop came while the task waited for its next hour: it ended, nothing had to be cancelled.
    logging.getLogger("portal.housekeeping").removeHandler(log)
    assert not housekeeping.task.running
    assert len(log.messages()) == 1  # the run asked for, and no complaint at the stop
    assert not [message for message in log.messages() if "cancelled" in message]


async def test_stopping_during_the_start_delay_runs_nothing(config, monkeypatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.5)
    log = LogLines()
    async with running_app(dataclasses.replace(config, housekeeping_start_jitter_seconds=3600)) as app:
        logging.getLogger("portal.housekeeping").addHandler(log)
        housekeeping = app.ctx.housekeeping
        await asyncio.sleep(0)
    logging.getLogger("portal.housekeeping").removeHandler(log)
    assert not housekeeping.task.running
    assert housekeeping.task.passes == 0
    assert housekeeping.last is None
    assert log.messages() == []


def test_the_start_delay_spreads_workers_over_the_jitter() -> None:
    assert first_delay(60, lambda: 0.0) == 0
    assert first_delay(60, lambda: 0.5) == 30
    assert first_delay(0, lambda: 0.9) == 0


async def test_the_task_runs_again_after_its_interval(config) -> None:
    async with running_app(dataclasses.replace(config, housekeeping_every_seconds=0.01)) as app:
        await asyncio.wait_for(app.ctx.housekeeping.task.wait_passes(3), GUARD_SECONDS)


async def test_each_run_logs_one_line_of_counts_without_personal_data(app, clock, housekeeping_log) -> None:
    await _mail(SENT, clock.now() - timedelta(days=40), sent_at=clock.now() - timedelta(days=40))
    await _run(app)
    (line,) = housekeeping_log.lines
    entry = json.loads(line)
    assert entry["message"] == (
        "housekeeping run: deleted 0 sessions, 0 one-time links, 0 throttle attempts, 0 staff tokens, "
        "1 sent mails, 0 failed mails, 0 audit events"
    )
    assert entry["deleted_rows"] == 1
    assert "dana" not in line


async def test_a_failing_rule_is_logged_the_others_still_run_and_the_next_run_retries(
    app, clock, housekeeping_log, monkeypatch
) -> None:
    async def locked(now: datetime, batch: int, kept: timedelta | None) -> int:
        raise RuntimeError("database is locked")

    await _attempt(clock.now() - timedelta(days=3))
    await _event(clock.now() - timedelta(days=401))
    monkeypatch.setitem(service.PURGES, "attempts", locked)
    report = await asyncio.wait_for(app.ctx.housekeeping.run_now(), GUARD_SECONDS)
    assert report is not None
    assert report.failures == {"attempts": "RuntimeError"}
    assert report.deleted["audit"] == 1
    entry = json.loads(housekeeping_log.lines[-1])
    assert entry["message"].startswith("housekeeping run incomplete: deleted 0 sessions")
    assert entry["message"].endswith("; failed: throttle attempts (RuntimeError)")
    assert "1 audit events" in entry["message"]
    assert entry["failed"] == ["attempts"]
    assert app.ctx.housekeeping.task.running

    monkeypatch.undo()
    assert (await _run(app)).deleted["attempts"] == 1


async def test_a_run_that_fails_outright_is_logged_and_the_task_carries_on(
    app, clock, housekeeping_log, monkeypatch
) -> None:
    async def unreachable(*args: Any, **kwargs: Any) -> service.Report:
        raise ConnectionError("database went away")

    monkeypatch.setattr(service, "run_once", unreachable)
    await asyncio.wait_for(app.ctx.housekeeping.task.flush(), GUARD_SECONDS)
    (line,) = housekeeping_log.lines
    entry = json.loads(line)
    assert (entry["level"], entry["message"], entry["error"]) == (
        "error",
        "housekeeping pass failed",
        "ConnectionError",
    )
    assert app.ctx.housekeeping.task.running

    monkeypatch.undo()
    await _attempt(clock.now() - timedelta(days=3))
    assert (await _run(app)).deleted["attempts"] == 1


async def test_an_audit_purge_cut_short_still_records_what_it_deleted(app, clock, monkeypatch) -> None:
    for _ in range(3):
        await _event(clock.now() - timedelta(days=401))
    real = service.delete_statement
    statements = 0

    def second_fails(selection: Any, batch: int) -> Any:
        nonlocal statements
        statements += 1
        if statements == 2:
            raise ConnectionError("database went away")
        return real(selection, batch)

    monkeypatch.setattr(service, "delete_statement", second_fails)
    with pytest.raises(ConnectionError):
        await service.purge_audit(clock.now(), 2, timedelta(days=400))
    (cut,) = await AuditEvent.filter(action="audit.purged")
    assert cut.after["deleted"] == 2


# --- settings -------------------------------------------------------------------------------------


def _env(tmp_path, **values: str) -> dict[str, str]:
    return {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_SECRET_KEY": "k", **values}


def test_retention_settings_are_read_from_the_environment(tmp_path) -> None:
    defaults = ServerConfig.from_env(_env(tmp_path)).retention
    assert defaults == Retention()
    assert defaults.audit == timedelta(days=400)
    custom = ServerConfig.from_env(
        _env(
            tmp_path,
            PORTAL_AUDIT_RETENTION_DAYS="730",
            PORTAL_SENT_MAIL_RETENTION_DAYS=" 7 ",
            PORTAL_FAILED_MAIL_RETENTION_DAYS="0",
        )
    ).retention
    assert (custom.audit, custom.sent_mail, custom.failed_mail) == (
        timedelta(days=730),
        timedelta(days=7),
        None,
    )
    assert ServerConfig.from_env(_env(tmp_path, PORTAL_AUDIT_RETENTION_DAYS="0")).retention.audit is None


@pytest.mark.parametrize("value", ["forever", "-1", "1.5", "400d", "36501"])
def test_a_retention_that_is_not_a_number_of_days_stops_the_server(tmp_path, value) -> None:
    with pytest.raises(ConfigError) as refused:
        ServerConfig.from_env(_env(tmp_path, PORTAL_AUDIT_RETENTION_DAYS=value))
    assert refused.value.variable == "PORTAL_AUDIT_RETENTION_DAYS"
    assert repr(value) in refused.value.reason


def test_the_command_line_names_a_bad_retention_and_starts_nothing(tmp_path, monkeypatch, capsys) -> None:
    for name, value in _env(tmp_path, PORTAL_SENT_MAIL_RETENTION_DAYS="a month").items():
        monkeypatch.setenv(name, value)
    assert cli.main(["migrate"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: PORTAL_SENT_MAIL_RETENTION_DAYS: must be a whole number of days")
    assert not (tmp_path / "portal.db").exists()


@pytest.mark.parametrize(("setting", "deleted"), [("0", 0), ("30", 1)])
async def test_the_audit_retention_from_the_environment_is_what_the_task_applies(
    config, clock, tmp_path, setting, deleted
) -> None:
    retention = ServerConfig.from_env(_env(tmp_path, PORTAL_AUDIT_RETENTION_DAYS=setting)).retention
    async with _started(dataclasses.replace(config, retention=retention)) as app:
        old = await _event(clock.now() - timedelta(days=3650))
        await _event(clock.now() - timedelta(days=29))
        assert (await _run(app)).deleted["audit"] == deleted
        assert await AuditEvent.exists(id=old.id) == (deleted == 0)


# --- every delete is served by an index ------------------------------------------------------------

EXPECTED_INDEX = {
    "sessions": "portal_session_expiry",
    "links": "one_time_link_expiry",
    "attempts": "attempt_age",
    "staff_tokens": "staff_token_expiry",
    "sent_mail": "mail_outbox_sent",
    "failed_mail": "mail_outbox_",  # either status index; both start with status
    "audit": "idx_audit_event_at_",
}


async def _plan(sql: str) -> list[str]:
    # The plan does not depend on the values bound (SQLite plans before it binds), so any do.
    values = [None] * sql.count("?")
    _, rows = await Tortoise.get_connection("default").execute_query(f"EXPLAIN QUERY PLAN {sql}", values)
    return [row["detail"] for row in rows]


@pytest.mark.sqlite_only
async def test_every_purge_is_served_by_an_index(app, clock) -> None:
    assert set(EXPECTED_INDEX) == set(service.SELECTIONS) == set(service.PURGES)
    for kind, select in service.SELECTIONS.items():
        selection = select(clock.now())
        table = selection.model._meta.db_table
        for sql in (
            service.delete_statement(selection, service.BATCH).sql(),
            selection.exists().sql(),
        ):
            plan = await _plan(sql)
            assert not [step for step in plan if step.startswith(f"SCAN {table}")], (kind, plan)
            assert not [step for step in plan if "TEMP B-TREE" in step], (kind, plan)
            searches = [step for step in plan if step.startswith(f"SEARCH {table} USING")]
            assert any(f"INDEX {EXPECTED_INDEX[kind]}" in step for step in searches), (kind, plan)
