"""The small demo every start loads: profiles with their markets and logos, staff, a few accounts.

Everything here is created only when missing, so ``make run`` can load it on every start. Of
the base accounts the first few get logins whose sign-ins are printed, one per demo market;
the others have none, so that a newcomer can try registering one.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from common.profile import ProfileContent
from common.resources import RESOURCES_DIR
from common.validation import parse
from portal_server.accounts.models import Account
from portal_server.actor import Actor
from portal_server.demo.account_records import FIRST_DEMO_NUMBER, demo_account, demo_email
from portal_server.demo.branding import give_demo_logos
from portal_server.demo.credentials import new_password, read_credentials, write_credentials
from portal_server.portal_users.models import PortalUser
from portal_server.profiles import service as profiles
from portal_server.profiles.models import ProfileRecord
from portal_server.security.passwords import hash_password
from portal_server.staff import service as staff
from portal_server.staff.models import StaffUser

DEMO_STAFF = (("admin", "administrator"), ("rep", "care-rep"))
ACTOR_NAME = "demo-data"
# Accounts FIRST_DEMO_NUMBER… of the base demo, and how many of them get printed logins.
BASE_ACCOUNTS = 40
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


def demo_profiles() -> list[dict]:
    """Return the demo profiles as resources/demo/profiles.json describes them."""
    return json.loads((RESOURCES_DIR / "demo" / "profiles.json").read_text(encoding="utf-8"))


async def load_demo_data(data_dir: Path, now: datetime) -> list[DemoSignIn]:
    """Create the demo profiles, their logos and staff users that do not exist yet; return the sign-ins."""
    actor = Actor.system(ACTOR_NAME)
    await profiles.ensure_default_profile(now)
    for entry in demo_profiles():
        record = await ProfileRecord.get_or_none(name_key=entry["name"].casefold())
        if record is None:
            content = parse(
                ProfileContent,
                {"name": entry["name"], "description": entry["description"], **entry["content"]},
            )
            created = await profiles.create_profile(content.model_dump(mode="json"), actor=actor, now=now)
            for market in entry["markets"]:
                await profiles.add_market(created.id, market, expected=None, actor=actor, now=now)
            record_id = created.id
        else:
            record_id = record.id
        await give_demo_logos(record_id, entry["name"], actor=actor, now=now)

    stored = read_credentials(data_dir)
    for username, role in DEMO_STAFF:
        if await StaffUser.exists(username=username):
            continue
        password = new_password()
        await staff.create_staff(username, password, role, actor=actor, now=now)
        stored[username] = {"role": role, "password": password}
    if stored:
        write_credentials(data_dir, stored)
    return [DemoSignIn(u, v["role"], v["password"]) for u, v in stored.items() if "role" in v]


async def load_base_subscribers(data_dir: Path, now: datetime) -> list[DemoSubscriber]:
    """Create the base demo accounts that are missing and logins for the first few; return those logins."""
    stored = read_credentials(data_dir)
    logins: dict[str, dict[str, str]] = dict(stored.get("_subscribers", {}))
    rng = random.Random()
    for index in range(BASE_ACCOUNTS):
        facts = demo_account(FIRST_DEMO_NUMBER + index, now, rng=rng)
        account, _created = await Account.get_or_create(
            number=facts.number,
            defaults={
                "holder_name": facts.holder_name,
                "last_name": facts.last_name,
                "postal_code": facts.postal_code,
                "market": facts.market,
                "balance": facts.balance,
                "due_date": facts.due_date,
                "created_at": facts.created_at,
            },
        )
        if index >= SIGNED_UP or await PortalUser.exists(account_id=account.id):
            continue
        email = demo_email(facts, styled=False)
        password = new_password()
        await PortalUser.create(
            account=account,
            email=email,
            display_name=account.holder_name,
            password_hash=await hash_password(password),
            status="active",
            email_verified_at=now,
            created_at=now,
        )
        logins[email] = {"account": account.number, "market": account.market, "password": password}
    if logins:
        stored["_subscribers"] = logins
        write_credentials(data_dir, stored)
    return [DemoSubscriber(e, v["account"], v["market"], v["password"]) for e, v in logins.items()]
