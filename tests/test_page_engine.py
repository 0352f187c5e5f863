"""Our call into trafilatura takes two of its undocumented steps (``bare_extraction`` then
``determine_returnstring``) to skip a fingerprint the HTML output never shows. A trafilatura
release that changes them must not change our pages quietly: on every page fixture the result
equals the documented ``extract()`` with the same options."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.page import engine
from normalize.page.dom import decode_page

PAGES = sorted((Path(__file__).parent / "fixtures" / "page").glob("*.html"))


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_the_shortcut_equals_trafilaturas_extract(page: Path) -> None:
    text = decode_page(page.read_bytes())
    engine.main_text(text)  # builds the engine's configuration as a parse does
    assert engine._extract_html(text) == engine.extract_public(text)
