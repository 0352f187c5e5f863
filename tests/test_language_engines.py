"""The langdetect tables we build equal langdetect's own, and so do its answers."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from langdetect.detector_factory import DetectorFactory, PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile

from normalize.language_engines import _Engines, _ld_ngrams, _ld_probabilities, _ld_rank

DATA = Path(__file__).parent / "data" / "language"


def our_texts() -> list[str]:
    """Every text of our labelled set (headlines and leads, ten languages)."""
    texts = []
    for path in sorted(DATA.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts += [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    return texts


def built_by_langdetect(names: list[str]) -> DetectorFactory:
    """A factory for the profile files ``names``, in that order, built by langdetect's own
    ``add_profile`` (as its ``load_profile`` does, in the folder's order)."""
    factory = DetectorFactory()
    factory.set_seed(0)
    for index, name in enumerate(names):
        with (Path(PROFILES_DIRECTORY) / name).open(encoding="utf-8") as handle:
            factory.add_profile(LangProfile(**json.load(handle)), index, len(names))
    return factory


@pytest.fixture(scope="module")
def langdetects_own():
    """langdetect's factory for all its profiles (in our order: sorted by name)."""
    return built_by_langdetect(sorted(os.listdir(PROFILES_DIRECTORY)))


def test_the_table_for_all_languages_equals_langdetects(langdetects_own):
    ours = _Engines().ld_factory(None)
    assert ours.langlist == langdetects_own.langlist
    table = ours.word_lang_prob_map
    assert "the" in table and "xqzj" not in table
    with pytest.raises(KeyError):
        table["xqzj"]
    # Looked up word by word (as a detector does), then filled in: both equal langdetect's.
    sample = list(langdetects_own.word_lang_prob_map)[::97]
    assert all(table[word] == langdetects_own.word_lang_prob_map[word] for word in sample)
    assert table.filled() == langdetects_own.word_lang_prob_map


def test_a_table_for_some_languages_is_built_at_once_and_equals_langdetects():
    langs = ("de", "en", "es")
    ours = _Engines().ld_factory(langs)
    reference = built_by_langdetect(ours.langlist)
    assert ours.langlist == ["de", "en", "es"]
    assert type(ours.word_lang_prob_map) is dict
    assert ours.word_lang_prob_map == reference.word_lang_prob_map


def test_a_table_for_some_languages_is_kept_in_the_cache_folder_and_read_back(tmp_path,
                                                                             monkeypatch):
    from normalize import options

    monkeypatch.setattr(options, "model_cache", tmp_path)
    langs = ("de", "en", "es")
    built = _Engines().ld_factory(langs)
    [kept] = tmp_path.glob("langdetect-table-*.marshal")
    reference = built_by_langdetect(built.langlist)
    for damage in (None, "flipped", "truncated"):
        if damage == "flipped":
            data = kept.read_bytes()
            kept.write_bytes(data[:-50] + bytes([data[-50] ^ 1]) + data[-49:])
        elif damage == "truncated":
            kept.write_bytes(kept.read_bytes()[:1000])
        read = _Engines().ld_factory(langs)  # a later process: from the file, or built again
        assert read.langlist == built.langlist == ["de", "en", "es"]
        assert read.word_lang_prob_map == reference.word_lang_prob_map
        assert list(read.word_lang_prob_map) == list(built.word_lang_prob_map)
    # other languages, another file
    _Engines().ld_factory(("fr", "it"))
    assert len(list(tmp_path.glob("langdetect-table-*.marshal"))) == 2


def test_langdetect_answers_the_same_with_our_table(langdetects_own):
    ours = _Engines().ld_factory(None)
    texts = our_texts()
    assert len(texts) > 1000
    for text in texts[::3]:
        assert _ld_rank(ours, text) == _ld_rank(langdetects_own, text), text


@pytest.mark.parametrize("langs", [None, ("ca", "de", "en", "es", "fr", "gl", "it", "nl", "pt",
                                          "ro")])
def test_our_trials_give_langdetects_own_probabilities(langs):
    # _ld_probabilities draws and multiplies in langdetect's order: equal floats, not close ones.
    factory = _Engines().ld_factory(langs)
    texts = our_texts()
    extra = ["", "   ", "1234 5678", "http://example.com/a", "Ελληνικά κείμενα εδώ", "東京で会議",
             "Brexit", "a" * 3, "Merkel und Macron treffen sich in Paris zum Gipfel " * 12]
    for text in texts[::5] + [text[:length] for text in texts[1::40] for length in (12, 40)] + extra:
        theirs = factory.create()
        theirs.append(text)
        ours = factory.create()
        ours.append(text)
        try:
            expected = [(found.lang, found.prob) for found in theirs.get_probabilities()]
        except LangDetectException:
            with pytest.raises(LangDetectException):
                _ld_probabilities(ours)
            continue
        assert [(found.lang, found.prob) for found in _ld_probabilities(ours)] == expected, text


def test_our_ngrams_are_langdetects_own():
    factory = _Engines().ld_factory(None)
    texts = our_texts()[::3] + ["Ελληνικά κείμενα", "東京で会議 カタカナ ひらがな", "한국어", "Tiếng Việt",
                                "AB CD ef GH i", "  a  b ", "عربي ی", "ȘȚ șț", "Ạ ẩ ỹ", "ㄅㄆ", "x", ""]
    for text in texts:
        detector = factory.create()
        detector.append(text)
        detector.cleaning_text()
        assert _ld_ngrams(detector.text, detector.word_lang_prob_map) == \
            detector._extract_ngrams(), text
