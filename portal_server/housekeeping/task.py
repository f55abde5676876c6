"""The housekeeping task: every worker applies the purge rules hourly, from server start to shutdown."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace

from sanic import Sanic

from portal_server.clock import Clock
from portal_server.housekeeping import service
from portal_server.housekeeping.retention import Retention
from portal_server.periodic import PeriodicTask
from portal_server.security.throttle import longest_look_back

log = logging.getLogger("portal.housekeeping")

LABELS = {
    "sessions": "sessions",
    "links": "one-time links",
    "attempts": "throttle attempts",
    "staff_tokens": "staff tokens",
    "sent_mail": "sent mails",
    "failed_mail": "failed mails",
    "audit": "audit events",
}


def first_delay(jitter: float, draw: Callable[[], float] | None = None) -> float:
    """Return a start delay from 0 to ``jitter`` seconds, so workers started together purge apart."""
    return max(jitter, 0.0) * (draw or random.random)()


class Housekeeping:
    """Runs the purge rules now and again in one worker and keeps the last run's report."""

    def __init__(
        self,
        clock: Clock,
        retention: Retention,
        *,
        batch: int = service.BATCH,
        every: float = 3600.0,
        start_delay: float = 0.0,
    ) -> None:
        self.clock = clock
        self.retention = retention
        self.batch = batch
        self.last: service.Report | None = None
        # Every batch is one statement that commits on its own, so cancelling a run at shutdown
        # loses nothing; the grace only lets the statement under way finish.
        self.task = PeriodicTask(
            "housekeeping", self._run, interval=every, log=log, first_delay=start_delay, stop_grace=5.0
        )

    def start(self) -> None:
        """Start the timer; the first run comes after the start delay."""
        self.task.start()

    async def stop(self) -> None:
        """End the timer, letting the statement under way finish."""
        await self.task.stop()

    async def run_now(self) -> service.Report | None:
        """Run the rules at once (cutting a wait short) and return that run's report."""
        await self.task.flush()
        return self.last

    async def _run(self) -> bool:
        started = time.monotonic()
        report = await service.run_once(self.clock.now(), self.retention, self.batch)
        self.last = report
        # The counts go in the message: the log masks fields named like "sessions" or "tokens".
        counts = ", ".join(
            f"{report.deleted[kind]} {label}" for kind, label in LABELS.items() if kind in report.deleted
        )
        facts: dict[str, object] = {
            "deleted_rows": sum(report.deleted.values()),
            "seconds": round(time.monotonic() - started, 3),
        }
        if report.failures:
            failed = ", ".join(f"{LABELS[kind]} ({error})" for kind, error in report.failures.items())
            log.warning(
                f"housekeeping run incomplete: deleted {counts or 'nothing'}; failed: {failed}",
                extra={**facts, "failed": sorted(report.failures)},
            )
        else:
            log.info(f"housekeeping run: deleted {counts}", extra=facts)
        return False


def setup_housekeeping(app: Sanic) -> None:
    """Run housekeeping in each worker from server start to shutdown."""

    @app.after_server_start
    async def _start_housekeeping(app: Sanic) -> None:
        config = app.ctx.config
        # However the throttles are set up, no attempt they still look at is deleted.
        retention = replace(
            config.retention,
            attempts=max(config.retention.attempts, longest_look_back(config.throttle_rules)),
        )
        housekeeping = Housekeeping(
            app.ctx.clock,
            retention,
            batch=config.housekeeping_batch,
            every=config.housekeeping_every_seconds,
            start_delay=first_delay(config.housekeeping_start_jitter_seconds),
        )
        app.ctx.housekeeping = housekeeping
        housekeeping.start()

    @app.before_server_stop
    async def _stop_housekeeping(app: Sanic) -> None:
        housekeeping = getattr(app.ctx, "housekeeping", None)
        if housekeeping is not None:
            await housekeeping.stop()
