"""Evidence beyond the titles themselves for the headline when a page's titles disagree.

:mod:`normalize.page.titles` weighs the printed ``<h1>`` against the declared title and the
``<title>``; when they say different things, the rest of the page can still vote:

- the ``<title>`` holding the ``<h1>``'s words inside one of its parts ("Artist – Song
  Lyrics | Site" above an ``<h1>`` "Song"): the ``<title>`` names the headline with more;
- a heading with the article's date in it ("<h2 itemprop=headline><time>Jun 17</time>
  Headline</h2>") prints the headline without it;
- an ``<h1>`` that is a link to the folder the page sits in ("<h1><a href=/news/business/>
  Business</a></h1>" on /news/business/story.html): the section's name, not a headline.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

from normalize.page.dom import _text
from normalize.page.headings import _PLAIN_QUOTES
from normalize.page.sites import _NAME_SEPARATOR, _UNSPACED_SCRIPT, _split_unquoted, _squash


def _key(text: str) -> str:
    return " ".join(text.translate(_PLAIN_QUOTES).casefold().split())


def holds_heading(title: str, heading: str) -> bool:
    """Whether the ``<title>`` text ``title`` holds the ``<h1>`` ``heading`` (two words or
    more, or four characters of a script written without spaces) whole, inside a part of
    it that says more; not as a part of its own (a section's name between separators)."""
    if not (len(heading.split()) >= 2 or _UNSPACED_SCRIPT.search(heading) and len(heading) >= 4):
        return False
    wanted = _key(heading)
    parts = {_key(p) for p in _split_unquoted(_NAME_SEPARATOR, title)}
    return wanted not in parts and re.search(
        rf"(?<!\w){re.escape(wanted)}(?!\w)", _key(title)) is not None


def undated_text(el) -> str:
    """The text of ``el`` without the ``<time>``s in it (a blog's "<h2><time>Jun 17</time>
    Headline</h2>"), white space folded."""
    if el.find(".//time") is None:
        return _text(el)
    el = copy.deepcopy(el)
    for time in list(el.iter("time")):
        time.drop_tree()
    return _text(el)


def section_headings(root, url: str | None) -> set[str]:
    """The texts of the ``<h1>``s that link, whole, to a folder above the page's address
    ``url`` (its section's front): "<h1><a href="/news/business/">Business</a></h1>" on
    /news/business/story.html."""
    try:
        page = urlsplit(url or "")
    except ValueError:
        return set()
    path = page.path.rstrip("/")
    found = set()
    for heading in root.iter("h1"):
        links = list(heading.iter("a"))
        if len(links) != 1 or _text(links[0]) != _text(heading):
            continue
        try:
            target = urlsplit((links[0].get("href") or "").strip())
        except ValueError:
            continue
        folder = target.path.rstrip("/")
        if folder and target.netloc in ("", page.netloc) and path.startswith(folder + "/"):
            found.add(_text(heading))
    return found


def _names_the_site(text: str, site_names: list[str]) -> bool:
    """Whether ``text`` spells one of the ``site_names`` (of three letters or more)."""
    squashed = _squash(text.replace("&", "and"))
    return any(len(name) >= 3 and name in squashed
               for name in (_squash(n.replace("&", "and")) for n in site_names))
