"""The one notifier: builds every branded subscriber mail and hands it to the mail transport.

``create_app`` makes one and keeps it on ``app.ctx.notifier``; pages and services receive it as an
argument, so no flow builds mail settings of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.formats import format_datetime
from common.profile import ProfileContent
from portal_server.clock import Clock
from portal_server.notifications import service
from portal_server.notifications.mailer import Mailer
from portal_server.notifications.service import Recipient
from portal_server.portal.web import logo_urls

__all__ = ["Notifier", "Recipient"]


@dataclass
class Notifier:
    """Sends branded mail with the server's base URL, sender address and clock."""

    mailer: Mailer
    base_url: str
    sender: str
    clock: Clock

    def url(self, path: str) -> str:
        """Return the absolute URL of a portal path, as mails link to it."""
        return f"{self.base_url}{path}"

    async def send(self, profile: ProfileContent, kind: str, to: Recipient, **context: Any) -> bool:
        """Compose one mail of a kind in the profile's branding and deliver it."""
        return await service.send_to(
            profile,
            kind,
            to,
            mailer=self.mailer,
            base_url=self.base_url,
            sender=self.sender,
            logo_url=self.url(logo_urls(profile)["login"]),
            # The clock tells UTC; the profile's locale writes it.
            when=f"{format_datetime(self.clock.now(), profile.settings.locale)} UTC",
            **context,
        )
