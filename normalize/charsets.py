"""Charsets, the one place for them: the byte-order-mark table, charset labels to
Python codecs (as Python reads them and as a browser reads them), and the charset parameter of
an HTTP ``Content-Type``. Pure: no network, no clock."""

from __future__ import annotations

import codecs
import re
from typing import Mapping

UTF8_BOM = b"\xef\xbb\xbf"
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (UTF8_BOM, "utf-8"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
)
# The marks a browser honours on a web page (WHATWG Encoding: no UTF-32), so a page starting
# ``FF FE 00 00`` is UTF-16-LE there, as it is in every browser.
WEB_BOMS: tuple[tuple[bytes, str], ...] = tuple(
    (bom, codec) for bom, codec in BOMS if not codec.startswith("utf-32"))

# The ``charset`` parameter of a Content-Type value (``text/xml; charset="ISO-8859-1"``).
CHARSET_PARAM = re.compile(r"\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)[\"']?", re.I)


def bom_codec(data: bytes, boms: tuple[tuple[bytes, str], ...] = BOMS) -> tuple[str, int] | None:
    """Return the codec of the byte-order mark ``data`` starts with and the mark's length in
    bytes, or ``None`` without a mark. ``boms`` is :data:`BOMS` or :data:`WEB_BOMS`."""
    for bom, codec in boms:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def python_codec(label: str | None) -> str | None:
    """Python's name for a charset label (``"ISO-8859-1"`` -> ``"latin-1"``), or ``None`` when
    the label is empty or unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def browser_codec(label: str | None) -> str | None:
    """The codec a browser decodes an HTML page labelled ``label`` with, or ``None`` when
    unknown."""
    name = python_codec(label)
    # WHATWG Encoding: browsers decode "iso-8859-1" and "ascii" pages as windows-1252, and such
    # pages rely on it for curly quotes and dashes (0x80-0x9F).
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    # A page that declares UTF-16 in its own ASCII-readable bytes cannot be UTF-16 (WHATWG).
    if name and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """The value of the HTTP header ``name`` (lower case) in ``headers``, whatever the keys'
    case, or ``None``."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset label of the ``Content-Type`` in ``headers`` as sent (not looked up), or
    ``None`` when there is none."""
    match = CHARSET_PARAM.search(header(headers, "content-type") or "")
    return match.group(1) if match else None
