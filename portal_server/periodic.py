"""A background loop in each worker: one pass now and again, sooner when woken, stopped cleanly.

The mail sender and housekeeping both run this way: a first pass after a start delay, then one
every ``interval`` seconds (at once again when a pass says more is waiting), a pass on demand
through ``wake``/``flush``, and a stop that lets the pass under way finish for ``stop_grace``
seconds before cancelling it. A pass that raises is logged and the loop carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class PeriodicTask:
    """Runs ``run_pass`` repeatedly on the running event loop until stopped."""

    def __init__(
        self,
        name: str,
        run_pass: Callable[[], Awaitable[bool]],
        *,
        interval: float,
        log: logging.Logger,
        first_delay: float = 0.0,
        wakeup: asyncio.Event | None = None,
        stop_grace: float = 5.0,
    ) -> None:
        self.name = name
        self.run_pass = run_pass
        self.interval = interval
        self.log = log
        self.first_delay = first_delay
        self.wakeup = wakeup or asyncio.Event()
        self.stop_grace = stop_grace
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._started = 0
        self._finished = 0
        self._progress = asyncio.Condition()

    @property
    def stopping(self) -> bool:
        """Tell whether a stop was asked for (a long pass may check it between steps)."""
        return self._stopping

    @property
    def running(self) -> bool:
        """Tell whether the loop is running."""
        return self._task is not None and not self._task.done()

    @property
    def passes(self) -> int:
        """Return how many passes have finished since the loop was created."""
        return self._finished

    def start(self) -> None:
        """Start the loop; its first pass comes after ``first_delay`` seconds, or when woken."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Let the pass under way finish (cancelled after ``stop_grace`` seconds), then end the loop."""
        self._stopping = True
        self.wakeup.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(task, self.stop_grace)
        except TimeoutError:
            self.log.warning(f"{self.name} cancelled mid-pass at shutdown")
        async with self._progress:
            self._progress.notify_all()

    def wake(self) -> None:
        """Ask for a pass now instead of at the next interval (or the end of the start delay)."""
        self.wakeup.set()

    async def flush(self) -> None:
        """Wake the loop and return once a pass that began after this call has finished."""
        target = self._started + 1
        self.wake()
        async with self._progress:
            await self._progress.wait_for(lambda: self._finished >= target or self._task is None)

    async def wait_passes(self, count: int) -> None:
        """Return once ``count`` passes have finished in all (or the loop is not running); never wakes it."""
        async with self._progress:
            await self._progress.wait_for(lambda: self._finished >= count or self._task is None)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wakeup.wait(), seconds)

    async def _run(self) -> None:
        if self.first_delay > 0:
            await self._sleep(self.first_delay)
        while not self._stopping:
            # Cleared before the pass: a wake that comes during the pass asks for another.
            self.wakeup.clear()
            self._started += 1
            more = False
            try:
                more = await self.run_pass()
            except Exception as exc:  # a database hiccup must not end the loop; the next pass retries
                self.log.error(f"{self.name} pass failed", extra={"error": type(exc).__name__})
            finally:
                self._finished += 1
                async with self._progress:
                    self._progress.notify_all()
            if more or self._stopping:
                continue
            await self._sleep(self.interval)
