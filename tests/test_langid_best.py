"""``Ranker.best``: the label and probability ``max`` over ``Ranker.probabilities`` gives, to the
last bit, whether or not it takes its shortcut (the label read from the log-likelihoods)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize import language
from normalize.language_engines import _best

MAIN = ("en", "fr", "es", "de", "pt", "it")
# Latin, Cyrillic (sr and uz are each held by two classes of the model), Greek, Arabic, CJK,
# Devanagari, spaces and punctuation.
_ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz éèçñüöäßøå.,'-")
                            + list("абвгдежзијклмнопрстуфхцчшђћџў")
                            + list("αβγδεζηθικλμνξοπρστυφχψω") + list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
                            + list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年")
                            + list("अआइईउऊएऐओऔकखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह"))
_WANTED = {
    "every label": None,
    "no label": lambda label: False,
    "outside the six": lambda label: label not in MAIN,
    "sr": lambda label: label == "sr",
}


def same_as_the_distribution(ranker, text: str) -> None:
    label, prob = _best(ranker.probabilities(text))
    for wanted in _WANTED.values():
        ours = ranker.best(text, wanted)
        assert ours == (label, prob if wanted is None or wanted(label) else None), text


def labelled_texts():
    from test_language import ranking_texts

    texts = ranking_texts()
    return texts + [text[:language.OUTSIDER_CHARS] for text in texts] + [
        "Сербия и Узбекистан", "Ўзбекистон Республикаси", "Србија", "...", "1 2 3"]


@pytest.mark.parametrize("langs", [None, MAIN])
def test_best_is_the_distributions_best_on_the_labelled_texts(langs):
    ranker = language._ENGINES.py_restricted(langs)
    for text in labelled_texts():
        same_as_the_distribution(ranker, text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=1, max_size=12), max_size=30).map(" ".join))
def test_best_is_the_distributions_best_on_any_text(text):
    same_as_the_distribution(language._ENGINES.py_full(), text)
