"""Running calls off the UI thread; results come back as Qt signals on the UI thread.

A view hands a callable to a ``BackgroundRunner`` and connects to the returned ``Task``'s
``succeeded(object)`` / ``failed(ApiError)`` / ``finished()`` signals. Every failure arrives as an
``ApiError`` in plain words, whatever the callable raised. Each runner has one thread, so the calls
it runs happen one after the other: an ``ApiClient`` (not thread-safe) is only ever used by one
thread at a time, and a refresh queued after a change sees that change.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from desktop_admin.api import ApiError

T = TypeVar("T")
log = logging.getLogger(__name__)

UNEXPECTED = "unexpected"


class Busy(Protocol):
    """What a runner needs from a busy indicator (see ``views.busy.BusyIndicator``)."""

    def begin(self, text: str = ...) -> None: ...

    def end(self) -> None: ...


def as_api_error(exc: BaseException) -> ApiError:
    """Return ``exc`` as the console's one error type, in words a care rep can act on."""
    if isinstance(exc, ApiError):
        return exc
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        # Errors of the console's own (such as CredentialsUnavailable) already speak plainly.
        return ApiError(message, code=UNEXPECTED)
    detail = str(exc).strip() or type(exc).__name__
    return ApiError(
        f"Something went wrong in the console ({detail}). Try again; if it keeps happening, "
        "tell your administrator.",
        code=UNEXPECTED,
    )


class Task(QObject):
    """One background call. Exactly one of ``succeeded``/``failed`` fires, then ``finished``."""

    succeeded = Signal(object)
    failed = Signal(ApiError)
    finished = Signal()

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description
        self.done = False
        self.result: Any = None
        self.error: ApiError | None = None


class BackgroundRunner(QObject):
    """Runs callables on its own worker thread, one at a time, and reports back on the UI thread."""

    _completed = Signal(int, object, object)
    idle = Signal()

    def __init__(self, parent: QObject | None = None, busy: Busy | None = None) -> None:
        super().__init__(parent)
        self._busy = busy
        # Not a Qt child: the pool must outlive this object while a call is still finishing.
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self._completed.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """How many calls have not reported back yet."""
        return len(self._tasks)

    def is_idle(self) -> bool:
        """Whether no call is in flight."""
        return not self._tasks

    def run(
        self,
        work: Callable[[], T],
        *,
        on_success: Callable[[T], object] | None = None,
        on_failure: Callable[[ApiError], object] | None = None,
        busy_text: str | None = "Working…",
    ) -> Task:
        """Start ``work`` on the worker thread; ``busy_text=None`` runs it without the indicator."""
        task_id = next(self._ids)
        task = Task(busy_text or str(getattr(work, "__name__", "call")))
        if on_success is not None:
            task.succeeded.connect(on_success)
        if on_failure is not None:
            task.failed.connect(on_failure)
        self._tasks[task_id] = task
        if self._busy is not None and busy_text is not None:
            task.setProperty("busy", True)
            self._busy.begin(busy_text)
        self._pool.start(lambda: self._work(task_id, work))
        return task

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the worker thread is free (for shutting down); True when it is."""
        return bool(self._pool.waitForDone(msecs))

    def _work(self, task_id: int, work: Callable[[], Any]) -> None:
        """Runs on the worker thread: call, catch everything, hand the outcome to the UI thread."""
        result: Any = None
        error: ApiError | None = None
        try:
            result = work()
        except ApiError as exc:
            error = exc
        except Exception as exc:
            if isinstance(getattr(exc, "message", None), str):
                # The console's own errors (a bundle that is not one, no keyring) are news, not faults.
                log.info("Background call refused: %s", exc)
            else:
                log.exception("Background call failed")
            error = as_api_error(exc)
        try:
            self._completed.emit(task_id, result, error)
        except RuntimeError:
            # The window that asked is gone; nobody is left to tell.
            log.debug("Dropped the outcome of a call whose owner was closed")

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: Any, error: ApiError | None) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:
            return
        task.done = True
        task.result, task.error = result, error
        try:
            if error is None:
                task.succeeded.emit(result)
            else:
                task.failed.emit(error)
        finally:
            if self._busy is not None and task.property("busy"):
                self._busy.end()
            task.finished.emit()
            if not self._tasks:
                self.idle.emit()
