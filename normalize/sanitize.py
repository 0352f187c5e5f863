"""HTML cleaning for every HTML field we store or emit.

``clean_html`` keeps the structure a reader needs (paragraphs, emphasis, lists, links, figures,
tables) and drops everything that can run or restyle: ``script``, ``style``, ``iframe``,
``object``, ``embed``, ``form`` (with their content), event and ``style`` attributes, and any URL
whose scheme is not http, https or mailto (so ``javascript:``/``vbscript:``/``data:`` never pass).
nh3 (ammonia, in Rust) does the work: it parses like a browser, so broken markup cannot smuggle
a tag past it. A body that is nothing but paragraphs of plain text (:func:`plain_paragraphs`),
which nh3 would give back unchanged, is kept as it is without calling it.
"""

from __future__ import annotations

import html as html_lib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import accumulate
from typing import Iterator

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
# Tags whose *content* goes too: their text is code or chrome, never article prose.
_DROP_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "form", "noscript", "template", "svg",
    "math", "button", "select", "textarea", "frame", "frameset", "applet",
}
_ATTRIBUTES = {
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto"}
# ammonia checks the scheme of href and src but not of cite: checked here for every URL
# attribute we keep. Browsers ignore tabs, line breaks and controls inside a scheme.
_URL_ATTRIBUTES = {"href", "src", "cite"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_PLAIN_SCHEMES = ("https://", "http://", "mailto:")

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, surrogates, U+FFFE/U+FFFF):
# they would make every feed that carries them invalid.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# The same characters in valid UTF-8 (which holds no surrogate): control bytes, U+FFFE/U+FFFF.
_FORBIDDEN_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0D})
_NONCHARACTER_BYTES = re.compile(rb"\xef\xbf[\xbe\xbf]")


def strip_forbidden_chars(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 does not allow."""
    if text.isascii() and text.isprintable():
        # Printable ASCII holds none of them (tab, newline and return are not printable, so
        # text with those is scanned below): most titles, URLs, dates and names.
        return text
    if len(text) > 256:
        # Long text is told clean from its bytes, three times faster than by the scan below;
        # strict encoding fails on a surrogate, which XML forbids too.
        try:
            if not has_forbidden_utf8(text.encode("utf-8")):
                return text
        except UnicodeEncodeError:
            pass
    return _XML_FORBIDDEN.sub("", text)


def has_forbidden_utf8(data: bytes) -> bool:
    """Whether the valid UTF-8 ``data`` encodes a character XML 1.0 does not allow.

    Deleting the control bytes and searching for the encodings of U+FFFE/U+FFFF run at about a
    nanosecond a byte, several times faster than a regex scan of the decoded text.
    """
    return (len(data.translate(None, _FORBIDDEN_BYTES)) != len(data)
            or _NONCHARACTER_BYTES.search(data) is not None)


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3 callback: drop a URL attribute whose scheme is not http, https or mailto."""
    # Most URLs start with their scheme plainly spelt: no entity or noise can precede it.
    if attribute in _URL_ATTRIBUTES and not value.startswith(_PLAIN_SCHEMES):
        scheme = _SCHEME.match(_URL_NOISE.sub("", html_lib.unescape(value)))
        if scheme and scheme.group(1).lower() not in _SCHEMES:
            return None
    return value


#: Deeper element nesting is flattened: no article needs it, and 10,000 nested elements make
#: libxml2 (limit 256) drop text and naive recursive readers crash.
MAX_DEPTH = 64
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>")
_VOID = {"br", "hr", "img", "wbr", "col", "area", "source", "track", "input", "meta", "link"}
_repairs: ContextVar[list[str] | None] = ContextVar("wirefeed_sanitize_repairs", default=None)


@contextmanager
def collect_repairs() -> Iterator[list[str]]:
    """Collect, in the returned list, what :func:`clean_html` had to cut inside the block.

    ``normalize.parse_bytes`` wraps each document's parse in it and records the notes on the
    document's records, so parsers need not pass them along.
    """
    notes: list[str] = []
    token = _repairs.set(notes)
    try:
        yield notes
    finally:
        _repairs.reset(token)


def _note(message: str) -> None:
    notes = _repairs.get()
    if notes is not None and message not in notes:
        notes.append(message)


def flatten_depth(html: str, limit: int = MAX_DEPTH) -> str:
    """Return balanced HTML (nh3 output) with elements nested deeper than ``limit`` unwrapped.

    Their text stays; only the tags beyond the limit go. Linear, no recursion.
    """
    out: list[str] = []
    stack: list[bool] = []  # per open element: was its tag kept?
    deepest = 0
    position = 0
    for match in _TAG.finditer(html):
        out.append(html[position:match.start()])
        position = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID:
            out.append(match.group(0))
        elif closing:
            if stack and stack.pop():
                out.append(match.group(0))
        else:
            keep = len(stack) < limit
            stack.append(keep)
            deepest = max(deepest, len(stack))
            if keep:
                out.append(match.group(0))
    out.append(html[position:])
    if deepest > limit:
        _note(f"HTML nested {deepest:,} elements deep flattened to {limit}")
    return "".join(out)


#: Nesting unwrapped before nh3 sees the HTML. html5ever looks through the open elements at
#: each block tag (<div>, <ul>, <blockquote>): N of them nested cost N² (30,000: 1.8 s,
#: 100,000: 37 s for one body), and only MAX_DEPTH of them are kept after it anyway.
RAW_DEPTH = 4096
# Raw markup: a "<" ends a tag that never closed, so "<a<a<a..." costs one step a "<".
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
# Elements a parser closes when the next one of the same name opens right inside them.
_SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}


def _unwrap_raw_depth(html: str, limit: int = RAW_DEPTH) -> str:
    """``html`` with the tags nested deeper than ``limit`` taken out (their text stays), read
    as a forgiving parser reads raw markup: a void element opens nothing, a closing tag closes
    what was left open inside its element, a stray one nothing, a paragraph (or list item, or
    cell) opened right inside another closes it. Unchanged when not that deep
    (checked first, as few bodies have even ``limit`` tags)."""
    if html.count("<") <= limit:
        return html
    out: list[str] = []
    position = 0
    stack: list[tuple[str, bool]] = []  # (name, tag kept)
    opened: dict[str, int] = {}
    for match in _RAW_TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID or match.group(0).endswith("/>"):
            continue
        keep = True
        if not closing and stack and stack[-1][0] == name and name in _SIBLINGS:
            top, _ = stack.pop()  # "<p>a<p>b": the second paragraph closes the first
            opened[top] -= 1
        if not closing:
            keep = len(stack) < limit
            stack.append((name, keep))
            opened[name] = opened.get(name, 0) + 1
        elif opened.get(name):
            while True:
                top, keep = stack.pop()
                opened[top] -= 1
                if top == name:
                    break
        if not keep:
            out.append(html[position:match.start()])
            position = match.end()
    if not out:
        return html
    out.append(html[position:])
    return "".join(out)


# Built once: nh3.clean() rebuilds the whole configuration on every call, four times the cost
# of cleaning a typical wire body.
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=_ATTRIBUTES,
    url_schemes=_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


# Between two paragraphs: white space that stays as it is. Within one: any entity but these
# would be decoded (and the character maybe written back otherwise).
_PARAGRAPH_BREAK = re.compile(r"</p>[ \t\n]*<p>")
_OTHER_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


def plain_paragraphs(html: str) -> list[str] | None:
    """The texts of ``html`` when it is paragraphs of plain text and nothing else, or ``None``.

    "Plain" means: ``<p>`` elements without attributes, white space between them, and text
    without markup, carriage returns, no-break spaces or entities other than ``&amp;``,
    ``&lt;`` and ``&gt;``. Most wire bodies are written so, and nh3 gives such a fragment back
    unchanged (tests/test_injection.py checks this), so neither it nor a parser is needed to
    clean it or read its text. (For nh3 to give it back, characters XML forbids must be gone.)
    """
    if (not html.startswith("<p>") or not html.endswith("</p>") or "\r" in html
            or "\xa0" in html or ("&" in html and _OTHER_ENTITY.search(html))):
        return None
    inner = html[3:-4]
    paragraphs = inner.split("</p><p>")  # twice as fast as the regex, which white space needs
    if any("<" in paragraph or ">" in paragraph for paragraph in paragraphs):
        paragraphs = _PARAGRAPH_BREAK.split(inner)
        if any("<" in paragraph or ">" in paragraph for paragraph in paragraphs):
            return None
    return paragraphs


# Paragraphs of text with simple inline markup, written as nh3 writes them: phrase elements
# without attributes that hold only text, line breaks, and links to a plain http(s) address
# (no port, no IDNA label, a host ending in a name: one url's parser takes as it is) that hold
# only text. For such a fragment nh3 builds exactly the tree the tags spell and writes it back
# unchanged but for the links' rel (tests/test_injection.py checks this against nh3): the
# generated agency bodies, many CMS bodies.
# Each loop is unrolled (a run, then any number of "separator, run") and reads possessively,
# so the engine never backtracks: a third of the former pattern's time on the generated bodies
# (bench/README.md), the same fragments matched (tests/test_injection.py against the former).
_RUN = r"[^<>&\r\xa0]*+"
_PLAIN_TEXT = rf"{_RUN}(?:&(?:amp|lt|gt);{_RUN})*+"
# (each spelt out: a group and its backreference in a possessive loop trip a bug of re in 3.11)
_PHRASES = "|".join(f"<{name}>{_PLAIN_TEXT}</{name}>"
                    for name in ("b", "i", "em", "strong", "u", "s", "sub", "sup", "small", "code",
                                 "span"))
# A host is dot-separated labels of letters, digits and inner hyphens, the last one starting
# with a letter, with no "xn--" (any case) in it: the lookahead reads up to the end of the host
# once (stopping only at each "x"), each label is taken whole and must not end in a hyphen.
_URL_PART = r"[A-Za-z0-9._~:/?#\[\]@!$()*+,;=%-]*+"
_PLAIN_HREF = (r'https?://(?=[^/?#"Xx]*+(?:[Xx](?![Nn]--)[^/?#"Xx]*+)*+(?:[/?#"]|\Z))'
               r"(?:[A-Za-z0-9][A-Za-z0-9-]*+(?<!-)\.)*+[A-Za-z][A-Za-z0-9-]*+(?<!-)"
               rf"(?:[/?#]{_URL_PART}(?:&amp;{_URL_PART})*+)?")
# (one paragraph after another, white space between: ``(?=<p>)`` keeps any from the start)
_INLINE_BODY = re.compile(
    rf"(?=<p>)(?:[ \t\n]*+<p>{_PLAIN_TEXT}(?:(?:{_PHRASES}"
    rf'|<a href="{_PLAIN_HREF}">{_PLAIN_TEXT}</a>|<br>){_PLAIN_TEXT})*+</p>)++')


def clean_html(html: str | None) -> str:
    """Return a safe HTML fragment for ``html`` (empty string for ``None``).

    Never raises: whatever goes in, what comes out has no active content and no element
    nested deeper than :data:`MAX_DEPTH`.
    """
    return clean_html_shaped(html)[0]


def clean_html_shaped(html: str | None) -> tuple[str, bool]:
    """:func:`clean_html`'s answer, and whether it is paragraphs of simple inline markup as
    :data:`_INLINE_BODY` reads them (its links given their rel), whose text
    :func:`normalize.text.inline_body_text` reads without following the tags. Never raises."""
    if not html:
        return "", False
    html = strip_forbidden_chars(html)
    if plain_paragraphs(html) is not None:
        return html, False  # what nh3 gives back for it, unchanged
    if html.startswith("<p>") and _INLINE_BODY.fullmatch(html):
        # what nh3 gives back for it: the same, each link with its rel. No text there holds a
        # ">": each '">' ends a link's opening tag.
        return html.replace('">', '" rel="noopener noreferrer">'), True
    cleaned = _CLEANER.clean(_unwrap_raw_depth(html))
    # Every element opened is one "<" not followed by "/" (nh3 escapes any other): with no
    # more of them than MAX_DEPTH, nothing can nest deeper, and no tag need be read.
    if (cleaned.count("<") - cleaned.count("</") > MAX_DEPTH
            and nesting_depth(cleaned) > MAX_DEPTH):
        cleaned = flatten_depth(cleaned)
    return cleaned.strip(), False


def nesting_depth(html: str) -> int:
    """How deep the elements of balanced HTML (nh3 output) nest, read as :func:`flatten_depth`
    reads the tags, without rewriting it: a long body has more than :data:`MAX_DEPTH` tags
    but seldom that depth, and the rewrite cost several times this count."""
    steps = [-1 if closing else (0 if name.lower() in _VOID else 1)
             for closing, name in _TAG.findall(html)]
    return max(accumulate(steps), default=0)
