"""Every lookup on the hot paths uses an index, proven by the plans of the SQL the server really runs.

The subscriber flows (pages, registration, verification, sign-in and out, sessions, resets,
invitations, the throttles), staff sign-in with the token check behind every admin call, and the
mail sender are driven through the app; every statement they send is captured with its values,
and the plan of each SELECT, UPDATE and DELETE is read on the database under test (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set). A full read of a table fails the test, naming the flow,
the SQL, its values and the plan. ``pytest -rP`` shows the list of hot queries that were checked.

Left out on purpose: the admin portal-user search (``GET /api/v1/admin/portal-users?q=``), which
matches with ``icontains`` (``UPPER(…) LIKE '%…%'`` across three columns, which no index serves)
and is rebuilt elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from email.message import Message
from pathlib import Path

import httpx
import pytest
from sanic import Sanic

from portal_server.accounts.models import Account
from portal_server.config import ServerConfig
from portal_server.security.throttle import RULES, Rule
from tests.conftest import STAFF_PASSWORDS
from tests.portal_server.plan_support import (
    Plan,
    Statement,
    brief,
    capturing,
    flow,
    read_plans,
    shown,
    skipped_column,
    sqlite_scans,
)
from tests.portal_server.subscriber_support import (
    csrf_from,
    link_in,
    make_account,
    post_form,
    wait_for_mail,
)

PASSWORD = "correct horse battery"
WRONG = "not the password at all"
TOKEN = "/api/v1/admin/auth/token"

# The tables every hot path reads: if one is missing from the capture, the capture is broken.
HOT_TABLES = {
    "account",
    "attempt",
    "mail_outbox",
    "one_time_link",
    "portal_session",
    "portal_user",
    "profile",
    "staff_token",
    "staff_user",
}


@pytest.fixture
def config(config: ServerConfig) -> ServerConfig:
    """The suite's settings, with a sign-in throttle an address reaches in a few wrong passwords."""
    config.throttle_rules = {**RULES, "sign_in": Rule(RULES["sign_in"].window, None, 4, 10, "sign_in")}
    return config


@pytest.fixture
async def elsewhere(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on another network, which has never signed in successfully."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        yield http


class _Mailbox:
    """Reads the outbox in order, one new mail at a time."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.read = 0

    async def next(self, recipient: str) -> Message:
        """Return the next mail, which must go to recipient."""
        mails: list[Message] = await wait_for_mail(self.data_dir, self.read + 1)
        assert len(mails) > self.read, f"no new mail for {recipient}"
        mail = mails[self.read]
        self.read += 1
        assert recipient in mail["To"], (recipient, mail["To"], mail["Subject"])
        return mail

    async def link(self, recipient: str, kind: str) -> str:
        """Return the token of the next mail's link, which must go to recipient and be of kind."""
        mail = await self.next(recipient)
        found, token = link_in(mail)
        assert found == kind, (kind, mail["Subject"])
        return token


async def _sign_in(client: httpx.AsyncClient, identifier: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"identifier": identifier, "password": password})


async def _drive_hot_flows(
    app: Sanic, client: httpx.AsyncClient, elsewhere: httpx.AsyncClient, config: ServerConfig, clock
) -> None:
    """Run every hot flow once, each under its own label, checking that it did what it should."""
    mailbox = _Mailbox(config.data_dir)
    await make_account(clock, "200001")
    await make_account(clock, "200002", holder="Lee Park", last_name="Park", postal_code="60601")
    await make_account(clock, "300300", holder="Sam Ortiz", last_name="Ortiz", market="WEST")
    registration = {
        "account_number": "200001",
        "last_name": "Whitfield",
        "email": "dana@example.com",
        "username": "dana.w",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }

    with flow("page load: GET /login, GET /register"):
        assert (await client.get("/login")).status_code == 200
        assert (await client.get("/register")).status_code == 200
    with flow("registration, wrong facts"):
        wrong = await post_form(client, "/register", {**registration, "last_name": "Smith"})
        unknown = await post_form(client, "/register", {**registration, "account_number": "999999"})
        assert wrong.status_code == unknown.status_code == 422
    with flow("registration, right facts"):
        assert (await post_form(client, "/register", registration)).status_code == 200
    verify_token = await mailbox.link("dana@example.com", "verify")
    with flow("verification: GET shows the confirm button"):
        page = await client.get(f"/verify/{verify_token}")
        assert page.status_code == 200 and "Confirm my email address" in page.text
    with flow("verification: POST uses the link"):
        verified = await post_form(client, f"/verify/{verify_token}", {})
        assert verified.status_code == 303, verified.text

    with flow("sign-in by email, right password"):
        assert (await _sign_in(client, "DANA@example.com", PASSWORD)).status_code == 303
    with flow("signed-in page load (session lookup)"):
        assert (await client.get("/")).status_code == 200
        clock.advance(minutes=2)  # long enough that the idle timer is written
        assert (await client.get("/")).status_code == 200
    with flow("sign-out"):
        assert (await post_form(client, "/logout", {}, page="/")).status_code == 303
    with flow("sign-in by username, right password"):
        assert (await _sign_in(client, "Dana.W", PASSWORD)).status_code == 303
    with flow("sign-out"):
        assert (await post_form(client, "/logout", {}, page="/")).status_code == 303
    with flow("sign-in by username, wrong password"):
        assert (await _sign_in(client, "dana.w", WRONG)).status_code == 401
    with flow("sign-in, unknown login"):
        assert (await _sign_in(client, "nobody@example.com", WRONG)).status_code == 401
    with flow("sign-in by email, wrong passwords until the login locks"):
        for _ in range(4):
            assert (await _sign_in(client, "dana@example.com", WRONG)).status_code == 401
    with flow("sign-in by email, locked"):
        assert (await _sign_in(client, "dana@example.com", PASSWORD)).status_code == 401
    await mailbox.link("dana@example.com", "reset-password")  # the lock's notice
    clock.advance(minutes=2)
    with flow("sign-in from an address its throttle refuses"):
        statuses = [(await _sign_in(elsewhere, "nobody@example.com", WRONG)).status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]

    with flow("registration, pending login"):
        pending = {
            **registration,
            "account_number": "200002",
            "last_name": "60601",
            "email": "lee@example.com",
            "username": "",
        }
        assert (await post_form(client, "/register", pending)).status_code == 200
    await mailbox.link("lee@example.com", "verify")
    with flow("sign-in, email not verified"):
        assert (await _sign_in(client, "lee@example.com", PASSWORD)).status_code == 403
    with flow("resend verification"):
        resent = await post_form(client, "/verify/resend", {"email": "lee@example.com"}, page="/login")
        nobody = await post_form(client, "/verify/resend", {"email": "no@example.com"}, page="/login")
        assert resent.status_code == nobody.status_code == 200
    await mailbox.link("lee@example.com", "verify")

    with flow("forgot password"):
        assert (await post_form(client, "/forgot-password", {"email": "no@example.com"})).status_code == 200
        assert (await post_form(client, "/forgot-password", {"email": "dana@example.com"})).status_code == 200
        reset_token = await mailbox.link("dana@example.com", "reset-password")
    with flow("forgot password, until its per-recipient throttle sends no more"):
        for _ in range(2):
            await post_form(client, "/forgot-password", {"email": "dana@example.com"})
            reset_token = await mailbox.link("dana@example.com", "reset-password")
        await post_form(client, "/forgot-password", {"email": "dana@example.com"})  # the fourth: refused
    with flow("reset link: GET"):
        assert (await client.get(f"/reset-password/{reset_token}")).status_code == 200
    with flow("reset link: POST"):
        new_password = "a whole new secret"
        reset = await post_form(
            client,
            f"/reset-password/{reset_token}",
            {"password": new_password, "password_confirm": new_password},
        )
        assert reset.status_code == 303, reset.text
    assert "password" in (await mailbox.next("dana@example.com"))["Subject"].lower()

    with flow("staff sign-in, wrong password"):
        refused = await client.post(TOKEN, json={"username": "rep", "password": WRONG})
        assert refused.status_code == 401
    with flow("staff sign-in"):
        issued = await client.post(TOKEN, json={"username": "rep", "password": STAFF_PASSWORDS["rep"]})
        assert issued.status_code == 200
        headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    with flow("admin API call with a bearer token: a rep invites a login"):
        invited = await client.post(
            "/api/v1/admin/portal-users",
            json={"account_number": "300300", "email": "sam@example.com"},
            headers=headers,
        )
        assert invited.status_code == 201, invited.text
    invite_token = await mailbox.link("sam@example.com", "invite")
    with flow("invitation: GET"):
        assert (await client.get(f"/invite/{invite_token}")).status_code == 200
    with flow("invitation: POST sets the password"):
        accepted = await post_form(
            client, f"/invite/{invite_token}", {"password": PASSWORD, "password_confirm": PASSWORD}
        )
        assert accepted.status_code == 303, accepted.text
    with flow("admin API call with a revoked bearer token: staff sign-out"):
        assert (await client.delete(TOKEN, headers=headers)).status_code in (200, 204)
        assert (await client.get("/api/v1/admin/profiles", headers=headers)).status_code == 401
    with flow("mail sender delivering the queued mail"):
        await app.ctx.mail_sender.flush()


def _more(others: int) -> str:
    if not others:
        return ""
    return f" (and {others} more {'set' if others == 1 else 'sets'} of values, read the same way)"


def _report(plan: Plan, flows: dict[str, set[str]], others: int) -> str:
    statement = plan.statement
    return "\n".join(
        [
            f"flow: {statement.flow}",
            f"also run by: {', '.join(sorted(flows[statement.sql] - {str(statement.flow)})) or '-'}",
            f"sql: {statement.sql}",
            f"params: {shown(statement.values)}{_more(others)}",
            "plan:",
            *(f"    {line}" for line in plan.lines),
            f"full reads: {'; '.join(plan.scans)}",
        ]
    )


def _listing(explained: list[Statement], plans: list[Plan], flows: dict[str, set[str]]) -> str:
    runs: dict[str, int] = {}
    for statement in explained:  # in the order the flows first ran them
        runs[statement.sql] = runs.get(statement.sql, 0) + 1
    plan_of: dict[str, Plan] = {}
    for plan in plans:
        plan_of.setdefault(plan.statement.sql, plan)
    lines = [f"{len(runs)} distinct hot queries, in the order the flows first ran them:"]
    for number, sql in enumerate(runs, 1):
        lines.append(f"{number:3}. {brief(sql)}")
        lines.append(f"     run {runs[sql]}x by: {'; '.join(sorted(flows[sql]))}")
        lines.append(f"     plan: {' | '.join(line.strip() for line in plan_of[sql].lines)}")
    return "\n".join(lines)


# The profile cache (portal_server/profiles/cache.py) reads the ids and versions of all profiles,
# and all markets, at most once a second per worker, never per request. Both tables hold a row per
# profile or market (a few dozen), not per subscriber, so these two reads are whole on purpose.
WHOLE_BY_DESIGN = re.compile(r'^SELECT [^;]* FROM "(profile|profile_market)"$')


def by_design(sql: str) -> bool:
    """Tell whether a statement is one of the cache's whole reads of a tiny table."""
    return WHOLE_BY_DESIGN.match(sql.strip()) is not None


async def test_every_hot_lookup_reads_through_an_index(
    app: Sanic,
    client: httpx.AsyncClient,
    elsewhere: httpx.AsyncClient,
    config: ServerConfig,
    clock,
    request: pytest.FixtureRequest,
) -> None:
    # The sender task runs from the app's start; started again under its label, its statements carry it.
    await app.ctx.mail_sender.stop()
    with capturing() as statements:
        with flow("mail sender delivering the queued mail"):
            app.ctx.mail_sender.start()
        await _drive_hot_flows(app, client, elsewhere, config, clock)
    explained = [s for s in statements if s.explained]
    strays = [s.sql for s in explained if s.flow is None]
    assert not strays, f"statements outside any labelled flow: {strays}"
    seen = {table for s in explained for table in s.tables()}
    assert seen >= HOT_TABLES, f"the capture missed the tables {sorted(HOT_TABLES - seen)}"
    # Using a verification link marks it used inside a transaction: those statements count too.
    assert any(
        s.flow == "verification: POST uses the link" and s.sql.startswith('UPDATE "one_time_link"')
        for s in explained
    ), "statements run inside transactions were not captured"

    flows: dict[str, set[str]] = {}
    for statement in explained:
        flows.setdefault(statement.sql, set()).add(str(statement.flow))
    distinct = list({(s.sql, repr(s.values)): s for s in explained}.values())
    plans = await read_plans(distinct)
    request.node.add_report_section("call", "hot queries", _listing(explained, plans, flows))
    failing: dict[str, list[Plan]] = {}
    for plan in plans:
        if plan.scans and not by_design(plan.statement.sql):
            failing.setdefault(plan.statement.sql, []).append(plan)
    if failing:
        reports = [_report(found[0], flows, len(found) - 1) for found in failing.values()]
        pytest.fail(
            f"{len(failing)} hot statements read a whole table:\n\n" + "\n\n".join(reports), pytrace=False
        )


async def test_the_plan_check_catches_a_full_read(app: Sanic, client: httpx.AsyncClient, clock) -> None:
    await make_account(clock, "200001")
    with capturing() as statements, flow("check"):
        await csrf_from(client, "/login")  # some indexed lookups, to be sure they pass
        await Account.filter(holder_name="Dana Whitfield").first()  # no index on holder_name
        await Account.filter(number="200001").order_by("holder_name").first()  # a seek, then a sort
        await Account.all().order_by("id").limit(5)  # a walk of the whole primary key
    plans = await read_plans([s for s in statements if s.explained])
    scanned = {plan.statement.sql for plan in plans if plan.scans and not by_design(plan.statement.sql)}
    by_holder = [s for s in scanned if "holder_name" in s and "ORDER BY" not in s.upper()]
    walk = [s for s in scanned if "LIMIT" in s.upper() and "WHERE" not in s.upper()]
    assert by_holder and walk, scanned
    assert len(scanned) == 2, scanned


def test_an_index_sought_past_a_column_it_skips_counts_as_a_full_read() -> None:
    columns = ["scope", "subject", "at"]
    skipping = (
        "(((scope)::text = 'sign_in'::text) AND (at > '2026-01-15 08:45:00+00'::timestamp with time zone))"
    )
    assert skipped_column(skipping, columns) == "subject"
    seek = "(((scope)::text = 'sign_in'::text) AND ((subject)::text = 'ab'::text) AND (at > now()))"
    assert skipped_column(seek, columns) is None
    assert skipped_column("((scope)::text = 'sign_in'::text)", columns) is None
    skip_scan = {"detail": "SEARCH attempt USING INDEX attempt_subject (ANY(scope) AND subject=?)"}
    walk = {"detail": "SCAN attempt USING COVERING INDEX attempt_age"}
    fine = [
        {"detail": "SEARCH attempt USING INDEX attempt_subject (scope=? AND subject=? AND at>?)"},
        {"detail": "USE TEMP B-TREE FOR ORDER BY"},
        {"detail": "MATERIALIZE recent"},
        {"detail": "SCAN recent"},
        {"detail": "SCAN CONSTANT ROW"},
    ]
    assert sqlite_scans([skip_scan, walk, *fine]) == [skip_scan["detail"], walk["detail"]]
