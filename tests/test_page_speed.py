"""The page parser's shortcuts for speed give what the longer ways give."""

from __future__ import annotations

from copy import deepcopy

from lxml import html as lxml_html

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
