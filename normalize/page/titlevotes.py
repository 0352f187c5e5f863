"""Evidence beyond the titles themselves for the headline when a page's titles disagree.

:mod:`normalize.page.titles` weighs the printed ``<h1>`` against the declared title and the
``<title>``; when they say different things, the rest of the page can still vote:

- an ``<h1>`` that is a link to the folder the page sits in ("<h1><a href=/news/business/>
  Business</a></h1>" on /news/business/story.html): the section's name, not a headline.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from normalize.page.dom import _text
from normalize.page.sites import _squash


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
