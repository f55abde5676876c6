"""Static files and the default branding: fingerprinted, compressed once, answered from memory.

At start-up every file under ``resources/static`` and ``resources/branding`` is read; the
``url(...)`` references of stylesheets are pointed at the fingerprinted URLs of what they load;
and each file gets a URL carrying the first 16 hex digits of the SHA-256 of what is served
(``/static/<digest>/css/portal.css``), answered with a year-long immutable cache: a changed
file is a new URL, so no browser keeps a stale copy. Text files are compressed with Brotli and
gzip there and then. A request is one dict lookup and the choice of one of those byte strings.

The plain paths (``/static/css/portal.css``) keep answering, with a short cache, for mails and
pages that hold them; pages link only the fingerprinted ones (``PortalLinks.assets``).
"""

from __future__ import annotations

import gzip
import hashlib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import brotli
from sanic import HTTPResponse, Request, Sanic
from sanic.exceptions import NotFound
from sanic_ext import openapi

from common.resources import RESOURCES_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
# A plain path may sit in a mail or a page rendered before a release: it revalidates soon.
SHORT_CACHE = "public, max-age=300"
DIGEST_HEX = 16

_MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
}
_BINARY = "application/octet-stream"
# WOFF2 is Brotli inside and images are compressed already: those go out as they are.
_COMPRESSIBLE = {".css", ".js", ".json", ".txt", ".svg", ".ttf"}
# The encodings made at start-up, in the order taken when a client accepts them equally.
ENCODINGS = ("br", "gzip")
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<ref>[^"')]*?)(?P=quote)\s*\)""")


class StaticFilesError(ValueError):
    """A shipped file the server cannot serve as it is (a stylesheet naming a missing file)."""


@dataclass(frozen=True)
class Representation:
    """One form of a file (as it is, or compressed): its bytes and the headers sent with them."""

    body: bytes
    headers: Mapping[str, str]
    etag: str


@dataclass(frozen=True)
class ServedFile:
    """What answers one URL: the file as it is and its compressed forms by encoding."""

    content_type: str
    identity: Representation
    encoded: Mapping[str, Representation]


@dataclass(frozen=True)
class StaticFiles:
    """Every static URL the server answers, and the fingerprinted URL of each plain one."""

    files: Mapping[str, ServedFile]
    urls: Mapping[str, str]


def default_roots() -> dict[str, Path]:
    """Return the URL prefixes the server serves files under and the folders they come from."""
    return {"/static": RESOURCES_DIR / "static", "/branding": RESOURCES_DIR / "branding"}


def build_static_files(roots: Mapping[str, Path]) -> StaticFiles:
    """Read, fingerprint and compress every file under each URL prefix's folder."""
    sources: list[tuple[str, str, bytes]] = []
    for prefix, folder in roots.items():
        for path in sorted(folder.rglob("*")):
            inside = path.relative_to(folder)
            if path.is_file() and not any(part.startswith(".") for part in inside.parts):
                sources.append((prefix.rstrip("/"), inside.as_posix(), path.read_bytes()))

    urls: dict[str, str] = {}
    files: dict[str, ServedFile] = {}
    # Stylesheets last: their url(...)s must name the fingerprinted URLs of what they load, and
    # those URLs are part of what a stylesheet's own fingerprint covers.
    for prefix, relative, content in sorted(sources, key=lambda source: source[1].endswith(".css")):
        plain = f"{prefix}/{relative}"
        suffix = posixpath.splitext(relative)[1].lower()
        if suffix == ".css":
            content = _point_at_fingerprints(plain, content, urls)
        digest = hashlib.sha256(content).hexdigest()[:DIGEST_HEX]
        fingerprinted = f"{prefix}/{digest}/{relative}"
        urls[plain] = fingerprinted
        content_type = _MEDIA_TYPES.get(suffix, _BINARY)
        forms = _compressed(content, suffix)
        files[fingerprinted] = _served(content_type, content, forms, digest, IMMUTABLE)
        files[plain] = _served(content_type, content, forms, digest, SHORT_CACHE)
    return StaticFiles(files=MappingProxyType(files), urls=MappingProxyType(urls))


@lru_cache(maxsize=1)
def shipped_static_files() -> StaticFiles:
    """Return the table of the files this release ships, built once per process."""
    # The files are part of the installed release and do not change under a running server.
    return build_static_files(default_roots())


def _point_at_fingerprints(plain: str, css: bytes, urls: Mapping[str, str]) -> bytes:
    """Rewrite a stylesheet's url(...) references to the fingerprinted URLs of their files."""

    def fingerprinted(match: re.Match[str]) -> str:
        ref = match.group("ref").strip()
        if not ref or ref.startswith(("data:", "#", "//")) or "://" in ref:
            return match.group(0)
        cut = min((i for i in (ref.find("?"), ref.find("#")) if i >= 0), default=len(ref))
        path, tail = ref[:cut], ref[cut:]
        if not path.startswith("/"):
            path = posixpath.normpath(posixpath.join(posixpath.dirname(plain), path))
        if path not in urls:
            raise StaticFilesError(f"{plain}: url({ref}) names no file the server serves")
        return f'url("{urls[path]}{tail}")'

    return _CSS_URL.sub(fingerprinted, css.decode("utf-8")).encode("utf-8")


def _compressed(content: bytes, suffix: str) -> dict[str, bytes]:
    """Return the Brotli and gzip forms of a text file, each only when smaller than the file."""
    if suffix not in _COMPRESSIBLE:
        return {}
    mode = brotli.MODE_FONT if suffix == ".ttf" else brotli.MODE_TEXT
    forms = {
        "br": brotli.compress(content, quality=11, mode=mode),
        "gzip": gzip.compress(content, compresslevel=9, mtime=0),
    }
    return {name: body for name, body in forms.items() if len(body) < len(content)}


def _served(
    content_type: str, content: bytes, forms: Mapping[str, bytes], digest: str, cache_control: str
) -> ServedFile:
    """Return a file's representations with their headers, built once."""
    vary = {"Vary": "Accept-Encoding"} if forms else {}

    def representation(body: bytes, encoding: str | None) -> Representation:
        # Each encoding is its own representation, so each has its own strong ETag.
        etag = f'"{digest}-{encoding}"' if encoding else f'"{digest}"'
        headers = {"Cache-Control": cache_control, "ETag": etag, **vary}
        if encoding:
            headers["Content-Encoding"] = encoding
        return Representation(body, MappingProxyType(headers), etag)

    return ServedFile(
        content_type,
        representation(content, None),
        MappingProxyType({name: representation(body, name) for name, body in forms.items()}),
    )


@lru_cache(maxsize=256)
def accepted_encodings(header: str) -> tuple[str, ...]:
    """Return the encodings made here (br, gzip) that an Accept-Encoding header takes, best first."""
    # Browsers send a handful of distinct values, so parsing is cached by the header's text.
    weights: dict[str, float] = {}
    for item in header.lower().split(","):
        name, _, params = item.partition(";")
        name = name.strip()
        if name == "x-gzip":
            name = "gzip"
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name] = weight if 0.0 <= weight <= 1.0 else 0.0
    anything = weights.get("*", 0.0)
    ranked = sorted(
        ((weights.get(name, anything), -rank, name) for rank, name in enumerate(ENCODINGS)), reverse=True
    )
    return tuple(name for weight, _rank, name in ranked if weight > 0)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """Tell whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 says)."""
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in if_none_match.split(","))


def respond(served: ServedFile, request: Request) -> HTTPResponse:
    """Answer with the best form the client accepts, or 304 when it holds that form already."""
    chosen = served.identity
    if served.encoded:
        for encoding in accepted_encodings(request.headers.get("accept-encoding", "")):
            form = served.encoded.get(encoding)
            if form is not None:
                chosen = form
                break
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and _etag_matches(if_none_match, chosen.etag):
        return HTTPResponse(status=304, headers=dict(chosen.headers))
    return HTTPResponse(chosen.body, headers=dict(chosen.headers), content_type=served.content_type)


def setup_static(app: Sanic, roots: Mapping[str, Path] | None = None) -> None:
    """Serve /static and /branding from memory and give pages the fingerprinted URLs."""
    static_files = shipped_static_files() if roots is None else build_static_files(roots)
    app.ctx.static_files = static_files
    files = static_files.files

    @openapi.exclude()
    async def static_file(request: Request, rest: str) -> HTTPResponse:
        served = files.get(request.path)
        if served is None:
            raise NotFound("There is nothing at this address.")
        return respond(served, request)

    for prefix in roots or default_roots():
        name = f"{prefix.strip('/')}_files"
        app.add_route(static_file, f"{prefix.rstrip('/')}/<rest:path>", methods=["GET", "HEAD"], name=name)
