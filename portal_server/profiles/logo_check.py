"""Checks an uploaded logo against its slot's rules and prepares the bytes to store.

Only the content decides what a file is: names and declared types are never trusted. Raster
images are decoded and written out again so that no metadata or trailing data reaches storage;
SVG files are stored as uploaded, but only once nothing in them can run scripts or fetch other
files.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image, ImageOps

from common.profile import LOGO_LIMITS, LogoLimit, LogoSlot

# Far beyond any slot's box, yet small enough that refusing it costs nothing; checked from the
# header so a hostile file never gets decoded.
MAX_PIXELS = 40_000_000

_MIB = 1024 * 1024
_KINDS = "PNG, JPEG, GIF, WebP or SVG"
_NOT_AN_IMAGE = f"This file is not a {_KINDS} image."
_UNREADABLE = "This file is not a readable image."
_TOO_MANY_PIXELS = "far too large for a logo, so it was not opened"

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_GIF_MAGICS = (b"GIF87a", b"GIF89a")

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


class LogoRejected(Exception):
    """An uploaded logo that breaks a rule, with the HTTP status and a sentence saying why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class CheckedLogo:
    """A logo that passed its slot's checks, ready to be stored under its SHA-256."""

    content_type: str
    data: bytes
    width: int
    height: int
    sha256: str


def check_logo(slot: LogoSlot, data: bytes) -> CheckedLogo:
    """Check an upload for a logo slot and return what to store, or raise LogoRejected."""
    limit = LOGO_LIMITS[slot]
    if not data:
        raise LogoRejected(422, f"The upload is empty; choose a {_KINDS} image.")
    if len(data) > limit.max_bytes:
        raise LogoRejected(413, _too_many_bytes(len(data), limit.max_bytes))
    raster_format = _raster_format(data)
    if raster_format is not None:
        return _check_raster(slot, limit, data, raster_format)
    if _looks_like_xml(data):
        return _check_svg(slot, limit, data)
    raise LogoRejected(422, _NOT_AN_IMAGE)


# --- raster images ------------------------------------------------------------------------


def _raster_format(data: bytes) -> str | None:
    if data.startswith(_PNG_MAGIC):
        return "PNG"
    if data.startswith(_JPEG_MAGIC):
        return "JPEG"
    if data.startswith(_GIF_MAGICS):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _check_raster(slot: LogoSlot, limit: LogoLimit, data: bytes, raster_format: str) -> CheckedLogo:
    try:
        # Pillow only warns about bombs below twice its own limit; make that a refusal too.
        with (
            warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning),
            Image.open(io.BytesIO(data), formats=[raster_format]) as img,
        ):
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise LogoRejected(422, f"The image is {_pixels(width, height)}, {_TOO_MANY_PIXELS}.")
            # Rotated photos are stored upright, so the box applies to the upright size;
            # known from the header, the check still happens before any decoding.
            if _header_orientation(img) in _SWAPPING_ORIENTATIONS:
                width, height = height, width
            _check_box(slot, limit, width, height)
            # The first frame is the one Pillow opens on; later frames are never decoded.
            img.load()
            upright = ImageOps.exif_transpose(img)
            _check_box(slot, limit, *upright.size)
            stored_type, stored = _reencode(upright, keep_jpeg=raster_format == "JPEG")
    except LogoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoRejected(422, f"The image is {_TOO_MANY_PIXELS}.") from exc
    except Exception as exc:
        # Decoders fed hostile input fail in many ways (OSError, ValueError, SyntaxError,
        # struct.error, zlib errors...); every one of them means the same thing here.
        raise LogoRejected(422, _UNREADABLE) from exc
    return _checked(stored_type, stored, upright.width, upright.height)


def _header_orientation(img: Image.Image) -> int:
    raw = img.info.get("exif")
    if not isinstance(raw, bytes | bytearray):
        return 1
    exif = Image.Exif()
    exif.load(bytes(raw))
    orientation = exif.get(_ORIENTATION_TAG, 1)
    return orientation if isinstance(orientation, int) else 1


def _reencode(img: Image.Image, *, keep_jpeg: bool) -> tuple[str, bytes]:
    if keep_jpeg:
        pixels = _bare(img, "RGB")
        out = io.BytesIO()
        pixels.save(out, format="JPEG", quality=90)
        return "image/jpeg", out.getvalue()
    if img.has_transparency_data:
        mode = img.mode if img.mode in ("LA", "RGBA") else "RGBA"
    else:
        mode = img.mode if img.mode in ("1", "L", "RGB", "I", "I;16") else "RGB"
    pixels = _bare(img, mode)
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return "image/png", out.getvalue()


def _bare(img: Image.Image, mode: str) -> Image.Image:
    # Rebuilt from raw pixels, the image carries no info dict, so the encoder cannot copy EXIF,
    # ICC profiles, text chunks or comments from it.
    converted = img if img.mode == mode else img.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


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


def _looks_like_xml(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _check_svg(slot: LogoSlot, limit: LogoLimit, data: bytes) -> CheckedLogo:
    root = _parse_svg(data)
    for element in root.iter():
        _check_svg_element(element)
    width, height = _svg_size(root)
    if limit.square and abs(width - height) > _SQUARE_TOLERANCE * max(width, height):
        raise LogoRejected(
            422,
            f"{_subject(slot, limit)} must be square; "
            f"this image is {_pixels(_number(width), _number(height))}.",
        )
    # Vectors scale without loss, so an oversized SVG is shown at the largest size that fits.
    scale = min(1.0, limit.max_width / width, limit.max_height / height)
    fitted_width = max(1, round(width * scale))
    fitted_height = max(1, round(height * scale))
    return _checked("image/svg+xml", data, fitted_width, fitted_height)


def _parse_svg(data: bytes) -> ElementTree.Element:
    builder = _TreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise LogoRejected(
            422, "SVG logos may not contain a DOCTYPE, entities or references to other files."
        ) from exc
    except (ElementTree.ParseError, ValueError) as exc:
        if b"<svg" in data.lower():
            raise LogoRejected(422, "This SVG file is not well-formed XML, so it cannot be checked.") from exc
        raise LogoRejected(422, _NOT_AN_IMAGE) from exc
    if not isinstance(root, ElementTree.Element) or root.tag != f"{{{_SVG_NS}}}svg":
        if isinstance(root, ElementTree.Element) and _local(root.tag) == "svg":
            raise LogoRejected(
                422,
                f'This SVG file\'s <svg> element needs xmlns="{_SVG_NS}" to be shown as an image.',
            )
        raise LogoRejected(422, _NOT_AN_IMAGE)
    if builder.instructions:
        # An xml-stylesheet instruction makes the browser fetch and apply another file.
        raise LogoRejected(
            422,
            f"SVG logos may not contain processing instructions such as <?{builder.instructions[0]}?>.",
        )
    return root


def _check_svg_element(element: ElementTree.Element) -> None:
    if not isinstance(element.tag, str):
        return
    name = _local(element.tag)
    folded = name.lower()
    if folded in _SCRIPT_ELEMENTS:
        raise LogoRejected(422, f"SVG logos may not contain scripts (found <{name}>).")
    if folded in _EMBEDDING_ELEMENTS:
        raise LogoRejected(422, f"SVG logos may not embed HTML or other documents (found <{name}>).")
    for key, value in element.attrib.items():
        attribute = _local(key)
        if attribute.lower().startswith("on"):
            raise LogoRejected(422, f"SVG logos may not contain scripts (found the {attribute} attribute).")
        if attribute.lower() == "href" and not value.strip().startswith("#"):
            raise LogoRejected(
                422,
                f"SVG logos may not contain scripts or links to other files "
                f"(the <{name}> element links outside the image).",
            )
        if _css_fetches(value):
            raise LogoRejected(
                422,
                f"SVG logos may not load styles or images from other files "
                f"(found in the {attribute} attribute of <{name}>).",
            )
    if folded in _ANIMATION_ELEMENTS:
        # Animating an href or handler would smuggle in what the attribute checks refuse.
        target = element.get("attributeName", "").strip().rpartition(":")[2].lower()
        if target == "href" or target.startswith("on"):
            raise LogoRejected(422, f"SVG logos may not animate links or event handlers (found <{name}>).")
    if folded == "style" and _css_fetches("".join(element.itertext())):
        raise LogoRejected(
            422, "SVG logos may not load styles or images from other files (found in <style>)."
        )


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
    raise LogoRejected(
        422, "This SVG needs a width and height or a viewBox, so that its size can be checked."
    )


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
    subject = _subject(slot, limit)
    if limit.square and width != height:
        raise LogoRejected(422, f"{subject} must be square; this image is {_pixels(width, height)}.")
    if width > limit.max_width or height > limit.max_height:
        raise LogoRejected(
            422,
            f"{subject} is {_pixels(width, height)}; it must be at most "
            f"{limit.max_width} px wide and {limit.max_height} px high.",
        )


def _subject(slot: LogoSlot, limit: LogoLimit) -> str:
    if slot is LogoSlot.FAVICON:
        return "The favicon"
    return f"The {limit.label.lower()} logo"


def _checked(content_type: str, data: bytes, width: int, height: int) -> CheckedLogo:
    return CheckedLogo(
        content_type=content_type,
        data=data,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _too_many_bytes(size: int, max_bytes: int) -> str:
    allowed = f"{max_bytes / _MIB:g} MB"
    shown = f"{size / _MIB:.1f}"
    if float(shown) * _MIB > max_bytes:
        return f"The file is {shown} MB; a logo may be at most {allowed}."
    # Rounded to megabytes, a file just over the limit would seem to be within it.
    return f"The file is {size:,} bytes; a logo may be at most {allowed} ({max_bytes:,} bytes)."


def _pixels(width: object, height: object) -> str:
    return f"{width} \N{MULTIPLICATION SIGN} {height} px"


def _number(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)
