"""wire.enrich: the conventions applied to whole records; the agency list; idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.agencies import canonical_agency, find_agency, find_agency_match, is_agency
from normalize.model import Article, Credit, Dateline, Image
from normalize.text import html_to_text
from normalize.wire import enrich

SEED_PARAGRAPHS = [
    "Le président russe Vladimir Poutine et son homologue biélorusse Alexandre Loukachenko ont "
    "discuté jeudi de l’élaboration d’un «concept de sécurité» pour l’État de l’Union.",
    "Selon le dirigeant russe, il est nécessaire d’approfondir la «planification stratégique».",
    "Lors de cette rencontre, le président russe a remercié son homologue biélorusse.",
]
SEED_CAPTION = ("Archive – Image du président biélorusse Alexandre Loukachenko et de son homologue "
                "russe Vladimir Poutine à Saint-Pétersbourg. – -/Kremlin/dpa")


def _article(**fields) -> Article:
    body_html = fields.pop("body_html", "")
    return Article(id="", guid="g", source="test", title="Titre", body_html=body_html,
                   body_text=fields.pop("body_text", html_to_text(body_html)), **fields)


def _html(*paragraphs: str) -> str:
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


def test_enrich_the_seed_page():
    """The issue's seed: caption, credit, agency line and byline as the portal prints them."""
    article = _article(
        authors=("Camile Martin",),
        body_html=_html(*SEED_PARAGRAPHS, "Source: (EUROPA PRESS)"),
        images=(Image(url="https://img.example/1.jpg", caption=SEED_CAPTION),),
    )
    done = enrich(article)
    assert done.authors == ("Camile Martin",)
    assert done.credit == "(EUROPA PRESS)"
    assert done.agency == "EUROPA PRESS"
    assert done.body_html == _html(*SEED_PARAGRAPHS)
    assert done.body_text == "\n".join(SEED_PARAGRAPHS)
    assert "Source" not in done.body_text
    assert done.dateline is None  # the seed's body opens without one
    image = done.images[0]
    assert image.caption == ("Image du président biélorusse Alexandre Loukachenko et de son "
                             "homologue russe Vladimir Poutine à Saint-Pétersbourg.")
    assert image.credit == Credit("-/Kremlin/dpa", None, "Kremlin", "dpa")
    assert image.url == "https://img.example/1.jpg"


# (language, byline, first paragraph, closing line, caption, media credit,
#  expected authors, agency, credit, dateline place, image credit fields)
RECORDS = [
    ("es", "Por Lucía Ortega", "MADRID, 14 Sep. (EUROPA PRESS) - El Consejo de Ministros...",
     "Fuente: (EUROPA PRESS)", "Bloques de viviendas en construcción.", "Eduardo Parra/Europa Press",
     ("Lucía Ortega",), "EUROPA PRESS", "(EUROPA PRESS)", "MADRID",
     ("Eduardo Parra", None, "Europa Press")),
    ("de", "Von Katharina Leitner", "WIEN, 19. Mai (EUROPA PRESS) - Der Wiener Gemeinderat...",
     "Quelle: (EUROPA PRESS)", "Wohnhäuser in der Wiener Innenstadt.", "Lukas Pichler/APA/dpa",
     ("Katharina Leitner",), "EUROPA PRESS", "(EUROPA PRESS)", "WIEN",
     ("Lukas Pichler", "APA", "dpa")),
    ("en", "By Helen Carter and Tom Whitfield",
     "BRUSSELS, 20 Jan. (EUROPA PRESS) - European Union foreign ministers...",
     "Source: (EUROPA PRESS)", "Archive - Flags outside the Council building in Brussels.",
     "-/European Union/dpa", ("Helen Carter", "Tom Whitfield"), "EUROPA PRESS",
     "(EUROPA PRESS)", "BRUSSELS", (None, "European Union", "dpa")),
    ("pt", "Por Joana Ferreira", "LISBOA, 18 Nov. (EUROPA PRESS) - Os governos de Portugal...",
     "Fonte: (EUROPA PRESS)", "Um comboio parado na estação de Santa Apolónia.", "Europa Press",
     ("Joana Ferreira",), "EUROPA PRESS", "(EUROPA PRESS)", "LISBOA",
     (None, None, "Europa Press")),
    ("it", "di Giulia Ferraris", "GINEVRA, 12 mag. (EUROPA PRESS) - Il Consiglio federale...",
     "Fonte: (EUROPA PRESS)", "Il fronte di un ghiacciaio nel cantone del Vallese.",
     "Daniel Brunner/KEYSTONE/dpa", ("Giulia Ferraris",), "EUROPA PRESS", "(EUROPA PRESS)",
     "GINEVRA", ("Daniel Brunner", "KEYSTONE", "dpa")),
    ("fr", "Par Claire Dubois", "BRUXELLES, 23 avr. (EUROPA PRESS) - Le Parlement européen...",
     "Source : (EUROPA PRESS)", "Archive – L’hémicycle du Parlement européen.",
     "-/European Parliament/dpa", ("Claire Dubois",), "EUROPA PRESS", "(EUROPA PRESS)",
     "BRUXELLES", (None, "European Parliament", "dpa")),
    ("de", "dpa", "HAMBURG, 12. März (dpa) - Der Hamburger Hafen...", "(c) dpa",
     "Ein Containerschiff im Hamburger Hafen.", "Jan Oberländer/dpa", ("dpa",), "dpa", "(c) dpa",
     "HAMBURG", ("Jan Oberländer", None, "dpa")),
    ("es", "Europa Press", "SORIA, 22 Ago. (EUROPA PRESS) - Un equipo de arqueólogos...",
     "Fuente: (EUROPA PRESS)", "Trabajos de excavación.", "Carlos Luján/Europa Press",
     ("Europa Press",), "Europa Press", "(EUROPA PRESS)", "SORIA", ("Carlos Luján", None, "Europa Press")),
    ("es", "Redacción", "Madrid, 24 oct (EFE).- El Gobierno aprobó...", "Con información de EFE",
     "Manifestación en Madrid | Foto: EFE", None, (), "EFE", "EFE", "Madrid",
     (None, None, "EFE")),
    ("pt", "De Ana Souza e João Lima", "SÃO PAULO, 3 abr (Reuters) - O índice Bovespa...",
     "Fonte: Lusa", "Gado numa pastagem (Foto: Agência Brasil)", None, ("Ana Souza", "João Lima"),
     "Lusa", "Lusa", "SÃO PAULO", (None, None, "Agência Brasil")),
    ("it", "Di Marco Bellini (ANSA)", "ROMA, 12 mag (ANSA) - Il governo...", "Fonte: ANSA",
     "Il sindaco in Campidoglio - ANSA", None, ("Marco Bellini",), "ANSA", "ANSA", "ROMA",
     (None, None, "ANSA")),
    ("en", "By AFP", "WASHINGTON (AP) — The Senate voted...", "Avec AFP",
     "Protesters in Paris. Photo: AFP", None, ("AFP",), "AFP", "AFP", "WASHINGTON",
     (None, None, "AFP")),
]


@pytest.mark.parametrize(
    "lang, byline, lead, closing, caption, media_credit, authors, agency, credit, place, fields",
    RECORDS, ids=[f"{r[0]}-{i}" for i, r in enumerate(RECORDS)],
)
def test_enrich_records(lang, byline, lead, closing, caption, media_credit, authors, agency,
                        credit, place, fields):
    image = Image(url="https://img.example/a.jpg", caption=caption,
                  credit=Credit(media_credit) if media_credit else None)
    article = _article(authors=(byline,), body_html=_html(lead, "Segundo párrafo.", closing),
                       images=(image,), language=lang)
    done = enrich(article)
    assert done.authors == authors
    assert done.agency == agency
    assert done.credit == credit
    assert done.dateline is not None and done.dateline.place == place
    assert done.body_html == _html(lead, "Segundo párrafo.")
    assert done.body_text == html_to_text(done.body_html)
    got = done.images[0].credit
    assert (got.photographer, got.source, got.supplier) == fields
    assert "Archive" not in done.images[0].caption
    assert enrich(done) == done


def test_enrich_keeps_what_the_parser_set():
    article = _article(
        authors=("By AFP",), agency="Reuters", credit="Reuters/AFP",
        dateline=Dateline("PARIS (Reuters) -", "PARIS", None, "Reuters"),
        body_html=_html("BERLIN (dpa) - Text.", "Quelle: dpa"),
        images=(Image(url="u", caption="Photo. Foto: X/dpa",
                      credit=Credit("Y/AFP", "Y", None, "AFP")),),
    )
    done = enrich(article)
    assert (done.agency, done.credit) == ("Reuters", "Reuters/AFP")
    assert done.dateline == article.dateline
    # The byline names an agency and no person: the agency is the author too.
    assert done.authors == ("AFP",)
    assert done.body_html == _html("BERLIN (dpa) - Text.")  # the line goes even so
    assert done.images[0].credit == Credit("Y/AFP", "Y", None, "AFP")
    assert done.images[0].caption == "Photo."


def test_enrich_gives_back_the_content_it_leaves_as_it_was():
    """What enrich does not change is the parsed object itself, so normalize_changed keeps the
    parsed content hash (tests/test_fixtures.py checks every finished record's hash)."""
    from normalize import normalize_changed
    from normalize.model import content_fields, compute_content_hash

    article = _article(
        authors=("Jane Doe",), body_html=_html("Plain words, nothing to take out."),
        images=(Image(url="https://img.example/1.jpg", caption="A harbour at dawn.",
                      credit=Credit("Jane Doe", "Jane Doe")),),
    )
    done = enrich(article)
    assert all(map(lambda a, b: a is b, content_fields(done),
                   content_fields(article)))
    # A record the conventions change has its hash taken again.
    feed = (b'<rss version="2.0"><channel><title>t</title><item><guid>g1</guid>'
            b"<title>Plain</title><author>Jane Doe</author><description>&lt;p&gt;Words of a "
            b"plain item, nothing more.&lt;/p&gt;</description></item><item><guid>g2</guid>"
            b"<title>Agency</title><author>By AFP</author><description>&lt;p&gt;BERLIN "
            b"(dpa) - Text.&lt;/p&gt;&lt;p&gt;Quelle: dpa&lt;/p&gt;</description></item>"
            b"</channel></rss>")
    records, _ = normalize_changed(feed, source="s")
    assert [r.content_hash == r.parse_hash for r in records] == [True, False]
    assert all(r.content_hash == compute_content_hash(r) for r in records)


def test_enrich_dateline_agency_is_the_last_fallback():
    done = enrich(_article(body_html=_html("BERLIN (dpa) - Die Regierung...", "Zweiter.")))
    assert done.dateline == Dateline("BERLIN (dpa) -", "BERLIN", None, "dpa")
    assert done.agency == "dpa"
    assert done.credit is None


def test_enrich_text_only_body():
    done = enrich(_article(body_text="PARIS, 6 avril (AFP) - Le président...\nSuite.\nAvec AFP"))
    assert done.body_text == "PARIS, 6 avril (AFP) - Le président...\nSuite."
    assert done.body_html == ""
    assert (done.credit, done.agency) == ("AFP", "AFP")
    assert done.dateline.agency == "AFP"


def test_enrich_leaves_plain_records_alone():
    article = _article(authors=("Jane Doe",), body_html=_html("Nothing special here.", "Bye."),
                       images=(Image(url="u", caption="A cat.", credit=Credit("J. Doe", "J. Doe")),))
    assert enrich(article) == article


def test_enrich_does_not_touch_the_input():
    article = _article(authors=("Por EFE",), body_html=_html("Texto.", "Fuente: EFE"))
    enrich(article)
    assert article.authors == ("Por EFE",) and "Fuente" in article.body_html


# --- the agency list ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, canonical", [
    ("MADRID, 24 Oct. (EUROPA PRESS) -", "Europa Press"),
    ("Agencia EFE", "EFE"),
    ("Deutsche Presse-Agentur", "dpa"),
    ("(dpa/lby)", "dpa"),
    ("Agence France-Presse", "AFP"),
    ("Thomson Reuters", "Reuters"),
    ("The Associated Press", "AP"),
    ("Agência Lusa", "Lusa"),
    ("Agencia Brasil", "Agência Brasil"),
    ("PA Media", "PA"),
    ("Keystone-ATS", "Keystone-SDA"),
    ("SDA", "Keystone-SDA"),
    ("Nueva China", "Xinhua"),
    ("Kyodo News", "Kyodo"),
    ("Austria Presse Agentur", "APA"),
    ("Agenzia DIRE", "DIRE"),
    ("Notimex", "Notimex"),
    ("BELGA", "Belga"),
    ("ANP", "ANP"),
    ("AAP", "AAP"),
    ("Ryan Walsh/The Canadian Press/AP/dpa", "CP"),
])
def test_find_agency(text, canonical):
    assert find_agency(text) == canonical


@pytest.mark.parametrize("text", [
    "Tim Reuter", "il faut dire que", "la capital belga", "a economia lusa", "ap news",
    "un'ansa del fiume", "Kremlin", "", None,
])
def test_find_agency_ignores_words(text):
    assert find_agency(text) is None


def test_find_agency_match_gives_the_printed_spelling():
    match = find_agency_match("Source: (EUROPA PRESS)")
    assert (match.canonical, match.printed) == ("Europa Press", "EUROPA PRESS")


def test_is_agency_is_whole_name_and_any_case():
    assert is_agency("europa press") and is_agency("(EFE)") and is_agency("ap")
    assert not is_agency("Kremlin") and not is_agency("Kay Nietfeld/dpa") and not is_agency(None)
    assert canonical_agency("agence france-presse") == "AFP"


# --- idempotence -------------------------------------------------------------------------------

_BYLINES = st.sampled_from(["Por Lucía Ortega", "By AFP", "Europa Press", "Redacción", "dpa",
                            "Juan Pérez y Ana Gómez", "Di Maio", "X, corresponsal en Bruselas"])
_PARAGRAPHS = st.sampled_from([
    "MADRID, 24 Oct. (EUROPA PRESS) - Texto.", "BERLIN (dpa) - Text.", "Un párrafo.",
    "Source: (EUROPA PRESS)", "Quelle: dpa", "(c) dpa", "Con información de EFE", "&nbsp;", "",
])
_CAPTIONS = st.one_of(st.none(), st.text(max_size=40), st.sampled_from([
    SEED_CAPTION, "Archivo - Un pastor. - EFE/Chema Moya", "Foto: dpa", "Archive",
    "Scholz spricht. Kay Nietfeld/dpa", "A – B/dpa – C/dpa",
]))
_CREDITS = st.one_of(st.none(), st.builds(Credit, st.sampled_from(
    ["-/Kremlin/dpa", "Foto: Kay Nietfeld/dpa", "Europa Press", "Kremlin", "©", "x"])))
_IMAGES = st.builds(Image, url=st.just("https://img.example/x.jpg"), caption=_CAPTIONS,
                    credit=_CREDITS)
_ARTICLES = st.builds(
    lambda authors, paragraphs, raw, images, agency: _article(
        authors=tuple(authors),
        body_html=raw if raw is not None else _html(*paragraphs),
        images=tuple(images), agency=agency),
    st.lists(st.one_of(_BYLINES, st.text(max_size=20)), max_size=3),
    st.lists(_PARAGRAPHS, max_size=5),
    st.one_of(st.none(), st.text(max_size=60)),
    st.lists(_IMAGES, max_size=2),
    st.one_of(st.none(), st.just("Reuters")),
)


@settings(max_examples=200, deadline=None)
@given(_ARTICLES)
def test_enrich_is_idempotent(article):
    once = enrich(article)
    assert enrich(once) == once
    assert isinstance(once, Article)
    if once.body_html != article.body_html:
        assert once.body_text == html_to_text(once.body_html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    list(" \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029\u00a0") + ["MADRID (EFE) - Uno.", "x"]),
    max_size=12).map("".join))
def test_first_line_is_the_first_line_splitlines_gives(text):
    """The dateline is read from the first line that is not blank, as str.splitlines() cuts it."""
    from normalize.wire import _first_line

    first = next((line for line in text.splitlines() if line.strip()), "")
    assert _first_line(text) == first.lstrip()


def test_enrich_an_agency_byline_is_the_author_only_without_a_person():
    assert enrich(_article(authors=("Por EFE",))).authors == ("EFE",)
    assert enrich(_article(authors=("Por Ana Gómez (EFE)",))).authors == ("Ana Gómez",)
    # A photo agency is a picture's credit, never the text's author.
    done = enrich(_article(authors=("Getty Images",)))
    assert (done.authors, done.agency) == ((), "Getty Images")


@pytest.mark.parametrize("bylines, body, authors, agency", [
    # The newsroom is whom the publisher credits when it names nobody else.
    (("Redaktion",), "Der Text.", ("Redaktion",), None),
    (("By Staff",), "The text.", ("Staff",), None),
    (("BWW News Desk",), "The text.", ("BWW News Desk",), None),
    # A person or an agency anywhere in the record is the credit instead.
    (("Redacción", "Lucía Ortega"), "El texto.", ("Lucía Ortega",), None),
    (("Redacción",), "MADRID, 24 Oct. (EUROPA PRESS) - El texto.", (), "EUROPA PRESS"),
    (("Redaktion",), "Der Text.\nQuelle: dpa", (), "dpa"),
    # Not a newsroom: a login or a button names nobody.
    (("admin",), "The text.", (), None),
    (("Follow Author",), "The text.", (), None),
])
def test_a_newsroom_is_the_author_only_of_a_record_naming_nobody(bylines, body, authors, agency):
    done = enrich(_article(authors=bylines, body_html=_html(*body.split("\n"))))
    assert (done.authors, done.agency) == (authors, agency)
    assert enrich(done) == done


def test_a_byline_printed_in_the_dateline_is_the_writer_not_the_place():
    # Sites that run wire copy print its byline at the head of the dateline.
    lead = ("By Ng Wei Ling, SINGAPORE (Reuters) - The harbour authority approved the new ferry "
            "timetable on Monday.")
    enriched = enrich(_article(body_html=_html(lead, "Crossings will run every forty minutes.")))
    assert enriched.authors == ("Ng Wei Ling",)
    assert enriched.dateline == Dateline(text="SINGAPORE (Reuters) -", place="SINGAPORE",
                                         agency="Reuters")
    # a byline the page gave is kept; the dateline still loses the writer
    enriched = enrich(_article(authors=("Tom Reed",), body_html=_html(lead)))
    assert enriched.authors == ("Tom Reed",) and enriched.dateline.place == "SINGAPORE"
