"""The corpus is the test: every ``tests/fixtures/<format>/<case>.<ext>`` beside ``<case>.json``.

Each document goes through ``normalize.normalize_document`` (parse, wire conventions, language)
and each record is compared with the golden one, field by field: only the keys the golden record
lists are compared (nested objects in full). Adding a case means adding two files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from normalize import model, normalize_document
from normalize.model import article_to_dict, compute_content_hash

FIXTURES = Path(__file__).parent / "fixtures"


def _golden(doc: Path) -> Path | None:
    """``<case>.expected.json`` if present (JSON documents need it), else ``<case>.json``."""
    expected = doc.with_name(f"{doc.stem}.expected.json")
    if expected.exists():
        return expected
    if doc.suffix != ".json" and doc.with_suffix(".json").exists():
        return doc.with_suffix(".json")
    return None


def _cases() -> list[Path]:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        names = sorted(folder.iterdir())
        goldens = {g for doc in names if (g := _golden(doc)) is not None and g != doc}
        for doc in names:
            if doc in goldens or doc.suffix == ".url" or doc.name.endswith(".expected.json"):
                continue
            if doc.is_file() and _golden(doc) is not None:
                cases.append(doc)
    return cases


CASES = _cases()


@pytest.mark.parametrize("doc", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(doc: Path) -> None:
    url_file = doc.with_suffix(".url")
    url = url_file.read_text(encoding="utf-8").strip() if url_file.exists() else None
    kind = "page" if doc.parent.name == "page" else "feed"
    records = [article_to_dict(a) for a in normalize_document(doc.read_bytes(), kind, url, source="fixture")]
    expected = json.loads(_golden(doc).read_text(encoding="utf-8"))
    assert len(records) == len(expected), f"{doc.name}: {len(records)} records, expected {len(expected)}"
    for number, (got, want) in enumerate(zip(records, expected), 1):
        for key, value in want.items():
            assert got.get(key) == value, f"{doc.name} record #{number} field {key!r}"


# Archived records keep their content hashes and ids only if these stay what they always were:
# the SHA-256 of repr() of the content fields (nested records written as dataclass writes them),
# over a record that replace() built exactly as dataclasses.replace would.

def _dataclass_repr(value: object) -> str:
    if dataclasses.is_dataclass(value):
        fields = ", ".join(f"{f.name}={_dataclass_repr(getattr(value, f.name))}"
                           for f in dataclasses.fields(value))
        return f"{type(value).__qualname__}({fields})"
    if isinstance(value, tuple):
        items = [_dataclass_repr(item) for item in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    return repr(value)


@pytest.mark.parametrize("doc", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_content_hashes_are_the_hash_of_the_content_fields(doc: Path) -> None:
    kind = "page" if doc.parent.name == "page" else "feed"
    for article in normalize_document(doc.read_bytes(), kind, None, source="fixture"):
        content = tuple(getattr(article, name) for name in model._CONTENT_FIELDS)
        assert repr(content) == _dataclass_repr(content)
        blob = _dataclass_repr(content).encode("utf-8", "surrogatepass")
        assert article.content_hash == hashlib.sha256(blob).hexdigest()
        changed = article.replace(title="Changed", editions=("es",))
        assert changed == dataclasses.replace(article, title="Changed", editions=("es",))
        assert vars(changed) == vars(dataclasses.replace(article, title="Changed", editions=("es",)))
        assert compute_content_hash(changed) != article.content_hash
        with pytest.raises(TypeError):
            article.replace(no_such_field=1)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0xFF),
                                  st.sampled_from(list("'\"\\\n\t’€\u2028\ud800"))), max_size=40))
def test_a_body_is_hashed_as_repr_writes_it(text: str) -> None:
    """The content hash quotes a Latin-1 body repr would write as it is, without repr."""
    assert model._text_repr(text) == repr(text)
