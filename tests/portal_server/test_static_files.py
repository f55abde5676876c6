"""Static files and default branding: fingerprinted, long-cached, compressed once, served from memory."""

from __future__ import annotations

import builtins
import gzip
import hashlib
import re
from pathlib import Path

import brotli
import httpx
import pytest

from common.icons import ICON_FONTS
from common.resources import RESOURCES_DIR
from portal_server.portal.static_files import (
    IMMUTABLE,
    SHORT_CACHE,
    StaticFilesError,
    accepted_encodings,
    build_static_files,
)

FINGERPRINTED = re.compile(r"^/(static|branding)/[0-9a-f]{16}/")
LINKED = re.compile(r'(?:href|src)="(/(?:static|branding)/[^"]*)"')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
CSS_URL = re.compile(r'url\("([^"]+)"\)')
# Public pages, a branded login page and a portal 404: every layout the server renders signed out.
PAGES = ["/login", "/login?loginProfile=Nobody", "/register", "/forgot-password", "/no-such-page"]
SOLID = f"{ICON_FONTS['fa6s']}.woff2"


async def raw_get(client: httpx.AsyncClient, url: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """GET a URL and return the response with its body as sent, before any decoding."""
    async with client.stream("GET", url, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


async def linked_files(client: httpx.AsyncClient, page: str = "/login") -> list[str]:
    """Return the /static and /branding URLs a rendered page links to."""
    response = await client.get(page)
    assert response.headers["content-type"].startswith("text/html"), page
    return LINKED.findall(response.text)


async def served_url(client: httpx.AsyncClient, ending: str) -> str:
    """Return the URL the login page links for the file whose path ends so."""
    (url,) = [url for url in await linked_files(client) if url.endswith(ending)]
    return url


async def stylesheet_url(client: httpx.AsyncClient) -> str:
    """Return the one stylesheet the login page links."""
    (url,) = STYLESHEET.findall((await client.get("/login")).text)
    return url


@pytest.mark.parametrize("page", PAGES)
async def test_pages_link_only_fingerprinted_files_cached_for_a_year(client, page: str) -> None:
    response = await client.get(page)
    urls = LINKED.findall(response.text)
    assert len(STYLESHEET.findall(response.text)) == 1
    # favicon, login logo, the preloaded font, the stylesheet and the script
    assert len(urls) >= 5, urls
    for url in urls:
        assert FINGERPRINTED.match(url), url
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", url


async def test_stylesheet_loads_the_fonts_by_fingerprinted_url_and_swaps(client) -> None:
    css = (await client.get(await stylesheet_url(client))).text
    assert css.count("font-display: swap") == len(ICON_FONTS)
    assert "font-display: block" not in css
    assert ".icon.fa-solid" in css and ".top-bar" in css  # icons and page styles: one file
    fonts = CSS_URL.findall(css)
    assert sorted(url.rsplit("/", 1)[1] for url in fonts) == sorted(f"{s}.woff2" for s in ICON_FONTS.values())
    for url in fonts:
        assert FINGERPRINTED.match(url), url
        font = await client.get(url)
        assert font.status_code == 200 and font.headers["content-type"] == "font/woff2"
        assert font.headers["cache-control"] == IMMUTABLE
        assert font.content[:4] == b"wOF2"
    # The preload fetches the very URL the stylesheet's @font-face asks for, so it is used.
    assert await served_url(client, SOLID) in fonts


@pytest.mark.parametrize("ending", ["/css/portal.css", "/js/portal.js", "/default/login.svg"])
async def test_brotli_and_gzip_decompress_to_the_file(client, ending: str) -> None:
    url = await served_url(client, ending)
    plain, original = await raw_get(client, url, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    br, br_body = await raw_get(client, url, **{"Accept-Encoding": "br"})
    gz, gz_body = await raw_get(client, url, **{"Accept-Encoding": "gzip"})

    assert br.headers["content-encoding"] == "br"
    assert gz.headers["content-encoding"] == "gzip"
    assert brotli.decompress(br_body) == original
    assert gzip.decompress(gz_body) == original
    assert len(br_body) < len(original) and len(gz_body) < len(original)
    for answer in (plain, br, gz):
        assert answer.headers["vary"] == "Accept-Encoding"
        assert answer.headers["cache-control"] == IMMUTABLE
    assert len({plain.headers["etag"], br.headers["etag"], gz.headers["etag"]}) == 3


async def test_a_browser_gets_brotli_and_a_gzip_only_client_gzip(client) -> None:
    url = await stylesheet_url(client)
    chromium, _ = await raw_get(client, url, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert chromium.headers["content-encoding"] == "br"
    older, _ = await raw_get(client, url, **{"Accept-Encoding": "gzip;q=1.0, br;q=0.5"})
    assert older.headers["content-encoding"] == "gzip"


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, br;q=0", "deflate", "*;q=0"])
async def test_no_encoding_when_the_client_takes_none(client, accept: str | None) -> None:
    url = await served_url(client, "/js/portal.js")
    request = client.build_request("GET", url)
    if accept is None:
        del request.headers["accept-encoding"]
    else:
        request.headers["accept-encoding"] = accept
    response = await client.send(request, stream=True)
    body = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert body == (RESOURCES_DIR / "static" / "js" / "portal.js").read_bytes()


def test_accept_encoding_weights_pick_the_encoding() -> None:
    assert accepted_encodings("gzip, deflate, br, zstd") == ("br", "gzip")
    assert accepted_encodings("gzip;q=1.0, br;q=0.5") == ("gzip", "br")
    assert accepted_encodings("br;q=0, gzip") == ("gzip",)
    assert accepted_encodings("*") == ("br", "gzip")
    assert accepted_encodings("*;q=0.5, gzip") == ("gzip", "br")
    assert accepted_encodings("x-gzip") == ("gzip",)
    assert accepted_encodings("BR;Q=0.8") == ("br",)
    for none in ("", "identity", "deflate", "br;q=nonsense", "gzip;q=7", "*;q=0"):
        assert accepted_encodings(none) == (), none


async def test_woff2_goes_out_as_it_is(client) -> None:
    url = await served_url(client, SOLID)
    response, body = await raw_get(client, url, **{"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers  # one form only: nothing to vary on
    assert body == (RESOURCES_DIR / "static" / "fonts" / SOLID).read_bytes()


async def test_a_conditional_request_for_the_same_form_gets_304(client) -> None:
    url = await stylesheet_url(client)
    first, _ = await raw_get(client, url, **{"Accept-Encoding": "br"})
    etag = first.headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again, body = await raw_get(client, url, **{"Accept-Encoding": "br", "If-None-Match": if_none_match})
        assert again.status_code == 304, if_none_match
        assert body == b""
        assert again.headers["etag"] == etag and again.headers["cache-control"] == IMMUTABLE
    # The same ETag does not stand for the gzip form, nor does another file's.
    other, _ = await raw_get(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["content-encoding"] == "gzip"
    stale_etag = '"0000000000000000-br"'
    stale, _ = await raw_get(client, url, **{"Accept-Encoding": "br", "If-None-Match": stale_etag})
    assert stale.status_code == 200


async def test_head_answers_the_headers_alone(client) -> None:
    url = await stylesheet_url(client)
    response = await client.head(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["cache-control"] == IMMUTABLE


async def test_plain_paths_still_answer_with_a_short_cache(client) -> None:
    fingerprinted = await client.get(await stylesheet_url(client))
    for url in ("/static/css/portal.css", "/branding/default/login.svg", f"/static/fonts/{SOLID}"):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == SHORT_CACHE == "public, max-age=300"
    assert (await client.get("/static/css/portal.css")).content == fingerprinted.content


async def test_unknown_fingerprint_or_path_is_404(client) -> None:
    css = await stylesheet_url(client)
    digest = css.split("/")[2]
    script_digest = (await served_url(client, "/js/portal.js")).split("/")[2]
    for url in (
        "/static/0000000000000000/css/portal.css",  # a fingerprint from no release
        f"/static/{script_digest}/css/portal.css",  # another file's fingerprint
        f"/static/{digest}/css/nothing.css",
        f"/branding/{digest}/default/login.svg",
        "/static/css/nothing.css",
        "/static/css/icons.css",  # folded into portal.css
        "/static/fonts/fontawesome6-solid-webfont-6.7.2.ttf",  # served as WOFF2 now
        "/branding/default/nothing.svg",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/css%2Fportal.css",
        f"/static/{digest}",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found", url


async def test_serving_reads_no_file_and_hashes_nothing(client, monkeypatch) -> None:
    url = await stylesheet_url(client)
    expected = (await client.get(url, headers={"Accept-Encoding": "identity"})).content

    def refuse(*args, **kwargs):
        raise AssertionError("a static request touched the disk or hashed")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "stat", refuse)
    monkeypatch.setattr(hashlib, "sha256", refuse)
    for encoding in ("identity", "br", "gzip"):
        response = await client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.content == expected


# --- the table, built from a folder of its own --------------------------------------------


def _site(root: Path, font: bytes = b"wOF2 font v1", script: bytes = b"console.log(1);\n") -> dict[str, Path]:
    static = root / "static"
    (static / "css").mkdir(parents=True, exist_ok=True)
    (static / "fonts").mkdir(exist_ok=True)
    (static / "js").mkdir(exist_ok=True)
    (root / "branding" / "default").mkdir(parents=True, exist_ok=True)
    (static / "css" / "site.css").write_text(
        '@font-face { src: url("../fonts/icons.woff2") format("woff2"); }\n'
        ".a { background: url(/branding/default/logo.svg); }\n"
        '.b { background: url("data:image/png;base64,AAAA"); }\n',
        encoding="utf-8",
    )
    (static / "fonts" / "icons.woff2").write_bytes(font)
    (static / "js" / "site.js").write_bytes(script)
    (static / ".hidden").write_bytes(b"editor backup")
    (root / "branding" / "default" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    return {"/static": static, "/branding": root / "branding"}


def test_a_changed_file_gets_a_new_url_and_so_does_the_stylesheet_loading_it(tmp_path: Path) -> None:
    roots = _site(tmp_path)
    first = build_static_files(roots).urls
    assert set(first) == {
        "/static/css/site.css",
        "/static/fonts/icons.woff2",
        "/static/js/site.js",
        "/branding/default/logo.svg",
    }
    assert build_static_files(roots).urls == first  # the same bytes, the same URLs

    _site(tmp_path, font=b"wOF2 font v2")
    second = build_static_files(roots).urls
    assert second["/static/fonts/icons.woff2"] != first["/static/fonts/icons.woff2"]
    assert second["/static/css/site.css"] != first["/static/css/site.css"]  # it names the new font
    assert second["/static/js/site.js"] == first["/static/js/site.js"]

    _site(tmp_path, font=b"wOF2 font v2", script=b"console.log(2);\n")
    third = build_static_files(roots).urls
    assert third["/static/js/site.js"] != second["/static/js/site.js"]
    assert third["/static/css/site.css"] == second["/static/css/site.css"]


def test_fingerprint_is_the_sha256_of_what_is_served(tmp_path: Path) -> None:
    table = build_static_files(_site(tmp_path))
    digest = hashlib.sha256(b"console.log(1);\n").hexdigest()[:16]
    assert table.urls["/static/js/site.js"] == f"/static/{digest}/js/site.js"
    css = table.files[table.urls["/static/css/site.css"]].identity.body.decode()
    assert f'url("{table.urls["/static/fonts/icons.woff2"]}")' in css
    assert f'url("{table.urls["/branding/default/logo.svg"]}")' in css
    assert 'url("data:image/png;base64,AAAA")' in css
    digest = table.urls["/static/css/site.css"].split("/")[2]
    assert digest == hashlib.sha256(css.encode()).hexdigest()[:16]


def test_a_stylesheet_naming_a_missing_file_is_refused_at_start_up(tmp_path: Path) -> None:
    roots = _site(tmp_path)
    (roots["/static"] / "css" / "broken.css").write_text('a { src: url("../fonts/gone.woff2"); }')
    with pytest.raises(StaticFilesError, match=r"/static/css/broken\.css: url\(\.\./fonts/gone\.woff2\)"):
        build_static_files(roots)
