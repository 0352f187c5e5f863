"""The page parser's shortcuts for speed give what the longer ways give."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import pytest
from lxml import html as lxml_html

from normalize.page import engine
from normalize.page.dom import _load


def test_every_element_of_a_page_and_its_copies_is_an_html_element():
    # The tree's classes are looked up in C (no Python call per element proxy): a form and
    # its fields are plain HtmlElements, with lxml.html's methods, in the copies too.
    page = (b"<html><head><title>T</title></head><body><form action='/s'><label>Q</label>"
            b"<input name='q'><select><option>a</option></select><textarea>x</textarea>"
            b"</form><p>Text <a href='/a'>link</a></p></body></html>")
    root, _ = _load(page, "https://example.org/", None)
    for tree in (root, deepcopy(root)):
        assert {type(el) for el in tree.iter()} == {lxml_html.HtmlElement}
        assert tree.find(".//form").text_content() == "Qax"
        assert [link for _, _, link, _ in tree.iterlinks()] == ["/s", "/a"]


FIXTURE_PAGES = sorted((Path(__file__).parent / "fixtures" / "page").glob("*.html"))


@pytest.mark.parametrize("fixture", FIXTURE_PAGES, ids=[p.stem for p in FIXTURE_PAGES])
def test_pages_trafilatura_finds_an_author_on_pass_the_guard(fixture: Path):
    from trafilatura.metadata import extract_author

    root, _ = _load(fixture.read_bytes(), None, None)
    assert engine.may_name_authors(root) or not extract_author(root)


@pytest.mark.parametrize("attrs, found", [
    ("class='post-byline'", True), ("id='AuthorBox'", True), ("itemprop='author'", True),
    ("class='writer'", True), ("data-component='Byline'", True), ("rel='author'", True),
    ("class='meta'", False), ("id='story'", False)])
def test_the_author_guard_reads_the_attributes_trafilatura_selects_by(attrs, found):
    from trafilatura.metadata import extract_author

    page = (f"<html><head><title>T</title></head><body><div class='story'><p>Text.</p>"
            f"<span {attrs}>Jane Doe</span></div></body></html>").encode()
    root, _ = _load(page, None, None)
    assert engine.may_name_authors(root) is found
    assert bool(extract_author(root)) is found
    assert engine.page_authors(root) == (("Jane Doe",) if found else ())
