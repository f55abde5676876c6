"""Demo data: profiles tied to markets and staff sign-ins, safe to load again and again."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from common.profile import ProfileContent
from common.resources import RESOURCES_DIR
from common.validation import parse
from portal_server.accounts.models import Account
from portal_server.actor import Actor
from portal_server.portal_users.models import PortalUser
from portal_server.profiles import service as profiles
from portal_server.profiles.models import ProfileRecord
from portal_server.security.passwords import hash_password
from portal_server.staff import service as staff
from portal_server.staff.models import StaffUser

DEMO_STAFF = (("admin", "administrator"), ("rep", "care-rep"))
DEMO_MARKETS = ("EAST", "NORTHEAST", "WEST", "CENTRAL")
FIRST_NAMES = (
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Zoe",
    "Ethan",
    "Iris",
    "Omar",
    "Lena",
    "Ravi",
    "Sofia",
    "Kai",
)
LAST_NAMES = (
    "Garcia",
    "Okafor",
    "Nguyen",
    "Schmidt",
    "Patel",
    "Kowalski",
    "Haddad",
    "Silva",
    "Brennan",
    "Tanaka",
)
# The first few accounts get portal logins whose sign-ins are printed, one per market.
SIGNED_UP = 4


@dataclass(frozen=True)
class DemoSubscriber:
    """A subscriber login the demo data created."""

    email: str
    account_number: str
    market: str
    password: str


@dataclass(frozen=True)
class DemoSignIn:
    """A staff sign-in the demo data created (or created earlier)."""

    username: str
    role: str
    password: str


def _credentials_file(data_dir: Path) -> Path:
    return data_dir / "demo-credentials.json"


def _demo_profiles() -> list[dict]:
    return json.loads((RESOURCES_DIR / "demo" / "profiles.json").read_text(encoding="utf-8"))


def _read_credentials(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_credentials(path: Path, stored: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)  # an older file may have been created wider
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


async def load_demo_data(data_dir: Path, now: datetime) -> list[DemoSignIn]:
    """Create the demo profiles and staff users that do not exist yet; return the sign-ins."""
    actor = Actor.system("demo-data")
    await profiles.ensure_default_profile(now)
    for entry in _demo_profiles():
        if await ProfileRecord.exists(name_key=entry["name"].casefold()):
            continue
        content = parse(
            ProfileContent,
            {"name": entry["name"], "description": entry["description"], **entry["content"]},
        )
        created = await profiles.create_profile(content.model_dump(mode="json"), actor=actor, now=now)
        for market in entry["markets"]:
            await profiles.add_market(created.id, market, expected=None, actor=actor, now=now)

    path = _credentials_file(data_dir)
    stored = _read_credentials(path)
    for username, role in DEMO_STAFF:
        if await StaffUser.exists(username=username):
            continue
        password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
        await staff.create_staff(username, password, role, actor=actor, now=now)
        stored[username] = {"role": role, "password": password}
    if stored:
        _write_credentials(path, stored)
    return [DemoSignIn(u, v["role"], v["password"]) for u, v in stored.items() if "role" in v]


async def load_demo_subscribers(data_dir: Path, now: datetime, count: int) -> list[DemoSubscriber]:
    """Create demo accounts (numbers 100001…) and logins for the first few; return those logins."""
    rng = random.Random(20260115)  # the same demo on every machine
    path = _credentials_file(data_dir)
    stored = _read_credentials(path)
    logins: dict[str, dict[str, str]] = dict(stored.get("_subscribers", {}))  # type: ignore[arg-type]
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        market = DEMO_MARKETS[index % len(DEMO_MARKETS)]
        number = f"{100001 + index}"
        balance = Decimal(rng.randrange(-2000, 25000)) / 100
        due = (now + timedelta(days=rng.randrange(3, 28))).date() if balance > 0 else None
        account, _created = await Account.get_or_create(
            number=number,
            defaults={
                "holder_name": f"{first} {last}",
                "last_name": last,
                "postal_code": f"{rng.randrange(10000, 99999)}",
                "market": market,
                "balance": balance,
                "due_date": due,
                "created_at": now,
            },
        )
        if index >= SIGNED_UP or await PortalUser.exists(account_id=account.id):
            continue
        email = f"{first}.{last}.{number}@example.com".lower()
        password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
        await PortalUser.create(
            account=account,
            email=email,
            display_name=account.holder_name,
            password_hash=await hash_password(password),
            status="active",
            email_verified_at=now,
            created_at=now,
        )
        logins[email] = {"account": number, "market": market, "password": password}
    if logins:
        stored["_subscribers"] = logins  # type: ignore[assignment]
        _write_credentials(path, stored)
    return [DemoSubscriber(e, v["account"], v["market"], v["password"]) for e, v in logins.items()]
