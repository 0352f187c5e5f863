"""Language detection. TEMPORARY minimal version until issue 5 lands."""

from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0


class Detection(tuple):
    """``(language, confidence)`` with ``.method`` and ``.reason`` attributes."""

    def __new__(cls, language, confidence, method, reason=None):
        self = super().__new__(cls, (language, confidence))
        self.method = method
        self.reason = reason
        return self

    @property
    def language(self):
        return self[0]

    @property
    def confidence(self):
        return self[1]


def detect(text, declared=None, candidates=None):
    try:
        best = detect_langs(text or "")[0]
        return Detection(best.lang, best.prob, "detected")
    except LangDetectException:
        return Detection(declared or "und", 0.0, "fallback", "no text")


def detect_article(article, fallback=None, candidates=None):
    text = " ".join(filter(None, [article.title, article.summary, article.body_text[:500]]))
    return detect(text, declared=article.language or fallback, candidates=candidates)
