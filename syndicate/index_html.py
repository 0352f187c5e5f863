"""The static HTML index of the feeds: editions, their feed links, their latest headlines.

Plain HTML5, no JavaScript and no external resources. Every value is escaped; links are only
absolute http(s) URLs (a headline without one is shown unlinked). Each edition is a ``section``
whose ``id`` is the edition id, the target of :attr:`syndicate.channel.Channel.html_url`.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from normalize.model import Article, utc
from normalize.sanitize import strip_forbidden_chars
from syndicate.channel import (
    FEED_TYPES, EditionSummary, FeedRef, entry_link, entry_title, language_tag, rfc3339,
    safe_url,
)

_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


def render(editions: Sequence[EditionSummary], title: str) -> bytes:
    """Return the UTF-8 HTML page listing ``editions`` in the given order.

    Head: one ``<link rel="alternate">`` per feed. Body: a menu of editions, then per edition
    its feed links and its latest headlines (given newest first) with their dates.
    """
    lines = [
        "<!DOCTYPE html>",
        '<html lang="mul">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
    ]
    for edition in editions:
        for feed in edition.feeds:
            url = safe_url(feed.url)
            if url and feed.fmt in FEED_TYPES:
                lines.append(
                    f'<link rel="alternate" type="{FEED_TYPES[feed.fmt]}" '
                    f'title="{_e(feed.title)}" href="{_e(url)}">'
                )
    lines += ["</head>", "<body>", "<header>", f"<h1>{_e(title)}</h1>", "<nav>", "<ul>"]
    for edition in editions:
        lines.append(f'<li><a href="#{_e(edition.edition)}">{_e(edition.name)}</a></li>')
    lines += ["</ul>", "</nav>", "</header>", "<main>"]
    for edition in editions:
        lines += _section(edition)
    lines += ["</main>", "</body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")


def _section(edition: EditionSummary) -> list[str]:
    lines = [f'<section id="{_e(edition.edition)}">', f"<h2>{_e(edition.name)}</h2>"]
    feeds = [_feed_item(feed) for feed in edition.feeds]
    feeds = [item for item in feeds if item]
    if feeds:
        lines += ['<ul class="feeds">', *feeds, "</ul>"]
    if edition.latest:
        lines.append('<ol class="latest">')
        lines += [_headline(article) for article in edition.latest]
        lines.append("</ol>")
    else:
        lines.append("<p>No items yet.</p>")
    lines.append("</section>")
    return lines


def _feed_item(feed: FeedRef) -> str | None:
    url = safe_url(feed.url)
    if url is None:
        return None
    label = _LABELS.get(feed.fmt, feed.fmt)
    kind = f' type="{FEED_TYPES[feed.fmt]}"' if feed.fmt in FEED_TYPES else ""
    return f'<li><a href="{_e(url)}"{kind}>{_e(feed.title)} ({_e(label)})</a></li>'


def _headline(article: Article) -> str:
    lang = language_tag(article.language)
    lang_attr = f' lang="{_e(lang)}"' if lang else ""
    title = _e(entry_title(article))
    link = entry_link(article)
    text = f'<a href="{_e(link)}">{title}</a>' if link else title
    when = utc(article.published) or utc(article.updated)
    if when is not None:
        stamp = rfc3339(when)
        text += f' <time datetime="{stamp}">{when:%Y-%m-%d %H:%M} UTC</time>'
    return f"<li{lang_attr}>{text}</li>"


def _e(value: str | None) -> str:
    return escape(strip_forbidden_chars(value or ""), quote=True)
