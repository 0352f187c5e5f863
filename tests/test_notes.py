"""Record notes (``Article.extra``) are typed, and nothing a user or an archive sees changed.

Notes are :class:`normalize.model.Note` pairs of a :class:`NoteKind` and a text. They are still
exported and stored as ``[kind, text]``, and repr() still writes them as plain string pairs: a
feed's change date follows a hash of its records' reprs (``syndicate.publish.channel_digest``),
so any other repr would re-date every feed once after an upgrade.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import normalize_document
from normalize.model import (Article, Note, NoteKind, article_from_dict, article_to_dict,
                             make_notes, note_texts)

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = sorted(p for folder in ("newsml_g2", "nitf", "ninjs", "page")
              for p in (FIXTURES / folder).iterdir() if p.suffix in (".xml", ".html", ".ninjs"))


def _records() -> list[Article]:
    records = []
    for doc in DOCS:
        kind = "page" if doc.parent.name == "page" else "feed"
        try:
            records += normalize_document(doc.read_bytes(), kind, None, source="fixture")
        except Exception:  # noqa: BLE001 - documents that must fail are test_fixtures' concern
            continue
    return records


RECORDS = _records()


def test_the_parsers_write_typed_notes() -> None:
    notes = [note for record in RECORDS for note in record.extra]
    assert {NoteKind.BODY, NoteKind.GEO, NoteKind.URGENCY} <= {note.kind for note in notes}
    assert all(isinstance(note, Note) and isinstance(note.kind, NoteKind) for note in notes)


def test_notes_export_store_and_repr_as_the_plain_pairs_they_were() -> None:
    for record in (r for r in RECORDS if r.extra):
        pairs = tuple((str(note.kind), note.text) for note in record.extra)
        assert repr(record.extra) == repr(pairs)
        assert repr(record) == repr(record.replace(extra=pairs))
        exported = json.dumps(article_to_dict(record), sort_keys=True)
        assert json.loads(exported)["extra"] == [list(pair) for pair in pairs]
        back = article_from_dict(json.loads(exported))
        assert back == record and repr(back) == repr(record)
        assert all(isinstance(note.kind, NoteKind) for note in back.extra)


def test_an_older_archive_s_notes_read_back_typed_and_unknown_kinds_survive() -> None:
    notes = make_notes([["repair", "encoding: cp1252"], ["geo", "located\tCH\tBern"],
                        ["some_old_key", "kept"]])
    assert notes[0].kind is NoteKind.REPAIR and notes[1].kind is NoteKind.GEO
    assert notes[2] == ("some_old_key", "kept")
    assert note_texts(notes, NoteKind.REPAIR) == ("encoding: cp1252",)
    assert json.loads(json.dumps(notes)) == [["repair", "encoding: cp1252"],
                                             ["geo", "located\tCH\tBern"], ["some_old_key", "kept"]]


@pytest.mark.parametrize("kind", list(NoteKind))
def test_a_kind_is_its_stored_key(kind: NoteKind) -> None:
    assert kind == kind.value and hash(kind) == hash(kind.value) and repr(kind) == repr(kind.value)
