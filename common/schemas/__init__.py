"""Request and response payloads of the admin API, shared by the server and the console."""

from common.schemas.admin import (
    AuditEventOut,
    AuditPage,
    DuplicateRequest,
    ErrorBody,
    ErrorDetail,
    FieldChange,
    MarketRequest,
    ProfileList,
    ProfileSummary,
    TokenRequest,
    TokenResponse,
    VersionDetail,
    VersionList,
    VersionSummary,
)

__all__ = [
    "AuditEventOut",
    "AuditPage",
    "DuplicateRequest",
    "ErrorBody",
    "ErrorDetail",
    "FieldChange",
    "MarketRequest",
    "ProfileList",
    "ProfileSummary",
    "TokenRequest",
    "TokenResponse",
    "VersionDetail",
    "VersionList",
    "VersionSummary",
]
