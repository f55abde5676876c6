"""Branded subscriber emails, rendered from the profile's notification templates."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from common.profile import NOTIFICATION_TEMPLATES, NotificationKind, ProfileContent, brand_name
from common.render import format_values, render_text
from common.theme import PALETTES, ThemeName
from portal_server.notifications.mailer import Mailer

log = logging.getLogger("portal.mail")

# The invitation is sent by reps; its template follows the registration template's style.
INVITE = "invite"


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to."""

    email: str
    display_name: str


def template_for(profile: ProfileContent, kind: str) -> str:
    """Return the template id a profile uses for a kind of email."""
    if kind == INVITE:
        style = profile.notifications.registration.split(".", 1)[0]
        return f"{style}.invite"
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


async def deliver(mailer: Mailer, message: EmailMessage) -> bool:
    """Send a message; a transport failure is logged, never shown to the subscriber as a crash."""
    try:
        await mailer.send(message)
    except Exception as exc:  # any transport failure: the flow goes on, the log says why
        log.error("mail could not be sent", extra={"to": message["To"], "error": type(exc).__name__})
        return False
    return True


async def send_to(
    profile: ProfileContent,
    kind: str,
    recipient: Recipient,
    *,
    mailer: Mailer,
    base_url: str,
    sender: str,
    logo_url: str,
    when: str,
    **context: Any,
) -> bool:
    """Compose and deliver one branded email; a failure is logged and reported as False."""
    try:
        message = compose(
            profile,
            kind,
            recipient,
            base_url=base_url,
            sender=sender,
            logo_url=logo_url,
            when=when,
            **context,
        )
    except Exception as exc:  # a broken template must not undo the subscriber's action
        log.error("mail could not be composed", extra={"kind": kind, "error": type(exc).__name__})
        return False
    return await deliver(mailer, message)
