"""Logo rules shared by the server and the console: content sniffing, slot limits, SVG safety."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image

from common.logo_rules import (
    LogoImage,
    LogoRejected,
    check_logo,
    logo_content_type,
    logo_subject,
    not_an_image_message,
    too_big_message,
)
from common.profile import MAX_LOGO_BYTES, LogoSlot

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
X = "\N{MULTIPLICATION SIGN}"
RED = (200, 30, 30, 255)


def image(size: tuple[int, int], mode: str = "RGBA", colour: object = RED) -> Image.Image:
    """A plain image of one colour."""
    return Image.new(mode, size, colour)  # type: ignore[arg-type]


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    """The image's bytes in a file format."""
    out = io.BytesIO()
    img.save(out, format=fmt, **params)
    return out.getvalue()


def png(size: tuple[int, int], **params: object) -> bytes:
    """A plain PNG of the size."""
    return encode(image(size), "PNG", **params)


def svg(body: str = "", attributes: str = 'width="100" height="32"', prolog: str = "") -> bytes:
    """An SVG document with the body, root attributes and prolog given."""
    return f"{prolog}<svg {SVG_NS} {XLINK_NS} {attributes}>{body}</svg>".encode()


# References inside the document only: gradients, <use>, in-page links, url(#id) and animation.
INTERNAL_REFERENCES_SVG = svg(
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
    '<path id="p" d="M0 0h10v10z"/></defs>'
    '<style>.a { fill: url("#g"); }</style>'
    '<use href="#p"/><use xlink:href=" #p"/><a href="#p"><rect class="a"/></a>'
    '<rect fill="url(#g)" style="stroke: url( \'#g\' )"/>'
    '<animate attributeName="opacity" from="0" to="1" dur="1s"/>',
    prolog='<?xml version="1.0" encoding="UTF-8"?>\n<!-- logo -->\n',
)


def _noisy_png(size: tuple[int, int]) -> bytes:
    rng = random.Random(7)
    img = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return encode(img, "PNG")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size in its header but carries no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IEND", b"")


def _rejected(slot: LogoSlot, data: bytes) -> LogoRejected:
    with pytest.raises(LogoRejected) as caught:
        check_logo(slot, data)
    return caught.value


# --- sniffing and sentences -----------------------------------------------------------------


def test_image_kinds_are_told_by_content() -> None:
    assert logo_content_type(png((2, 2))) == "image/png"
    assert logo_content_type(encode(image((2, 2), "RGB"), "JPEG")) == "image/jpeg"
    assert logo_content_type(b"GIF89a....") == "image/gif"
    assert logo_content_type(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert logo_content_type(svg()) == "image/svg+xml"
    assert logo_content_type(b"\xef\xbb\xbf  <?xml version='1.0'?>\n<svg/>") == "image/svg+xml"
    assert logo_content_type(b"<html></html>") is None
    assert logo_content_type(b"BM" + bytes(64)) is None


def test_sentences_name_the_slot_and_the_numbers() -> None:
    assert logo_subject(LogoSlot.LOGIN) == "the login logo"
    assert logo_subject("top_bar") == "the top bar logo"
    assert logo_subject(LogoSlot.FAVICON) == "the favicon"
    assert too_big_message(5 * 1024 * 1024) == "The file is 5.0 MB; a logo may be at most 2 MB."
    assert too_big_message(3_300_000, subject="The login logo in this bundle") == (
        "The login logo in this bundle is 3.1 MB; a logo may be at most 2 MB."
    )
    assert not_an_image_message() == "This file is not a PNG, JPEG, GIF, WebP or SVG image."
    assert not_an_image_message("The favicon") == "The favicon is not a PNG, JPEG, GIF, WebP or SVG image."


def test_a_passed_logo_says_what_it_is() -> None:
    raster = check_logo("favicon", png((64, 64)))
    assert (raster.content_type, raster.width, raster.height) == ("image/png", 64, 64)
    assert raster.decoded is not None and raster.decoded.size == (64, 64)
    assert raster.describe() == f"PNG, 64 {X} 64 px"
    vector = check_logo(LogoSlot.LOGIN, svg(attributes='width="100" height="32.5"'))
    assert vector == LogoImage("image/svg+xml", 100, 32.5)
    assert vector.decoded is None
    assert vector.describe() == f"SVG, 100 {X} 32.5 px"


# --- sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "size"),
    [
        (LogoSlot.LOGIN, (250, 64)),
        (LogoSlot.LOGIN, (1, 1)),
        (LogoSlot.TOP_BAR, (175, 64)),
        (LogoSlot.FAVICON, (512, 512)),
        (LogoSlot.FAVICON, (16, 16)),
    ],
)
def test_images_at_the_limits_are_accepted(slot: LogoSlot, size: tuple[int, int]) -> None:
    logo = check_logo(slot, png(size))
    assert (logo.width, logo.height) == size


@pytest.mark.parametrize(
    ("slot", "size", "message"),
    [
        (
            LogoSlot.LOGIN,
            (251, 64),
            f"The login logo is 251 {X} 64 px; it must be at most 250 px wide and 64 px high.",
        ),
        (
            LogoSlot.LOGIN,
            (250, 65),
            f"The login logo is 250 {X} 65 px; it must be at most 250 px wide and 64 px high.",
        ),
        (
            LogoSlot.TOP_BAR,
            (176, 64),
            f"The top bar logo is 176 {X} 64 px; it must be at most 175 px wide and 64 px high.",
        ),
        (
            LogoSlot.TOP_BAR,
            (175, 65),
            f"The top bar logo is 175 {X} 65 px; it must be at most 175 px wide and 64 px high.",
        ),
        (
            LogoSlot.FAVICON,
            (513, 513),
            f"The favicon is 513 {X} 513 px; it must be at most 512 px wide and 512 px high.",
        ),
        (
            LogoSlot.FAVICON,
            (200, 100),
            f"The favicon must be square; this image is 200 {X} 100 px.",
        ),
    ],
)
def test_images_outside_the_slot_are_refused(slot: LogoSlot, size: tuple[int, int], message: str) -> None:
    error = _rejected(slot, png(size))
    assert error.status == 422
    assert error.message == message
    assert str(error) == message


def test_rotated_jpeg_is_checked_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # a quarter turn: stored 64 wide, 250 high; shown 250 wide
    logo = check_logo(LogoSlot.LOGIN, encode(image((64, 250), "RGB"), "JPEG", exif=exif.tobytes()))
    assert (logo.width, logo.height) == (250, 64)
    assert logo.decoded is not None and logo.decoded.size == (250, 64)


def test_rotation_can_push_a_jpeg_out_of_the_box() -> None:
    exif = Image.Exif()
    exif[0x0112] = 8
    original = encode(image((250, 64), "RGB"), "JPEG", exif=exif.tobytes())
    error = _rejected(LogoSlot.LOGIN, original)
    assert error.status == 422
    assert f"64 {X} 250 px" in error.message


def test_more_than_two_megabytes_is_413() -> None:
    data = random.Random(1).randbytes(MAX_LOGO_BYTES + 1)
    error = _rejected(LogoSlot.LOGIN, data)
    assert error.status == 413
    assert error.message == ("The file is 2,097,153 bytes; a logo may be at most 2 MB (2,097,152 bytes).")


def test_large_file_size_is_given_in_megabytes() -> None:
    error = _rejected(LogoSlot.FAVICON, png((8, 8)) + bytes(int(2.4 * 1024 * 1024)))
    assert error.status == 413
    assert error.message == "The file is 2.4 MB; a logo may be at most 2 MB."


def test_exactly_two_megabytes_passes_the_size_check() -> None:
    data = random.Random(2).randbytes(MAX_LOGO_BYTES)
    error = _rejected(LogoSlot.LOGIN, data)
    assert error.status == 422


def test_empty_upload_is_refused() -> None:
    error = _rejected(LogoSlot.LOGIN, b"")
    assert error.status == 422
    assert error.message.startswith("The upload is empty")


# --- content ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, saved as logo.png",
        b"%PDF-1.7\n1 0 obj\n",
        b"\x00\x00\x01\x00\x01\x00",  # an ICO header: not one of the accepted types
        b"BM" + bytes(64),
    ],
)
def test_content_that_is_not_an_image_is_refused(data: bytes) -> None:
    error = _rejected(LogoSlot.LOGIN, data)
    assert error.status == 422
    assert error.message == "This file is not a PNG, JPEG, GIF, WebP or SVG image."


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"not really a gif" * 4,
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
        b"\xff\xd8\xff\xe0" + b"garbage" * 10,
        b"RIFF\x10\x00\x00\x00WEBPVP8 garbage",
    ],
)
def test_magic_bytes_followed_by_junk_are_unreadable(data: bytes) -> None:
    error = _rejected(LogoSlot.LOGIN, data)
    assert error.status == 422
    assert error.message == "This file is not a readable image."


def test_truncated_png_is_refused() -> None:
    whole = _noisy_png((200, 60))
    check_logo(LogoSlot.LOGIN, whole)
    error = _rejected(LogoSlot.LOGIN, whole[: len(whole) // 2])
    assert error.status == 422
    assert error.message == "This file is not a readable image."


def test_pixel_bomb_header_is_refused_before_decoding() -> None:
    error = _rejected(LogoSlot.FAVICON, _png_header_only(100_000, 100_000))
    assert error.status == 422
    assert "far too large" in error.message


def test_pixel_count_is_capped_below_pillows_own_limit() -> None:
    # 48 million pixels: Pillow opens it without complaint, the header check must refuse it.
    error = _rejected(LogoSlot.FAVICON, _png_header_only(8_000, 6_000))
    assert error.status == 422
    assert error.message == (
        f"The image is 8000 {X} 6000 px, far too large for a logo, so it was not opened."
    )


def test_slot_box_is_checked_from_the_header() -> None:
    # No pixel data at all: a decode would fail, so this message proves the header was enough.
    error = _rejected(LogoSlot.LOGIN, _png_header_only(300, 80))
    assert error.message == (
        f"The login logo is 300 {X} 80 px; it must be at most 250 px wide and 64 px high."
    )


# --- SVG ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="100" height="32"', (100, 32)),
        ('width="100px" height="32px"', (100, 32)),
        ('width="2in" height="0.5in"', (192, 48)),
        ('viewBox="0 0 700 128"', (700, 128)),
        ('width="100%" height="100%" viewBox="0,0,350,64"', (350, 64)),
        ('width="64" viewBox="0 0 100 50"', (64, 32)),
        ('height="128" viewBox="0 0 100 50"', (256, 128)),
        ('width="100000" height="1"', (100_000, 1)),
    ],
)
def test_svg_size_comes_from_attributes_or_viewbox_and_may_exceed_the_box(
    attributes: str, size: tuple[int, int]
) -> None:
    # Vectors scale without loss, so the rules keep the natural size and refuse none for it.
    logo = check_logo(LogoSlot.LOGIN, svg(attributes=attributes))
    assert (logo.width, logo.height) == pytest.approx(size)


def test_svg_with_internal_references_is_accepted() -> None:
    assert check_logo(LogoSlot.LOGIN, INTERNAL_REFERENCES_SVG).content_type == "image/svg+xml"


def test_favicon_svg_must_be_square() -> None:
    assert check_logo(LogoSlot.FAVICON, svg(attributes='width="100" height="100.5"')).width == 100
    error = _rejected(LogoSlot.FAVICON, svg(attributes='viewBox="0 0 200 100"'))
    assert error.status == 422
    assert error.message == f"The favicon must be square; this image is 200 {X} 100 px."


@pytest.mark.parametrize(
    "attributes",
    ["", 'width="100%" height="100%"', 'width="10em" height="2em"', 'viewBox="0 0 0 10"'],
)
def test_svg_without_a_size_is_refused(attributes: str) -> None:
    error = _rejected(LogoSlot.LOGIN, svg(attributes=attributes))
    assert error.status == 422
    assert "needs a width and height or a viewBox" in error.message


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<script>alert(1)</script>", "scripts"),
        ('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>', "scripts"),
        ('<rect onload="alert(1)"/>', "onload"),
        ('<rect onClick="alert(1)"/>', "onClick"),
        ('<a href="https://example.com/"><rect/></a>', "links to other files"),
        ('<a href="javascript:alert(1)"><rect/></a>', "links to other files"),
        ('<image xlink:href="http://example.com/x.png"/>', "links to other files"),
        ('<image href="data:image/svg+xml;base64,PHN2Zz4="/>', "links to other files"),
        ('<use href="other.svg#a"/>', "links to other files"),
        ("<foreignObject><div>hi</div></foreignObject>", "foreignObject"),
        ("<style>rect { fill: url(http://example.com/p.svg#g); }</style>", "<style>"),
        ('<style>@import "https://example.com/a.css";</style>', "<style>"),
        ("<style><![CDATA[rect { fill: u\\72l(//example.com/a); }]]></style>", "<style>"),
        ('<rect style="fill: url(https://example.com/a.svg#g)"/>', "style attribute"),
        ("<rect style=\"background: image-set('a.png' 1x)\"/>", "style attribute"),
        ("<rect fill=\"url('https://example.com/a.svg#g')\"/>", "fill attribute"),
        ('<set attributeName="href" to="javascript:alert(1)"/>', "animate links"),
        ('<animate attributeName="xlink:href" values="#a"/>', "animate links"),
    ],
)
def test_svg_with_active_or_external_content_is_refused(body: str, reason: str) -> None:
    error = _rejected(LogoSlot.LOGIN, svg(body))
    assert error.status == 422
    assert error.message.startswith("SVG logos may not")
    assert reason in error.message


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>',
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_svg_with_doctype_or_entities_is_refused(prolog: str) -> None:
    error = _rejected(LogoSlot.LOGIN, svg(prolog=prolog))
    assert error.status == 422
    assert "DOCTYPE" in error.message


def test_svg_with_a_stylesheet_instruction_is_refused() -> None:
    prolog = '<?xml-stylesheet href="https://example.com/a.css" type="text/css"?>'
    error = _rejected(LogoSlot.LOGIN, svg(prolog=prolog))
    assert error.status == 422
    assert "xml-stylesheet" in error.message


def test_svg_without_the_svg_namespace_is_refused() -> None:
    error = _rejected(LogoSlot.LOGIN, b'<svg width="10" height="10"></svg>')
    assert error.status == 422
    assert "xmlns" in error.message


def test_xml_that_is_not_svg_is_refused() -> None:
    error = _rejected(LogoSlot.LOGIN, b"<html><body>hello</body></html>")
    assert error.status == 422
    assert error.message == "This file is not a PNG, JPEG, GIF, WebP or SVG image."


def test_malformed_svg_is_refused() -> None:
    error = _rejected(LogoSlot.LOGIN, svg("<rect>")[:-3])
    assert error.status == 422
    assert "not well-formed" in error.message
