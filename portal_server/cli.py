"""The ``portal-server`` command: serve, migrate, create-staff, demo-data."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import socket
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from common.permissions import role_names
from portal_server import db
from portal_server.actor import Actor
from portal_server.config import ServerConfig

T = TypeVar("T")


async def _with_database(config: ServerConfig, work: Callable[[], Awaitable[T]]) -> T:
    await db.migrate(config.database_url)
    await db.open_database(config.database_url)
    try:
        return await work()
    finally:
        await db.close_database()


def cmd_migrate(config: ServerConfig, args: argparse.Namespace) -> int:
    """Bring the schema up to date and make sure the default profile exists."""
    from portal_server.profiles.service import ensure_default_profile

    asyncio.run(_with_database(config, lambda: ensure_default_profile(config.clock.now())))
    print(f"Database is up to date: {_display_url(config.database_url)}")
    return 0


def _display_url(url: str) -> str:
    # Never print a password that may sit in the URL.
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        user = creds.split(":", 1)[0]
        rest = f"{user}:***@{host}" if ":" in creds else f"{user}@{host}"
    return f"{scheme}{sep}{rest}"


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise SystemExit("The two passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_create_staff(config: ServerConfig, args: argparse.Namespace) -> int:
    """Create a staff user; the password is read from standard input."""
    from portal_server.staff.service import StaffError, create_staff

    password = _read_password()

    async def work() -> None:
        await create_staff(
            args.username, password, args.role, actor=Actor.system("cli"), now=config.clock.now()
        )

    try:
        asyncio.run(_with_database(config, work))
    except StaffError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(f"Created {args.role} {args.username}.")
    return 0


def cmd_demo_data(config: ServerConfig, args: argparse.Namespace) -> int:
    """Load the demo profiles and staff, then print the staff sign-ins."""
    from portal_server.demo import SIGNED_UP, load_demo_data, load_demo_subscribers

    async def work() -> tuple[list, list]:
        now = config.clock.now()
        staff = await load_demo_data(config.data_dir, now)
        return staff, await load_demo_subscribers(config.data_dir, now, args.subscribers)

    sign_ins, subscribers = asyncio.run(_with_database(config, work))
    print("Demo data is loaded. Staff sign-ins for the console and the admin API:")
    for entry in sign_ins:
        print(f"  {entry.role:<14} username: {entry.username:<8} password: {entry.password}")
    print(f"Subscriber sign-ins for the portal ({args.subscribers} demo accounts in all):")
    for sub in subscribers:
        print(f"  {sub.email:<40} password: {sub.password}  (account {sub.account_number}, {sub.market})")
    if args.subscribers > SIGNED_UP:
        print(
            f"Accounts {100001 + SIGNED_UP} to {100000 + args.subscribers} have no login yet: "
            "register one at /register with its number and the last name or ZIP code on the account."
        )
    return 0


def cmd_serve(config: ServerConfig, args: argparse.Namespace) -> int:
    """Migrate, then serve until interrupted."""
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from portal_server.app import create_app

    if not _port_is_free(args.host, args.port):
        print(
            f"error: {args.host}:{args.port} is already in use; choose another --port.",
            file=sys.stderr,
        )
        return 1
    asyncio.run(db.migrate(config.database_url))
    loader = AppLoader(factory=partial(create_app))
    app = loader.load()
    app.prepare(
        host=args.host,
        port=args.port,
        workers=args.workers,
        single_process=args.workers == 1,
        motd=False,
    )
    print(
        f"Serving on http://{args.host}:{args.port} with {args.workers} worker(s). Ctrl-C stops.",
        flush=True,
    )
    if args.workers == 1:
        # One process, no worker manager: Ctrl-C stops it cleanly and nothing is left behind.
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)
    return 0


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(prog="portal-server", description="Customer portal server")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the portal and the admin API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        handler=cmd_migrate
    )

    staff = commands.add_parser("create-staff", help="create a care rep or administrator (password on stdin)")
    staff.add_argument("username")
    staff.add_argument("--role", required=True, choices=role_names())
    staff.set_defaults(handler=cmd_create_staff)

    demo = commands.add_parser("demo-data", help="load demo profiles, staff and subscribers (safe to repeat)")
    demo.add_argument("--subscribers", type=int, default=40, help="how many demo accounts (default 40)")
    demo.set_defaults(handler=cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    config = ServerConfig.from_env()
    return int(args.handler(config, args))


if __name__ == "__main__":
    raise SystemExit(main())
