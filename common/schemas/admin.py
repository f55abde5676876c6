"""Admin API payloads (DESIGN §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common.profile import Name, ProfileContent, validate_market
from common.validation import reject_control_characters


class Payload(BaseModel):
    """Base for request payloads: unknown fields are refused, text must be printable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        return reject_control_characters(value)


class TokenRequest(Payload):
    """Staff sign-in."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    """A bearer token for the admin API."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    username: str
    role: str
    permissions: list[str]


class DuplicateRequest(Payload):
    """The name for a duplicated profile."""

    name: Name


class MarketRequest(Payload):
    """A market to associate with a profile."""

    market: str = Field(min_length=1, max_length=40)

    @field_validator("market")
    @classmethod
    def _market(cls, value: str) -> str:
        return validate_market(value)


class ProfileSummary(BaseModel):
    """One row of the profiles list."""

    id: int
    name: str
    description: str
    is_default: bool
    markets: list[str]
    version: int
    updated_at: datetime | None = None


class ProfileList(BaseModel):
    """The profiles list."""

    items: list[ProfileSummary]
    total: int


class FieldChange(BaseModel):
    """One field that differs between two versions."""

    field: str
    before: Any = None
    after: Any = None


class VersionSummary(BaseModel):
    """One saved version of a profile."""

    number: int
    created_at: datetime
    created_by: str
    action: str
    note: str = ""


class VersionList(BaseModel):
    """A profile's history, newest first."""

    items: list[VersionSummary]
    current: int


class VersionDetail(VersionSummary):
    """A version's content and how it differs from another version."""

    content: ProfileContent
    markets: list[str]
    compared_with: int | None
    changes: list[FieldChange]


class AuditEventOut(BaseModel):
    """An audit event as the API shows it."""

    id: int
    at: datetime
    actor: str
    acting_as: str | None
    action: str
    object_type: str
    object_id: str | None
    object_label: str | None
    before: Any = None
    after: Any = None
    address: str | None


class AuditPage(BaseModel):
    """One page of audit events."""

    items: list[AuditEventOut]
    total: int
    page: int
    page_size: int


PortalUserStatus = Literal["pending", "invited", "active", "disabled"]
"""A portal login's stored status: registered but not verified, invited without a password yet,
active, or disabled by staff."""

PORTAL_USER_STATUSES: tuple[str, ...] = get_args(PortalUserStatus)
LOCKED = "locked"
PORTAL_USER_STATUS_FILTERS: tuple[str, ...] = (*PORTAL_USER_STATUSES, LOCKED)
"""What ``status=`` of the portal-user list accepts: a stored status, or ``locked`` for logins whose
sign-in lockout has not run out yet (whatever their stored status)."""

PORTAL_USERS_PAGE_SIZE = 25
PORTAL_USERS_MAX_PAGE_SIZE = 100


class PortalUserOut(BaseModel):
    """A portal user as the admin API answers an invitation or a change: never its secrets."""

    id: int
    account_number: str
    email: str
    display_name: str
    status: PortalUserStatus
    bill_notifications: bool
    email_verified: bool


class PortalUserSummary(PortalUserOut):
    """One row of the portal-user list: the login, its username, lockout and sign-in times."""

    username: str | None
    locked: bool
    locked_until: datetime | None = Field(description="when the sign-in lockout ends; null when not locked")
    created_at: datetime
    last_sign_in_at: datetime | None


class PortalUserPage(BaseModel):
    """One page of portal users, sorted by username."""

    items: list[PortalUserSummary]
    total: int
    page: int
    page_size: int


class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a sentence, and the fields at fault."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """Every admin API error."""

    error: ErrorDetail
