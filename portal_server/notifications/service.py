"""Branded subscriber emails, rendered from the profile's notification templates."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from common.profile import NOTIFICATION_TEMPLATES, NotificationKind, ProfileContent, brand_name
from common.render import format_values, render_text
from common.theme import PALETTES, ThemeName

# Mails without a template choice of their own follow the style of a related kind's choice:
# the invitation (sent by reps) follows registration, the lock notice follows password reset.
FOLLOWS_STYLE_OF = {"invite": "registration", "account_locked": "password_reset"}


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to."""

    email: str
    display_name: str


def template_for(profile: ProfileContent, kind: str) -> str:
    """Return the template id a profile uses for a kind of email."""
    if kind in FOLLOWS_STYLE_OF:
        style = str(getattr(profile.notifications, FOLLOWS_STYLE_OF[kind])).split(".", 1)[0]
        return f"{style}.{kind}"
    choice = getattr(profile.notifications, kind)
    if choice not in NOTIFICATION_TEMPLATES[NotificationKind(kind)]:
        return f"system.{kind}"
    return str(choice)


def compose(
    profile: ProfileContent,
    kind: str,
    recipient: Recipient,
    *,
    base_url: str,
    sender: str,
    logo_url: str,
    **context: Any,
) -> EmailMessage:
    """Build a multipart (text + HTML) email from the profile's template for kind, signed by its brand."""
    template = template_for(profile, kind)
    palette = PALETTES[ThemeName(profile.settings.theme)]
    brand = brand_name(profile.settings.brand_name, profile.name)
    values = {
        **format_values(profile),
        "brand": {
            "name": brand,
            "primary": palette.primary,
            "primary_text": palette.primary_text,
            "logo_url": logo_url,
            "support_email": profile.support.email,
            "support_phone": profile.support.phone,
            "base_url": base_url,
        },
        "user": {"display_name": recipient.display_name, "email": recipient.email},
        **context,
    }
    text = render_text(f"emails/{template}.txt", **values)
    subject_line, _, body = text.partition("\n")
    subject = subject_line.removeprefix("Subject:").strip()
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((brand, sender))
    message["To"] = formataddr((recipient.display_name, recipient.email))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body.lstrip("\n"))
    message.add_alternative(render_text(f"emails/{template}.html", **values), subtype="html")
    return message
