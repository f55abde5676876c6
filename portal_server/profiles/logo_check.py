"""Checks an uploaded logo against its slot's rules and prepares the bytes to store.

The rules themselves (kinds sniffed from the content, sizes, SVG safety and the sentences that
name them) live in common.logo_rules, shared with the console. What is the server's alone is
what gets stored: raster images are written out again so that no metadata or trailing data
reaches storage; SVG files are stored as uploaded, since the rules only pass those that cannot
run scripts or fetch other files.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image

from common import logo_rules
from common.logo_rules import MAX_PIXELS, UNREADABLE_MESSAGE, LogoRejected
from common.profile import LOGO_LIMITS, LogoSlot

__all__ = ["MAX_PIXELS", "CheckedLogo", "LogoRejected", "check_logo"]


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
    image = logo_rules.check_logo(slot, data)
    if image.decoded is None:
        return _checked(image.content_type, data, *_fitted(slot, image.width, image.height))
    try:
        stored_type, stored = _reencode(image.decoded, keep_jpeg=image.content_type == "image/jpeg")
    except Exception as exc:
        # Pixels that decoded yet cannot be written out again are as unusable as a damaged file.
        raise LogoRejected(UNREADABLE_MESSAGE) from exc
    return _checked(stored_type, stored, image.decoded.width, image.decoded.height)


def _fitted(slot: LogoSlot, width: float, height: float) -> tuple[int, int]:
    # Vectors scale without loss, so an oversized SVG is shown at the largest size that fits.
    limit = LOGO_LIMITS[slot]
    scale = min(1.0, limit.max_width / width, limit.max_height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


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


def _checked(content_type: str, data: bytes, width: int, height: int) -> CheckedLogo:
    return CheckedLogo(
        content_type=content_type,
        data=data,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )
