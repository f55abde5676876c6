"""The console's client for the admin API: one session, timeouts on every call, one error type."""

from desktop_admin.api.client import ApiClient, normalise_base_url
from desktop_admin.api.errors import ApiError

__all__ = ["ApiClient", "ApiError", "normalise_base_url"]
