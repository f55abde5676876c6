"""The console's ApiClient against a real portal-server over real sockets."""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PIL import Image

from common.profile import ProfileContent
from common.schemas import ProfileList, TokenResponse
from common.schemas.admin import PortalUserPage
from desktop_admin.api import ApiClient, ApiError
from tests.desktop_admin.server_fixture import LiveServer

# The client talks to its own server on its own SQLite file: once per test run is enough.
pytestmark = pytest.mark.sqlite_only


def _png(width: int, height: int, colour: str = "#0a5") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@contextmanager
def _silent_server() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@contextmanager
def _http_server(
    status: int, body: bytes, content_type: str, seen: list[dict[str, str]] | None = None
) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET with the same response."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if seen is not None:
                seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- signing in and out ---------------------------------------------------------------------------


def test_sign_in_uses_the_token_and_sign_out_revokes_it(live_server: LiveServer) -> None:
    with ApiClient(live_server.base_url) as client:
        issued = client.sign_in("admin", live_server.admin_password)
        assert isinstance(issued, TokenResponse)
        assert issued.role == "administrator"
        assert issued.username == "admin"
        assert client.token == issued.access_token
        assert isinstance(client.list_profiles(), ProfileList)

        client.sign_out()
        assert client.token is None
        with pytest.raises(ApiError) as refused:
            client.list_profiles()
        assert refused.value.is_auth

    with ApiClient(live_server.base_url) as stale:
        stale.set_token(issued.access_token)
        with pytest.raises(ApiError) as revoked:
            stale.list_profiles()
    assert revoked.value.is_auth
    assert revoked.value.status == 401
    assert revoked.value.message == "Your session has ended. Sign in again."


def test_a_wrong_password_is_refused_with_the_servers_message(live_server: LiveServer) -> None:
    with ApiClient(live_server.base_url) as client, pytest.raises(ApiError) as refused:
        client.sign_in("admin", "not-the-password")
    error = refused.value
    assert error.status == 401
    assert error.is_auth
    assert error.code == "sign_in_refused"
    assert error.message.startswith("The username or password is not right")
    assert client.token is None


def test_an_empty_password_is_refused_before_sending(live_server: LiveServer) -> None:
    with ApiClient(live_server.base_url) as client, pytest.raises(ApiError) as refused:
        client.sign_in("admin", "")
    assert refused.value.status is None
    assert "password" in refused.value.fields


def test_a_care_rep_may_not_create_a_profile(rep_client: ApiClient, unique: str) -> None:
    assert rep_client.list_profiles().total >= 1
    with pytest.raises(ApiError) as refused:
        rep_client.create_profile({"name": f"Rep attempt {unique}"})
    error = refused.value
    assert error.status == 403
    assert error.code == "forbidden"
    assert error.message.startswith("You do not have permission to do this: ")
    assert not error.is_auth


# --- addresses, networks and answers that are not the server's ------------------------------------


def test_an_unreachable_server_is_a_plain_network_error() -> None:
    # A bound socket that does not listen: connections to it are refused, and no one else gets the port.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        address = f"http://127.0.0.1:{closed.getsockname()[1]}"
        with ApiClient(address, timeout=5) as client, pytest.raises(ApiError) as unreachable:
            client.health()
    error = unreachable.value
    assert error.code == "network"
    assert error.status is None
    assert error.is_network
    assert f"Cannot reach the server at {address}: connection refused." in error.message
    assert "Check the address and that the server is running." in error.message


@pytest.mark.parametrize(
    "address",
    ["ftp://127.0.0.1:8000", "127.0.0.1:8000", "localhost:8000", "", "http://", "http://host:99999"],
)
def test_an_address_that_is_not_http_is_refused(address: str) -> None:
    with pytest.raises(ApiError) as refused:
        ApiClient(address)
    assert refused.value.code == "invalid_url"
    assert refused.value.status is None
    assert refused.value.message


def test_the_address_loses_its_trailing_slash(live_server: LiveServer) -> None:
    with ApiClient(f"  {live_server.base_url}/ ") as client:
        assert client.base_url == live_server.base_url
        assert client.health()["status"] == "ok"


def test_a_server_that_never_answers_times_out() -> None:
    with _silent_server() as address, ApiClient(address, timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(ApiError) as slow:
            client.health()
        elapsed = time.monotonic() - started
    assert slow.value.code == "timeout"
    assert slow.value.status is None
    assert "took too long to answer" in slow.value.message
    assert elapsed < 10


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"<html><body>Welcome</body></html>", "text/html"), (b'{"items": "nope"}', "application/json")],
)
def test_an_answer_of_the_wrong_shape_is_a_bad_response(body: bytes, content_type: str) -> None:
    with (
        _http_server(200, body, content_type) as address,
        ApiClient(address) as client,
        pytest.raises(ApiError) as bad,
    ):
        client.list_profiles()
    assert bad.value.code == "bad_response"
    assert bad.value.status == 200
    assert address in bad.value.message


def test_every_request_names_the_console_and_carries_the_token() -> None:
    seen: list[dict[str, str]] = []
    health = b'{"status": "ok", "database": {"status": "up"}}'
    with _http_server(200, health, "application/json", seen) as address, ApiClient(address) as client:
        assert client.health()["status"] == "ok"
        client.set_token("token-from-earlier")
        client.health()
    assert [request["path"] for request in seen] == ["/healthz", "/healthz"]
    assert all(request["user-agent"].startswith("portal-console/") for request in seen)
    assert all(request["accept"] == "application/json" for request in seen)
    assert "authorization" not in seen[0]
    assert seen[1]["authorization"] == "Bearer token-from-earlier"


def test_an_error_page_that_is_not_json_is_a_bad_response() -> None:
    with (
        _http_server(502, b"<h1>Bad gateway</h1>", "text/html") as address,
        ApiClient(address) as client,
        pytest.raises(ApiError) as bad,
    ):
        client.get_profile(1)
    assert bad.value.status == 502
    assert bad.value.code == "bad_response"
    assert "HTTP 502" in bad.value.message


# --- profiles ------------------------------------------------------------------------------------


def test_list_search_and_sort(admin_client: ApiClient, unique: str) -> None:
    alpha = admin_client.create_profile({"name": f"Contract Alpha {unique}"})
    beta = admin_client.create_profile(ProfileContent(name=f"Contract Beta {unique}", description="second"))
    assert beta.description == "second"

    everything = admin_client.list_profiles()
    assert everything.total == len(everything.items)
    assert any(item.is_default for item in everything.items)

    found = admin_client.list_profiles(q=unique)
    assert found.total == 2
    assert [item.id for item in found.items] == [alpha.id, beta.id]
    backwards = admin_client.list_profiles(q=unique, sort="-name")
    assert [item.id for item in backwards.items] == [beta.id, alpha.id]
    assert admin_client.list_profiles(q=f"nothing-like-{unique}").total == 0


def test_create_get_replace_and_a_stale_version(admin_client: ApiClient, unique: str) -> None:
    created = admin_client.create_profile({"name": f"Contract Replace {unique}"})
    assert created.version == 1
    loaded = admin_client.get_profile(created.id)
    assert loaded == created

    content = ProfileContent.model_validate(
        loaded.model_dump(exclude={"id", "is_default", "markets", "version"})
    )
    content.description = "First edit"
    saved = admin_client.replace_profile(created.id, content, version=loaded.version)
    assert saved.version == 2
    assert saved.description == "First edit"

    content.description = "Edit from an old copy"
    with pytest.raises(ApiError) as conflict:
        admin_client.replace_profile(created.id, content, version=loaded.version)
    error = conflict.value
    assert error.is_conflict
    assert error.status == 409
    assert error.current_version == 2
    assert "version 2" in error.message
    assert admin_client.get_profile(created.id).description == "First edit"


def test_patch_changes_only_what_it_names(admin_client: ApiClient, unique: str) -> None:
    created = admin_client.create_profile({"name": f"Contract Patch {unique}"})
    patched = admin_client.patch_profile(
        created.id, {"settings": {"browser_title": "Patched title"}}, version=created.version
    )
    assert patched.settings.browser_title == "Patched title"
    assert patched.model_dump(include={"name", "description"}) == created.model_dump(
        include={"name", "description"}
    )
    assert patched.version == created.version + 1

    unguarded = admin_client.patch_profile(created.id, {"description": "no version sent"}, version=None)
    assert unguarded.version == patched.version + 1
    with pytest.raises(ApiError) as conflict:
        admin_client.patch_profile(created.id, {"description": "late"}, version=created.version)
    assert conflict.value.current_version == unguarded.version


def test_a_bad_payload_names_the_field(admin_client: ApiClient, unique: str) -> None:
    with pytest.raises(ApiError) as refused:
        admin_client.create_profile({"name": f"Contract Bad {unique}", "settings": {"theme": "purple"}})
    error = refused.value
    assert error.status == 422
    assert "settings.theme" in error.fields
    assert error.message

    created = admin_client.create_profile({"name": f"Contract Bad Patch {unique}"})
    with pytest.raises(ApiError) as bad_patch:
        admin_client.patch_profile(
            created.id, {"helpful_links": [{"text": "x", "url": "javascript:1"}]}, version=1
        )
    assert bad_patch.value.status == 422
    assert any(field.startswith("helpful_links.0") for field in bad_patch.value.fields)


def test_duplicate_copies_everything_but_the_markets(admin_client: ApiClient, unique: str) -> None:
    source = admin_client.create_profile({"name": f"Contract Source {unique}", "description": "to copy"})
    source = admin_client.add_market(source.id, f"DUP-{unique}")
    copy = admin_client.duplicate_profile(source.id, f"Contract Copy {unique}")
    assert copy.id != source.id
    assert copy.markets == []
    assert copy.description == "to copy"
    assert copy.settings == source.settings

    with pytest.raises(ApiError) as taken:
        admin_client.duplicate_profile(source.id, source.name)
    assert taken.value.status in (409, 422)
    assert taken.value.message


def test_the_default_profile_cannot_be_deleted_but_others_can(admin_client: ApiClient, unique: str) -> None:
    default = next(item for item in admin_client.list_profiles().items if item.is_default)
    with pytest.raises(ApiError) as refused:
        admin_client.delete_profile(default.id)
    assert refused.value.status == 409
    assert refused.value.code == "default_profile"
    assert refused.value.message == "The default profile cannot be removed; edit or rename it instead."
    assert not refused.value.is_conflict

    doomed = admin_client.create_profile({"name": f"Contract Delete {unique}"})
    admin_client.delete_profile(doomed.id, version=doomed.version)
    with pytest.raises(ApiError) as gone:
        admin_client.get_profile(doomed.id)
    assert gone.value.status == 404


def test_markets_are_added_and_removed(admin_client: ApiClient, unique: str) -> None:
    profile = admin_client.create_profile({"name": f"Contract Markets {unique}"})
    spaced = f"Metro North {unique}"
    with_one = admin_client.add_market(profile.id, spaced, version=profile.version)
    with_two = admin_client.add_market(profile.id, f"M.{unique}_x")
    assert spaced in with_one.markets
    assert set(with_two.markets) == {spaced, f"M.{unique}_x"}
    assert admin_client.list_profiles(q=spaced).items[0].id == profile.id

    without = admin_client.remove_market(profile.id, spaced, version=with_two.version)
    assert without.markets == [f"M.{unique}_x"]
    with pytest.raises(ApiError) as stale:
        admin_client.remove_market(profile.id, f"M.{unique}_x", version=with_two.version)
    assert stale.value.is_conflict

    with pytest.raises(ApiError) as bad:
        admin_client.add_market(profile.id, "no/slashes")
    assert "market" in bad.value.fields


def test_logo_upload_fetch_and_reset(admin_client: ApiClient, unique: str) -> None:
    profile = admin_client.create_profile({"name": f"Contract Logo {unique}"})
    uploaded = admin_client.upload_logo(profile.id, "login", _png(200, 50), version=profile.version)
    logo = uploaded.logos.login
    assert logo is not None
    assert (logo.content_type, logo.width, logo.height) == ("image/png", 200, 50)

    image = admin_client.fetch_logo(logo.sha256)
    assert hashlib.sha256(image).hexdigest() == logo.sha256
    assert Image.open(io.BytesIO(image)).size == (200, 50)

    with pytest.raises(ApiError) as too_big:
        admin_client.upload_logo(profile.id, "top_bar", _png(600, 300))
    assert too_big.value.status == 422
    assert "top_bar" in too_big.value.fields

    reset = admin_client.reset_logo(profile.id, "login")
    assert reset.logos.login is None
    with pytest.raises(ApiError) as no_slot:
        admin_client.reset_logo(profile.id, "banner")
    assert "slot" in no_slot.value.fields


def test_versions_list_detail_and_restore(admin_client: ApiClient, unique: str) -> None:
    created = admin_client.create_profile({"name": f"Contract Versions {unique}", "description": "one"})
    second = admin_client.patch_profile(created.id, {"description": "two"}, version=1)
    third = admin_client.patch_profile(created.id, {"description": "three"}, version=second.version)

    history = admin_client.list_versions(created.id)
    assert history.current == third.version == 3
    assert [item.number for item in history.items] == [3, 2, 1]
    assert history.items[-1].action == "create"
    assert history.items[0].created_by

    detail = admin_client.get_version(created.id, 3)
    assert detail.compared_with == 2
    assert detail.content.description == "three"
    changes = {change.field: (change.before, change.after) for change in detail.changes}
    assert changes == {"description": ("two", "three")}
    against_first = admin_client.get_version(created.id, 3, against=1)
    assert against_first.compared_with == 1
    assert {c.field: c.before for c in against_first.changes}["description"] == "one"

    restored = admin_client.restore_version(created.id, 1, version=third.version)
    assert restored.version == 4
    assert restored.description == "one"
    with pytest.raises(ApiError) as stale:
        admin_client.restore_version(created.id, 2, version=third.version)
    assert stale.value.current_version == 4


# --- portal users --------------------------------------------------------------------------------


def test_portal_users_are_listed_searched_and_paged(admin_client: ApiClient, rep_client: ApiClient) -> None:
    everyone = admin_client.list_portal_users(page_size=100)
    assert isinstance(everyone, PortalUserPage)
    assert (everyone.page, everyone.page_size) == (1, 100)
    # The demo data gives the first accounts (100001…) an active, verified login each.
    assert everyone.total == len(everyone.items) >= 4
    demo = [item for item in everyone.items if item.account_number.startswith("1000")]
    assert len(demo) >= 4
    assert all(item.status == "active" and item.email_verified for item in demo)
    keys = [(item.username is None, (item.username or "").casefold(), item.email) for item in everyone.items]
    assert keys == sorted(keys)

    first = demo[0]
    found = admin_client.list_portal_users(q=first.account_number)
    assert [item.id for item in found.items] == [first.id]
    assert admin_client.list_portal_users(q=first.email.upper()).items[0].id == first.id
    assert admin_client.list_portal_users(q="no-such-portal-user").total == 0

    active = admin_client.list_portal_users(status="active", page_size=100)
    assert {item.id for item in demo} <= {item.id for item in active.items}
    assert all(item.status == "active" for item in active.items)
    assert all(item.locked for item in admin_client.list_portal_users(status="locked").items)

    one = admin_client.list_portal_users(page=2, page_size=1)
    assert (one.total, one.page, one.page_size) == (everyone.total, 2, 1)
    assert [item.id for item in one.items] == [everyone.items[1].id]
    # A care rep may list them too, and sees the same.
    assert rep_client.list_portal_users(page_size=1).total == everyone.total


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"status": "sleeping"}, "status"), ({"page_size": 101}, "page_size"), ({"page": 0}, "page")],
)
def test_a_bad_portal_user_query_names_the_field(
    admin_client: ApiClient, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(ApiError) as refused:
        admin_client.list_portal_users(**arguments)
    assert refused.value.status == 422
    assert list(refused.value.fields) == [field]


def test_portal_users_need_a_sign_in(live_server: LiveServer) -> None:
    with ApiClient(live_server.base_url) as anonymous, pytest.raises(ApiError) as refused:
        anonymous.list_portal_users()
    assert refused.value.is_auth


def test_listing_portal_users_times_out_too() -> None:
    with (
        _silent_server() as address,
        ApiClient(address, timeout=0.5) as client,
        pytest.raises(ApiError) as slow,
    ):
        client.list_portal_users(page_size=1)
    assert slow.value.code == "timeout"


def test_audit_pages_show_the_profile_changes(admin_client: ApiClient, unique: str) -> None:
    profile = admin_client.create_profile({"name": f"Contract Audit {unique}"})
    admin_client.patch_profile(profile.id, {"description": "audited"}, version=profile.version)

    page = admin_client.audit(object=f"profile:{profile.id}", page_size=10)
    assert page.total == 2
    assert (page.page, page.page_size) == (1, 10)
    assert [event.action for event in page.items] == ["profile.update", "profile.create"]
    assert all(event.object_label == profile.name for event in page.items)
    assert all("admin" in event.actor for event in page.items)

    first = admin_client.audit(actor="staff:admin", action="profile.", page=1, page_size=1)
    assert len(first.items) == 1
    assert first.total >= 2


def test_health_reports_the_database(admin_client: ApiClient) -> None:
    report = admin_client.health()
    assert report["status"] == "ok"
    assert report["database"]["status"] == "up"
