"""A deterministic corpus of agency feeds for the benchmarks: S sources x K items.

Every feed is built from a seed (source index, item index, revision), so two runs produce the
same bytes, and a "10% changed" revision changes exactly the items chosen by the seed. Sources
alternate RSS 2.0 (with ``content:encoded`` and Media RSS) and Atom 1.0; bodies are ~3 KB of
text in one of six languages, each item carries one or two images with captions and credits.

By default the feeds carry the shapes agency and newspaper feeds really have (issue 18): two
categories per item, one with a ``domain`` (RSS) or a ``scheme`` and ``label`` (Atom), two
``media:content`` with captions and credits on every item, inline markup (``<strong>``,
``<em>``, links) in the bodies, ``<comments>``, ``slash``/``wfw`` counts, a WordPress
``post-id`` and an ``atom:link`` in the channel. ``rich=False`` gives the plain feeds of the
earlier README figures.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

LANGUAGES = ("en", "es", "fr", "de", "it", "pt")

# Small per-language vocabularies: enough variety for langdetect to behave as on real copy.
_WORDS = {
    "en": ("the government said on Monday that the new budget would increase spending on "
           "schools and hospitals while the opposition warned about rising debt and higher "
           "taxes for families across the country after a long debate in parliament where "
           "ministers defended the plan and economists expected growth to slow this year"),
    "es": ("el gobierno ha anunciado este lunes que el nuevo presupuesto aumentará el gasto en "
           "escuelas y hospitales mientras la oposición advierte sobre la deuda y los impuestos "
           "para las familias del país tras un largo debate en el congreso donde los ministros "
           "defendieron el plan y los economistas esperan que el crecimiento se modere este año"),
    "fr": ("le gouvernement a annoncé lundi que le nouveau budget augmentera les dépenses pour "
           "les écoles et les hôpitaux tandis que l'opposition met en garde contre la dette et "
           "les impôts des familles du pays après un long débat à l'assemblée où les ministres "
           "ont défendu le projet et les économistes prévoient un ralentissement cette année"),
    "de": ("die Regierung hat am Montag angekündigt dass der neue Haushalt die Ausgaben für "
           "Schulen und Krankenhäuser erhöhen wird während die Opposition vor der Verschuldung "
           "und höheren Steuern für Familien im ganzen Land warnt nach einer langen Debatte im "
           "Bundestag wo die Minister den Plan verteidigten und Ökonomen ein schwächeres Wachstum erwarten"),
    "it": ("il governo ha annunciato lunedì che il nuovo bilancio aumenterà la spesa per le "
           "scuole e gli ospedali mentre l'opposizione avverte sul debito e sulle tasse per le "
           "famiglie del paese dopo un lungo dibattito in parlamento dove i ministri hanno "
           "difeso il piano e gli economisti prevedono una crescita più lenta quest'anno"),
    "pt": ("o governo anunciou nesta segunda-feira que o novo orçamento vai aumentar os gastos "
           "com escolas e hospitais enquanto a oposição alerta para a dívida e os impostos das "
           "famílias do país depois de um longo debate no congresso onde os ministros "
           "defenderam o plano e os economistas esperam que o crescimento abrande este ano"),
}
_CITIES = {"en": "LONDON", "es": "MADRID", "fr": "PARIS", "de": "BERLIN", "it": "ROMA",
           "pt": "LISBOA"}
_AGENCIES = {"en": "Reuters", "es": "EUROPA PRESS", "fr": "AFP", "de": "dpa", "it": "ANSA",
             "pt": "Lusa"}
_SECTIONS = ("Politics", "Economy", "World", "Sports", "Culture", "Science")
_EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)


def source_language(source: int) -> str:
    """The language of a generated source (sources cycle through the six languages)."""
    return LANGUAGES[source % len(LANGUAGES)]


def source_format(source: int) -> str:
    """``rss`` or ``atom``: even sources are RSS 2.0, odd ones Atom 1.0."""
    return "rss" if source % 2 == 0 else "atom"


def changed_items(source: int, items: int, revision: int, fraction: float) -> set[int]:
    """Indexes of the items a revision rewrites (the same set on every run)."""
    if revision == 0 or fraction <= 0:
        return set()
    rng = random.Random(f"changed-{source}-{revision}")
    return set(rng.sample(range(items), max(1, round(items * fraction))))


def _sentence(rng: random.Random, words: list[str], length: int) -> str:
    picked = [rng.choice(words) for _ in range(length)]
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def make_item(source: int, index: int, revision: int = 0, rich: bool = True) -> dict:
    """The fields of one generated item (``revision`` > 0 rewrites its body and title)."""
    language = source_language(source)
    rng = random.Random(f"item-{source}-{index}-{revision}")
    words = _WORDS[language].split()
    title = _sentence(rng, words, rng.randint(8, 13))[:-1]
    paragraphs = []
    size = 0
    first = True
    while size < 2900:
        text = " ".join(_sentence(rng, words, rng.randint(12, 22)) for _ in range(rng.randint(2, 4)))
        if first:
            text = f"{_CITIES[language]}, 2 Mar. ({_AGENCIES[language]}) - {text}"
            first = False
        paragraphs.append(escape(text))
        if rich and len(paragraphs) > 1:  # the first paragraph keeps its dateline plain
            words_in = paragraphs[-1].split(" ")
            if len(words_in) > 12:
                # Inline markup, as newspaper CMSs write it: bold, emphasis and a link.
                words_in[3] = f"<strong>{words_in[3]}</strong>"
                words_in[7] = f"<em>{words_in[7]}</em>"
                words_in[10] = (f'<a href="https://news{source}.wire.example/tag/{index}">'
                                f"{words_in[10]}</a>")
                paragraphs[-1] = " ".join(words_in)
        size += len(text) + 7
    images = []
    for number in range(2 if rich else 1 + (index % 3 == 0)):
        images.append({
            "url": f"https://img.wire.example/s{source}/{index}-{number}.jpg",
            "caption": _sentence(rng, words, rng.randint(6, 10)),
            "credit": f"{rng.choice(('Ana Ruiz', 'Paul Klee', 'Jo Smith', 'Rui Costa'))}/{_AGENCIES[language]}",
            "width": 1200, "height": 800,
        })
    published = _EPOCH + timedelta(minutes=source * 7 + index * 3)
    return {
        "guid": f"urn:wire:s{source}:item{index}",
        "link": f"https://news{source}.wire.example/{language}/{index}.html",
        "title": title,
        "summary": paragraphs[0][:200].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"),
        "paragraphs": paragraphs,
        "author": rng.choice(("Lucía Ortega", "Mark Brown", "Claire Dubois", "Jonas Weber",
                              "Giulia Rossi", "Tiago Alves")),
        "sections": ((_SECTIONS[index % len(_SECTIONS)], _SECTIONS[(index + 2) % len(_SECTIONS)])
                     if rich else (_SECTIONS[index % len(_SECTIONS)],)),
        "rich": rich,
        "number": source * 100000 + index,
        "published": published,
        "updated": published + timedelta(minutes=30 * revision) if revision else published,
        "images": images,
        "language": language,
    }


def make_feed(source: int, items: int, revision: int = 0, fraction: float = 0.0,
              rich: bool = True) -> bytes:
    """The bytes of source ``source``'s feed: ``items`` items, ``fraction`` of them at ``revision``
    (``rich=False``: without the real-world shapes, see the module docstring)."""
    changed = changed_items(source, items, revision, fraction)
    entries = [make_item(source, i, revision if i in changed else 0, rich) for i in range(items)]
    if source_format(source) == "rss":
        return _rss(source, entries)
    return _atom(source, entries)


def _rfc822(value: datetime) -> str:
    return value.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _body(item: dict) -> str:
    return "".join(f"<p>{p}</p>" for p in item["paragraphs"])


def _rss(source: int, entries: list[dict]) -> bytes:
    language = source_language(source)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
           'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
           'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:post-id="http://wordpress.com/">\n'
           f'<channel><title>Bench wire {source}</title>'
           f'<link>https://news{source}.wire.example/</link>'
           f'<description>Generated benchmark feed {source}</description>'
           f'<language>{language}</language>\n']
    if entries and entries[0]["rich"]:
        out.append(f'<atom:link href="https://news{source}.wire.example/feed/" rel="self" '
                   'type="application/rss+xml"/>\n')
    for item in entries:
        parts = [f'<item><title>{escape(item["title"])}</title>',
                 f'<link>{item["link"]}</link>',
                 f'<guid isPermaLink="false">{item["guid"]}</guid>',
                 f'<pubDate>{_rfc822(item["published"])}</pubDate>',
                 f'<dc:creator>{escape(item["author"])}</dc:creator>']
        if item["rich"]:
            first, *rest = item["sections"]
            parts.append(f'<category domain="https://news{source}.wire.example/section">'
                         f'{escape(first)}</category>')
            parts += [f'<category><![CDATA[{s}]]></category>' for s in rest]
            parts.append(f'<comments>{item["link"]}#comments</comments>'
                         f'<slash:comments>{item["number"] % 17}</slash:comments>'
                         f'<wfw:commentRss>{item["link"]}/feed</wfw:commentRss>'
                         f'<post-id:post-id>{item["number"]}</post-id:post-id>')
        else:
            parts += [f'<category>{escape(s)}</category>' for s in item["sections"]]
        parts.append(f'<description>{escape(item["summary"])}</description>')
        parts.append(f'<content:encoded><![CDATA[{_body(item)}]]></content:encoded>')
        for image in item["images"]:
            parts.append(
                f'<media:content url="{image["url"]}" type="image/jpeg" medium="image" '
                f'width="{image["width"]}" height="{image["height"]}">'
                f'<media:description>{escape(image["caption"])}</media:description>'
                f'<media:credit>{escape(image["credit"])}</media:credit></media:content>')
        parts.append('</item>\n')
        out.append("".join(parts))
    out.append('</channel></rss>\n')
    return "".join(out).encode("utf-8")


def _atom(source: int, entries: list[dict]) -> bytes:
    language = source_language(source)
    newest = max((e["updated"] for e in entries), default=_EPOCH)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" '
           f'xml:lang="{language}">\n'
           f'<title>Bench wire {source}</title><id>urn:wire:s{source}</id>'
           f'<updated>{_iso(newest)}</updated>'
           f'<link rel="alternate" href="https://news{source}.wire.example/"/>\n']
    for item in entries:
        parts = [f'<entry><title>{escape(item["title"])}</title>',
                 f'<id>{item["guid"]}</id>',
                 f'<link rel="alternate" type="text/html" href="{item["link"]}"/>',
                 f'<published>{_iso(item["published"])}</published>',
                 f'<updated>{_iso(item["updated"])}</updated>',
                 f'<author><name>{escape(item["author"])}</name></author>']
        if item["rich"]:
            parts += [f'<category term="{escape(s.lower())}" label="{escape(s)}" '
                      f'scheme="https://news{source}.wire.example/section"/>' for s in item["sections"]]
        else:
            parts += [f'<category term="{escape(s)}"/>' for s in item["sections"]]
        parts.append(f'<summary>{escape(item["summary"])}</summary>')
        parts.append(f'<content type="html">{escape(_body(item))}</content>')
        for image in item["images"]:
            parts.append(
                f'<media:content url="{image["url"]}" type="image/jpeg" medium="image" '
                f'width="{image["width"]}" height="{image["height"]}">'
                f'<media:description>{escape(image["caption"])}</media:description>'
                f'<media:credit>{escape(image["credit"])}</media:credit></media:content>')
        parts.append('</entry>\n')
        out.append("".join(parts))
    out.append('</feed>\n')
    return "".join(out).encode("utf-8")
