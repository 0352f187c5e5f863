"""Pages, feeds and the agency formats read byline labels with one pattern, normalize.bylines.BYLINE_LABEL."""

from __future__ import annotations

import pytest

from normalize.bylines import parse_byline, strip_label
from normalize.page.visible import _is_byline


@pytest.mark.parametrize("line, persons", [
    ("By Jane Doe", ("Jane Doe",)), ("Por: María López", ("María López",)),
    ("By - Jane Doe", ("Jane Doe",)), ("Door Jan de Vries", ("Jan de Vries",)),
    ("Texto Ana Ruiz", ("Ana Ruiz",)), ("Autor - Hans Meier", ("Hans Meier",)),
    ("Reportage Yann Le Goff", ("Yann Le Goff",)),
])
def test_a_printed_byline_is_one_for_pages_and_feeds(line: str, persons: tuple[str, ...]) -> None:
    assert _is_byline(line)
    assert parse_byline(line)[0] == persons


def test_words_that_are_no_label() -> None:
    assert not _is_byline("text me") and not _is_byline("Jane Doe")
    assert parse_byline("Di Maio")[0] == ("Di Maio",)  # a surname, not "di"
    assert _is_byline("Redacción Ana Ruiz")  # newsroom credit: a byline line on a page


@pytest.mark.parametrize("element, name", [
    ("By Jane Doe", "Jane Doe"), ("Por: María López,", "María López"),
    ("di Mario Rossi", "Mario Rossi"), ("Di Giulia Ferraris", "Giulia Ferraris"),
    ("av Kari Nordmann", "Kari Nordmann"), ("af Thomas Hansen", "Thomas Hansen"),
    ("Von Katharina Leitner -", "Katharina Leitner"),
    # particles that begin a surname stay
    ("Di Maio", "Di Maio"), ("De la Fuente", "De la Fuente"), ("Van der Sar", "Van der Sar"),
    ("Van Morrison", "Van Morrison"), ("van Dijk", "van Dijk"),
])
def test_agency_byline_elements_read_the_same_labels(element: str, name: str) -> None:
    """NITF, NewsML-G2 and ninjs byline elements lose their label through the same pattern."""
    assert strip_label(element) == name
    assert parse_byline(element)[0] == (name,)
