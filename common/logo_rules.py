"""The rules a logo image must pass, and the sentences that say which one it broke.

The server checks every upload with these rules before it stores anything; the console checks a
chosen file with the very same ones first, so the administrator reads the sentence the server
would answer. Only the content decides what a file is: names and declared types are never
trusted. Raster images are decoded (their first frame) to tell a readable file from a damaged
one; SVG files pass only once nothing in them can run scripts or fetch other files. Storing and
re-encoding are the server's part, not the rules'.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image, ImageOps

from common.profile import LOGO_LIMITS, MAX_LOGO_BYTES, LogoLimit, LogoSlot

KINDS = "PNG, JPEG, GIF, WebP or SVG"

# Content type and file extension of every image kind a logo may be.
LOGO_EXTENSIONS: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
# Content type of every raster kind and the Pillow format that alone may decode it.
RASTER_FORMATS: dict[str, str] = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
SVG_CONTENT_TYPE = "image/svg+xml"

# Far beyond any slot's box, yet small enough that refusing it costs nothing; checked from the
# header so a hostile file never gets decoded.
MAX_PIXELS = 40_000_000
UNREADABLE_MESSAGE = "This file is not a readable image."

_MIB = 1024 * 1024
_TOO_MANY_PIXELS = "far too large for a logo, so it was not opened"
# How far into a file its <svg> element may start and still count as an SVG when sniffing.
_SNIFF_BYTES = 4096

_SVG_NS = "http://www.w3.org/2000/svg"
_ORIENTATION_TAG = 0x0112
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})

_SCRIPT_ELEMENTS = frozenset({"script", "handler", "listener"})
_EMBEDDING_ELEMENTS = frozenset({"foreignobject", "iframe", "embed", "object", "audio", "video"})
_ANIMATION_ELEMENTS = frozenset({"set", "animate", "animatecolor", "animatemotion", "animatetransform"})

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|\r\n|(.))", re.DOTALL)
# url(#id) points inside the document; anything else, and every other way CSS has of naming a
# resource, could make the browser fetch it.
_CSS_FETCH = re.compile(
    r"@import|url\((?!\s*['\"]?\s*#)|(?<![\w-])(?:-webkit-)?image-set\(|(?<![\w-])(?:src|image)\(",
    re.IGNORECASE,
)
_LENGTH = re.compile(
    r"^\s*([+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|in|cm|mm|q)?\s*$", re.IGNORECASE
)
_PX_PER_UNIT = {
    "px": 1.0,
    "pt": 96 / 72,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
}
_SQUARE_TOLERANCE = 0.01


class LogoRejected(ValueError):
    """A logo that breaks a rule, with a sentence saying why and the HTTP status the server answers."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LogoImage:
    """A logo that passed its slot's rules: its kind, its size in px and, for rasters, its pixels."""

    content_type: str
    width: float
    height: float
    # The upright first frame, for whoever stores a clean copy; None for SVG, kept as it is.
    decoded: Image.Image | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """Return the kind and the size in px, as the console shows them."""
        kind = self.content_type.removeprefix("image/").removesuffix("+xml").upper()
        return f"{kind}, {_pixels(_number(self.width), _number(self.height))}"


def logo_content_type(data: bytes) -> str | None:
    """Return the image type the bytes look like (PNG, JPEG, GIF, WebP or SVG), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:_SNIFF_BYTES].lower()
    if head.startswith(b"<") and b"<svg" in head:
        return SVG_CONTENT_TYPE
    return None


def logo_subject(slot: LogoSlot | str) -> str:
    """Name a slot's image as a sentence does: "the login logo", "the favicon"."""
    slot = LogoSlot(slot)
    if slot is LogoSlot.FAVICON:
        return "the favicon"
    return f"the {LOGO_LIMITS[slot].label.lower()} logo"


def too_big_message(size: int, max_bytes: int = MAX_LOGO_BYTES, subject: str = "The file") -> str:
    """Say that ``subject`` of ``size`` bytes is over the limit, in numbers that show it is."""
    allowed = f"{max_bytes / _MIB:g} MB"
    shown = f"{size / _MIB:.1f}"
    if float(shown) * _MIB > max_bytes:
        return f"{subject} is {shown} MB; a logo may be at most {allowed}."
    # Rounded to megabytes, a file just over the limit would seem to be within it.
    return f"{subject} is {size:,} bytes; a logo may be at most {allowed} ({max_bytes:,} bytes)."


def not_an_image_message(subject: str = "This file") -> str:
    """Say that ``subject`` is none of the image kinds a logo may be."""
    return f"{subject} is not a {KINDS} image."


def check_logo(slot: LogoSlot | str, data: bytes) -> LogoImage:
    """Check image bytes against a slot's rules; return what they are or raise LogoRejected."""
    slot = LogoSlot(slot)
    limit = LOGO_LIMITS[slot]
    if not data:
        raise LogoRejected(f"The upload is empty; choose a {KINDS} image.")
    if len(data) > limit.max_bytes:
        raise LogoRejected(too_big_message(len(data), limit.max_bytes), status=413)
    content_type = logo_content_type(data)
    if content_type in RASTER_FORMATS:
        upright = _check_raster(slot, limit, data, RASTER_FORMATS[content_type])
        return LogoImage(content_type, upright.width, upright.height, upright)
    # Any XML is read as SVG, so that a broken or unsafe SVG is refused for what is wrong with it.
    if data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        width, height = _check_svg(slot, limit, data)
        return LogoImage(SVG_CONTENT_TYPE, width, height)
    raise LogoRejected(not_an_image_message())


# --- raster images ------------------------------------------------------------------------


def _check_raster(slot: LogoSlot, limit: LogoLimit, data: bytes, raster_format: str) -> Image.Image:
    try:
        # Pillow only warns about bombs below twice its own limit; make that a refusal too.
        with (
            warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning),
            Image.open(io.BytesIO(data), formats=[raster_format]) as img,
        ):
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise LogoRejected(f"The image is {_pixels(width, height)}, {_TOO_MANY_PIXELS}.")
            # Rotated photos are shown upright, so the box applies to the upright size; known
            # from the header, the check still happens before any decoding.
            if _header_orientation(img) in _SWAPPING_ORIENTATIONS:
                width, height = height, width
            _check_box(slot, limit, width, height)
            # The first frame is the one Pillow opens on; later frames are never decoded.
            img.load()
            upright = ImageOps.exif_transpose(img)
            _check_box(slot, limit, *upright.size)
    except LogoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoRejected(f"The image is {_TOO_MANY_PIXELS}.") from exc
    except Exception as exc:
        # Decoders fed hostile input fail in many ways (OSError, ValueError, SyntaxError,
        # struct.error, zlib errors...); every one of them means the same thing here.
        raise LogoRejected(UNREADABLE_MESSAGE) from exc
    return upright


def _header_orientation(img: Image.Image) -> int:
    raw = img.info.get("exif")
    if not isinstance(raw, bytes | bytearray):
        return 1
    exif = Image.Exif()
    exif.load(bytes(raw))
    orientation = exif.get(_ORIENTATION_TAG, 1)
    return orientation if isinstance(orientation, int) else 1


# --- SVG ----------------------------------------------------------------------------------


class _TreeBuilder(ElementTree.TreeBuilder):
    """Tree builder that also records processing instructions, which the tree itself drops."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, text: str | None = None) -> ElementTree.Element:
        """Record a processing instruction's target."""
        self.instructions.append(target)
        return ElementTree.Element("?" + target)


def _check_svg(slot: LogoSlot, limit: LogoLimit, data: bytes) -> tuple[float, float]:
    root = _parse_svg(data)
    for element in root.iter():
        _check_svg_element(element)
    width, height = _svg_size(root)
    if limit.square and abs(width - height) > _SQUARE_TOLERANCE * max(width, height):
        raise LogoRejected(
            f"{_sentence_subject(slot)} must be square; "
            f"this image is {_pixels(_number(width), _number(height))}."
        )
    # No box to fit: vectors scale without loss, so a larger SVG is shown at the largest size that fits.
    return width, height


def _parse_svg(data: bytes) -> ElementTree.Element:
    builder = _TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise LogoRejected(
            "SVG logos may not contain a DOCTYPE, entities or references to other files."
        ) from exc
    except (ElementTree.ParseError, ValueError) as exc:
        if b"<svg" in data.lower():
            raise LogoRejected("This SVG file is not well-formed XML, so it cannot be checked.") from exc
        raise LogoRejected(not_an_image_message()) from exc
    if not isinstance(root, ElementTree.Element) or root.tag != f"{{{_SVG_NS}}}svg":
        if isinstance(root, ElementTree.Element) and _local(root.tag) == "svg":
            raise LogoRejected(
                f'This SVG file\'s <svg> element needs xmlns="{_SVG_NS}" to be shown as an image.'
            )
        raise LogoRejected(not_an_image_message())
    if builder.instructions:
        # An xml-stylesheet instruction makes the browser fetch and apply another file.
        raise LogoRejected(
            f"SVG logos may not contain processing instructions such as <?{builder.instructions[0]}?>."
        )
    return root


def _check_svg_element(element: ElementTree.Element) -> None:
    if not isinstance(element.tag, str):
        return
    name = _local(element.tag)
    folded = name.lower()
    if folded in _SCRIPT_ELEMENTS:
        raise LogoRejected(f"SVG logos may not contain scripts (found <{name}>).")
    if folded in _EMBEDDING_ELEMENTS:
        raise LogoRejected(f"SVG logos may not embed HTML or other documents (found <{name}>).")
    for key, value in element.attrib.items():
        attribute = _local(key)
        if attribute.lower().startswith("on"):
            raise LogoRejected(f"SVG logos may not contain scripts (found the {attribute} attribute).")
        if attribute.lower() == "href" and not value.strip().startswith("#"):
            raise LogoRejected(
                f"SVG logos may not contain scripts or links to other files "
                f"(the <{name}> element links outside the image)."
            )
        if _css_fetches(value):
            raise LogoRejected(
                f"SVG logos may not load styles or images from other files "
                f"(found in the {attribute} attribute of <{name}>)."
            )
    if folded in _ANIMATION_ELEMENTS:
        # Animating an href or handler would smuggle in what the attribute checks refuse.
        target = element.get("attributeName", "").strip().rpartition(":")[2].lower()
        if target == "href" or target.startswith("on"):
            raise LogoRejected(f"SVG logos may not animate links or event handlers (found <{name}>).")
    if folded == "style" and _css_fetches("".join(element.itertext())):
        raise LogoRejected("SVG logos may not load styles or images from other files (found in <style>).")


def _css_fetches(css: str) -> bool:
    # Escapes and comments are undone first: browsers read u\72l( as url(.
    plain = _CSS_ESCAPE.sub(_unescape, _CSS_COMMENT.sub("", css))
    return _CSS_FETCH.search(plain) is not None


def _unescape(match: re.Match[str]) -> str:
    hex_digits, literal = match.group(1), match.group(2)
    if hex_digits is not None:
        code = int(hex_digits, 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return literal or ""


def _svg_size(root: ElementTree.Element) -> tuple[float, float]:
    width = _length(root.get("width"))
    height = _length(root.get("height"))
    if width is not None and height is not None:
        return width, height
    view_box = _view_box(root.get("viewBox"))
    if view_box is not None:
        box_width, box_height = view_box
        if width is not None:
            return width, width * box_height / box_width
        if height is not None:
            return height * box_width / box_height, height
        return box_width, box_height
    raise LogoRejected("This SVG needs a width and height or a viewBox, so that its size can be checked.")


def _length(value: str | None) -> float | None:
    # Percentages and font-relative units say nothing about the image's own size.
    match = _LENGTH.match(value) if value is not None else None
    if match is None:
        return None
    unit = (match.group(2) or "px").lower()
    length = float(match.group(1)) * _PX_PER_UNIT[unit]
    return length if 0 < length < math.inf else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    parts = [part for part in re.split(r"[\s,]+", value.strip()) if part]
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    if not (0 < width < math.inf and 0 < height < math.inf):
        return None
    return width, height


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


# --- shared -------------------------------------------------------------------------------


def _check_box(slot: LogoSlot, limit: LogoLimit, width: int, height: int) -> None:
    subject = _sentence_subject(slot)
    if limit.square and width != height:
        raise LogoRejected(f"{subject} must be square; this image is {_pixels(width, height)}.")
    if width > limit.max_width or height > limit.max_height:
        raise LogoRejected(
            f"{subject} is {_pixels(width, height)}; it must be at most "
            f"{limit.max_width} px wide and {limit.max_height} px high."
        )


def _sentence_subject(slot: LogoSlot) -> str:
    subject = logo_subject(slot)
    return subject[:1].upper() + subject[1:]


def _pixels(width: object, height: object) -> str:
    return f"{width} \N{MULTIPLICATION SIGN} {height} px"


def _number(value: float) -> str:
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)
