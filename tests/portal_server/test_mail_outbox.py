"""Mail goes through the outbox table: queued in the request, delivered by the sender task."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from datetime import timedelta

import httpx
import pytest
from tortoise.transactions import in_transaction

from portal_server.clock import FakeClock
from portal_server.config import ServerConfig
from portal_server.notifications import mail_queue
from portal_server.notifications.mailer import OutboxMailer
from portal_server.notifications.models import OutboxMail
from portal_server.notifications.notifier import Recipient
from portal_server.notifications.sender import MailSender
from portal_server.profiles.service import default_profile
from tests.e2e.support import free_port
from tests.portal_server.mail_support import GUARD_SECONDS, LogLines, running_app, settle, smtp_server
from tests.portal_server.subscriber_support import link_in, make_account, outbox, post_form, text_of

PASSWORD = "correct horse battery"
REGISTRATION = {
    "account_number": "200001",
    "last_name": "whitfield",
    "email": "dana@example.com",
    "username": "",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


@pytest.fixture
def mail_log() -> LogLines:
    """The lines the portal.mail logger writes while an app started with it runs."""
    return LogLines()


def _smtp_config(config: ServerConfig, port: int) -> ServerConfig:
    return dataclasses.replace(config, smtp_url=f"smtp://127.0.0.1:{port}", mailer=None)


async def _register(client, clock: FakeClock) -> None:
    await make_account(clock)
    response = await post_form(client, "/register", REGISTRATION)
    assert response.status_code == 200, response.text


def _client(app) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")


async def _only_mail() -> OutboxMail:
    (mail,) = await OutboxMail.all()
    return mail


async def test_a_request_answers_while_the_smtp_server_is_still_busy(config, clock) -> None:
    with smtp_server() as (smtp, port):
        smtp.gate = threading.Event()
        async with running_app(_smtp_config(config, port)) as app, _client(app) as client:
            await _register(client, clock)
            # The page is back; the sender now holds the SMTP server in DATA, which has not
            # answered and cannot before the test opens the gate.
            assert await asyncio.to_thread(smtp.in_data.wait, GUARD_SECONDS)
            assert not smtp.gate.is_set() and smtp.accepted == []
            assert (await _only_mail()).status == "sending"
            smtp.gate.set()
            await settle(app)
            (received,) = smtp.accepted
            assert received["To"] == "Dana Whitfield <dana@example.com>"
            assert link_in(received)[0] == "verify"
            mail = await _only_mail()
            assert (mail.status, mail.attempts, mail.sent_at) == ("sent", 1, clock.now())
            # Its body held the verification link in the clear; once sent, only the facts stay.
            assert (mail.kind, mail.recipient, mail.message) == ("registration", "dana@example.com", b"")


async def test_a_refused_mail_is_retried_after_the_back_off(config, clock, mail_log) -> None:
    with smtp_server() as (smtp, port):
        smtp.data_replies.append("451 4.3.0 Mailbox busy, try again later")
        async with running_app(_smtp_config(config, port), mail_log) as app, _client(app) as client:
            await _register(client, clock)
            await settle(app)
            mail = await _only_mail()
            assert (mail.status, mail.attempts) == ("queued", 1)
            assert mail.next_attempt_at == clock.now() + timedelta(minutes=1)
            assert mail.last_error == "SMTPDataError 451: 4.3.0 Mailbox busy, try again later"
            # Not due yet: a pass leaves it alone.
            clock.advance(seconds=59)
            await settle(app)
            assert smtp.data_attempts == 1 and smtp.accepted == []
            clock.advance(seconds=1)
            await settle(app)
            (received,) = smtp.accepted
            assert link_in(received)[0] == "verify"
            mail = await _only_mail()
            assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, None)
    assert mail_log.messages() == ["mail not sent, will retry", "mail sent"]
    retry, sent = (vars(record) for record in mail_log.records)
    assert (retry["to"], retry["error"], retry["attempt"]) == ("d***@example.com", "SMTPDataError 451", 1)
    assert (sent["to"], sent["attempt"], sent["kind"]) == ("d***@example.com", 2, "registration")
    token = link_in(received)[1]
    for line in mail_log.lines:
        assert "dana@example.com" not in line and token not in line and "Whitfield" not in line


async def test_mail_is_given_up_after_the_last_attempt(config, clock, mail_log) -> None:
    with smtp_server() as (smtp, port):
        smtp.always = "451 4.7.1 Greylisted"
        async with running_app(_smtp_config(config, port), mail_log) as app, _client(app) as client:
            await _register(client, clock)
            waits = []
            for _attempt in range(mail_queue.MAX_ATTEMPTS):
                await settle(app)
                mail = await _only_mail()
                if mail.status != "queued":
                    break
                waits.append(mail.next_attempt_at - clock.now())
                clock.advance(seconds=(mail.next_attempt_at - clock.now()).total_seconds())
            assert [wait // timedelta(minutes=1) for wait in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
            mail = await _only_mail()
            assert (mail.status, mail.attempts, mail.message) == ("failed", mail_queue.MAX_ATTEMPTS, b"")
            assert mail.last_error == "SMTPDataError 451: 4.7.1 Greylisted"
            clock.advance(days=1)
            await settle(app)
            assert smtp.data_attempts == mail_queue.MAX_ATTEMPTS and smtp.accepted == []
    assert mail_log.messages()[-1] == "mail given up"
    assert mail_log.records[-1].levelno == logging.ERROR


async def test_a_recipient_the_server_does_not_know_is_not_retried(config, clock, mail_log) -> None:
    with smtp_server() as (smtp, port):
        smtp.rcpt_reply = "550 5.1.1 No such mailbox"
        async with running_app(_smtp_config(config, port), mail_log) as app, _client(app) as client:
            await _register(client, clock)
            await settle(app)
            clock.advance(hours=2)
            await settle(app)
            mail = await _only_mail()
            assert (mail.status, mail.attempts) == ("failed", 1)
            assert mail.last_error == "SMTPRecipientsRefused 550: 5.1.1 No such mailbox"
    assert mail_log.messages() == ["mail given up"]
    assert vars(mail_log.records[0])["error"] == "recipient refused 550"


async def test_mail_queued_before_a_restart_is_delivered_after_it(config, clock) -> None:
    # Nothing listens on this port: the first server cannot deliver.
    unreachable = _smtp_config(config, free_port())
    async with running_app(unreachable) as app, _client(app) as client:
        await _register(client, clock)
        await settle(app)
        mail = await _only_mail()
        assert (mail.status, mail.attempts) == ("queued", 1)
    assert outbox(config.data_dir) == []
    clock.advance(minutes=1)
    # A new server on the same database, this time with the outbox folder as its transport.
    async with running_app(dataclasses.replace(config, mailer=None)) as app:
        await settle(app)
        (delivered,) = outbox(config.data_dir)
        assert link_in(delivered)[0] == "verify"
        assert (await _only_mail()).status == "sent"


async def test_two_senders_on_one_database_send_each_mail_once(app, config, clock, tmp_path) -> None:
    profile = await default_profile()
    async with in_transaction() as connection:
        for number in range(30):
            await app.ctx.notifier.send(
                profile,
                "password_changed",
                Recipient(f"user{number}@example.com", f"User {number}"),
                connection=connection,
            )
    # Two more senders beside the app's own, as other workers would run them, with their own folder.
    folder = tmp_path / "other-workers"
    first = MailSender(OutboxMailer(folder / "outbox"), clock, batch=7)
    second = MailSender(OutboxMailer(folder / "outbox"), clock, batch=7)
    for _ in range(10):
        await asyncio.gather(first.deliver_due(), second.deliver_due(), app.ctx.mail_sender.flush())
    sent_here = outbox(folder)
    sent_by_app = outbox(config.data_dir)
    recipients = sorted(str(mail["To"]) for mail in [*sent_here, *sent_by_app])
    assert recipients == sorted(f"User {n} <user{n}@example.com>" for n in range(30))
    assert len({mail["Message-ID"] for mail in [*sent_here, *sent_by_app]}) == 30
    assert await OutboxMail.filter(status="sent", attempts=1).count() == 30


async def test_a_rolled_back_change_queues_no_mail(app, config) -> None:
    profile = await default_profile()
    recipient = Recipient("dana@example.com", "Dana Whitfield")
    with pytest.raises(RuntimeError, match="change refused"):
        async with in_transaction() as connection:
            assert await app.ctx.notifier.send(profile, "password_changed", recipient, connection=connection)
            assert await OutboxMail.all().using_db(connection).count() == 1
            raise RuntimeError("change refused")
    assert await OutboxMail.all().count() == 0
    await settle(app)
    assert outbox(config.data_dir) == []
    async with in_transaction() as connection:
        await app.ctx.notifier.send(profile, "password_changed", recipient, connection=connection)
    await settle(app)
    (delivered,) = outbox(config.data_dir)
    assert "password" in str(delivered["Subject"]).lower()


async def test_a_claim_left_by_a_worker_that_died_is_taken_over(app, config, clock) -> None:
    profile = await default_profile()
    async with in_transaction() as connection:
        await app.ctx.notifier.send(
            profile, "password_changed", Recipient("dana@example.com", "Dana"), connection=connection
        )
    mail = await _only_mail()
    # Another worker claimed it and vanished before sending.
    assert await mail_queue.claim(mail.id, now=clock.now(), lease=timedelta(minutes=5)) is not None
    await settle(app)
    assert outbox(config.data_dir) == []
    clock.advance(minutes=5, seconds=1)
    await settle(app)
    assert len(outbox(config.data_dir)) == 1
    mail = await _only_mail()
    assert (mail.status, mail.attempts) == ("sent", 2)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_smtp_url_with_a_user_and_password_signs_in(config, clock) -> None:
    with smtp_server(with_auth=True) as (smtp, port):
        url = f"smtp://portal:s3cret%20pass@127.0.0.1:{port}"
        signed = dataclasses.replace(config, smtp_url=url, mailer=None)
        async with running_app(signed) as app, _client(app) as client:
            await _register(client, clock)
            await settle(app)
            assert smtp.logins == [("portal", "s3cret pass")]
            (received,) = smtp.accepted
            assert "verify" in text_of(received)
