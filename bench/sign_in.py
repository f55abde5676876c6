"""Sign a demo subscriber in through the portal's own form and print the cookies it was given.

    python bench/sign_in.py http://127.0.0.1:8200 EMAIL PASSWORD
    # -> portal_csrf=...; portal_session=...

Used by the benchmarks to fetch signed-in pages as a browser would: GET /login for the CSRF
cookie and token, POST the form, and keep what the 303 answer sets.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sign_in(base: str, identifier: str, password: str) -> str:
    """Return the Cookie header of a signed-in browser, or raise when the sign-in failed."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    match = _TOKEN.search(page)
    if match is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    form = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "identifier": identifier, "password": password}
    ).encode()
    try:
        opener.open(f"{base}/login", data=form, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise RuntimeError(f"sign-in answered {answer.code}, not 303") from None
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "portal_session" not in cookies:
        raise RuntimeError("sign-in set no session cookie")
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


def main(argv: list[str] | None = None) -> None:
    """Print the Cookie header for one signed-in subscriber."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("identifier")
    parser.add_argument("password")
    args = parser.parse_args(argv)
    try:
        print(sign_in(args.base.rstrip("/"), args.identifier, args.password))
    except (OSError, RuntimeError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
