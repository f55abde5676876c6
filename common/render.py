"""The one page renderer: portal pages from resources/templates, for the server and the console.

Templates receive every URL and every piece of data through the context built here, never from
request globals, so the console's offline preview renders the very pages subscribers get.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes, pass_context, select_autoescape
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

from common import formats
from common.icons import ICON_SETS, catalogue
from common.profile import HOME_WIDGET_LABELS, MENU_PAGES, LogoSlot, ProfileContent, brand_name
from common.resources import RESOURCES_DIR
from common.status_labels import status_label
from common.theme import css_variables

TEMPLATES_DIR = RESOURCES_DIR / "templates"

# What a caller keeps per profile version: rendered fragments and derived values, by key.
Fragments = MutableMapping[tuple[Any, ...], Any]
T = TypeVar("T")

# The CSS class per icon set; each maps to one @font-face of the very font qtawesome draws with.
_ICON_FONT_CLASS = {prefix: f"fa-{style}" for prefix, (_file, style) in ICON_SETS.items()}


@dataclass(frozen=True)
class PortalLinks:
    """Every URL a portal page may link to, resolved by the caller (server or preview)."""

    static: str
    home: str
    login: str
    logout: str
    register: str
    forgot_password: str
    logos: Mapping[str, str]
    pages: Mapping[str, str] = field(default_factory=dict)
    # URL of a file under ``static`` -> the URL to link instead: the server's fingerprinted,
    # long-cached copy. The console's preview gives none and links the files themselves.
    assets: Mapping[str, str] = field(default_factory=dict)

    def asset(self, path: str) -> str:
        """Return the URL of a static file (its fingerprinted URL when the caller has one)."""
        url = f"{self.static.rstrip('/')}/{path.lstrip('/')}"
        return self.assets.get(url, url)


@dataclass(frozen=True)
class MenuEntry:
    """One menu item as the page draws it."""

    key: str
    label: str
    icon: str
    href: str
    children: tuple[tuple[str, str], ...]
    active: bool


# Pages draw the same few dozen icons over and over; labels come from profiles, so the cache is bounded.
@lru_cache(maxsize=2048)
def icon(code: str, label: str | None = None) -> Markup:
    """Return the HTML for an icon code (``fa6s.house``) drawn with the icon web font."""
    codepoint = catalogue().get(code)
    if codepoint is None:
        return Markup("")
    prefix = code.split(".", 1)[0]
    css_class = _ICON_FONT_CLASS[prefix]
    glyph = chr(int(codepoint, 16))
    if label:
        return Markup('<span class="icon {0}" role="img" aria-label="{1}">{2}</span>').format(
            css_class, label, glyph
        )
    return Markup('<span class="icon {0}" aria-hidden="true">{1}</span>').format(css_class, glyph)


def _locale(context: Context) -> str:
    # Every context this module builds names its locale; a template rendered without one is a bug.
    return str(context["locale"])


@pass_context
def money(context: Context, value: Any) -> str:
    """Jinja filter: an amount (Decimal) with the currency symbol, as the context's locale writes it."""
    return formats.format_amount(value, str(context["currency"]), _locale(context))


@pass_context
def number(context: Context, value: Any) -> str:
    """Jinja filter: a quantity with the context's locale's grouping and decimal sign."""
    return formats.format_number(value, _locale(context))


@pass_context
def date_filter(context: Context, value: Any) -> str:
    """Jinja filter ``date``: a date in the context's locale's medium form."""
    return formats.format_date(value, _locale(context))


@pass_context
def time_filter(context: Context, value: Any) -> str:
    """Jinja filter ``time``: a time of day in the context's locale."""
    return formats.format_time(value, _locale(context))


@pass_context
def datetime_filter(context: Context, value: Any) -> str:
    """Jinja filter ``datetime``: a date and time in the context's locale."""
    return formats.format_datetime(value, _locale(context))


def format_values(profile: ProfileContent) -> dict[str, str]:
    """Return the context keys the formatting filters read: the profile's locale and currency symbol."""
    return {"locale": profile.settings.locale.value, "currency": profile.settings.currency_symbol}


class FragmentExtension(Extension):
    """``{% fragment "name", key... %}…{% endfragment %}``: a part of a page made once per profile.

    The body must depend on nothing but the profile, the links and the listed keys: the caller
    that passes a ``fragments`` store in the context (the server, one store per profile version)
    gets the first rendering back on every later page. Without a store (the console's preview)
    the body is rendered every time, so an edited profile shows at once.
    """

    tags = {"fragment"}

    def parse(self, parser: Parser) -> nodes.Node:
        """Read the key expressions and the body up to ``endfragment``."""
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.List(key), nodes.ContextReference()])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _fragment(key: list[Any], context: Context, caller: Callable[[], str]) -> str:
        store = context.get("fragments")
        if store is None:
            return caller()
        slot = ("fragment", *key)
        found = store.get(slot)
        if found is None:
            found = store[slot] = caller()
        return str(found)


def once(fragments: Fragments | None, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """Return ``make()``, kept in ``fragments`` under ``key`` when the caller keeps a store."""
    if fragments is None:
        return make()
    if key not in fragments:
        fragments[key] = make()
    found: T = fragments[key]
    return found


@cache
def environment() -> Environment:
    """Return the shared Jinja environment over resources/templates (autoescape on)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(("html", "xml", "eml"), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the release: no stat() of every template file on every render.
        auto_reload=False,
        extensions=[FragmentExtension],
    )
    env.globals["icon"] = icon
    env.filters["money"] = money
    env.filters["number"] = number
    env.filters["date"] = date_filter
    env.filters["time"] = time_filter
    env.filters["datetime"] = datetime_filter
    env.filters["status_label"] = status_label
    return env


def menu_entries(profile: ProfileContent, links: PortalLinks, current: str | None) -> list[MenuEntry]:
    """Return the profile's menu in order, leaving out pages that do not exist yet."""
    entries = []
    for item in profile.menu:
        href = links.pages.get(item.key)
        if href is None:
            continue
        children = tuple(
            (label, links.pages[child])
            for child, label in MENU_PAGES[item.key].children
            if child in links.pages
        )
        entries.append(
            MenuEntry(
                key=item.key,
                label=item.label,
                icon=item.icon,
                href=href,
                children=children,
                active=item.key == current,
            )
        )
    return entries


def landing_page(profile: ProfileContent, links: PortalLinks) -> str | None:
    """Return the key of the page subscribers land on: the first menu item that exists."""
    for item in profile.menu:
        if item.key in links.pages:
            return item.key
    return None


def page_context(
    profile: ProfileContent,
    links: PortalLinks,
    *,
    license: str | None,
    current: str | None = None,
    fragments: Fragments | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return the context every portal template receives, plus the page's own values.

    ``fragments`` is the caller's store for this profile version (see ``FragmentExtension``);
    what the profile alone decides is then worked out once and kept there.
    """
    settings = profile.settings
    return {
        "profile": profile,
        "settings": settings,
        "links": links,
        "css_variables": once(
            fragments, ("css_variables",), lambda: css_variables(settings.theme, settings.top_bar_color)
        ),
        "title": settings.browser_title,
        "brand_name": brand_name(settings.brand_name, profile.name),
        **format_values(profile),
        "menu": once(fragments, ("menu", current), lambda: menu_entries(profile, links, current)),
        "widgets": once(
            fragments,
            ("widgets",),
            lambda: [key for key in HOME_WIDGET_LABELS if getattr(profile.home_widgets, key)],
        ),
        "support": profile.support,
        "helpful_links": profile.helpful_links,
        "preview": license is None,
        "license": license or "preview",
        "current": current,
        "logo_slots": [slot.value for slot in LogoSlot],
        "fragments": fragments,
        **extra,
    }


def render_page(
    name: str,
    profile: ProfileContent,
    links: PortalLinks,
    *,
    license: str | None,
    current: str | None = None,
    fragments: Fragments | None = None,
    **extra: Any,
) -> str:
    """Render a portal template with the profile's branding and the page's context."""
    context = page_context(profile, links, license=license, current=current, fragments=fragments, **extra)
    return environment().get_template(name).render(context)


def render_text(name: str, **context: Any) -> str:
    """Render a non-page template (an email body, say) with the same environment."""
    return environment().get_template(name).render(context)
