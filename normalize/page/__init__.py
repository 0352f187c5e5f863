"""Article web pages: the HTML of one article page in, one :class:`~normalize.model.Article` out.

A page says the same thing several times, with varying care: JSON-LD (``NewsArticle`` and
friends, possibly inside ``@graph`` or a list), microdata, OpenGraph and ``article:*`` meta tags,
the ``<html lang>``, the figures and the visible text. :func:`parse` reads them in that order and
merges field by field: the first source that has a value wins. The exceptions:

- the body is chosen among three candidates by :mod:`normalize.page.choose`: our container
  search (:mod:`normalize.page.body`, readability-style scoring; the cleanest text when it finds
  the right box), trafilatura's main text (:mod:`normalize.page.engine`, called on a copy of
  the page's tree, never fetching; the most robust) and the declared ``articleBody``.
  Agreement, lengths, link share and the declared text decide; the winner and why go to
  ``extra`` as ``("body", "trafilatura: ours is a part of trafilatura's longer text (...)")``;
- a page without an article (a section front, a paywall stub, an empty body) gets the status
  ``not-article`` and a one-line ``status_reason``, and a front keeps no body;
- dates and bylines no reader found come from the day in the URL's path, htmldate and
  trafilatura's author reading;
- the title is the printed ``<h1>`` when the declared title or the ``<title>`` agrees with it
  (:mod:`normalize.page.titles`, read before any chrome goes), and loses the site's name
  (``| Site``, ``- Site``, ``: Site``, ``Site // ...``), checked against the publisher,
  ``og:site_name``, the ``<title>``, the host name and the names the ``<title>`` texts of the
  host's other pages share (``site_names``); a page without a headline takes the first
  paragraph of its text, with a ``title`` note;
- related items ("related news" lists of title + date + link) are read into ``Article.related``
  and removed before the body is looked for, so they never leak into it;
- the lead picture named by the metadata takes its caption and credit from the figure that shows
  it when the metadata has none.

Keywords and the publisher go to ``extra`` (``("keyword", ...)``, ``("publisher", ...)``).
``fetched_url`` is where the page was fetched, ``url`` its canonical address.
Modules: ``dom`` (decoding, tree, URLs), ``structured`` (JSON-LD, microdata, meta), ``titles``
(the headline), ``sites`` (the site's names), ``visible`` (bylines), ``dates`` (declared and printed
dates), ``related``, ``body``, ``standfirst``, ``pictures``, ``engine``, ``choose``, ``kind``.
Agency conventions (a caption ending in its credit, a trailing ``Source: (EUROPA PRESS)`` line,
reading a byline such as ``Por Ana López y Carlos Ruiz``) are left to :mod:`normalize.wire`:
this module extracts what the page shows, bylines as printed.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime, timedelta
from functools import partial
from typing import Iterable, Mapping

from normalize.errors import ParseError
from normalize.model import (STATUS_NOT_ARTICLE, STATUS_USABLE, Article, Credit, Image, Note,
                             NoteKind, Related)
from normalize.sanitize import clean_html
from normalize.page.choose import candidate, choose_body
from normalize.page.kind import described_body, page_kind
from normalize.page.printed import printed_byline
from normalize.page.engine import absolute_links, main_text, page_date
from normalize.page.agreement import (_own, in_article_box, in_scope, name_for_handle,
                                      printed_over_declared, read_once, shown_on_page,
                                      shown_text)
from normalize.page.authors import (author_box, choose_authors, dated_name_line,
                                    engine_authors, footer_byline, lead_credit)
from normalize.page.body import (_article_scope, _block_html, _body_from_text, _collect_blocks,
                                 _drop_chrome, _find_container, chrome_text, _wrap_loose_text)
from normalize.page.standfirst import _standfirst_html, find_standfirst
from normalize.page.dom import (_absolute, _first, _first_element, _language_code, _load, _locate,
                                _text, _xpath)
from normalize.page.pictures import _pictures, lead_figures
from normalize.page.related import _read_related, _related_containers
from normalize.page.structured import (_META_IMAGE, _Fields, _read_json_ld, _read_meta,
                                       _read_meta_fields, _read_microdata)
from normalize.page.nationalclock import national_clock, printed_zone_clock
from normalize.page.dates import (_calendar_day, _date_by_headline, _find_date, _labelled_date,
                                  _leading_date, declared_clock, first_of_updated_box, _page_times,
                                  shows_clock, _same_day_instant, printed_declaration, shows_day,
                                  url_date)
from normalize.page.sites import (_site_names, page_host, shared_site_names, site_names_by_host,
                                  title_tag)
from normalize.page.titles import _title_from_body, find_title
from normalize.page.visible import _find_byline, _split_preamble

__all__ = ["page_host", "parse", "shared_site_names", "site_names_by_host", "title_tag"]


def _bare_day(moment: datetime | None) -> bool:
    """Whether ``moment`` is a calendar day as the page declared it: midnight UTC."""
    return moment is not None and (moment.hour, moment.minute, moment.second) == (0, 0, 0)


def parse(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    site_names: Iterable[str] = (),
) -> list[Article]:
    """Return the one article of an HTML article page.

    ``url`` is where the page was fetched (the guid when the page names no canonical URL, and
    the base of relative links); ``headers`` are the HTTP response headers (for the charset).
    The record's ``language`` is the page's declared language, if any; ``id``, ``source`` and
    ``content_hash`` are left to :func:`normalize.parse_bytes`. ``site_names`` are names of the
    site found elsewhere (:func:`site_names_by_host`: the ``<title>`` texts of other pages of
    the same host); the title loses them as it loses ``og:site_name``. A page that names no
    headline takes the first paragraph of its text as its title, with a ``title`` note saying so.
    Raises ``ParseError`` for an empty document, a document that is not HTML (JSON, a feed, plain
    text, binary), or a page with neither a headline nor any text.
    """
    root, page_text = _load(data, url, headers)
    # What our readers miss, the libraries look for later on an untouched copy of the page
    # (two pages in three): copied now, before any edit, at about half the cost of parsing
    # the text a second time. The copy lacks only the DOCTYPE, which no reader looks at.
    pristine = deepcopy(root)
    # lxml makes a Python proxy for an element each time a walk reaches it, through
    # lxml.html's class lookup, and forgets it when the walk lets go; the readers below walk
    # the whole tree a dozen times. Holding every proxy for the length of the parse makes the
    # later walks reuse them (the same elements, the same results).
    proxies = list(root.iter())
    engine_text = main_text(page_text, root)  # before our edits of the tree: it copies it
    base, canonical = _locate(root, url)
    # Menus and lists of links, as text: trafilatura's fallback hands them back as lines.
    link_texts = frozenset(t for t in (_text(a) for a in root.iter("a")) if t)
    fields = _Fields()
    meta = _read_meta(root)
    page_urls = {u for u in (url, canonical, _first(meta.get("og:url", []))) if u}
    _read_json_ld(root, fields, page_urls)
    body_hint = _read_microdata(root, fields)
    _read_meta_fields(meta, fields)
    _reclock(fields, declared_clock(root))
    fields.settle_published()
    disputed = fields.disputed_published()
    fields.offer(language=_language_code(root.get("lang") or root.get("xml:lang")))
    fields.offer(language=_language_code(_first(meta.get("og:locale", []))
                                         or _first(meta.get("content-language", []))))
    # The headline is read before any chrome goes: a page's <h1> may sit in its header.
    sites = [*site_names, *_site_names(root, meta, fields, canonical or url, link_texts)]
    fields.title = find_title(root, fields.title, sites,
                              fields.publisher or _first(meta.get("og:site_name", [])),
                              canonical or url)

    # Related lists first: they look like text and carry dates that are not the article's.
    related: list[Related] = []
    for container in _related_containers(root):
        related.extend(r for r in _read_related(container, base)
                       if r.url not in {x.url for x in related})
        container.drop_tree()
    # The lead picture's figure is looked for before the chrome goes: its box is often named
    # like chrome (a "widget", a "skip" link's target).
    lead_urls = [u for key in _META_IMAGE for u in meta.get(key, [])]
    early = lead_figures(root, [fields.picture.url if fields.picture else None, *lead_urls],
                         base)
    # A date box printing the publication and the update apart ("Jan. 5, 2021, 9:23 PM /
    # Updated Jan. 6, 2021, 12:34 AM"): the content system may declare the update as published.
    updated_box = first_of_updated_box(root) if fields.published is not None else None
    # Before the chrome goes: a page's meta line often sits in a box named like chrome.
    labelled = _labelled_date([root]) if fields.published is None or disputed else None
    page_times = _page_times(root) if fields.published is None or _bare_day(fields.published) \
        else []
    # The meta line under the headline, too, may sit in a box named like chrome ("nav meta");
    # an update it gives stands in for a publication date, but tells no declared one apart.
    rebuilt = _rebuilt(fields)
    headline_line = (_date_by_headline(root, None, ("following",), fields.title,
                                       updates=fields.published is None)
                     if fields.published is None or disputed or rebuilt else None)
    dropped = _drop_chrome(root)
    _wrap_loose_text(root)
    if body_hint is None:
        body_hint = _first_element(_xpath("//*[@itemprop='articleBody']")(root))
    elif body_hint.getroottree().getroot() is not root:
        body_hint = None

    container = _find_container(root, body_hint)
    scope = _article_scope(container)
    blocks = _collect_blocks(container) if container is not None else []
    blocks, shown_authors, shown_date = _split_preamble(container, blocks, fields.title)
    byline = _find_byline(root, scope)
    footer = footer_byline(container, blocks)
    if fields.published is None:  # the printed dates only stand in for a declared one
        # A meta tag's generic date (fields.dated) is the page's build or edit as often as its
        # publication: it beats a date printed somewhere outside the article, not one inside.
        marked = _find_date(root, scope, beyond_scope=fields.dated is None, page_times=page_times)
        printed = (labelled or shown_date or marked
                   or _date_by_headline(root, scope, title=fields.title) or _leading_date(blocks)
                   or (headline_line if fields.dated is None else None))
        fields.offer(published=_same_day_instant(printed, fields.dated, marked) or fields.dated)
    elif disputed:
        # Declared dates on different days: the one the article's meta line prints wins.
        shown = (labelled or shown_date
                 or _date_by_headline(root, scope, title=fields.title, updates=False)
                 or headline_line)
        fields.published = printed_declaration(disputed, shown) or fields.published
    elif _bare_day(fields.published):
        # A declared calendar day (a date-only field) and the article's <time> giving the
        # instant in a zone where it falls on that day: the instant ("2011-04-11" beside
        # <time datetime="2011-04-12T01:43:18+00:00">April 11, 2011 9:43 pm</time>).
        marked = _find_date(root, scope, beyond_scope=False, page_times=page_times)
        if marked is not None and not _bare_day(marked) and marked.date() != \
                fields.published.date() and shows_day(marked, fields.published):
            fields.published = marked
    elif rebuilt and headline_line is not None \
            and headline_line.date() < fields.published.date() - timedelta(days=1) \
            and not _dated_address(canonical or url, fields.published):
        # Published and last edited on one day, the meta line days earlier: the content
        # system refilled both (a move, a rebuild); the reader sees the day printed.
        fields.published = headline_line
    if updated_box and fields.published is not None and fields.published.date() != \
            updated_box[0].date() and shows_clock(fields.published, updated_box[1]) \
            and not shows_clock(fields.published, updated_box[0]):
        fields.published = updated_box[0]  # the declared date was the update's
    # The standfirst opens the text (readers print it so); the blocks stay the text's own,
    # which the picture and byline searches below read.
    standfirst = find_standfirst(root, blocks, fields.title)
    opening = _standfirst_html(standfirst) if standfirst is not None else ""
    ours = candidate("ours", clean_html(absolute_links(
        opening + "".join(_block_html(b) for b in blocks), base)),
        standfirst=_text(standfirst) if standfirst is not None else "")
    engine = None
    if engine_text:
        engine = candidate("trafilatura", clean_html(absolute_links(engine_text.html, base)),
                           link_texts)
    declared = None
    if fields.article_body:
        declared = candidate("articleBody",
                             clean_html(absolute_links(_body_from_text(fields.article_body), base)))
    # The headline is no more the text than the furniture is: trafilatura's text often opens
    # with it, and that is no evidence for its being longer than ours.
    choice = choose_body(ours, engine, declared,
                         lambda: f"{chrome_text(dropped)}\n{fields.title or ''}")
    body_html = choice.candidate.html if choice.candidate else ""
    body_text = choice.candidate.text if choice.candidate else ""
    if fields.published is None:
        fields.offer(published=url_date(canonical or url) or page_date(pristine))
    kind = page_kind(choice, fields.declared, fields.free, STATUS_NOT_ARTICLE, fields.title,
                     link_texts)
    if not kind.keep_body and fields.declared == "article":
        # A video or photo page declared an article shows no text of its own: what its
        # metadata says of it is its text, when that is a few sentences.
        described = described_body(fields.summary)
        if described is not None:
            choice = described
            body_html, body_text = choice.candidate.html, choice.candidate.text
            kind = page_kind(choice, fields.declared, fields.free, STATUS_NOT_ARTICLE,
                             fields.title, link_texts)
    if not kind.keep_body:  # a front's "text" is its headlines: never a body
        body_html = body_text = ""

    title_notes: tuple[Note, ...] = ()
    if not fields.title:
        # The article is kept rather than lost for want of a headline; a menu's link is never
        # one, and a page with nothing else has no article.
        fields.title = _title_from_body(choice.candidate.html if choice.candidate else "",
                                        link_texts)
        if not fields.title:
            raise ParseError("no headline and no text found on the page", where=url)
        title_notes = (Note(NoteKind.TITLE, "no headline on the page: the first paragraph of "
                                            "its text"),)

    pictures = _pictures(root, scope, container, blocks, fields.picture, base, early, lead_urls)
    declared_authors = fields.authors
    printed_text = shown_text(pristine)
    printed_line = read_once(lambda: printed_byline(pristine))
    fields.authors = choose_authors(((lambda: declared_authors, False), (lambda: byline, True),
                                     (lambda: shown_authors, True),
                                     (printed_line, True),
                                     (lambda: engine_authors(pristine), False),
                                     (lambda: footer, True),
                                     (lambda: dated_name_line(pristine), True),
                                     (lambda: author_box(pristine), False),
                                     (lambda: lead_credit(blocks), True)), sites,
                                    partial(printed_over_declared,
                                            shown=shown_on_page(printed_text),
                                            printed=((lambda: byline, lambda: _own(byline, scope)
                                                      # the meta line between the headline
                                                      # and the text ("By X / date / 6
                                                      # Comments") is the article's
                                                      or in_article_box(byline, scope)),
                                                     (lambda: shown_authors, lambda: True),
                                                     (printed_line,
                                                      lambda: in_scope(printed_line(), scope)),
                                                     # an agency's writer (agreement.py)
                                                     (printed_line, lambda: in_article_box(
                                                         printed_line(), scope)))))
    fields.authors = name_for_handle(fields.authors, printed_text)
    page_url = canonical or _absolute(fields.url, base) or url
    extra = (Note(NoteKind.BODY, f"{choice.candidate.name if choice.candidate else 'none'}: "
                      f"{choice.reason}"),) + title_notes
    extra += tuple(Note(NoteKind.KEYWORD, k) for k in fields.keywords)
    if fields.publisher:
        extra += (Note(NoteKind.PUBLISHER, fields.publisher),)
    del proxies  # held until the last walk (above) is done
    fields.published, fields.updated = national_clock(printed_zone_clock(
        (fields.published, fields.updated), page_text, fields.language, page_url, fields.title),
        fields.language, page_url, fields.title, page_text)
    return [
        Article(
            id="",
            guid=page_url or "",
            source="",
            title=fields.title,
            url=page_url,
            summary=fields.summary or None,
            body_html=body_html,
            body_text=body_text,
            authors=fields.authors,
            images=tuple(
                Image(url=p.url, caption=p.caption or None,
                      credit=Credit(text=p.credit) if p.credit else None,
                      type=p.type, width=p.width, height=p.height)
                for p in pictures
            ),
            related=tuple(related),
            published=_calendar_day(fields.published, fields.language),
            updated=fields.updated,
            language=fields.language,
            sections=tuple(dict.fromkeys(s for s in fields.sections if s)),
            extra=extra,
            status=kind.status or STATUS_USABLE,
            status_reason=kind.reason,
            fetched_url=url,
        )
    ]


def _reclock(fields: _Fields, fixes: dict) -> None:
    """The declared dates read in the wrong zone (:func:`normalize.page.dates.declared_clock`)
    put right, before any is chosen."""
    if not fixes:
        return
    fields.published_seen[:] = [fixes.get(d, d) for d in fields.published_seen]
    fields.published_also[:] = [fixes.get(d, d) for d in fields.published_also]
    for name in ("published", "updated", "dated"):
        value = getattr(fields, name)
        setattr(fields, name, fixes.get(value, value) if value is not None else None)


def _rebuilt(fields: _Fields) -> bool:
    """Whether the page declares its publication and its last edit on one day, which a
    content system that refills both on each build or move does: the meta line under the
    headline may print the article's first day, days earlier."""
    return fields.published is not None and fields.updated is not None \
        and fields.published.date() == fields.updated.date()


def _dated_address(url: str | None, published) -> bool:
    """Whether the page's address carries a date within a day of ``published`` (the date it
    was first filed under, which no rebuild moves)."""
    day = url_date(url)
    return day is not None and abs(day.date() - published.date()) <= timedelta(days=1)
