"""What the server stores for a logo: rasters re-encoded without metadata, SVG kept and fitted.

The rules every logo must pass are tested with common.logo_rules, in tests/common/test_logo_rules.py.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, PngImagePlugin

from common.profile import LogoSlot
from portal_server.profiles.logo_check import CheckedLogo, LogoRejected, check_logo
from tests.common.test_logo_rules import INTERNAL_REFERENCES_SVG, RED, encode, image, png, svg

BLUE = (30, 30, 200, 255)


def _reopen(logo: CheckedLogo) -> Image.Image:
    img = Image.open(io.BytesIO(logo.data))
    img.load()
    return img


# --- rasters ------------------------------------------------------------------------------


def test_png_is_reencoded_without_metadata_or_trailing_bytes() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret-comment")
    exif = Image.Exif()
    exif[0x010E] = "secret-exif"
    original = (
        png((250, 64), pnginfo=text, exif=exif.tobytes(), icc_profile=b"secret-icc" * 20)
        + b"<script>alert(1)</script>"
    )
    with Image.open(io.BytesIO(original)) as before:
        assert before.text == {"Comment": "secret-comment"}  # type: ignore[attr-defined]
        assert "icc_profile" in before.info

    logo = check_logo(LogoSlot.LOGIN, original)

    assert logo.content_type == "image/png"
    assert (logo.width, logo.height) == (250, 64)
    assert logo.sha256 == hashlib.sha256(logo.data).hexdigest()
    for secret in (b"secret", b"<script>", b"tEXt", b"eXIf", b"iCCP"):
        assert secret not in logo.data
    stored = _reopen(logo)
    assert stored.format == "PNG"
    assert stored.size == (250, 64)
    assert stored.mode == "RGBA"
    assert stored.getpixel((10, 10)) == RED
    assert not stored.getexif()
    assert "icc_profile" not in stored.info


def test_png_alpha_survives_reencoding() -> None:
    img = image((40, 40), colour=(0, 0, 0, 0))
    img.putpixel((5, 5), BLUE)
    logo = check_logo(LogoSlot.FAVICON, encode(img, "PNG"))
    stored = _reopen(logo)
    assert stored.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert stored.getpixel((5, 5)) == BLUE


def test_jpeg_stays_jpeg_in_rgb_without_exif() -> None:
    exif = Image.Exif()
    exif[0x010E] = "secret-exif"
    original = encode(image((175, 64), "L", 120), "JPEG", exif=exif.tobytes(), comment=b"hi")

    logo = check_logo(LogoSlot.TOP_BAR, original)

    assert logo.content_type == "image/jpeg"
    assert (logo.width, logo.height) == (175, 64)
    assert b"secret-exif" not in logo.data
    stored = _reopen(logo)
    assert stored.format == "JPEG"
    assert stored.mode == "RGB"
    assert not stored.getexif()
    assert "comment" not in stored.info
    assert logo.sha256 == hashlib.sha256(logo.data).hexdigest()


def test_rotated_jpeg_is_checked_and_stored_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # a quarter turn: stored 64 wide, 250 high; shown 250 wide
    original = encode(image((64, 250), "RGB"), "JPEG", exif=exif.tobytes())

    logo = check_logo(LogoSlot.LOGIN, original)

    assert (logo.width, logo.height) == (250, 64)
    assert _reopen(logo).size == (250, 64)


def test_gif_with_transparency_becomes_png_with_alpha() -> None:
    img = Image.new("P", (30, 20), 0)
    img.putpalette([255, 255, 255, 200, 30, 30] + [0, 0, 0] * 254)
    img.putpixel((3, 3), 1)
    original = encode(img, "GIF", transparency=0)

    logo = check_logo(LogoSlot.TOP_BAR, original)

    assert logo.content_type == "image/png"
    stored = _reopen(logo)
    assert stored.format == "PNG"
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0  # type: ignore[index]
    assert stored.getpixel((3, 3)) == (200, 30, 30, 255)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animated_image_keeps_only_its_first_frame(fmt: str) -> None:
    frames = [image((32, 32), "RGB", RED[:3]), image((32, 32), "RGB", BLUE[:3])]
    params: dict[str, object] = {"lossless": True} if fmt == "WEBP" else {}
    original = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0, **params)
    with Image.open(io.BytesIO(original)) as before:
        assert getattr(before, "n_frames", 1) == 2

    logo = check_logo(LogoSlot.FAVICON, original)

    assert logo.content_type == "image/png"
    stored = _reopen(logo)
    assert stored.format == "PNG"
    assert not getattr(stored, "is_animated", False)
    assert stored.convert("RGB").getpixel((16, 16)) == RED[:3]


def test_webp_becomes_png_with_alpha() -> None:
    original = encode(image((100, 50), colour=(200, 30, 30, 128)), "WEBP", lossless=True)
    logo = check_logo(LogoSlot.LOGIN, original)
    assert logo.content_type == "image/png"
    assert (logo.width, logo.height) == (100, 50)
    stored = _reopen(logo)
    assert stored.format == "PNG"
    assert stored.mode == "RGBA"
    assert stored.getpixel((50, 25)) == (200, 30, 30, 128)


# --- SVG ----------------------------------------------------------------------------------


def test_svg_is_stored_unchanged_and_fitted_to_the_slot() -> None:
    data = svg('<rect width="500" height="128" fill="#0a3d73"/>', 'width="500" height="128"')
    logo = check_logo(LogoSlot.LOGIN, data)
    assert logo.content_type == "image/svg+xml"
    assert logo.data == data
    assert logo.sha256 == hashlib.sha256(data).hexdigest()
    assert (logo.width, logo.height) == (250, 64)


@pytest.mark.parametrize(
    ("slot", "attributes", "size"),
    [
        (LogoSlot.LOGIN, 'width="100" height="32"', (100, 32)),
        (LogoSlot.LOGIN, 'width="100px" height="32px"', (100, 32)),
        (LogoSlot.LOGIN, 'width="2in" height="0.5in"', (192, 48)),
        (LogoSlot.TOP_BAR, 'viewBox="0 0 700 128"', (175, 32)),
        (LogoSlot.TOP_BAR, 'width="100%" height="100%" viewBox="0,0,350,64"', (175, 32)),
        (LogoSlot.TOP_BAR, 'width="64" viewBox="0 0 100 50"', (64, 32)),
        (LogoSlot.LOGIN, 'height="128" viewBox="0 0 100 50"', (128, 64)),
        (LogoSlot.FAVICON, 'viewBox="0 0 1000 1000"', (512, 512)),
        (LogoSlot.FAVICON, 'width="24" height="24"', (24, 24)),
        (LogoSlot.FAVICON, 'width="100" height="100.5"', (100, 100)),
        (LogoSlot.LOGIN, 'width="100000" height="1"', (250, 1)),
    ],
)
def test_svg_size_comes_from_attributes_or_viewbox(
    slot: LogoSlot, attributes: str, size: tuple[int, int]
) -> None:
    logo = check_logo(slot, svg(attributes=attributes))
    assert (logo.width, logo.height) == size


def test_svg_with_internal_references_is_stored_byte_for_byte() -> None:
    assert check_logo(LogoSlot.LOGIN, INTERNAL_REFERENCES_SVG).data == INTERNAL_REFERENCES_SVG


@pytest.mark.parametrize(
    ("slot", "data", "status", "message"),
    [
        (LogoSlot.LOGIN, b"", 422, "The upload is empty; choose a PNG, JPEG, GIF, WebP or SVG image."),
        (
            LogoSlot.LOGIN,
            png((8, 8)) + bytes(int(2.4 * 1024 * 1024)),
            413,
            "The file is 2.4 MB; a logo may be at most 2 MB.",
        ),
        (LogoSlot.TOP_BAR, b"%PDF-1.7\n", 422, "This file is not a PNG, JPEG, GIF, WebP or SVG image."),
        (
            LogoSlot.FAVICON,
            png((200, 100)),
            422,
            "The favicon must be square; this image is 200 \N{MULTIPLICATION SIGN} 100 px.",
        ),
        (
            LogoSlot.LOGIN,
            svg("<script>alert(1)</script>"),
            422,
            "SVG logos may not contain scripts (found <script>).",
        ),
    ],
)
def test_what_breaks_a_rule_is_refused_with_its_status(
    slot: LogoSlot, data: bytes, status: int, message: str
) -> None:
    with pytest.raises(LogoRejected) as caught:
        check_logo(slot, data)
    assert (caught.value.status, caught.value.message) == (status, message)
