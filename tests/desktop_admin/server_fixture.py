"""One real `portal-server serve` for the whole test run, for the console's client and windows.

Conftests re-export ``live_server``; it runs on its own SQLite file, whatever database the rest of
the run uses, so tests that use it are marked ``sqlite_only``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

READY_WITHIN = 30.0
STOP_WITHIN = 20.0
_DROPPED_ENV = ("PORTAL_SECRET_KEY", "PORTAL_ACCESS_LOG", "TEST_DATABASE_URL", "SMTP_URL", "PORTAL_LICENSE")


@dataclass(frozen=True)
class LiveServer:
    """A running server and the demo staff sign-ins it was loaded with."""

    base_url: str
    admin_password: str
    rep_password: str
    data_dir: Path

    def password(self, username: str) -> str:
        """Return the demo password of 'admin' or 'rep'."""
        return {"admin": self.admin_password, "rep": self.rep_password}[username]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "portal_server.cli", *args]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_until_ready(process: subprocess.Popen, base_url: str, stderr_path: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal-server exited with {process.returncode}:\n{_tail(stderr_path)}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"portal-server did not answer within {READY_WITHIN:.0f} s:\n{_tail(stderr_path)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_WITHIN)


@contextmanager
def running_server(data_dir: Path) -> Iterator[LiveServer]:
    """Load demo data into a fresh SQLite file under data_dir, serve it, and stop it afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update({"PORTAL_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite://{data_dir / 'portal.db'}"})

    demo = subprocess.run(
        _command("demo-data"),
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=120,
        check=False,
    )
    if demo.returncode != 0:
        raise RuntimeError(f"demo-data failed with {demo.returncode}:\n{demo.stdout}\n{demo.stderr}")
    staff = json.loads((data_dir / "demo-credentials.json").read_text(encoding="utf-8"))

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["PORTAL_BASE_URL"] = base_url
    stdout_path, stderr_path = data_dir / "serve.out", data_dir / "serve.err"
    with stdout_path.open("w") as out, stderr_path.open("w") as err:
        process = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port)),
            stdout=out,
            stderr=err,
            env=env,
            cwd=data_dir,
            start_new_session=True,
        )
        try:
            _wait_until_ready(process, base_url, stderr_path)
            yield LiveServer(
                base_url=base_url,
                admin_password=staff["admin"]["password"],
                rep_password=staff["rep"]["password"],
                data_dir=data_dir,
            )
        finally:
            _stop(process)


class _Shared:
    """The one server of the run: each conftest that re-exports the fixture gets its own fixture
    definition, so the server is counted here and stopped when the last user lets go."""

    stack: ExitStack | None = None
    server: LiveServer | None = None
    users = 0


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real portal server, with demo data, shared by every test of the run that asks for it."""
    if _Shared.server is None:
        stack = ExitStack()
        _Shared.server = stack.enter_context(running_server(tmp_path_factory.mktemp("live-server")))
        _Shared.stack = stack
    _Shared.users += 1
    try:
        yield _Shared.server
    finally:
        _Shared.users -= 1
        if _Shared.users == 0 and _Shared.stack is not None:
            stack, _Shared.stack, _Shared.server = _Shared.stack, None, None
            stack.close()
