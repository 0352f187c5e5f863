"""Language detection an editor can trust: declared codes, two detectors, and stated reasons.

:func:`detect` answers "what language is this text in?" with an ISO 639-1 code, a confidence
(the text's support for the returned language, 0.0 when the text gave none), the method used and,
whenever something was odd, a ``reason`` a person can read:

- ``declared-confirmed``: the document declared a language and the text agrees.
- ``declared``: the declaration stands unconfirmed (too little text, or the text leans elsewhere
  without enough evidence to overrule a publisher's own statement).
- ``detected``: no usable declaration, or the text contradicts it with high confidence
  (>= ``OVERRULE_P`` on >= ``OVERRULE_LETTERS`` letters); the overruling is written in ``reason``.
- ``fallback``: the text cannot decide (empty, markup or emoji only, mixed languages,
  inconclusive); the language is then the source's configured one, else ``"und"``.

How the text is read (same input, same answer, every run, whatever the call order):

1. Markup, entities, URLs and e-mail addresses are removed; an all-caps headline is lowercased
   (langdetect ignores capitalised runs); the text is cut to ``MAX_CHARS`` at a word boundary.
2. py3langid scores it, restricted to the candidate languages (default: the editions' en, fr,
   es, de, pt, it), the confusers ca, gl, nl, ro and the declared language; its ranking is
   computed by :mod:`normalize.langid_fast` (same probabilities, a fraction of the cost, the
   model mapped from a cache file in the folder the shell names). A text of at least
   ``2 * HALF_LETTERS`` letters is scored as two halves whose posteriors are multiplied
   (tempered by 1/sqrt 2 so the result is about as sharp as one whole-text call): halves that
   each confidently name a different language mean mixed-language text.
3. When py3langid's best is below ``SURE``, or is a confuser on short or less than certain text,
   langdetect gives a second opinion:
   its own detector per call (profiles loaded by us, sorted, restricted to the same languages,
   seed 0), mixed in with weight ``LD_WEIGHT``. langdetect has no Galician profile; py3langid's
   value stands in for it.
   For a text under ``LEXICON_LETTERS`` letters, the words then speak too
   (:mod:`normalize.lexicon`): each language's share is multiplied by the likelihood of the
   text's words under its frequency list (wordfreq), so "uma casa" is Portuguese and "una
   casa" Spanish where the character models split evenly. Below ``MIN_LETTERS`` a text is
   read only when at least two of its words are listed somewhere.
4. A confuser only wins with a combined probability >= ``CONFUSER_MIN`` and, where langdetect has
   a profile for it, langdetect's agreement: a 60-character Spanish headline is never taken for
   Catalan on one engine's word.
5. When the text may not be in any of those languages (doubtful, confuser or non-Latin script),
   the unrestricted py3langid model looks at the first ``OUTSIDER_CHARS`` characters; a language
   outside the set wins only when it has >= ``OUTSIDER_P`` there and langdetect (all its
   profiles) names the same language (Swedish is otherwise read as German at 0.96).

Results are cached by a BLAKE2 hash of the prepared text and the language set (``CACHE_SIZE``
entries), so a feed polled again costs nothing.

Figures measured on the labelled set and the bench are in ``bench/README.md``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Iterable, NamedTuple

from normalize import lexicon, options
from normalize.language_codes import _ISO_639_1, normalize_code  # noqa: F401
from normalize.language_engines import (  # noqa: F401
    _ENGINES, _best, _code_of, _ld_rank, _ordered, _split_halves,
)
from normalize.language_text import (  # noqa: F401
    _NON_LATIN_LETTER, MAX_CHARS, _count_letters, _prepare, _Prepared,
)

log = logging.getLogger(__name__)

#: The languages the configured editions use (see DESIGN.md, "Editions").
DEFAULT_CANDIDATES: tuple[str, ...] = ("en", "fr", "es", "de", "pt", "it")
#: Close relatives of the candidates, kept in the model so their texts are not forced into a
#: candidate, and penalised so a candidate's text is not taken for them.
CONFUSERS: tuple[str, ...] = ("ca", "gl", "nl", "ro")


def _code_list(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """Normalize a candidates argument (codes, or one comma-separated string) to sorted codes."""
    if values is None:
        return DEFAULT_CANDIDATES
    if isinstance(values, str):
        values = values.split(",")
    codes = []
    for value in values:
        code = normalize_code(value)
        if code is None:
            log.warning("ignoring candidate language %r: not a language code", value)
        elif code not in codes:
            codes.append(code)
    return tuple(codes) or DEFAULT_CANDIDATES

METHOD_DECLARED = "declared"
METHOD_DETECTED = "detected"
METHOD_CONFIRMED = "declared-confirmed"
METHOD_FALLBACK = "fallback"
UNDETERMINED = "und"

# Tunables. SURE, LD_WEIGHT, CONFUSER_MIN, OVERRULE_*, BODY_CHARS were chosen by measurement
# on the labelled set and the bench (module docstring); the others by judgment, not tuned.
BODY_CHARS = 200          # characters of body_text read after title and summary
MIN_LETTERS = 8           # fewer letters: no evidence at all ...
LEXICON_MIN_LETTERS = 3   # ... unless this many letters hold two words a frequency list knows
LEXICON_LETTERS = 60      # texts shorter than this also weigh their words' frequencies
LEXICON_CHAR_WEIGHT = 0.5  # the character models' log-share beside the word log-likelihoods
LEXICON_CONFUSER_LOG_PRIOR = -2.0  # a confuser's head start in that sum (a 1:7 prior)
SURE = 0.9                # py3langid alone decides at or above this
LD_WEIGHT = 0.2           # langdetect's share in the mix for doubtful texts
CONFUSER_MIN = 0.8        # a confuser needs this combined probability (and langdetect's vote)
CONFUSER_SOLO_LETTERS = 100  # ... unless the text has this many letters ...
CONFUSER_SOLO_P = 0.99    # ... and py3langid gives it this much
OVERRULE_P = 0.95         # text must be this sure to overrule a declaration ...
OVERRULE_LETTERS = 20     # ... and have at least this many letters
LOW_CONFIDENCE = 0.5      # below this, the source's configured language is preferred
HALF_LETTERS = 50         # each half of a text checked for mixed languages has this many letters
MIXED_P = 0.9             # both halves this sure of different languages: mixed text
INCONCLUSIVE_LETTERS = 120  # a text this long ...
INCONCLUSIVE_P = 0.6      # ... whose best language is below this says nothing usable
OUTSIDER_CHARS = 160      # prefix the unrestricted model reads
OUTSIDER_P = 0.95         # its probability for a language outside the set
NON_LATIN_SHARE = 0.3     # share of non-Latin letters that triggers the outsider check
CACHE_SIZE = 16384


class Detection(tuple):
    """``(language, confidence)`` with ``.method`` and ``.reason`` attributes.

    Unpacks as a pair (``lang, conf = detect(text)``); ``method`` is one of ``declared``,
    ``detected``, ``declared-confirmed``, ``fallback``; ``reason`` is ``None`` or a sentence.
    """

    def __new__(cls, language, confidence, method, reason=None):
        self = super().__new__(cls, (language, confidence))
        self.method = method
        self.reason = reason
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.method, self.reason)

    def __repr__(self):
        return (f"Detection(language={self[0]!r}, confidence={self[1]:.3f}, "
                f"method={self.method!r}, reason={self.reason!r})")

    @property
    def language(self):
        return self[0]

    @property
    def confidence(self):
        return self[1]


# --- evidence (cached) ------------------------------------------------------------------------

class _Evidence(NamedTuple):
    ranking: tuple[tuple[str, float], ...]  # best first, confuser rule applied, >= 0.001
    mixed: tuple[str, float, str, float] | None
    outsider: tuple[str, float] | None      # confirmed language outside the set
    notes: tuple[str, ...]                  # what the engines said, for reasons


_CACHE: OrderedDict[bytes, _Evidence] = OrderedDict()
_CACHE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=256)
def _key_prefix(model: tuple[str, ...], confusers: frozenset[str]) -> bytes:
    return f"{','.join(model)}\x1f{','.join(sorted(confusers))}\x1f".encode()


def _evidence(prepared: _Prepared, model: tuple[str, ...], confusers: frozenset[str]) -> _Evidence:
    key = hashlib.blake2b(_key_prefix(model, confusers) + prepared.text.encode(),
                          digest_size=16).digest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    found = _gather_evidence(prepared, model, confusers)
    with _CACHE_LOCK:
        _CACHE[key] = found
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def use_model_cache(folder: Path | None) -> None:
    """Keep py3langid's decompressed model in ``folder`` (``None``: never write it anywhere).

    In: a folder chosen by the shell (``ingest`` passes ``$XDG_CACHE_HOME/wirefeed``). Takes
    effect if the model is not loaded yet. Out: nothing.
    """
    options.model_cache = None if folder is None else Path(folder)


def clear_cache() -> None:
    """Forget cached results (for benchmarks and tests). In: nothing. Out: nothing.

    What the engines have loaded or built (models, DFA states visited) stays: it is not a result.
    """
    with _CACHE_LOCK:
        _CACHE.clear()


def save_states(unless_written_since: int | None = None) -> int:
    """Keep the DFA states py3langid's rankers built in this process in the model cache folder
    (:func:`use_model_cache`), so that later processes (the next run's forkserver, in
    :func:`warm_up`) take them over instead of building them text by text (bench/README.md).
    A ranker is written once it has built enough states of its own
    (:data:`normalize.langid_fast.SAVE_MIN_TRANSITIONS`). In: nothing. Out: how many rankers
    were written. Never raises for the files: an error is logged.
    ``unless_written_since`` (``time.time_ns()``): a ranker whose file another process wrote
    after that moment is left alone (the sibling workers of one run, see ``ingest.workers``).
    """
    return _ENGINES.save_states(unless_written_since)


def states_to_save(unless_written_since: int | None = None) -> bool:
    """Whether :func:`save_states` would write a file now (a ranker built enough states of its
    own, and no other process wrote its file since ``unless_written_since``), without writing
    it. In: as :func:`save_states` takes it. Out: yes or no."""
    return _ENGINES.states_to_save(unless_written_since)


def warm_up(candidates=None) -> None:
    """Load now what :func:`detect` would load on first use, so that no text pays for it.

    In: the candidate languages, as :func:`detect` takes them (default
    :data:`DEFAULT_CANDIDATES`). Loads py3langid's model (from the cache file named by
    :func:`use_model_cache`, which is written if missing, see :mod:`normalize.langid_fast`), its
    rankers for the candidates with the confusers and for all languages (with the DFA states
    earlier processes kept there, :func:`save_states`), langdetect's profiles
    for the candidates with the confusers, and the word-frequency lists of those languages
    (:mod:`normalize.lexicon`: nearly every feed has a title short enough to need them).
    langdetect's profiles for all its languages are large and rarely needed, so they are left to
    the first text that needs them: one that py3langid reads as outside the candidates (costs
    of each: bench/README.md).
    Called in a process that then forks workers (a forkserver), the workers share all of it
    instead of each loading it. Out: nothing. Never raises: a failure is logged and
    :func:`detect` tries again when it needs the engine.
    """
    try:
        if candidates is not None and not isinstance(candidates, str):
            candidates = tuple(str(code) for code in candidates)
        model, _ = _model_for(candidates, None)
        _ENGINES.py_restricted(model)
        _ENGINES.py_full()
        _ENGINES.ld_factory(model)
        _ENGINES.ld_available()
        for code in model:
            lexicon.has_lexicon(code)
    except Exception:  # a missing or broken engine must not stop the caller
        log.exception("language detection engines could not be loaded ahead of use")


_HALVES_POWER = 1 / math.sqrt(2)


def _gather_evidence(prepared: _Prepared, model: tuple[str, ...],
                     confusers: frozenset[str]) -> _Evidence:
    text = prepared.text
    ident = _ENGINES.py_restricted(model)
    notes: list[str] = []
    mixed = None
    if prepared.letters >= 2 * HALF_LETTERS:
        first, second = (ident.probabilities(half) for half in _split_halves(text))
        p1, p2 = max(first.values()), max(second.values())
        if p1 >= MIXED_P and p2 >= MIXED_P:
            # MIXED_P is over one half: the best language is the only one with that share.
            top1, top2 = _code_of(first, p1), _code_of(second, p2)
            if top1 != top2:
                mixed = (top1, p1, top2, p2)
        # Independent halves multiply; the 1/sqrt(2) power undoes py3langid's per-length
        # softmax temperature so the product is as sharp as one whole-text call. (Both dicts
        # come from one ranker: same keys, same order.)
        weights = [((x1 if x1 > 1e-30 else 1e-30) * (x2 if x2 > 1e-30 else 1e-30)) ** _HALVES_POWER
                   for x1, x2 in zip(first.values(), second.values())]
        total = sum(weights)
        dist = dict(zip(first, [weight / total for weight in weights]))
    else:
        dist = ident.probabilities(text)
    ordered = _ordered(dist)
    best, best_p = ordered[0]

    ld_dist = None
    # A confuser on short or less than certain text needs langdetect's vote (see
    # _apply_confuser_rule); a long text py3langid is sure of does not.
    confuser_vote = best in confusers and (
        prepared.letters < CONFUSER_SOLO_LETTERS or best_p < CONFUSER_SOLO_P)
    if best_p < SURE or confuser_vote:
        factory = _ENGINES.ld_factory(model)
        if factory is not None:
            ld_dist = _ld_rank(factory, text)
            if ld_dist:
                ld_best, ld_p = _best(ld_dist)
                notes.append(f"py3langid {best} {best_p:.2f}, langdetect {ld_best} {ld_p:.2f}")
                # langdetect has no Galician: py3langid's share stands in for what langdetect
                # lacks, and langdetect's votes fill the rest, so both still sum to one.
                has_profile = _ENGINES.ld_available()
                lacking = {lang: p for lang, p in dist.items() if lang not in has_profile}
                scale = 1.0 - sum(lacking.values())
                dist = {lang: (1 - LD_WEIGHT) * p + LD_WEIGHT * (
                    lacking[lang] if lang in lacking else scale * ld_dist.get(lang, 0.0))
                    for lang, p in dist.items()}
                ordered = _ordered(dist)

    if prepared.letters < LEXICON_LETTERS:
        dist = _apply_lexicon(dist, text, confusers, notes)
        ordered = _ordered(dist)

    if ordered[0][0] in confusers:
        dist = _apply_confuser_rule(dist, confusers, ld_dist, notes)
        ordered = _ordered(dist)
    # Only languages with a say are kept: the cache holds thousands of these.
    ranking = (ordered[0], *[item for item in ordered[1:] if item[1] >= 1e-3])
    best, best_p = ranking[0]

    outsider = None
    if best_p < 0.99 or best in confusers or prepared.non_latin >= NON_LATIN_SHARE:
        outsider = _find_outsider(text, model, notes)
    return _Evidence(ranking, mixed, outsider, tuple(notes))


def _apply_lexicon(dist: dict[str, float], text: str, confusers: frozenset[str],
                   notes: list[str]) -> dict[str, float]:
    """Weigh a short text's words: combine ``dist`` with each language's word likelihoods.

    Character models see too few letters in a headline fragment ("uma casa" has 7), and
    Spanish and Portuguese share most of their n-grams; whole words tell them apart. The
    posterior is the character models' share (tempered by ``LEXICON_CHAR_WEIGHT``) times the
    words' likelihood, over the languages that have a frequency list; a language without one
    (Galician) keeps its character-model share. A confuser starts ``LEXICON_CONFUSER_LOG_PRIOR``
    behind: two words shared with Catalan ("tant que", "renta per") are more often a
    candidate's. Unchanged when no word is known anywhere.
    """
    scores, known = lexicon.log_likelihoods(text, dist)
    if not known or not scores:
        return dist
    logs = {lang: LEXICON_CHAR_WEIGHT * math.log(max(dist[lang], 1e-12)) + score
            + (LEXICON_CONFUSER_LOG_PRIOR if lang in confusers else 0.0)
            for lang, score in scores.items()}
    top = max(logs.values())
    weights = {lang: math.exp(value - top) for lang, value in logs.items()}
    scored_mass = sum(dist[lang] for lang in weights)
    total = sum(weights.values())
    combined = {lang: (weights[lang] / total * scored_mass if lang in weights else p)
                for lang, p in dist.items()}
    before, after = _best(dist)[0], _best(combined)[0]
    if before != after:
        notes.append(f"characters lean to {before}, the words to {after}")
    return combined


def _apply_confuser_rule(dist: dict[str, float], confusers: frozenset[str],
                         ld_dist: dict[str, float] | None, notes: list[str]) -> dict[str, float]:
    """Drop confusers that lead on thin evidence, until a candidate or a sound confuser leads.

    A dropped confuser's mass is not handed over: the text did not vouch for the runner-up, so
    its confidence stays as low as the text made it.
    """
    ld_best = _best(ld_dist)[0] if ld_dist else None
    has_profile = _ENGINES.ld_available()
    adjusted = dict(dist)
    dropped = []
    for lang, prob in _ordered(dist):
        if lang not in confusers:
            break
        ld_agrees = (lang not in has_profile or ld_best == lang
                     or (ld_dist is None and prob >= CONFUSER_SOLO_P))
        if prob >= CONFUSER_MIN and ld_agrees:
            break
        dropped.append(f"{lang} ({prob:.2f})")
        adjusted[lang] = 0.0
    if dropped:
        winner = _best(adjusted)[0]
        notes.append(f"looks like {' then '.join(dropped)} but a confuser needs >= {CONFUSER_MIN}"
                     f" and langdetect's agreement; read as {winner}")
    return adjusted


def _find_outsider(text: str, model: tuple[str, ...], notes: list[str]) -> tuple[str, float] | None:
    """A language outside ``model`` that both engines name for ``text``, or ``None``."""
    lang, prob = _ENGINES.py_full().best(
        text[:OUTSIDER_CHARS], lambda lang: lang not in model and lang in _ISO_639_1)
    if prob is None or prob < OUTSIDER_P:
        return None
    factory = _ENGINES.ld_factory(None)
    ld_dist = _ld_rank(factory, text) if factory is not None else {}
    ld_lang, ld_p = _best(ld_dist) if ld_dist else ("none", 0.0)
    if ld_lang != lang:
        notes.append(f"py3langid reads {lang} ({prob:.2f}), langdetect does not confirm it "
                     f"({ld_lang} {ld_p:.2f})")
        return None
    return lang, min(prob, ld_p)


# --- decisions --------------------------------------------------------------------------------

def detect(text, declared=None, candidates=None, *, fallback=None) -> Detection:
    """Return the language of ``text`` as a :class:`Detection`.

    In: ``text`` (plain text; stray markup is ignored), ``declared`` (the language the document
    states, any form :func:`normalize_code` reads), ``candidates`` (the languages the editions
    use; default :data:`DEFAULT_CANDIDATES`; :data:`CONFUSERS` are always added) and
    ``fallback`` (the source's configured language, used when the text cannot decide).
    Out: ``(language, confidence)`` with ``method`` and ``reason``; the language is an ISO
    639-1 code, or ``"und"`` when nothing is known. Never raises on bad input: empty text,
    markup or emoji only, mixed languages or a declared value that is not a language give a
    ``fallback`` (or the valid declaration) with the reason written out.
    """
    reasons: list[str] = []
    declared_code = normalize_code(declared)
    if declared is not None and declared_code is None and str(declared).strip():
        reasons.append(f"declared {declared!r} is not a language code")
    fallback_code = normalize_code(fallback)
    if fallback is not None and fallback_code is None and str(fallback).strip():
        reasons.append(f"configured {fallback!r} is not a language code")

    prepared = _prepare(text)
    if prepared.letters < MIN_LETTERS and not _has_known_words(prepared):
        what = "no text" if not prepared.text else f"too little text ({prepared.letters} letters)"
        if declared_code:
            return Detection(declared_code, 0.0, METHOD_DECLARED, _join(reasons, what))
        return _fallback(fallback_code, reasons, what)

    if candidates is not None and not isinstance(candidates, str):
        candidates = tuple(str(code) for code in candidates)
    model, confusers = _model_for(candidates, declared_code)
    invalid = len(reasons)
    evidence = _evidence(prepared, model, confusers)
    reasons.extend(evidence.notes)

    if evidence.outsider:
        # What the restricted engines said about a text in another language is noise.
        best, best_p = evidence.outsider
        reasons = reasons[:invalid] + [f"text is in {best}, outside the candidate languages"]
    elif evidence.mixed:
        first, p1, second, p2 = evidence.mixed
        what = f"mixed-language text (first half {first} {p1:.2f}, second half {second} {p2:.2f})"
        if declared_code in (first, second):
            share = dict(evidence.ranking).get(declared_code, 0.0)
            return Detection(declared_code, share, METHOD_DECLARED, _join(reasons, what))
        return _fallback(fallback_code, reasons, what)
    else:
        best, best_p = evidence.ranking[0]
        # A long text that settles on nothing, or a text in a script the chosen language does
        # not use, says nothing usable: a guess would only look like an answer.
        if ((prepared.letters >= INCONCLUSIVE_LETTERS and best_p < INCONCLUSIVE_P)
                or (prepared.non_latin >= 0.5 and best_p < SURE)):
            what = (f"inconclusive: best guess {best} at {best_p:.2f} "
                    f"over {prepared.letters} letters")
            if declared_code:
                share = dict(evidence.ranking).get(declared_code, 0.0)
                return Detection(declared_code, share, METHOD_DECLARED, _join(reasons, what))
            return _fallback(fallback_code, reasons, what)

    if declared_code is None:
        if fallback_code and best != fallback_code and best_p < LOW_CONFIDENCE:
            return _fallback(fallback_code, reasons, f"text is unsure ({best} {best_p:.2f})")
        return Detection(best, best_p, METHOD_DETECTED, _join(reasons))
    if best == declared_code:
        return Detection(best, best_p, METHOD_CONFIRMED, _join(reasons))
    share = dict(evidence.ranking).get(declared_code, 0.0)
    if prepared.letters >= OVERRULE_LETTERS and best_p >= OVERRULE_P:
        log.debug("declared %s overruled by text (%s %.2f)", declared_code, best, best_p)
        return Detection(best, best_p, METHOD_DETECTED, _join(
            reasons, f"declared {declared_code} overruled: the text is {best} ({best_p:.2f}, "
                     f"{declared_code} {share:.2f})"))
    return Detection(declared_code, share, METHOD_DECLARED, _join(
        reasons, f"text leans to {best} ({best_p:.2f}) but {prepared.letters} letters at that "
                 f"confidence do not overrule the declared {declared_code}"))


def detect_article(article, fallback=None, candidates=None) -> Detection:
    """Return the language of an :class:`~normalize.model.Article`.

    In: the article (its ``language`` is the declared one), ``fallback`` (the source's
    configured language) and ``candidates`` (as for :func:`detect`). The text read is title,
    summary and the first :data:`BODY_CHARS` characters of ``body_text`` (the summary is skipped
    when the body starts with it). Out: a :class:`Detection`. Never raises.
    """
    title = getattr(article, "title", "") or ""
    summary = getattr(article, "summary", "") or ""
    body = getattr(article, "body_text", "") or ""
    if summary and body.startswith(summary[:80]):
        summary = ""
    head = body[:BODY_CHARS]
    if len(body) > BODY_CHARS:
        cut = head.rfind(" ")
        head = head[:cut] if cut > BODY_CHARS // 2 else head
    text = "\n".join([part for part in (title, summary, head) if part])
    return detect(text, declared=getattr(article, "language", None), candidates=candidates,
                  fallback=fallback)


@functools.lru_cache(maxsize=256)
def _has_known_words(prepared: _Prepared) -> bool:
    """Whether a text too short for the character models still has two words a list knows.

    One short word ("Brexit", "Euro") is shared by too many languages to name one.
    """
    if prepared.letters < LEXICON_MIN_LETTERS:
        return False
    return lexicon.log_likelihoods(prepared.text, DEFAULT_CANDIDATES)[1] >= 2


#: _model_for's answers by (candidates, declared code): the same few for every text of a run.
_MODELS: dict[tuple, tuple[tuple[str, ...], frozenset[str]]] = {}


def _model_for(candidates, declared_code: str | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """Return (languages the engines choose among, those of them that are confusers)."""
    key = (candidates, declared_code)
    found = _MODELS.get(key)
    if found is not None:
        return found
    cands = _code_list(candidates)
    labels = _ENGINES.py_labels()
    unknown = [code for code in cands if code not in labels]
    if unknown:
        log.warning("no language model for candidate %s; ignored", ", ".join(unknown))
    wanted = set(cands) | set(CONFUSERS) | ({declared_code} if declared_code else set())
    model = tuple(sorted(code for code in wanted if code in labels))
    found = model, frozenset(model) - set(cands) - {declared_code}
    # (a candidate that is no code, or that the model lacks, is warned of each time)
    values = () if candidates is None else (
        candidates.split(",") if isinstance(candidates, str) else candidates)
    if not unknown and all(map(normalize_code, values)) and len(_MODELS) < 1024:
        _MODELS[key] = found
    return found


def _fallback(fallback_code: str | None, reasons: list[str], what: str) -> Detection:
    language = fallback_code or UNDETERMINED
    tail = "; using the source's configured language" if fallback_code else ""
    return Detection(language, 0.0, METHOD_FALLBACK, _join(reasons, what + tail))


def _join(reasons: list[str], *more: str) -> str | None:
    parts = [part for part in (*reasons, *more) if part]
    return "; ".join(parts) if parts else None
