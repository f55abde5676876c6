"""Fuzzing the admin API: no input gets a 5xx, every error has the one error shape, and a refused
write saves nothing.

Two kinds of run:

* schemathesis generates valid and invalid requests for every operation of the app's own OpenAPI
  document, signed in as the administrator, with path parameters that often name real objects;
* hypothesis properties for profile writes (random JSON values put at random places of a valid
  profile, sent by PUT and PATCH) and for logo uploads (random bytes).

How the examples reach the app: the ``app`` fixture starts Sanic on pytest-asyncio's event loop,
and the database connections belong to that loop. Hypothesis cannot drive an ``async def`` test,
and schemathesis's own ASGI transport runs the application on an event loop of its own, so
neither may call the app directly. Each test therefore hands a ``@given``-decorated plain
function to a worker thread (``asyncio.to_thread``), which leaves the test's loop free; every
example submits its requests to that loop with ``asyncio.run_coroutine_threadsafe`` and waits
for the answer. Hypothesis keeps control of generation, shrinking and reporting, and
``derandomize=True`` (without an example database) makes every run against the same code draw
the same examples.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import operator
import struct
import traceback
import zlib
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.portal_server.fuzzing import (
    CHARACTERS,
    SHORT_TEXT,
    TEXT,
    OnTestLoop,
    check_error_body,
    check_response,
    describe,
    fuzz_settings,
)

BASE_URL = "http://127.0.0.1"
PROFILES = "/api/v1/admin/profiles"


# --- known objects the fuzzing aims at --------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A small, valid PNG."""
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 60, 120, 255)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Target:
    """A profile with a market, a logo and several versions, and the default profile."""

    profile_id: int
    default_id: int
    market: str
    latest_version: int

    def path_choices(self) -> list[dict[str, Any]]:
        """Path parameters that name real objects (and a market that is not there)."""
        return [
            {"profile_id": self.profile_id, "number": 1, "slot": "login", "market": self.market},
            {
                "profile_id": self.profile_id,
                "number": self.latest_version,
                "slot": "favicon",
                "market": self.market,
            },
            {"profile_id": self.default_id, "number": 1, "slot": "top_bar", "market": "NONE-1"},
        ]


async def make_target(client: httpx.AsyncClient, admin: Any, tag: str) -> Target:
    """Create a profile with a market, a logo and three versions to aim the fuzzing at."""
    created = await client.post(PROFILES, json={"name": f"Fuzz {tag}"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    market = await client.post(
        f"{PROFILES}/{profile_id}/markets", json={"market": f"FUZZ-{tag}"}, headers=admin.headers
    )
    assert market.status_code == 200, market.text
    logo = await client.put(
        f"{PROFILES}/{profile_id}/logos/login",
        content=png(40, 20),
        headers={**admin.headers, "Content-Type": "image/png"},
    )
    assert logo.status_code == 200, logo.text
    listing = (await client.get(PROFILES, headers=admin.headers)).json()["items"]
    default_id = next(item["id"] for item in listing if item["is_default"])
    return Target(profile_id, default_id, f"FUZZ-{tag}", logo.json()["version"])


@pytest.fixture
async def target(client: httpx.AsyncClient, admin) -> Target:
    """The objects the fuzzing aims at."""
    return await make_target(client, admin, "target")


# --- schemathesis over the whole admin API ----------------------------------------------------

EXAMPLES_PER_OPERATION = 30
# Every refused sign-in costs a password hash; a few examples cover the handler.
FEWER_EXAMPLES = {"POST /api/v1/admin/auth/token": 8}


async def load_schema(client: httpx.AsyncClient) -> Any:
    """The app's own OpenAPI document, loaded by schemathesis."""
    response = await client.get("/docs/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def operation_strategy(operation: Any, mode: GenerationMode, target: Target) -> Any:
    """Cases for one operation; most name real objects in their path."""
    generated = operation.as_strategy(generation_mode=mode)
    names = {parameter.name for parameter in operation.path_parameters}
    if not names:
        return generated
    aimed = [
        operation.as_strategy(
            generation_mode=mode,
            path_parameters={name: value for name, value in choice.items() if name in names},
        )
        for choice in target.path_choices()
    ]
    return st.one_of(generated, st.one_of(*aimed))


async def send_case(client: httpx.AsyncClient, kwargs: dict[str, Any]) -> httpx.Response:
    """Send a schemathesis case's request (as `requests` would put it on the wire) in-process."""
    prepared = requests.Request(**kwargs).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    headers = [
        (name.encode("latin-1"), value if isinstance(value, bytes) else value.encode("latin-1"))
        for name, value in prepared.headers.items()
    ]
    assert prepared.method is not None and prepared.url is not None
    return await client.request(prepared.method, prepared.url, headers=headers, content=body)


async def fuzz_operation(
    operation: Any, client: httpx.AsyncClient, headers: dict[str, str], target: Target
) -> None:
    """Send valid and invalid requests for one operation; each must get a proper answer."""
    # Negative generation needs something to break; healthz takes no input at all.
    has_inputs = bool(operation.body) or any(True for _ in operation.iter_parameters())
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_inputs else [])
    cases = st.one_of(*(operation_strategy(operation, mode, target) for mode in modes))
    on_loop = OnTestLoop()

    # Without shrinking, a failure costs no more requests than a pass; the report carries the
    # failing request as a curl command.
    @fuzz_settings(FEWER_EXAMPLES.get(operation.label, EXAMPLES_PER_OPERATION), shrink=False)
    @given(case=cases)
    def fuzz(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
        response = on_loop(send_case(client, kwargs))
        mode = case.meta.generation.mode.value if case.meta else "explicit"
        curl = case.as_curl_command(headers=headers, base_url=BASE_URL)
        check_response(response, f"[{mode}] {curl}")
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    await asyncio.to_thread(fuzz)


async def test_schemathesis_finds_no_server_error_in_any_operation(
    client: httpx.AsyncClient, admin, login_as
) -> None:
    # One database for the whole run; each operation gets objects of its own to aim at.
    schema = await load_schema(client)
    # The document's order of methods varies from start to start; a sorted run repeats itself.
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda operation: operation.label)
    assert len(operations) >= 18
    session = admin
    failures: list[str] = []
    for number, operation in enumerate(operations):
        if (await client.get(PROFILES, headers=session.headers)).status_code == 401:
            # DELETE /auth/token signed the administrator out.
            session = await login_as("admin")
        target = await make_target(client, session, str(number))
        try:
            await fuzz_operation(operation, client, session.headers, target)
        except (Exception, BaseExceptionGroup) as exc:
            # schemathesis reports its check failures as a BaseExceptionGroup.
            report = "".join(traceback.format_exception_only(exc))
            failures.append(f"=== {operation.label}\n{report}")
    if failures:
        pytest.fail(f"{len(failures)} operations failed:\n\n" + "\n".join(failures), pytrace=False)


# --- hypothesis: profile writes ---------------------------------------------------------------

EDGE_NUMBERS = [0, -1, 1, 2, 4096, 4097, 10_000, 10_001, 2**31, 2**63, -(2**63) - 1, 2**64]
NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from(EDGE_NUMBERS),
    st.floats(),
)
KEYS = st.one_of(
    st.sampled_from(["name", "version", "id", "markets", "is_default", "settings", "logos"]),
    st.text(CHARACTERS, max_size=10),
)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=8,
)


TAKEN_NAMES = ["Default", "default", " DEFAULT ", "Other profile", "OTHER PROFILE"]


def merge_patch_for(document: dict[str, Any], path: list[Any], removed: bool) -> dict[str, Any]:
    """The merge patch that makes the change at ``path`` (lists are sent whole)."""
    patch: dict[str, Any] = {}
    cursor, node = patch, document
    for depth, key in enumerate(path):
        if depth == len(path) - 1:
            cursor[key] = None if removed else node[key]
            break
        child = node[key]
        if isinstance(child, list):
            cursor[key] = child
            break
        cursor[key] = {}
        cursor, node = cursor[key], child
    return patch


def change_somewhere(data: st.DataObject, document: dict[str, Any]) -> tuple[Any, Any]:
    """Make one random change at a random place; return the whole document and the patch."""
    kind = data.draw(st.integers(0, 19), label="kind of change")
    if kind == 0:
        body = data.draw(JSONISH, label="body")
        return body, body
    changed = copy.deepcopy(document)
    if kind == 1:
        # Another profile's name: refused by the database, inside the write's transaction.
        changed["name"] = data.draw(st.sampled_from(TAKEN_NAMES), label="taken name")
        return changed, {"name": changed["name"]}
    node: Any = changed
    path: list[Any] = []
    while True:
        if isinstance(node, dict):
            keys = sorted(node)
            existing = keys and data.draw(st.integers(0, 4), label="existing key") > 0
            key = data.draw(st.sampled_from(keys) if existing else KEYS, label="key")
            present = key in node
        else:
            key = data.draw(st.integers(0, len(node)), label="index")
            present = key < len(node)
        path.append(key)
        child = node[key] if present else None
        deeper = data.draw(st.integers(0, 3), label="deeper") > 0
        if isinstance(child, dict | list) and child and deeper:
            node = child
            continue
        action = data.draw(st.sampled_from(["set", "set", "set", "edit", "remove"]), label="do")
        removed = action == "remove" and present
        if removed:
            del node[key]
            if isinstance(node, list):
                # The change is the list without the element.
                path.pop()
                return changed, merge_patch_for(changed, path, removed=False)
        elif action == "edit" and isinstance(child, str):
            at = data.draw(st.integers(0, len(child)), label="at")
            node[key] = child[:at] + data.draw(SHORT_TEXT, label="insert") + child[at:]
        elif isinstance(node, list) and not present:
            node.append(data.draw(JSONISH, label="value"))
        else:
            node[key] = data.draw(JSONISH, label="value")
        return changed, merge_patch_for(changed, path, removed)


def encode_body(data: st.DataObject, body: Any) -> bytes:
    """JSON text as Python writes it (NaN included), sometimes as raw UTF-8 that may carry
    unpaired surrogates, sometimes cut short."""
    how = data.draw(st.integers(0, 19), label="encoding")
    if how < 2:
        return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    raw = json.dumps(body).encode()
    if how == 2:
        return raw[: data.draw(st.integers(0, max(0, len(raw) - 1)), label="cut at")]
    return raw


WRITE_STATUSES = {200, 400, 409, 413, 415, 422}
CONTENT_TYPES = st.sampled_from(
    ["application/json"] * 6
    + ["application/json; charset=utf-8", "application/merge-patch+json", "", "text/plain"]
)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
async def test_profile_writes_are_refused_whole_or_saved_whole(
    method: str, client: httpx.AsyncClient, admin
) -> None:
    created = await client.post(PROFILES, json={"name": "Property"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    other = await client.post(PROFILES, json={"name": TAKEN_NAMES[-2]}, headers=admin.headers)
    assert other.status_code == 201, other.text
    url = f"{PROFILES}/{created.json()['id']}"
    audit_url = f"/api/v1/admin/audit?object=profile:{created.json()['id']}&page_size=1"
    on_loop = OnTestLoop()

    @fuzz_settings(80)
    @given(data=st.data())
    def write(data: st.DataObject) -> None:
        before = on_loop(client.get(url, headers=admin.headers))
        versions_before = on_loop(client.get(f"{url}/versions", headers=admin.headers))
        events_before = on_loop(client.get(audit_url, headers=admin.headers)).json()["total"]
        assert before.status_code == 200, before.text
        whole, patch = change_somewhere(data, before.json())
        raw = encode_body(data, whole if method == "PUT" else patch)
        content_type = data.draw(CONTENT_TYPES, label="content type")
        request = describe(method, url, raw)

        response = on_loop(
            client.request(
                method,
                url,
                content=raw,
                headers={**admin.headers, "Content-Type": content_type},
            )
        )

        assert response.status_code in WRITE_STATUSES, (
            f"{request} -> {response.status_code} {response.text[:500]}"
        )
        after = on_loop(client.get(url, headers=admin.headers))
        versions_after = on_loop(client.get(f"{url}/versions", headers=admin.headers))
        events_after = on_loop(client.get(audit_url, headers=admin.headers)).json()["total"]
        if response.status_code == 200:
            assert after.json() == response.json(), request
            assert after.headers["etag"] == response.headers["etag"], request
            assert after.json()["version"] == before.json()["version"] + 1, request
            assert events_after == events_before + 1, request
        else:
            check_error_body(response, request)
            assert after.content == before.content, f"half-saved: {request}"
            assert after.headers["etag"] == before.headers["etag"], request
            assert versions_after.content == versions_before.content, f"half-saved: {request}"
            assert events_after == events_before, f"audited though refused: {request}"

    await asyncio.to_thread(write)


# --- hypothesis: logo uploads -----------------------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURES = (PNG_MAGIC, b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
MAGICS = [
    *SIGNATURES,
    b"RIFF\x00\x00\x00\x00WEBP",
    b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    b"BM",
    b"II*\x00",
    b"%PDF-1.4",
    b"\x00\x00\x01\x00",
    b"<",
    b"<svg",
    b'<svg xmlns="http://www.w3.org/2000/svg"',
    b"<?xml version='1.0'?>",
    b"\xef\xbb\xbf <svg",
]
SMALL_PNG = png(16, 16)
MAX_LOGO_BYTES = 2 * 1024 * 1024


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """A PNG chunk with its CRC."""
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_header(width: int, height: int, tail: bytes) -> bytes:
    """A PNG signature and header announcing any size, followed by junk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return PNG_MAGIC + png_chunk(b"IHDR", header) + tail


def damaged_png(index: int, value: int, how: str) -> bytes:
    """A valid PNG with one byte changed, or cut short, or with a byte slipped in."""
    index %= len(SMALL_PNG)
    if how == "truncate":
        return SMALL_PNG[:index]
    if how == "insert":
        return SMALL_PNG[:index] + bytes([value]) + SMALL_PNG[index:]
    return SMALL_PNG[:index] + bytes([SMALL_PNG[index] ^ (value or 1)]) + SMALL_PNG[index + 1 :]


UPLOADS = st.one_of(
    st.binary(max_size=300),
    st.builds(operator.add, st.sampled_from(MAGICS), st.binary(max_size=300)),
    st.builds(png_header, st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1), st.binary()),
    st.builds(
        damaged_png,
        st.integers(0, len(SMALL_PNG)),
        st.integers(0, 255),
        st.sampled_from(["flip", "truncate", "insert"]),
    ),
)


def could_be_an_image(data: bytes) -> bool:
    """Whether the bytes start like a raster image or an XML (SVG) document."""
    stripped = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return webp or data.startswith(SIGNATURES) or stripped.startswith(b"<")


async def test_arbitrary_bytes_uploaded_as_a_logo_never_fail_the_server(
    client: httpx.AsyncClient, admin
) -> None:
    created = await client.post(PROFILES, json={"name": "Logo property"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    url = f"{PROFILES}/{created.json()['id']}"
    on_loop = OnTestLoop()

    @fuzz_settings(60)
    @given(upload=UPLOADS, content_type=st.sampled_from(["image/png", "image/svg+xml", "x/y"]))
    @example(upload=b"", content_type="image/png")
    @example(upload=PNG_MAGIC + bytes(MAX_LOGO_BYTES), content_type="image/png")
    @example(upload=SMALL_PNG, content_type="image/png")
    def upload_logo(upload: bytes, content_type: str) -> None:
        before = on_loop(client.get(url, headers=admin.headers))
        request = describe("PUT", f"{url}/logos/login", upload)

        response = on_loop(
            client.put(
                f"{url}/logos/login",
                content=upload,
                headers={**admin.headers, "Content-Type": content_type},
            )
        )

        outcome = f"{request} -> {response.status_code} {response.text[:300]}"
        assert response.status_code in (200, 413, 422), outcome
        if not could_be_an_image(upload):
            assert response.status_code in (413, 422), outcome
        after = on_loop(client.get(url, headers=admin.headers))
        if response.status_code == 200:
            assert after.json() == response.json(), request
            assert after.json()["logos"]["login"]["size"] >= 1, request
        else:
            error = check_error_body(response, request)
            assert "login" in error["fields"], outcome
            assert after.content == before.content, f"half-saved: {request}"

    await asyncio.to_thread(upload_logo)


# --- inputs the fuzzing found ------------------------------------------------------------------

FOUND: list[Any] = [
    pytest.param("GET", "/9223372036854775808", None, (404, 422), None, id="id-beyond-int64"),
    pytest.param("GET", "/2147483648", None, (404, 422), None, id="id-beyond-int32"),
    pytest.param(
        "DELETE",
        "/2147483648/markets/FUZZ-1",
        None,
        (404, 422),
        None,
        id="market-of-id-beyond-int32",
    ),
    pytest.param(
        "GET",
        "/{id}/versions/2147483648",
        None,
        (404, 422),
        None,
        id="version-number-beyond-int32",
    ),
    pytest.param(
        "POST",
        "/{id}/versions/9223372036854775808/restore",
        None,
        (404, 422),
        None,
        id="version-beyond-int64",
    ),
    pytest.param(
        "PATCH",
        "/{id}",
        {"support": {"website": "https://example.com/\x00"}},
        (422,),
        "support.website",
        id="nul-in-support-website",
    ),
    pytest.param(
        "PATCH",
        "/{id}",
        {"support": {"email": "help\x00@example.com"}},
        (422,),
        "support.email",
        id="nul-in-support-email",
    ),
    pytest.param(
        "PATCH",
        "/{id}",
        {"helpful_links": [{"text": "Help", "url": "https://example.com/\x00"}]},
        (422,),
        "helpful_links.0.url",
        id="nul-in-helpful-link-url",
    ),
    pytest.param("DELETE", "/{id}/markets/%00", None, (404, 422), None, id="nul-in-market-path"),
]


@pytest.mark.parametrize(("method", "path", "body", "statuses", "field"), FOUND)
async def test_inputs_found_by_fuzzing_get_a_4xx(
    method: str,
    path: str,
    body: Any,
    statuses: tuple[int, ...],
    field: str | None,
    client: httpx.AsyncClient,
    admin,
    target: Target,
) -> None:
    url = PROFILES + path.replace("{id}", str(target.profile_id))
    before = await client.get(f"{PROFILES}/{target.profile_id}", headers=admin.headers)
    raw = json.dumps(body).encode() if body is not None else None
    request = describe(method, url, raw)
    response = await client.request(
        method, url, content=raw, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code in statuses, f"{request} -> {response.status_code}"
    error = check_error_body(response, request)
    if field is not None:
        assert field in error["fields"], f"{request} -> {error}"
    after = await client.get(f"{PROFILES}/{target.profile_id}", headers=admin.headers)
    assert after.content == before.content, f"half-saved: {request}"


async def test_nul_in_a_username_is_refused_without_a_server_error(
    client: httpx.AsyncClient,
) -> None:
    raw = json.dumps({"username": "admin\x00", "password": "x"}).encode()
    response = await client.post(
        "/api/v1/admin/auth/token", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (401, 422), response.text
    check_error_body(response, describe("POST", "/api/v1/admin/auth/token", raw))


async def test_oversized_and_mistyped_bodies_name_the_body(
    client: httpx.AsyncClient, admin, target: Target
) -> None:
    url = f"{PROFILES}/{target.profile_id}"
    oversized = json.dumps({"description": "x" * 300_000}).encode()
    response = await client.patch(
        url, content=oversized, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert check_error_body(response, describe("PATCH", url, oversized))["fields"], response.text
    mistyped = b'{"description": "plain"}'
    response = await client.patch(
        url, content=mistyped, headers={**admin.headers, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert check_error_body(response, describe("PATCH", url, mistyped))["fields"], response.text
