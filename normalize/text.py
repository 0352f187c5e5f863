"""Small text helpers shared by the parsers: HTML to plain text, whitespace, dates."""

from __future__ import annotations

import functools
import html as html_lib
import html.entities as html_entities
import re
from datetime import datetime, timedelta, timezone

from normalize.charsets import bom_codec, python_codec
from normalize.months import MONTH_ABBREVIATIONS
from normalize.sanitize import has_forbidden_utf8, plain_paragraphs, strip_forbidden_chars

_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
    "figcaption", "tr", "pre", "ul", "ol", "table", "section", "article", "header", "footer",
}


# What clean_text changes: characters XML forbids (see normalize.sanitize), the zero-width space
# and every white space but the plain space (\x00-\x1f holds both kinds). Most values hold none
# of them, no double space and no space at either end: one scan shows they need nothing.
_NEEDS_CLEANING = re.compile(
    "[\x00-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000"
    "\ud800-\udfff\ufffe\uffff]"
)


def clean_text(text: str | None) -> str:
    """Collapse runs of white space to one space and strip; ``None`` gives ``""``."""
    if not text:
        return ""
    if (type(text) is str and text[0] != " " and text[-1] != " " and "  " not in text
            and (text.isprintable() or not _NEEDS_CLEANING.search(text))):
        return text  # every character _NEEDS_CLEANING names is unprintable
    # str.split() knows every Unicode space (no-break, thin, ideographic...) and is several
    # times faster than a regex; the zero-width space is not a space to it, so it goes first.
    text = strip_forbidden_chars(text)
    if "\u200b" in text:
        text = text.replace("\u200b", " ")
    return " ".join(text.split())


def html_to_text(fragment: str | None) -> str:
    """Return the plain text of an HTML fragment, one paragraph per line.

    Entities are decoded and block elements end a line; no markup survives.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return clean_text(html_lib.unescape(fragment))
    text = _simple_markup_text(fragment)
    if text is None:
        try:
            text = _parsed_text(strip_forbidden_chars(fragment))
        except Exception:  # lxml refuses some byte soup; fall back to stripping tags
            return clean_text(html_lib.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    return _cleaned_lines(text)


def _cleaned_lines(text: str) -> str:
    """The lines of ``text`` cleaned (:func:`clean_text`), the empty ones dropped. Block
    elements leave many empty lines, which are dropped before cleaning, and the loops run in
    C (bench/README.md)."""
    return "\n".join(filter(None, map(clean_text, filter(None, text.split("\n")))))


_BREAK_TAGS = re.compile(r"</?p>|<br>")
_ANY_TAG = re.compile(r"<[^>]*+>")


def inline_body_text(html: str) -> str:
    """:func:`html_to_text` of a body that :func:`normalize.sanitize.clean_html_shaped` gave
    as paragraphs of simple inline markup: a line break for each ``<p>``, ``</p>`` and
    ``<br>``, no other tag, as :func:`_simple_markup_text` reads them, by two substitutions
    instead of following each tag (their shape is known: no text holds a ``>``, no entity
    but ``&amp;``, ``&lt;`` and ``&gt;``)."""
    if len(html) > _SIMPLE_MAX_CHARS:
        return html_to_text(html)
    text = _ANY_TAG.sub("", _BREAK_TAGS.sub("\n", html))
    if "&" in text:
        text = html_lib.unescape(text)
    return _cleaned_lines(text)


def _parsed_text(fragment: str) -> str:
    """The text of ``fragment`` as lxml reads it, a newline around each block element."""
    from lxml import etree, html as lxml_html  # on first use: commands that parse nothing skip it

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    # The newlines go into the tree (a block's text starts with one, its tail too: after its
    # end) and libxml2 reads the text out in one call, skipping comments and processing
    # instructions as the walk below does: a third less time than walking in Python.
    try:
        for node in root.iter(*_BLOCK_TAGS):
            node.text = "\n" + node.text if node.text else "\n"
            if node is not root:
                node.tail = "\n" + node.tail if node.tail else "\n"
    except ValueError:  # a control character from a reference ("&#1;"): lxml sets no such text
        return _walked_text(lxml_html.fragment_fromstring(fragment, create_parent="div"))
    return etree.tostring(root, method="text", encoding=str, with_tail=False)


def _walked_text(root) -> str:
    """What :func:`_parsed_text` gives, read by walking ``root`` (scripts and styles dropped)."""
    from lxml import etree

    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []
    # lxml's own walk (no Python recursion): a node's tail follows its end (a comment or a
    # processing instruction has only its one event).
    for event, node in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if event == "start":
            if block:
                parts.append("\n")
            if node.text and tag:
                parts.append(node.text)
        else:
            if block:
                parts.append("\n")
            if node.tail and node is not root:
                parts.append(node.tail)
    return "".join(parts)


# The markup nh3 leaves in a typical wire body (paragraphs, headings, lists, line breaks, a few
# inline elements), whose text escapes only &, <, > and the no-break space. For that, libxml2
# builds exactly the tree the tags spell, so the text is read from the tags without parsing it:
# a quarter of the cost. Anything else goes to lxml; tests/test_fastpath.py checks both agree.
_SIMPLE_TAG = re.compile(r'(/?)([a-z][a-z0-9]*)(?:\s+[a-z][a-z-]{0,30}="[^"<>]*")*\s*(/?)')
# Well inside libxml2's limits (256 levels, 10 MB of text), which make it drop content.
_SIMPLE_MAX_DEPTH = 32
_SIMPLE_MAX_CHARS = 1_000_000
_SIMPLE_TOP = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre"}
_SIMPLE_INLINE = {"a", "b", "i", "em", "strong", "span", "small", "sub", "sup", "u", "s", "code",
                  "cite", "abbr", "mark", "q", "time", "del", "ins"}
_LIST_TAGS = {"ul", "ol"}
# Block containers: libxml2 closes none of them for a paragraph, heading, list, container or
# table opened inside, and closes an open paragraph or heading at one (refused below: such a
# block goes only where nothing or a block holder is open). List items and table cells hold
# blocks too: libxml2 closes no item or cell for one.
_SIMPLE_CONTAINERS = {"div", "blockquote"}
_BLOCK_HOLDERS = _SIMPLE_CONTAINERS | {"li", "td", "th"}
# Tables, taken only as spelled out: each part closed, in its parent, no text between the parts
# but white space. Of them only table and tr are blocks to _parsed_text (a line of their own).
_TABLE_PARTS = {"table": {"caption", "thead", "tbody", "tfoot", "tr"}, "thead": {"tr"},
                "tbody": {"tr"}, "tfoot": {"tr"}, "tr": {"td", "th"}}
_NO_LINE = _SIMPLE_INLINE | {"caption", "thead", "tbody", "tfoot", "td", "th"}
# Images: empty inline elements whose attributes (alt, title) are no text of the body.
_SIMPLE_VOID = {"img"}
# Rules: empty, and no line break of their own (no block to libxml2's text), but they close an
# open paragraph: taken only where nothing or a block holder is open, as the blocks above.
_SIMPLE_BLOCK_VOID = {"hr"}
# (closing, name, self-closing) of the tags nh3 writes without attributes: most tags of a body.
_BARE_TAGS = {
    spelling: parts
    for name in _SIMPLE_TOP | _SIMPLE_INLINE | _NO_LINE | {"li", "table", "tr"}
    for spelling, parts in ((name, ("", name, "")), ("/" + name, ("/", name, "")))
} | {spelling: ("", name, spelling[2:].strip()) for name in ("br", "hr")
     for spelling in (name, name + "/", name + " /")}
_OTHER_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|nbsp);)")
# Character references both libxml2 and html.unescape decode to the same character: the named
# ones of HTML 4 whose code point HTML5 kept (not lang/rang), and numeric ones (checked by
# _numeric_refs_are_plain).
_PLAIN_ENTITIES = "|".join(sorted(
    name for name, point in html_entities.name2codepoint.items()
    if html_entities.html5.get(f"{name};") == chr(point)))
_UNPLAIN_ENTITY = re.compile(
    rf"&(?!(?:{_PLAIN_ENTITIES});|#[0-9]{{1,7}};|#[xX][0-9a-fA-F]{{1,6}};)")
_NUMERIC_REF = re.compile(r"&#([xX]?)([0-9a-fA-F]+);")


def _numeric_refs_are_plain(text: str) -> bool:
    """Whether every numeric character reference in ``text`` names a printable character
    outside C1: html.unescape maps C1 and some others through Windows-1252 or drops them, and
    libxml2 does not, so only these read the same either way."""
    for match in _NUMERIC_REF.finditer(text):
        value = int(match.group(2), 16 if match.group(1) else 10)
        if not (0x20 <= value < 0x7F or 0xA0 <= value < 0xD800 or 0xE000 <= value < 0xFDD0
                or 0xFDF0 <= value < 0xFFFE or 0x10000 <= value < 0x110000 and value & 0xFFFE != 0xFFFE):
            return False
    return True


def _simple_markup_text(fragment: str) -> str | None:
    """Text with the same lines as :func:`_parsed_text` gives for ``fragment`` (once cleaned,
    empty ones dropped), or ``None`` when the markup is not of the simple kind above.

    Forbidden characters may stay in the text: clean_text drops them from each line.
    """
    if len(fragment) > _SIMPLE_MAX_CHARS or "\r" in fragment:
        return None  # libxml2 makes a carriage return a line break
    if "&" not in fragment or not _OTHER_ENTITY.search(fragment):
        paragraphs = plain_paragraphs(fragment)
        if paragraphs is not None:  # most bodies: no tag to follow
            text = "\n".join(paragraphs)
            return html_lib.unescape(text) if "&" in text else text
    pieces = fragment.split("<")
    parts = [pieces[0]]
    open_tags: list[str] = []
    for piece in pieces[1:]:
        tag, found, text = piece.partition(">")
        parsed = _BARE_TAGS.get(tag)
        if parsed is None:
            match = _SIMPLE_TAG.fullmatch(tag)
            if match is None:
                return None
            parsed = match.groups()
        if not found or ">" in text:
            return None
        closing, name, empty = parsed
        if closing:
            if not open_tags or open_tags.pop() != name:
                return None
            if name not in _NO_LINE:
                parts.append("\n")
        elif open_tags and open_tags[-1] in _LIST_TAGS:
            if name != "li" or empty:
                return None  # only items go straight inside a list
            open_tags.append(name)
            parts.append("\n")
        elif open_tags and open_tags[-1] in _TABLE_PARTS:
            if empty or name not in _TABLE_PARTS[open_tags[-1]]:
                return None  # only a table's own parts go straight inside it
            open_tags.append(name)
            if name == "tr":
                parts.append("\n")
        elif name == "br":
            parts.append("\n")
        elif name in _SIMPLE_VOID:
            pass
        elif name in _SIMPLE_BLOCK_VOID:
            if open_tags and open_tags[-1] not in _BLOCK_HOLDERS:
                return None
        elif empty or len(open_tags) >= _SIMPLE_MAX_DEPTH:
            return None
        elif name in _SIMPLE_INLINE:
            if name == "a" and "a" in open_tags:
                return None
            open_tags.append(name)
        elif ((name in _SIMPLE_TOP or name in _SIMPLE_CONTAINERS or name == "table")
              and (not open_tags or open_tags[-1] in _BLOCK_HOLDERS)):
            open_tags.append(name)
            parts.append("\n")
        else:
            return None
        if (text and open_tags and (open_tags[-1] in _LIST_TAGS or open_tags[-1] in _TABLE_PARTS)
                and not text.isspace()):
            return None  # text straight inside a list or between a table's parts
        parts.append(text)
    if open_tags or ">" in parts[0]:
        return None
    text = "".join(parts)
    if "&" not in text:
        return text
    # Attribute values may hold any ampersand (URLs); the text only references both read alike,
    # each whole within its piece ("&am<b>p;" is no reference, though the joined text has one).
    pieces = "<".join(parts)
    if _UNPLAIN_ENTITY.search(pieces) or ("&#" in pieces and not _numeric_refs_are_plain(pieces)):
        return None
    return html_lib.unescape(text)


# Markup or an entity that a reader rendering the value as HTML would act on.
_MARKUP_LIKE = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")
_TAG_LIKE = re.compile(r"<[A-Za-z/!?][^>]*>?")


def plain_title(value: str | None) -> str:
    """Return a title (or name, caption, credit) as one line of plain text.

    Feeds often put markup or entities in titles, sometimes escaped twice
    (``&amp;lt;script&amp;gt;``): decoding stops only when nothing that looks like a tag is
    left, so no reader that renders the value as HTML finds markup in it. Never raises.
    """
    if not value:
        return ""
    text = value
    for _ in range(4):
        if "<" not in text and "&" not in text:
            break
        decoded = html_to_text(text)
        if decoded == text or not _MARKUP_LIKE.search(decoded):
            text = decoded
            break
        text = decoded
    if "<" in text:
        text = _TAG_LIKE.sub("", text)  # escaped more than four times: what looks like a tag goes
    return clean_text(text)


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822 or ISO 8601 date into an aware UTC datetime, or ``None``.

    Dates without a zone are taken as UTC. Never raises.
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    # A feed item's date is read up to four times (checked by the fast path, then as published
    # and updated), the same items come back on every poll, and RFC 822 dates go through the
    # slow email.utils: dates are cached, but never a value too long to be one.
    return _read_date_cached(value) if len(value) <= 64 else _read_date(value)


# "2022-5-5 22:17:36": some CMSs write ISO dates without leading zeros, which fromisoformat refuses.
_UNPADDED_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[T ])")


def _padded_iso(value: str) -> str:
    """``value`` with a leading ``YYYY-M-D`` date padded to ``YYYY-MM-DD`` (else unchanged)."""
    match = _UNPADDED_ISO.match(value)
    if match is None or match.end() == 10:
        return value
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}" + value[match.end():]


def _iso_datetime(value: str) -> datetime:
    """``datetime.fromisoformat`` of ``value`` padded (``_padded_iso``), ``Z`` read as UTC;
    raises ``ValueError`` as it does."""
    return datetime.fromisoformat(_padded_iso(value).replace("Z", "+00:00")
                                  .replace("z", "+00:00"))


def _read_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        canonical = _RFC822_CANONICAL.fullmatch(value)
        if canonical:
            parsed = _canonical_rfc822(*canonical.groups())
        else:
            parsed = _iso_datetime(value)
    except ValueError:
        import email.utils  # only for dates outside the canonical forms above

        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None



# Datetimes are immutable: records may share them.
_read_date_cached = functools.lru_cache(maxsize=4096)(_read_date)

# The RFC 822 form nearly every RSS feed writes ("Mon, 02 Mar 2026 06:00:00 +0000"), read here
# as email.utils reads it, in half the time: a day name is skipped, not checked; a numeric
# zone's last two digits are minutes, even past 59; -0000 is a zone not known (naive).
_RFC822_CANONICAL = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
    rf"({'|'.join(MONTH_ABBREVIATIONS)}) ([1-9][0-9]{{3}}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-][0-9]{4}|GMT|UTC?|Z)")
_RFC822_MONTHS = {name: number for number, name in enumerate(MONTH_ABBREVIATIONS, 1)}


def _canonical_rfc822(day: str, month: str, year: str, hour: str, minute: str, second: str,
                      zone: str) -> datetime:
    """The datetime email.utils.parsedate_to_datetime gives for a canonical RFC 822 date."""
    return datetime(int(year), _RFC822_MONTHS[month], int(day), int(hour), int(minute), int(second),
                    tzinfo=_rfc822_zone(zone))


@functools.lru_cache(maxsize=256)
def _rfc822_zone(zone: str) -> timezone | None:
    if zone == "-0000":
        return None
    if zone[0] not in "+-":
        return timezone.utc  # GMT, UT, UTC, Z
    hours_minutes = int(zone[1:])
    offset = (hours_minutes // 100) * 3600 + (hours_minutes % 100) * 60
    return timezone(timedelta(seconds=-offset if zone[0] == "-" else offset))


# -- encodings ---------------------------------------------------------------------------------
# Agencies send UTF-16 without a BOM, Latin-1 declared as UTF-8, UTF-8 declared as Latin-1,
# text that was UTF-8-decoded as Windows-1252 once too often, and stray control characters.
# These helpers turn any of that into clean UTF-8 and say what they repaired, so the repair is
# recorded against the source instead of showing up as silent mojibake.

_XML_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._:-]*)\2""")
_XML_DECLARATION_BYTES = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# UTF-8 read as Windows-1252 (or Latin-1): a lead byte shown as Â..ô, then 1-3 continuation
# bytes shown as the characters 0x80-0xBF map to in either charset.
_CONTINUATION = "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014" \
                "\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")
_XML_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A character reference to a control character (&#14; &#x0B;): as forbidden as the character.
CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01])|[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F]));")
# What any mojibake piece starts with in UTF-8, looked for in the bytes before the (several
# times slower) scan of the text: a character C3 82..C3 B4, then a continuation character,
# whose first byte is one of these.
_MOJIBAKE_START_BYTES = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")


def sniff_wide_encoding(data: bytes) -> str | None:
    """Return the codec of a document starting with a BOM (``"<codec>-bom"``, UTF-8 included),
    or the UTF-16/32 codec the NUL bytes around its first ASCII character show, or ``None``.

    Documents start with ``<``, ``{``, ``[`` or white space, all ASCII, so where the NULs fall
    tells the width and byte order.
    """
    marked = bom_codec(data)
    if marked:
        return marked[0] + "-bom"
    head = data[:4]
    if len(head) < 2:
        return None
    if len(head) == 4 and head[:3] == b"\x00\x00\x00" and head[3]:
        return "utf-32-be"
    if len(head) == 4 and head[0] and head[1:] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0 and head[1]:
        return "utf-16-be"
    if head[0] and head[1] == 0:
        return "utf-16-le"
    return None


_sniff_wide = sniff_wide_encoding


def fix_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 that was decoded as Windows-1252/Latin-1 (``Ã©`` -> ``é``), piece by piece.

    Out: the text and how many pieces were fixed. Only sequences that decode as valid UTF-8
    are touched, so real ``Ã`` (Portuguese) followed by a letter stays.
    """
    fixed = 0

    def undo(match: re.Match) -> str:
        nonlocal fixed
        piece = match.group(0)
        for charset in ("cp1252", "latin-1"):
            try:
                decoded = piece.encode(charset).decode("utf-8")
            except UnicodeError:
                continue
            fixed += 1
            return decoded
        return piece

    if not _MOJIBAKE.search(text):
        return text, 0
    return _MOJIBAKE.sub(undo, text), fixed


def _decode_bytes(data: bytes, declared: str | None, label: str) -> tuple[str, list[str]]:
    """Decode ``data`` whose charset label is ``declared`` (may be wrong); notes say how."""
    notes: list[str] = []
    wide = _sniff_wide(data)
    if wide:
        codec = wide.removesuffix("-bom")
        body = data[bom_codec(data)[1]:] if wide.endswith("-bom") else data
        if codec.startswith("utf-16") and len(body) % 2 or codec.startswith("utf-32") and len(body) % 4:
            notes.append(f"{codec.upper()} document with a truncated last character")
        text = body.decode(codec, "replace")
        bad = text.count("\ufffd") - body.decode(codec, "ignore").count("\ufffd")
        if bad:
            notes.append(f"{bad} invalid {codec.upper()} sequences replaced by U+FFFD")
        if not wide.endswith("-bom") and python_codec(declared) not in (None, "utf-16", "utf-32") and \
                not (python_codec(declared) or "").startswith(codec[:6]):
            notes.append(f"{label} {declared} but the bytes are {codec.upper()}: decoded as {codec.upper()}")
        return text, notes
    codec = python_codec(declared)
    if declared and codec is None:
        notes.append(f"unknown charset {declared!r}: decoded as UTF-8")
    if codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        notes.append(f"{label} {declared} but the bytes are 8-bit: decoded as UTF-8")
        codec = None
    if codec in (None, "utf-8", "ascii"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(data):
                text = data.decode("utf-8", "replace")
                bad = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
                notes.append(f"{bad} invalid UTF-8 byte sequences replaced by U+FFFD")
            else:
                text = data.decode("cp1252", "replace")
                said = f"{label} {declared}" if declared else "no charset declared"
                notes.append(f"{said} but the bytes are not UTF-8: decoded as Windows-1252")
        return text, notes
    # A single-byte charset was declared: UTF-8 bytes under it would become mojibake.
    if codec in ("latin-1", "iso8859-1", "cp1252", "iso8859-15") or codec.startswith(("iso8859", "cp125")):
        if _UTF8_MULTIBYTE.search(data):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                notes.append(f"{label} {declared} but the bytes are UTF-8: decoded as UTF-8")
                return text, notes
        if codec in ("latin-1", "iso8859-1"):
            codec = "cp1252"  # what every browser does: 0x80-0x9F are Windows-1252 characters
    return data.decode(codec, "replace"), notes


def _clean_decoded(text: str, notes: list[str]) -> str:
    text, fixed = fix_mojibake(text)
    if fixed:
        notes.append(f"{fixed} pieces of double-encoded UTF-8 (mojibake) repaired")
    controls = len(_XML_FORBIDDEN_TEXT.findall(text)) + len(CONTROL_REFERENCE.findall(text))
    if controls:
        text = CONTROL_REFERENCE.sub("", _XML_FORBIDDEN_TEXT.sub("", text))
        notes.append(f"{controls} control characters removed")
    return text


def _has_mojibake(data: bytes, text: str) -> bool:
    """Whether ``text``, decoded from the valid UTF-8 ``data``, holds a piece of mojibake."""
    return bool(_MOJIBAKE_START_BYTES.search(data) and _MOJIBAKE.search(text))


def repair_xml_encoding(data: bytes, http_charset: str | None = None) -> tuple[bytes, list[str]]:
    """Return an XML document as clean UTF-8 bytes, and the repairs made (empty if none).

    In: the raw bytes and the charset of the HTTP ``Content-Type`` if any. The BOM wins, then
    the NUL pattern of UTF-16/32, then the charset label (HTTP, else the XML declaration) *if the
    bytes agree with it*: UTF-8 bytes declared as Latin-1 are read as UTF-8, non-UTF-8 bytes
    declared (or defaulting) to UTF-8 as Windows-1252. Then double-encoded UTF-8 is undone and
    control characters XML forbids are dropped. The declaration is rewritten to UTF-8. A
    document that needs nothing comes back as the same object. Never raises.
    """
    declaration = _XML_DECLARATION_BYTES.match(data[:200].replace(b"\x00", b""))
    xml_charset = declaration.group(1).decode("ascii") if declaration else None
    label, declared = ("HTTP charset", http_charset) if http_charset else ("declared", xml_charset)
    if (_sniff_wide(data) is None and python_codec(declared) in (None, "utf-8")
            and not (declared and python_codec(declared) is None)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # the common case: valid UTF-8 needs no copy unless its text needs repair
            if not (_has_mojibake(data, text) or has_forbidden_utf8(data)
                    or CONTROL_REFERENCE.search(text)):
                return data, []
    text, notes = _decode_bytes(data, declared, label)
    text = _clean_decoded(text.lstrip("\ufeff"), notes)
    text = _XML_DECLARATION.sub(lambda m: f"{m.group(1)}{m.group(2)}utf-8{m.group(2)}", text, count=1)
    return text.encode("utf-8"), notes


def repair_json_encoding(data: bytes) -> tuple[bytes, list[str]]:
    """Return a JSON document as clean UTF-8 bytes, and the repairs made (empty if none).

    JSON is UTF-8, -16 or -32 (RFC 8259 allows only these): BOMs and NUL patterns decide; bytes
    that are not valid UTF-8 are read as Windows-1252 (or replaced, when most is UTF-8);
    mojibake is undone. A document that needs nothing comes back as the same object.
    """
    if _sniff_wide(data) is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if not _has_mojibake(data, text):
                return data, []
    text, notes = _decode_bytes(data, None, "declared")
    text, fixed = fix_mojibake(text.lstrip("\ufeff"))
    if fixed:
        notes.append(f"{fixed} pieces of double-encoded UTF-8 (mojibake) repaired")
    return text.encode("utf-8"), notes


_BLANK_LINE_SPLIT = re.compile(r"\n\s*\n")


def text_to_html(text: str | None) -> str:
    """Plain wire text to HTML paragraphs: blank lines separate them, else every line is one.

    Each paragraph is whitespace-collapsed and escaped; empty ones are dropped.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    chunks = _BLANK_LINE_SPLIT.split(text) if _BLANK_LINE_SPLIT.search(text) else text.split("\n")
    paragraphs = (clean_text(chunk) for chunk in chunks)
    return "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs if p)

