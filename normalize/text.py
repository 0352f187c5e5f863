"""Small text helpers shared by the parsers: HTML to plain text, whitespace, dates."""

from __future__ import annotations

import email.utils
import html as html_lib
import re
from datetime import datetime, timezone

from lxml import html as lxml_html

from normalize.sanitize import strip_forbidden_chars

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
    "figcaption", "tr", "pre", "ul", "ol", "table", "section", "article", "header", "footer",
}


def clean_text(text: str | None) -> str:
    """Collapse runs of white space to one space and strip; ``None`` gives ``""``."""
    if not text:
        return ""
    return _SPACE.sub(" ", strip_forbidden_chars(text).replace("\n", " ")).strip()


def html_to_text(fragment: str | None) -> str:
    """Return the plain text of an HTML fragment, one paragraph per line.

    Entities are decoded and block elements end a line; no markup survives.
    """
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return clean_text(html_lib.unescape(fragment))
    try:
        root = lxml_html.fragment_fromstring(strip_forbidden_chars(fragment), create_parent="div")
    except Exception:  # lxml refuses some byte soup; fall back to stripping tags
        return clean_text(html_lib.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    lines = (clean_text(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


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
    # Escaped more than four times: whatever still looks like a tag goes.
    return clean_text(_TAG_LIKE.sub("", text))


def parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 822 or ISO 8601 date into an aware UTC datetime, or ``None``.

    Dates without a zone are taken as UTC. Never raises.
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
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
