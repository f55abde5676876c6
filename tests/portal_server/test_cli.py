"""The portal-server command, run for real in subprocesses against a SQLite file."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from portal_server import db
from portal_server.profiles import service as profiles
from portal_server.security.throttle import Throttle
from portal_server.staff import service as staff
from portal_server.staff.models import StaffUser

SIGN_IN_LINE = re.compile(r"^\s*(\S+)\s+username: (\S+)\s+password: (\S+)\s*$")

# The command line always runs on its own SQLite file: once per test run is enough.
pytestmark = pytest.mark.sqlite_only


@dataclass
class Portal:
    """A data directory and database for the command to work on."""

    data_dir: Path
    database_url: str
    env: dict[str, str]

    def run(self, *args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
        """Run portal-server with args and return the finished process."""
        return subprocess.run(
            [sys.executable, "-m", "portal_server.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.data_dir,
            timeout=timeout,
            check=False,
        )


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    """A fresh data directory; always SQLite, whichever database the rest of the run uses."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite://{data_dir / 'portal.db'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PORTAL_SECRET_KEY", "PORTAL_ACCESS_LOG", "TEST_DATABASE_URL")
    }
    env.update({"PORTAL_DATA_DIR": str(data_dir), "DATABASE_URL": url})
    return Portal(data_dir, url, env)


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


async def _sign_in(url: str, username: str, password: str) -> staff.IssuedToken:
    await db.open_database(url)
    try:
        return await staff.sign_in(
            username,
            password,
            address="127.0.0.1",
            now=datetime.now(UTC),
            ttl=60,
            threshold=5,
            throttle=Throttle("test-secret"),
        )
    finally:
        await db.close_database()


def test_migrate_can_run_twice(portal: Portal) -> None:
    for _ in range(2):
        out = _ok(portal.run("migrate"))
        assert "Database is up to date" in out
        assert portal.database_url in out
    assert (portal.data_dir / "portal.db").is_file()


async def test_create_staff_reads_the_password_from_stdin(portal: Portal) -> None:
    out = _ok(portal.run("create-staff", "alice", "--role", "care-rep", stdin="alice-pass-word\n"))
    assert "alice" in out
    assert "care-rep" in out

    issued = await _sign_in(portal.database_url, "alice", "alice-pass-word")
    assert issued.staff.username == "alice"
    assert issued.staff.role == "care-rep"

    await db.open_database(portal.database_url)
    try:
        user = await StaffUser.get(username="alice")
        assert "alice-pass-word" not in user.password_hash
    finally:
        await db.close_database()


async def test_create_staff_refuses_a_short_password(portal: Portal) -> None:
    result = portal.run("create-staff", "bob", "--role", "administrator", stdin="short\n")
    assert result.returncode == 2, result.stderr
    assert "password" in result.stderr
    assert "at least" in result.stderr

    await db.open_database(portal.database_url)
    try:
        assert not await StaffUser.exists(username="bob")
    finally:
        await db.close_database()


def test_create_staff_refuses_a_taken_username(portal: Portal) -> None:
    _ok(portal.run("create-staff", "carol", "--role", "care-rep", stdin="carol-pass-word\n"))
    again = portal.run("create-staff", "carol", "--role", "care-rep", stdin="other-pass-word\n")
    assert again.returncode == 2
    assert "username" in again.stderr


def test_create_staff_refuses_an_unknown_role(portal: Portal) -> None:
    result = portal.run("create-staff", "dave", "--role", "superuser", stdin="dave-pass-word\n")
    assert result.returncode == 2
    assert "--role" in result.stderr
    assert "invalid choice" in result.stderr
    assert "care-rep" in result.stderr


def _sign_ins(out: str) -> dict[str, tuple[str, str]]:
    found = {}
    for line in out.splitlines():
        match = SIGN_IN_LINE.match(line)
        if match:
            role, username, password = match.groups()
            found[username] = (role, password)
    return found


async def test_demo_data_can_be_loaded_twice(portal: Portal) -> None:
    first = _sign_ins(_ok(portal.run("demo-data")))
    assert set(first) == {"admin", "rep"}
    assert first["admin"][0] == "administrator"
    assert first["rep"][0] == "care-rep"

    second = _sign_ins(_ok(portal.run("demo-data")))
    assert second == first

    credentials = portal.data_dir / "demo-credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    stored = json.loads(credentials.read_text(encoding="utf-8"))
    staff = {name: entry for name, entry in stored.items() if not name.startswith("_")}
    assert {name: (entry["role"], entry["password"]) for name, entry in staff.items()} == first
    assert len(stored["_subscribers"]) == 4

    await db.open_database(portal.database_url)
    try:
        summaries = await profiles.list_profiles()
        assert await StaffUser.all().count() == 2
    finally:
        await db.close_database()
    by_name = {item.name: item for item in summaries}
    assert sorted(by_name) == ["Business West", "Default", "Retail East"]
    assert by_name["Retail East"].markets == ["EAST", "NORTHEAST"]
    assert by_name["Business West"].markets == ["WEST"]
    assert by_name["Default"].is_default
    assert by_name["Default"].markets == []

    for username, (role, password) in first.items():
        issued = await _sign_in(portal.database_url, username, password)
        assert issued.staff.role == role


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_ends(group: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_serve_answers_and_stops(portal: Portal) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    stdout_path = portal.data_dir / "serve.out"
    stderr_path = portal.data_dir / "serve.err"
    env = {**portal.env, "PORTAL_ACCESS_LOG": "1"}
    with stdout_path.open("w") as out, stderr_path.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal_server.cli", "serve", "--port", str(port)],
            stdout=out,
            stderr=err,
            env=env,
            cwd=portal.data_dir,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            health = None
            while time.monotonic() < deadline:
                assert process.poll() is None, stderr_path.read_text()
                try:
                    health = httpx.get(f"{base}/healthz", timeout=2)
                except httpx.TransportError:
                    health = None
                if health is not None and health.status_code == 200:
                    break
                time.sleep(0.2)
            assert health is not None, f"no answer within 30 s:\n{stderr_path.read_text()}"
            assert health.status_code == 200
            assert health.json()["database"]["status"] == "up"

            assert httpx.get(f"{base}/docs/openapi.json", timeout=5).status_code == 200
            refused = httpx.get(f"{base}/api/v1/admin/profiles", timeout=5)
            assert refused.status_code == 401
            assert refused.json()["error"]["code"] == "unauthorized"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                pytest.fail(f"serve did not stop when terminated:\n{stderr_path.read_text()}")

    assert process.returncode == 0, stderr_path.read_text()
    assert _group_ends(process.pid, within=10), "the server's worker processes outlived it"
    assert f"127.0.0.1:{port}" in stdout_path.read_text()
    lines = [line for line in stderr_path.read_text().splitlines() if line.startswith("{")]
    assert lines, stderr_path.read_text()
    entries = [json.loads(line) for line in lines]
    for entry in entries:
        assert isinstance(entry, dict)
        assert {"time", "level", "logger", "message"} <= set(entry)
    assert any(entry["logger"] == "sanic.access" for entry in entries)


SHARED_PASSWORD_LINE = re.compile(r"shared password: (\S+)$", re.MULTILINE)


def _shared_password(out: str) -> str:
    match = SHARED_PASSWORD_LINE.search(out)
    assert match, out
    return match.group(1)


def test_demo_data_adds_accounts_with_logins_and_shows_progress(portal: Portal) -> None:
    base = _ok(portal.run("demo-data"))
    assert "(40 accounts in all)" in base
    assert "Accounts 100005 to 100040 have no login yet" in base
    assert "shared password" not in base

    added = portal.run("demo-data", "--subscribers", "1,500", "--batch-size", "400", timeout=120)
    out = _ok(added)
    assert "Added 1,500 accounts, 100041 to 101540, each with a portal login" in out
    assert "(1,540 accounts in all)" in out
    shared = _shared_password(out)
    progress = added.stderr.splitlines()
    assert progress[-1].startswith("demo accounts: 1,500 of 1,500 in "), added.stderr
    assert "/s)" in progress[-1]

    stored = json.loads((portal.data_dir / "demo-credentials.json").read_text(encoding="utf-8"))
    assert stored["_bulk"]["password"] == shared
    assert stored["_bulk"]["accounts"] == [{"first": "100041", "last": "101540"}]
    assert len(stored["_subscribers"]) == 4

    # A plain start keeps everything and says again how the bulk logins sign in.
    again = _ok(portal.run("demo-data"))
    assert _sign_ins(again) == _sign_ins(base)
    assert "(1,540 accounts in all)" in again and "Added" not in again
    assert _shared_password(again) == shared

    more = _ok(portal.run("demo-data", "--subscribers", "100"))
    assert "Added 100 accounts, 101541 to 101640" in more
    assert "accounts 100041 to 101640" in more
    assert _shared_password(more) == shared


@pytest.mark.parametrize(
    ("value", "reason"),
    [("-3", "must be from 0 to 50,000,000 accounts"), ("many", "must be a whole number of accounts")],
)
def test_demo_data_refuses_a_bad_count(portal: Portal, value: str, reason: str) -> None:
    result = portal.run("demo-data", "--subscribers", value)
    assert result.returncode == 2
    assert "--subscribers" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr
    assert not (portal.data_dir / "portal.db").exists()
