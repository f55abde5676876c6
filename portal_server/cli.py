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
from portal_server.config import ConfigError, ServerConfig

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
    """Load the base demo (safe to repeat), then N more accounts with logins; print the sign-ins."""
    from portal_server.demo.bulk_load import BulkFailed, BulkRefused
    from portal_server.demo.loader import DemoSummary, load_demo
    from portal_server.demo.progress import duration_text

    async def work() -> DemoSummary:
        return await load_demo(
            config.data_dir, config.clock.now(), subscribers=args.subscribers, batch_size=args.batch_size
        )

    try:
        demo = asyncio.run(_with_database(config, work))
    except BulkRefused as exc:
        print(f"error: --subscribers: {exc}", file=sys.stderr)
        return 2
    except BulkFailed as exc:
        print(f"error: demo-data: {exc.message}. Run it again to add the rest.", file=sys.stderr)
        return 1
    print("Demo data is loaded. Staff sign-ins for the console and the admin API:")
    for entry in demo.staff:
        print(f"  {entry.role:<14} username: {entry.username:<8} password: {entry.password}")
    print(f"Subscriber sign-ins for the portal ({demo.accounts:,} accounts in all):")
    for sub in demo.subscribers:
        print(f"  {sub.email:<40} password: {sub.password}  (account {sub.account_number}, {sub.market})")
    low, high = demo.unregistered
    print(
        f"Accounts {low} to {high} have no login yet: register one at /register "
        "with its number and the last name or ZIP code on the account."
    )
    if demo.added is not None:
        added = demo.added
        print(
            f"Added {added.count:,} accounts, {added.first_number} to {added.last_number}, "
            f"each with a portal login, in {duration_text(added.seconds)}."
        )
    if demo.bulk is not None:
        bulk = demo.bulk
        shown = ", ".join(f"{first} to {last}" for first, last in bulk.ranges)
        print(
            f"Bulk demo logins ({bulk.logins:,}: accounts {shown}) sign in with their email or "
            f"username, such as {bulk.example_email} or {bulk.example_username}, and the shared "
            f"password: {bulk.password}"
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


MAX_BULK_ACCOUNTS = 50_000_000


def _count_of(what: str, low: int, high: int) -> Callable[[str], int]:
    def parse_count(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number of {what}, such as 1000") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,} {what}")
        return value

    return parse_count


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
    demo.add_argument(
        "--subscribers",
        type=_count_of("accounts", 0, MAX_BULK_ACCOUNTS),
        default=0,
        metavar="N",
        help="add N more demo accounts, each with a portal login sharing one demo password",
    )
    demo.add_argument(
        "--batch-size",
        type=_count_of("accounts per batch", 1, 1_000_000),
        default=10_000,
        metavar="B",
        help="accounts written per transaction (default 10000)",
    )
    demo.set_defaults(handler=cmd_demo_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    try:
        config = ServerConfig.from_env()
    except ConfigError as exc:
        print(f"error: {exc.variable}: {exc.reason}", file=sys.stderr)
        return 2
    return int(args.handler(config, args))


if __name__ == "__main__":
    raise SystemExit(main())
