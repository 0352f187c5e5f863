"""Whether a page holds an article: a section front, a paywall stub or a page without text is
told from one by the chosen text (:mod:`normalize.page.choose`) and what the page declares, and
given a status and a one-line reason."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from normalize.page.choose import Choice, candidate


#: A page with no text at all has no article (a short brief is still one).
_EMPTY_CHARS = 1
#: A page that names no headline needs a few sentences of text to hold an article (a test
#: page, an error page or a photo page shows a line or two); one with a headline needs none.
_HEADLESS_CHARS = 200
#: A front's "text" is headlines and teasers: short, or mostly links.
_FRONT_CHARS = 800
_FRONT_LINKS = 0.3
#: A paywalled page that shows less than this is a stub (a lead paragraph and a sign-up box).
_STUB_CHARS = 1000


#: A headline that is an error page's whole message ("Page Not Found", "404", "Seite nicht
#: gefunden"): the server's answer to a missing article, whatever its status code said.
_ERROR_HEADLINE = re.compile(
    r"(?:(?:error|fehler|erreur|errore|erro)\s*)?404(?:\s*[-:–|]?\s*(?:error|not found|"
    r"page not found))?|(?:sorry,?\s*)?(?:the\s+)?(?:page|file|article|content)\s+(?:was\s+)?"
    r"not\s+found|seite\s+nicht\s+gefunden|page\s+(?:introuvable|non\s+trouv[ée]e)|"
    r"p[áa]gina\s+no\s+encontrada|pagina\s+non\s+trovata|p[áa]gina\s+n[ãa]o\s+encontrada|"
    r"pagina\s+niet\s+gevonden", re.IGNORECASE)


#: The most text an error page's headline is believed over (an essay titled "Page Not Found"
#: is an article).
_ERROR_CHARS = 1000


#: A declared description long enough to be a video or photo page's text (characters).
_DESCRIBED_CHARS = 200


def described_body(summary: str | None) -> Choice | None:
    """The page's declared description as its text (for an article page that shows none: a
    video's or a photo's page), or ``None`` when it is shorter than a few sentences."""
    if not summary or len(summary) < _DESCRIBED_CHARS:
        return None
    html = f"<p>{html_lib.escape(summary, quote=False)}</p>"
    return Choice(candidate("description", html),
                  "the declared description: the page shows no article text of its own")


@dataclass(frozen=True)
class PageKind:
    """Whether a page holds an article: ``status`` is ``None`` for one, else the non-usable
    status and a one-line reason; ``keep_body`` says whether its text is worth keeping."""

    status: str | None = None
    reason: str | None = None
    keep_body: bool = True


def page_kind(choice: Choice, declared: str | None, free: bool | None, not_article: str,
              title: str | None = None, link_texts: frozenset[str] = frozenset()) -> PageKind:
    """Tell an article page from a section front, a paywall stub or a page without text.

    ``declared`` is what the page's metadata calls it (``"article"``, ``"front"`` or ``None``),
    ``free`` its ``isAccessibleForFree``; ``not_article`` the status to give a non-article;
    ``title`` its headline (``None``: it names none). The headline and the lines that are link
    texts (a menu) do not count as article text.
    """
    lines = (choice.candidate.text.split("\n") if choice.candidate else [])
    text = "\n".join(line for line in lines
                     if line.strip() and line.strip() != title and line.strip() not in link_texts)
    # (a site's template declares every page an article, its error page too: a few lines of
    # text under an error's headline are the error's, never an article's)
    if title and _ERROR_HEADLINE.fullmatch(title.strip(" .!")) and len(text) < _ERROR_CHARS:
        return PageKind(not_article, f"error page: the headline is {title.strip()!r}", False)
    if len(text) < _EMPTY_CHARS:
        # A front lists stories; a couple of menu links around a headline is just empty.
        if sum(line.strip() in link_texts for line in lines) >= 5:
            return PageKind(not_article, "section front: the only text is links", False)
        return PageKind(not_article, "empty body: no article text on the page", False)
    if not title and len(text) < _HEADLESS_CHARS:
        # A line or two alone on the page is all it says, and the status keeps it out of the
        # feeds: it stays. Beside a menu's links it goes, as a front's text does.
        alone = not any(line.strip() in link_texts for line in lines)
        return PageKind(not_article, f"no headline, and only {len(text)} characters of text",
                        alone)
    link_share = choice.candidate.link_share if choice.candidate else 0.0
    if declared == "front" and (len(text) < _FRONT_CHARS or link_share > _FRONT_LINKS):
        return PageKind(not_article, f"section front: declared a list page, {len(text)} "
                                     f"characters of text, {link_share:.0%} in links", False)
    if link_share > 0.6 and declared != "article":
        return PageKind(not_article, f"section front: {link_share:.0%} of the text is links",
                        False)
    # A declared articleBody holds the whole text even when the page shows a teaser.
    if free is False and choice.candidate.name != "articleBody" and len(text) < _STUB_CHARS:
        return PageKind(not_article, f"paywall stub: declared not free, {len(text)} characters "
                                     f"shown", True)
    return PageKind()
