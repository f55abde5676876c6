"""ApiClient: the console's only way to talk to the admin API."""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator, Mapping
from importlib import metadata
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import requests
from pydantic import BaseModel, ValidationError

from common.logo_rules import logo_content_type
from common.profile import LogoSlot, Profile, ProfileContent
from common.schemas import (
    AuditPage,
    DuplicateRequest,
    ErrorBody,
    MarketRequest,
    ProfileList,
    TokenRequest,
    TokenResponse,
    VersionDetail,
    VersionList,
)
from common.schemas.admin import PORTAL_USERS_PAGE_SIZE, PortalUserPage
from common.validation import FieldErrors, parse
from desktop_admin.api.errors import BAD_RESPONSE, INVALID, INVALID_URL, NETWORK, TIMEOUT, ApiError

ADMIN = "/api/v1/admin"
ModelT = TypeVar("ModelT", bound=BaseModel)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SESSION_ENDED = "Your session has ended. Sign in again."


def _console_version() -> str:
    try:
        return metadata.version("portal-suite")
    except metadata.PackageNotFoundError:
        return "0+unknown"


USER_AGENT = f"portal-console/{_console_version()}"


def normalise_base_url(base_url: str) -> str:
    """Return the server address without a trailing slash, or raise ApiError saying what is wrong."""
    url = (base_url or "").strip().rstrip("/")
    example = "for example http://127.0.0.1:8000"
    if not url:
        raise ApiError(
            f"Enter the server address, {example}.", code=INVALID_URL, fields={"server": "is required"}
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ApiError(
            f"The server address “{url}” must start with http:// or https://, {example}.",
            code=INVALID_URL,
            fields={"server": "must start with http:// or https://"},
        )
    try:
        _ = parts.port  # reading it checks the number
    except ValueError:
        raise ApiError(
            f"The port in the server address “{url}” is not a number between 1 and 65535.",
            code=INVALID_URL,
            fields={"server": "has an invalid port"},
        ) from None
    if not parts.hostname:
        raise ApiError(
            f"The server address “{url}” has no host name, {example}.",
            code=INVALID_URL,
            fields={"server": "has no host name"},
        )
    if parts.query or parts.fragment:
        raise ApiError(
            f"The server address “{url}” must not contain “?” or “#”, {example}.",
            code=INVALID_URL,
            fields={"server": "must not contain ? or #"},
        )
    return url


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Walk an exception, what caused it and what it wraps (urllib3 keeps the cause in ``reason``)."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked_to = (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args)
        for linked in linked_to:
            if isinstance(linked, BaseException):
                stack.append(linked)


def _network_reason(exc: BaseException) -> str:
    """Say in a few words why a connection failed."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "the host name could not be found"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "its security certificate is not trusted"
        if isinstance(cause, ssl.SSLError):
            return "the secure connection could not be set up"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
    return "the connection failed"


def _if_match(version: int | None) -> dict[str, str]:
    return {} if version is None else {"If-Match": f'"{int(version)}"'}


class ApiClient:
    """A signed-in (or not yet signed-in) connection to one portal server's admin API.

    Every method returns a typed result or raises ApiError; nothing from requests or pydantic
    escapes. Not thread-safe: give each worker thread its own client (``set_token`` shares a
    sign-in).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.timeout = float(timeout)
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.headers["Accept"] = "application/json"
        self._token: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Release the connections, if this client created the session."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- signing in ------------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        """The bearer token in use, or None when not signed in."""
        return self._token

    def set_token(self, token: str | None) -> None:
        """Use a token obtained earlier (or None to drop it) for the calls that follow."""
        self._token = token or None

    def sign_in(self, username: str, password: str) -> TokenResponse:
        """Exchange a username and password for a token, and use it from now on."""
        payload = self._payload(TokenRequest, {"username": username, "password": password})
        response = self._request("POST", f"{ADMIN}/auth/token", json=payload, signing_in=True)
        issued = self._model(response, TokenResponse)
        self._token = issued.access_token
        return issued

    def sign_out(self) -> None:
        """Revoke the token on the server and forget it here, even when the server cannot be told."""
        if self._token is None:
            return
        try:
            self._request("DELETE", f"{ADMIN}/auth/token")
        except ApiError as exc:
            if not exc.is_auth:  # an expired token is as good as revoked
                raise
        finally:
            self._token = None

    # --- profiles --------------------------------------------------------------------------

    def list_profiles(self, q: str = "", sort: str = "name") -> ProfileList:
        """List profiles whose name, description or markets contain ``q``, sorted by name or -name."""
        params = {"sort": sort}
        if q:
            params["q"] = q
        return self._model(self._request("GET", f"{ADMIN}/profiles", params=params), ProfileList)

    def get_profile(self, profile_id: int) -> Profile:
        """Return a whole profile."""
        return self._model(self._request("GET", self._profile_path(profile_id)), Profile)

    def create_profile(self, content: Mapping[str, Any] | ProfileContent | None = None) -> Profile:
        """Create a profile from the out-of-box defaults, overlaid with ``content`` when given."""
        body = self._content(content) if content is not None else None
        return self._model(self._request("POST", f"{ADMIN}/profiles", json=body), Profile)

    def replace_profile(self, profile_id: int, content: ProfileContent, *, version: int) -> Profile:
        """Save a whole profile that was loaded at ``version``."""
        response = self._request(
            "PUT",
            self._profile_path(profile_id),
            json=self._content(content),
            headers=_if_match(version),
        )
        return self._model(response, Profile)

    def patch_profile(self, profile_id: int, patch: Mapping[str, Any], *, version: int | None) -> Profile:
        """Change part of a profile (JSON merge patch: null resets a field to its default)."""
        response = self._request(
            "PATCH",
            self._profile_path(profile_id),
            json=dict(patch),
            headers=_if_match(version),
        )
        return self._model(response, Profile)

    def duplicate_profile(self, profile_id: int, name: str) -> Profile:
        """Copy a profile, everything but its markets, under a new name."""
        payload = self._payload(DuplicateRequest, {"name": name})
        response = self._request("POST", f"{self._profile_path(profile_id)}/duplicate", json=payload)
        return self._model(response, Profile)

    def delete_profile(self, profile_id: int, *, version: int | None = None) -> None:
        """Remove a profile (the server refuses the default profile)."""
        self._request("DELETE", self._profile_path(profile_id), headers=_if_match(version))

    def add_market(self, profile_id: int, market: str, *, version: int | None = None) -> Profile:
        """Associate a market with a profile."""
        payload = self._payload(MarketRequest, {"market": market})
        response = self._request(
            "POST",
            f"{self._profile_path(profile_id)}/markets",
            json=payload,
            headers=_if_match(version),
        )
        return self._model(response, Profile)

    def remove_market(self, profile_id: int, market: str, *, version: int | None = None) -> Profile:
        """Take a market away from a profile."""
        path = f"{self._profile_path(profile_id)}/markets/{quote(market.strip(), safe='')}"
        return self._model(self._request("DELETE", path, headers=_if_match(version)), Profile)

    def upload_logo(
        self, profile_id: int, slot: LogoSlot | str, data: bytes, *, version: int | None = None
    ) -> Profile:
        """Upload an image for a logo slot (login, top_bar or favicon)."""
        path = f"{self._profile_path(profile_id)}/logos/{self._slot(slot)}"
        # The server sniffs the bytes again; the declared type only has to be honest.
        kind = logo_content_type(data) or "application/octet-stream"
        headers = {"Content-Type": kind, **_if_match(version)}
        return self._model(self._request("PUT", path, data=bytes(data), headers=headers), Profile)

    def reset_logo(self, profile_id: int, slot: LogoSlot | str) -> Profile:
        """Go back to the default logo for a slot."""
        path = f"{self._profile_path(profile_id)}/logos/{self._slot(slot)}"
        return self._model(self._request("DELETE", path), Profile)

    def fetch_logo(self, sha256: str) -> bytes:
        """Download a stored logo image by its SHA-256."""
        if not _SHA256.match(sha256 or ""):
            raise ApiError("That is not a logo reference.", code=INVALID, fields={"sha256": "is not valid"})
        response = self._request("GET", f"/media/logos/{sha256}", accept="*/*")
        return bytes(response.content)

    # --- versions --------------------------------------------------------------------------

    def list_versions(self, profile_id: int) -> VersionList:
        """Return a profile's saved versions, newest first."""
        response = self._request("GET", f"{self._profile_path(profile_id)}/versions")
        return self._model(response, VersionList)

    def get_version(self, profile_id: int, number: int, against: int | None = None) -> VersionDetail:
        """Return a version and its changes against the previous one, or against version ``against``."""
        params = {} if against is None else {"against": str(int(against))}
        path = f"{self._profile_path(profile_id)}/versions/{int(number)}"
        return self._model(self._request("GET", path, params=params), VersionDetail)

    def restore_version(self, profile_id: int, number: int, *, version: int | None = None) -> Profile:
        """Save an old version's content as the newest version."""
        path = f"{self._profile_path(profile_id)}/versions/{int(number)}/restore"
        return self._model(self._request("POST", path, headers=_if_match(version)), Profile)

    # --- portal users ----------------------------------------------------------------------

    def list_portal_users(
        self,
        q: str = "",
        status: str | None = None,
        page: int = 1,
        page_size: int = PORTAL_USERS_PAGE_SIZE,
    ) -> PortalUserPage:
        """Return one page of portal users, sorted by username, whose username, email or account
        number contains ``q``, in ``status`` when given (a stored status or ``locked``)."""
        params = {"page": str(int(page)), "page_size": str(int(page_size))}
        if q:
            params["q"] = q
        if status:
            params["status"] = status
        return self._model(self._request("GET", f"{ADMIN}/portal-users", params=params), PortalUserPage)

    # --- audit and health ------------------------------------------------------------------

    def audit(
        self,
        actor: str = "",
        object: str = "",
        action: str = "",
        page: int = 1,
        page_size: int = 50,
    ) -> AuditPage:
        """Return one page of audit events, newest first, matching the filters given."""
        params = {"page": str(int(page)), "page_size": str(int(page_size))}
        for name, value in (("actor", actor), ("object", object), ("action", action)):
            if value:
                params[name] = value
        return self._model(self._request("GET", f"{ADMIN}/audit", params=params), AuditPage)

    def health(self) -> dict[str, Any]:
        """Return the server's health report (a degraded server answers too)."""
        response = self._request("GET", "/healthz", allow=(503,))
        body = self._json(response)
        if not isinstance(body, dict) or "status" not in body:
            raise self._bad_response(response.status_code)
        return body

    # --- plumbing --------------------------------------------------------------------------

    @staticmethod
    def _profile_path(profile_id: int) -> str:
        return f"{ADMIN}/profiles/{int(profile_id)}"

    @staticmethod
    def _slot(slot: LogoSlot | str) -> str:
        try:
            return LogoSlot(slot).value
        except ValueError:
            names = ", ".join(s.value for s in LogoSlot)
            raise ApiError(
                f"“{slot}” is not a logo slot; the slots are {names}.",
                code=INVALID,
                fields={"slot": f"must be one of {names}"},
            ) from None

    @staticmethod
    def _payload(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
        """Check a request payload with the shared schema before sending it."""
        try:
            return parse(model, data).model_dump(mode="json")
        except FieldErrors as exc:
            raise ApiError(exc.message, code=INVALID, fields=exc.fields) from None

    @staticmethod
    def _content(content: Mapping[str, Any] | ProfileContent) -> dict[str, Any]:
        if isinstance(content, BaseModel):
            return content.model_dump(mode="json")
        return dict(content)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        accept: str = "application/json",
        allow: tuple[int, ...] = (),
        signing_in: bool = False,
    ) -> requests.Response:
        """Send one request; return a successful response or raise ApiError."""
        send_headers = {"Accept": accept, **(headers or {})}
        if self._token and not signing_in:
            send_headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._session.request(
                method,
                f"{self.base_url}{path}",
                params=params,
                json=json,
                data=data,
                headers=send_headers,
                timeout=(self.timeout, self.timeout),
                allow_redirects=False,
            )
        except requests.exceptions.Timeout:
            raise ApiError(
                f"The server at {self.base_url} took too long to answer. "
                "Try again; if it keeps happening, check the network or ask your administrator.",
                code=TIMEOUT,
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise ApiError(
                f"Cannot reach the server at {self.base_url}: {_network_reason(exc)}. "
                "Check the address and that the server is running.",
                code=NETWORK,
            ) from None
        except requests.exceptions.RequestException as exc:
            raise ApiError(
                f"The request to {self.base_url} failed: {_network_reason(exc)}.",
                code=NETWORK,
            ) from None
        if 200 <= response.status_code < 300 or response.status_code in allow:
            return response
        raise self._error(response, signing_in=signing_in)

    def _error(self, response: requests.Response, *, signing_in: bool) -> ApiError:
        """Turn an error answer into ApiError, keeping the server's code, message and fields."""
        status = response.status_code
        detail = None
        current_version = None
        try:
            document = response.json()
            detail = ErrorBody.model_validate(document).error
            raw_version = document["error"].get("current_version")
            if isinstance(raw_version, int) and not isinstance(raw_version, bool):
                current_version = raw_version
        except (ValueError, ValidationError, TypeError, KeyError, AttributeError):
            detail = None
        if detail is None:
            location = response.headers.get("Location", "")
            if 300 <= status < 400 and location:
                return ApiError(
                    f"The server at {self.base_url} sends the console elsewhere ({location}). "
                    "Use the server's own address instead.",
                    status=status,
                    code=BAD_RESPONSE,
                )
            if status >= 500:
                return ApiError(self._server_trouble(status), status=status, code=BAD_RESPONSE)
            return ApiError(
                f"The server at {self.base_url} answered in a way the console does not understand "
                f"(HTTP {status}). Check that the address is a portal server.",
                status=status,
                code=BAD_RESPONSE,
            )
        if status == 401:
            message = detail.message if signing_in else _SESSION_ENDED
        elif status == 403:
            message = f"You do not have permission to do this: {detail.message}"
        elif status >= 500:
            message = self._server_trouble(status)
        else:
            message = detail.message
        return ApiError(
            message,
            status=status,
            code=detail.code,
            fields=detail.fields,
            current_version=current_version,
        )

    @staticmethod
    def _server_trouble(status: int) -> str:
        return (
            f"The server ran into a problem (HTTP {status}). Try again in a moment; "
            "if it keeps happening, tell your administrator."
        )

    def _bad_response(self, status: int | None = None) -> ApiError:
        return ApiError(
            f"The server at {self.base_url} sent an answer the console does not understand. "
            "Check that the address is a portal server of the same version as the console.",
            status=status,
            code=BAD_RESPONSE,
        )

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self._bad_response(response.status_code) from None

    def _model(self, response: requests.Response, model: type[ModelT]) -> ModelT:
        """Read a successful answer as one of the shared schema classes."""
        try:
            return model.model_validate(self._json(response))
        except ValidationError:
            raise self._bad_response(response.status_code) from None
