"""Datelines (es, fr, de, en, pt, it) and closing agency lines, plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize import datelines
from normalize.datelines import find_dateline, parse_agency_line, split_agency_line
from normalize.model import Dateline
from normalize.text import clean_text, html_to_text

# (first paragraph, text, place, date_text, agency)
DATELINES = [
    # es
    ("MADRID, 24 Oct. (EUROPA PRESS) - El Gobierno ha aprobado...",
     "MADRID, 24 Oct. (EUROPA PRESS) -", "MADRID", "24 Oct.", "EUROPA PRESS"),
    ("CIUDAD DE MÉXICO, 3 Jun. (EUROPA PRESS) - Los gobiernos...",
     "CIUDAD DE MÉXICO, 3 Jun. (EUROPA PRESS) -", "CIUDAD DE MÉXICO", "3 Jun.", "EUROPA PRESS"),
    ("Madrid, 24 oct (EFE).- El Gobierno aprobó...", "Madrid, 24 oct (EFE).-", "Madrid",
     "24 oct", "EFE"),
    ("BOGOTÁ, 12 de octubre (Reuters) - El presidente...",
     "BOGOTÁ, 12 de octubre (Reuters) -", "BOGOTÁ", "12 de octubre", "Reuters"),
    ("MADRID, 24 Oct. - El Gobierno...", "MADRID, 24 Oct. -", "MADRID", "24 Oct.", None),
    # fr
    ("PARIS, 6 avril (AFP) - Le président...", "PARIS, 6 avril (AFP) -", "PARIS", "6 avril",
     "AFP"),
    ("BRUXELLES, 23 avr. (EUROPA PRESS) - Le Parlement...",
     "BRUXELLES, 23 avr. (EUROPA PRESS) -", "BRUXELLES", "23 avr.", "EUROPA PRESS"),
    ("SAINT-ÉTIENNE, 6 avril 2023 (AFP) – Le maire...", "SAINT-ÉTIENNE, 6 avril 2023 (AFP) –",
     "SAINT-ÉTIENNE", "6 avril 2023", "AFP"),
    ("GENÈVE (Keystone-ATS) - Le Conseil fédéral...", "GENÈVE (Keystone-ATS) -", "GENÈVE", None,
     "Keystone-ATS"),
    # de
    ("BERLIN (dpa) - Die Bundesregierung...", "BERLIN (dpa) -", "BERLIN", None, "dpa"),
    ("HAMBURG, 12. März (dpa) - Der Hafen...", "HAMBURG, 12. März (dpa) -", "HAMBURG",
     "12. März", "dpa"),
    ("FRANKFURT/MAIN (dpa) - Die Züge...", "FRANKFURT/MAIN (dpa) -", "FRANKFURT/MAIN", None,
     "dpa"),
    ("Frankfurt am Main (dpa) – Die Börse...", "Frankfurt am Main (dpa) –", "Frankfurt am Main",
     None, "dpa"),
    ("WIEN (APA) - Der Nationalrat...", "WIEN (APA) -", "WIEN", None, "APA"),
    # en
    ("WASHINGTON (Reuters) - The Senate...", "WASHINGTON (Reuters) -", "WASHINGTON", None,
     "Reuters"),
    ("WASHINGTON, Oct 24 (Reuters) - U.S. officials...", "WASHINGTON, Oct 24 (Reuters) -",
     "WASHINGTON", "Oct 24", "Reuters"),
    ("WASHINGTON (AP) — The Senate...", "WASHINGTON (AP) —", "WASHINGTON", None, "AP"),
    ("NEW YORK -- Stocks rose...", "NEW YORK --", "NEW YORK", None, None),
    ("RICHMOND, Virginia (dpa) - Severe storms...", "RICHMOND, Virginia (dpa) -",
     "RICHMOND, Virginia", None, "dpa"),
    ("ST. LOUIS (AP) — A jury...", "ST. LOUIS (AP) —", "ST. LOUIS", None, "AP"),
    # pt
    ("SÃO PAULO, 3 abr (Reuters) - O índice...", "SÃO PAULO, 3 abr (Reuters) -", "SÃO PAULO",
     "3 abr", "Reuters"),
    ("Lisboa, 03 abr 2023 (Lusa) - O Governo...", "Lisboa, 03 abr 2023 (Lusa) -", "Lisboa",
     "03 abr 2023", "Lusa"),
    ("BRASÍLIA (Agência Brasil) - O governo...", "BRASÍLIA (Agência Brasil) -", "BRASÍLIA", None,
     "Agência Brasil"),
    ("Rio de Janeiro, 5 mai (Reuters) — A Petrobras...", "Rio de Janeiro, 5 mai (Reuters) —",
     "Rio de Janeiro", "5 mai", "Reuters"),
    # it
    ("ROMA, 12 mag (ANSA) - Il governo...", "ROMA, 12 mag (ANSA) -", "ROMA", "12 mag", "ANSA"),
    ("(ANSA) - ROMA, 12 MAG - Il governo...", "(ANSA) - ROMA, 12 MAG -", "ROMA", "12 MAG",
     "ANSA"),
    ("L'AQUILA, 6 aprile (DIRE) - La ricostruzione...", "L'AQUILA, 6 aprile (DIRE) -",
     "L'AQUILA", "6 aprile", "DIRE"),
    ("GINEVRA, 12 mag. (EUROPA PRESS) - Il Consiglio...", "GINEVRA, 12 mag. (EUROPA PRESS) -",
     "GINEVRA", "12 mag.", "EUROPA PRESS"),
]


@pytest.mark.parametrize("paragraph, text, place, date_text, agency", DATELINES)
def test_find_dateline(paragraph, text, place, date_text, agency):
    assert find_dateline(paragraph) == Dateline(text, place, date_text, agency)


@pytest.mark.parametrize("paragraph", [
    None,
    "",
    "Le président russe Vladimir Poutine et son homologue - ont discuté jeudi.",
    "Merkel (CDU) - Die Kanzlerin sagte...",          # a party, not an agency
    "Ayer, 24 personas - murieron en el accidente.",  # "24 personas" is no date
    "Madrid - El Gobierno aprobó...",                 # mixed case, no date, no agency
    "El Gobierno ha aprobado este lunes (EFE) la ley.",
    "The minister said on Monday that talks would go on.",
])
def test_find_dateline_rejects_prose(paragraph):
    assert find_dateline(paragraph) is None


def test_find_dateline_reads_only_the_first_line():
    assert find_dateline("Intro without dateline.\nBERLIN (dpa) - Later.") is None


# (closing line, credit as printed, agency as named)
AGENCY_LINES = [
    ("Source: (EUROPA PRESS)", "(EUROPA PRESS)", "EUROPA PRESS"),
    ("Source : (EUROPA PRESS)", "(EUROPA PRESS)", "EUROPA PRESS"),
    ("Fuente: Europa Press", "Europa Press", "Europa Press"),
    ("Fuente: (EUROPA PRESS)", "(EUROPA PRESS)", "EUROPA PRESS"),
    ("Quelle: dpa", "dpa", "dpa"),
    ("Quelle: (EUROPA PRESS)", "(EUROPA PRESS)", "EUROPA PRESS"),
    ("(c) dpa", "(c) dpa", "dpa"),
    ("© dpa 2023", "© dpa 2023", "dpa"),
    ("Con información de EFE", "EFE", "EFE"),
    ("(Con información de EFE y Reuters)", "EFE y Reuters", "EFE"),
    ("Fonte: Lusa", "Lusa", "Lusa"),
    ("Fonte: ANSA", "ANSA", "ANSA"),
    ("Fonte: Agência Brasil", "Agência Brasil", "Agência Brasil"),
    ("Com informações da Reuters", "Reuters", "Reuters"),
    ("Avec AFP", "AFP", "AFP"),
    ("Mit Material von dpa", "dpa", "dpa"),
    ("Source: Reuters, AFP", "Reuters, AFP", "Reuters"),
    ("(EFE)", "(EFE)", "EFE"),
    ("AFP", "AFP", "AFP"),
]


@pytest.mark.parametrize("line, credit, agency", AGENCY_LINES)
def test_parse_agency_line(line, credit, agency):
    assert parse_agency_line(line) == (credit, agency)


@pytest.mark.parametrize("line", [
    "Fuente: Ministerio de Sanidad",   # a source, but not an agency
    "Quelle: Statistisches Bundesamt",
    "Source: the White House",
    "Le président a remercié son homologue.",
    "Avec le soutien de la région",
    "",
])
def test_parse_agency_line_rejects_other_lines(line):
    assert parse_agency_line(line) is None


# (body html, html without the agency line, credit, agency)
BODIES = [
    ("<p>Uno.</p>\n<p>Dos.</p>\n<p>Source: (EUROPA PRESS)</p>", "<p>Uno.</p>\n<p>Dos.</p>",
     "(EUROPA PRESS)", "EUROPA PRESS"),
    ('<p class="lead">Uno.</p><p>Quelle: dpa</p>', '<p class="lead">Uno.</p>', "dpa", "dpa"),
    ("<p>Uno.<br>Quelle: dpa</p>", "<p>Uno.</p>", "dpa", "dpa"),
    ("<div><p>Uno.</p><p><strong>Fuente:</strong> EFE</p></div>", "<div><p>Uno.</p></div>",
     "EFE", "EFE"),
    ("<p>Uno.</p><p>Fonte: Lusa</p><p>&nbsp;</p>", "<p>Uno.</p>", "Lusa", "Lusa"),
    ("<p>Uno.</p><p>Fuente: EFE</p><p>(c) dpa</p>", "<p>Uno.</p>", "(c) dpa", "dpa"),
    ("<div>Uno.<br/>Fonte: ANSA</div>", "<div>Uno.</div>", "ANSA", "ANSA"),
    ("Uno.\nDos.\nCon información de EFE", "Uno.\nDos.", "EFE", "EFE"),
    ("<p>Quelle: dpa</p>", "", "dpa", "dpa"),
]


@pytest.mark.parametrize("html, rest, credit, agency", BODIES)
def test_split_agency_line(html, rest, credit, agency):
    assert split_agency_line(html) == (rest, credit, agency)


@pytest.mark.parametrize("html", [
    "<p>Uno.</p><p>Fuente: Ministerio de Sanidad</p>",
    "<p>Uno.</p><p>Dos, según AFP.</p>",
    "<p>a <em>b\nQuelle: dpa</em></p>",      # the line is inside an open element
    "",
])
def test_split_agency_line_leaves_other_bodies(html):
    assert split_agency_line(html) == (html, None, None)


MEGABYTE = 1_000_000
# A 1 MB last paragraph (or run of lines) without an agency line's shape, each a worst case of
# one of the patterns when it was read whole: a "<" opening no tag, a tag never closed, breaks,
# closing tags, empty paragraphs, white space.
HOSTILE_TAILS = [
    "<p>" + "word " * (MEGABYTE // 5) + "Quelle: dpa</p>",
    "<p>" + "<a" * (MEGABYTE // 2) + "</p>",
    "<p>" + "<a /" * (MEGABYTE // 4) + "</p>",
    "<p " + "x" * MEGABYTE + "Quelle: dpa</p>",
    "<p>x" + "<br>" * (MEGABYTE // 4) + "Quelle: dpa</p>",
    "<p>Quelle: dpa</p>" + "</div>" * (MEGABYTE // 6),
    "<p>" + "<p " * (MEGABYTE // 3) + "></p>",
    "<div " * (MEGABYTE // 5),
    "<p>Quelle:" + " " * MEGABYTE + "dpa</p>",
    "x" * MEGABYTE + " Quelle: dpa",
]


@pytest.mark.parametrize("tail", HOSTILE_TAILS, ids=range(len(HOSTILE_TAILS)))
def test_a_megabyte_last_paragraph_is_read_through_a_bounded_window(monkeypatch, tail):
    # The patterns only ever see the window: each call of the window's reader gets at most
    # _WINDOW characters, whatever the body's length, so the work is a constant per agency line
    # (and the lines taken are bounded too, below).
    import normalize.datelines as datelines

    seen = []
    read_window = datelines._cut_in_window

    def spy(html, whole):
        seen.append(len(html))
        return read_window(html, whole)

    monkeypatch.setattr(datelines, "_cut_in_window", spy)
    body = "<p>Uno.</p>" + tail
    assert split_agency_line(body) == (body, None, None)
    assert len(seen) == 1 and seen[0] <= datelines._WINDOW


@pytest.mark.parametrize("line, joiner", [("<p>(c) dpa</p>", ""), ("Quelle: dpa", "\n")])
def test_a_megabyte_of_agency_lines_takes_out_the_last_few_only(line, joiner):
    # Each line taken copies the body: a million of them took minutes, so only the last
    # _MAX_AGENCY_LINES go; the rest stay in the body.
    from normalize.datelines import _MAX_AGENCY_LINES

    lines = [line] * (MEGABYTE // len(line))
    body = joiner.join(["<p>Uno.</p>", *lines])
    html, credit, agency = split_agency_line(body)
    assert html == joiner.join(["<p>Uno.</p>", *lines[:-_MAX_AGENCY_LINES]])
    assert agency == "dpa" and credit in ("(c) dpa", "dpa")


def test_split_agency_line_on_a_long_body():
    paragraphs = "\n".join(f"<p>Párrafo {i} con texto.</p>" for i in range(3000))
    assert split_agency_line(paragraphs + "<p>Fuente: EFE</p>") == (paragraphs, "EFE", "EFE")
    one_long = "<p>" + "palabra " * 5000 + "Fuente: EFE</p>"
    assert split_agency_line(one_long) == (one_long, None, None)


_PARAGRAPHS = st.sampled_from([
    "<p>MADRID, 24 Oct. (EUROPA PRESS) - Texto.</p>", "<p>Source: (EUROPA PRESS)</p>",
    "<p>Quelle: dpa</p>", "<p>(c) dpa</p>", "<p>Un párrafo.</p>", "<p>&nbsp;</p>", "<br>",
    "Fuente: EFE", "\n", "<div>", "</div>", "<p>", "</p>", "<em>x</em>", "AFP",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text()))
def test_find_dateline_never_raises(text):
    dateline = find_dateline(text)
    assert dateline is None or isinstance(dateline, Dateline)
    if dateline is not None:
        assert dateline.text and dateline.place
        assert find_dateline(dateline.text + " x") == dateline


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_PARAGRAPHS, max_size=8).map("".join)))
def test_split_agency_line_never_raises_and_is_stable(html):
    rest, credit, agency = split_agency_line(html)
    assert isinstance(rest, str)
    assert (credit is None) == (agency is None)
    assert split_agency_line(rest) == (rest, None, None)
    if credit is None:
        assert rest == html
    else:
        assert len(html_to_text(rest)) < len(html_to_text(html))


def test_lowercase_agency_in_its_parentheses_is_a_dateline() -> None:
    # Keystone-ATS writes its French datelines with the agency in lower case.
    found = find_dateline("GENÈVE (ats) - Des délégations de plus de soixante pays sont réunies.")
    assert found is not None and (found.place, found.agency) == ("GENÈVE", "ats")
    assert find_dateline("Il a dit (ap) - non merci.") is None


# --- the end of a body read without scanning all of it ------------------------------------------

_TAG_SOUP = st.sampled_from([
    "<p>", "<P>", "<p class='a'>", '<p title="<p">', "<p <p>", "<pre>", "</p>", "</P >", "</p\n>",
    "<br>", "<BR />", "</div>", "</DIV >", "<div>", "</section>", "</main\t>", "</body>", "</html>",
    "</span>", "&nbsp;", "&#160;", "\u00a0", " ", "\n", "Quelle: dpa", "Texto.", "</", "<", ">",
    ";", "</di</div>", "<p/>", " " * 1030, "<p> </p>", "<p>&nbsp; </p>", "<p><br>\n</p>",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_TAG_SOUP, max_size=25).map("".join))
def test_body_end_readers_agree_with_the_tail_searches(html):
    """Each reader gives what the regex search over the body's tail it replaces gives."""
    closers = datelines._search_tail(datelines._CONTAINER_CLOSE, html)
    expected = (html[: closers.start()], closers.group(0).strip()) if closers else (html, "")
    assert datelines._split_container_close(html) == expected
    if datelines._search_tail(datelines._EMPTY_PARAGRAPHS, html):
        assert datelines._may_end_in_empty_paragraph(html)
    opens = list(datelines._P_OPEN.finditer(html))
    found = datelines._last_paragraph_open(html)
    assert (found.span() if found else None) == (opens[-1].span() if opens else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["MADRID", "(EFE)", "-", ",", " ", "\t", "\u00a0", "\u200b",
                                  "\x00", "x" * 50, " " * 200]), max_size=30).map("".join))
def test_dateline_head_is_the_cleaned_line_cut_short(line):
    assert datelines._clean_head(line) == clean_text(line)[:300]
