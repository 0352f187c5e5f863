"""Language detection: accuracy floors on our labelled set, declarations, bad input, determinism."""

from __future__ import annotations

import csv
import json
import os
import pickle
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from normalize import language
from normalize.language import Detection, detect, detect_article, normalize_code
from normalize.model import Article

DATA = Path(__file__).parent / "data" / "language"
MAIN = ("en", "fr", "es", "de", "pt", "it")
CONFUSERS = ("ca", "gl", "nl", "ro")
ROOT = Path(__file__).resolve().parents[1]


def load(lang: str) -> list[tuple[str, str]]:
    with (DATA / f"{lang}.tsv").open(encoding="utf-8", newline="") as handle:
        return [(row["kind"], row["text"])
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


LABELLED = {lang: load(lang) for lang in MAIN + CONFUSERS}


def group(kind: str, text: str) -> str:
    if kind == "lead":
        return "headline+lead"
    return "headline<=80" if len(text) <= 80 else "headline>80"


@pytest.fixture(scope="module")
def results():
    """Every labelled text detected once, candidates = the six (confusers added by the module)."""
    return {lang: [(group(kind, text), text, detect(text, candidates=MAIN))
                   for kind, text in rows] for lang, rows in LABELLED.items()}


# --- the labelled set itself ------------------------------------------------------------------

def test_labelled_set_has_the_promised_size():
    for lang in MAIN:
        kinds = Counter(kind for kind, _ in LABELLED[lang])
        assert sum(kinds.values()) >= 100, lang
        assert kinds["headline"] >= 50 and kinds["lead"] >= 50, (lang, kinds)
    for lang in CONFUSERS:
        assert len(LABELLED[lang]) >= 20, lang
    texts = [text for rows in LABELLED.values() for _, text in rows]
    assert len(texts) == len(set(texts)), "duplicate texts in the labelled set"
    assert all(kind in ("headline", "lead") for rows in LABELLED.values() for kind, _ in rows)


# --- accuracy floors --------------------------------------------------------------------------

def test_accuracy_floors(results):
    table, failures = [], []
    for lang in MAIN + CONFUSERS:
        right, total = Counter(), Counter()
        for name, _, found in results[lang]:
            total[name] += 1
            right[name] += found.language == lang
        cells = []
        for name in ("headline<=80", "headline>80", "headline+lead"):
            if total[name]:
                share = right[name] / total[name]
                cells.append(f"{name} {right[name]:3d}/{total[name]:3d} {share:7.2%}")
                floor = {"headline<=80": 0.97, "headline+lead": 0.99}.get(name)
                if lang in MAIN and floor and share < floor:
                    failures.append(f"{lang} {name}: {share:.2%} < {floor:.0%}")
        table.append(f"{lang}: " + " | ".join(cells))
    print("\n" + "\n".join(table))
    assert not failures, "\n".join(failures + table)


def load_pairs() -> list[tuple[str, str]]:
    """Two-word headline fragments we wrote (tests/data/language/pairs.tsv), as (lang, text)."""
    with (DATA / "pairs.tsv").open(encoding="utf-8", newline="") as handle:
        return [(row["lang"], row["text"])
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def test_two_word_texts_floor():
    """Headline fragments of two words: >= 0.85 in each of the six (issue 16)."""
    pairs = load_pairs()
    assert all(len(text.split()) == 2 for _, text in pairs)
    right, total = Counter(), Counter()
    for lang, text in pairs:
        total[lang] += 1
        right[lang] += detect(text).language == lang
    assert set(total) == set(MAIN) and min(total.values()) >= 30
    shares = {lang: right[lang] / total[lang] for lang in MAIN}
    assert min(shares.values()) >= 0.85, shares


def test_words_settle_what_characters_cannot():
    """Spanish and Portuguese share their n-grams; their function words tell them apart."""
    assert detect("uma casa").language == "pt"
    assert detect("una casa").language == "es"
    found = detect("Os mercados")
    assert found.language == "pt" and found.method == "detected"


def test_one_short_word_is_still_too_little():
    found = detect("Euro", fallback="fr")
    assert (found.language, found.method) == ("fr", "fallback")


def test_confuser_leads_are_recognised(results):
    for lang in CONFUSERS:
        leads = [found.language for name, _, found in results[lang] if name == "headline+lead"]
        assert sum(code == lang for code in leads) / len(leads) >= 0.9, (lang, leads)


def test_no_main_language_text_is_taken_for_a_confuser(results):
    wrong = [(lang, text, found) for lang in MAIN for _, text, found in results[lang]
             if found.language in CONFUSERS]
    assert not wrong


def test_sixty_character_spanish_headline_is_not_catalan():
    headline = "El Barça gana al Girona en Montjuïc y sigue líder de la Liga"
    assert len(headline) == 60
    found = detect(headline)
    assert found.language == "es"
    assert "ca" in found.reason  # the Catalan reading was seen and turned down, on the record


def test_a_long_catalan_text_is_catalan():
    text = ("Vaga de Rodalies: cues i retards a les estacions de Barcelona. Els usuaris han "
            "hagut d'esperar més d'una hora i la Generalitat demana a Renfe que garanteixi "
            "els serveis mínims durant tota la setmana.")
    assert detect(text).language == "ca"


# --- declared languages -----------------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    ("fr", "fr"), ("FR", "fr"), ("fr-FR", "fr"), ("fr_FR", "fr"), ("fr-ca", "fr"),
    ("fre", "fr"), ("fra", "fr"), ("ger", "de"), ("deu", "de"), ("pt-BR", "pt"),
    ("es-419", "es"), ("zh-Hant-TW", "zh"), ("en-US-x-twain", "en"), ("iw", "he"),
    (" it ", "it"), ("ENG", "en"),
    ("xx", None), ("english", None), ("French", None), ("fr_FR.UTF-8", None), ("und", None),
    ("", None), ("fr, en", None), ("f", None), ("fr-FR!", None), (None, None), (42, None),
])
def test_normalize_code(value, code):
    assert normalize_code(value) == code


def test_declared_language_confirmed_by_text():
    found = detect("Le gouvernement adopte la réforme des retraites après des mois de débat",
                   declared="fr-FR")
    assert (found.language, found.method) == ("fr", "declared-confirmed")
    assert found.confidence > 0.9


def test_contradicted_declaration_is_overruled_and_said_so():
    found = detect("Arsenal come from behind to go top of the Premier League", declared="fr")
    assert (found.language, found.method) == ("en", "detected")
    assert "overruled" in found.reason and "fr" in found.reason


def test_declaration_wins_when_text_is_too_short():
    found = detect("Inflation", declared="de")
    assert (found.language, found.method) == ("de", "declared")
    assert found.reason


def test_declaration_wins_when_text_only_leans_elsewhere():
    found = detect("Otro tropiezo del Atleti", declared="es")
    assert found.language == "es"
    assert found.method in ("declared", "declared-confirmed")


def test_true_declarations_are_never_overruled_on_the_labelled_set():
    overruled = [(lang, text, found) for lang in MAIN for _, text in LABELLED[lang]
                 if (found := detect(text, declared=lang)).language != lang]
    assert not overruled


def test_most_wrong_declarations_are_caught_on_leads():
    caught = total = 0
    for lang in MAIN:
        wrong = MAIN[(MAIN.index(lang) + 1) % len(MAIN)]
        for kind, text in LABELLED[lang]:
            if kind == "lead":
                total += 1
                caught += detect(text, declared=wrong).language == lang
    assert caught / total >= 0.99


def test_declared_language_outside_candidates_can_be_confirmed():
    text = ("Regeringen lägger fram en ny budget med sänkta skatter för pensionärer. "
            "Finansministern säger att statens finanser är starka.")
    assert detect(text, declared="sv").method == "declared-confirmed"


def test_text_outside_every_candidate_is_named_not_forced():
    text = ("Regeringen lägger fram en ny budget med sänkta skatter för pensionärer. "
            "Finansministern säger att statens finanser är starka.")
    found = detect(text)
    assert found.language == "sv"
    assert "outside" in found.reason


def test_other_scripts_are_named_when_both_engines_agree_else_left_undetermined():
    russian = detect("Правительство представило новый бюджет со снижением налогов для пенсионеров.")
    assert (russian.language, russian.method) == ("ru", "detected")
    # langdetect has no Armenian profile, so py3langid's reading stands alone: no answer.
    armenian = detect("Կառավարությունը ներկայացրել է նոր բյուջե, որը նվազեցնում է հարկերը "
                      "թոշակառուների համար։")
    assert (armenian.language, armenian.method) == ("und", "fallback")
    assert "hy" in armenian.reason


def test_candidates_restrict_the_choice():
    found = detect("Bundesrat billigt das neue Gesetz über die Mietpreisbremse",
                   candidates=("de", "fr", "it"))
    assert found.language == "de"


# --- bad input --------------------------------------------------------------------------------

MIXED = ("Arsenal come from behind to go top. Trailing by two goals at half-time, the Gunners "
         "scored twice in the final quarter of an hour. Le gouvernement adopte la réforme des "
         "retraites. La Première ministre a engagé la responsabilité de son gouvernement mardi.")


@pytest.mark.parametrize("text", [
    "", "   \n\t ", None, "<p></p><br/><div>&nbsp;</div>", "<script>var x = 1;</script>",
    "🔥🔥🔥 👍🎉", "2024-10-12 14:00 +0200", "https://example.com/news/2024/10/12", 12345,
    "OK", MIXED,
])
def test_bad_input_gives_a_fallback_with_reason(text):
    found = detect(text)
    assert (found.language, found.method) == ("und", "fallback")
    assert found.reason
    configured = detect(text, fallback="es")
    assert (configured.language, configured.method) == ("es", "fallback")


def test_mixed_text_keeps_a_declaration_it_contains():
    found = detect(MIXED, declared="fr")
    assert (found.language, found.method) == ("fr", "declared")
    assert "mixed" in found.reason


@pytest.mark.parametrize("declared", ["xx", "english", "fr_FR.UTF-8", "", 7])
def test_declared_value_that_is_not_a_language(declared):
    short = detect("Brexit", declared=declared)
    assert short.method == "fallback" and short.language == "und"
    assert short.reason
    configured = detect("Brexit", declared=declared, fallback="en-GB")
    assert (configured.language, configured.method) == ("en", "fallback")
    long = detect("The government has pushed its pension reform through parliament",
                  declared=declared)
    assert (long.language, long.method) == ("en", "detected")
    if declared not in ("", 7):
        assert repr(declared) in long.reason


def test_bytes_and_markup_are_read_as_text():
    assert detect("Le gouvernement adopte la réforme des retraites".encode()).language == "fr"
    found = detect("<p>El Gobierno <b>aprueba</b> la reforma de las pensiones &amp; "
                   "la ley de vivienda</p>")
    assert found.language == "es"


def test_all_caps_headline():
    assert detect("ARSENAL COME FROM BEHIND TO GO TOP OF THE LEAGUE").language == "en"


def test_unsure_short_text_prefers_the_sources_language():
    found = detect("Brexit", fallback="de")
    assert (found.language, found.method) == ("de", "fallback")


# --- the result type --------------------------------------------------------------------------

def test_detection_unpacks_and_pickles():
    found = detect("Le gouvernement adopte la réforme des retraites")
    lang, conf = found
    assert (lang, conf) == (found.language, found.confidence)
    assert isinstance(found, tuple) and len(found) == 2
    again = pickle.loads(pickle.dumps(found))
    assert again == found and again.method == found.method and again.reason == found.reason
    assert "fr" in repr(found)
    assert Detection("de", 0.5, "detected").reason is None


# --- articles ---------------------------------------------------------------------------------

def make(**fields) -> Article:
    return Article(id="1", guid="1", source="test", **fields)


def test_detect_article_uses_declared_language_and_text():
    article = make(title="Hochwasser: Schweizer Kanton ruft den Notstand aus",
                   summary="Nach tagelangen Regenfällen sind mehrere Flüsse über die Ufer "
                           "getreten.",
                   body_text="Die Behörden haben Hunderte Bewohner aufgefordert, ihre Häuser "
                             "vorsorglich zu verlassen." * 20,
                   language="de-CH")
    found = detect_article(article)
    assert (found.language, found.method) == ("de", "declared-confirmed")


def test_detect_article_reads_the_body_when_the_title_is_short():
    article = make(title="Brexit", body_text="Le gouvernement britannique a présenté mardi "
                   "un nouveau plan pour les relations commerciales avec l'Union européenne.")
    assert detect_article(article).language == "fr"


def test_detect_article_falls_back_to_the_sources_language():
    found = detect_article(make(title="🔥"), fallback="it")
    assert (found.language, found.method) == ("it", "fallback")
    assert detect_article(make(title="")).language == "und"


# --- determinism ------------------------------------------------------------------------------

PROBE = [text for lang in MAIN + CONFUSERS for _, text in LABELLED[lang][:12]] + [
    "Climber dies on Ben Nevis", "Otro tropiezo del Atleti", "Inflation", MIXED,
    "El Barça gana al Girona en Montjuïc y sigue líder de la Liga",
]


def snapshot(texts):
    return [list(detect(text)) + [detect(text).method, detect(text).reason] for text in texts]


def test_same_answer_whatever_the_order_and_the_cache():
    language.clear_cache()
    forward = snapshot(PROBE)
    language.clear_cache()
    backward = snapshot(PROBE[::-1])[::-1]
    cached = snapshot(PROBE)
    assert forward == backward == cached


def test_same_answer_in_a_fresh_process():
    script = ("import json, sys\n"
              "from normalize.language import detect\n"
              "texts = json.load(sys.stdin)[::-1]\n"
              "out = [list(detect(t)) + [detect(t).method, detect(t).reason] for t in texts]\n"
              "print(json.dumps(out[::-1]))\n")
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(PROBE),
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                          check=True)
    assert json.loads(done.stdout) == json.loads(json.dumps(snapshot(PROBE)))


def test_threads_get_the_same_answers():
    language.clear_cache()
    expected = snapshot(PROBE)
    language.clear_cache()
    outputs = [None] * 4

    def work(slot):
        outputs[slot] = snapshot(PROBE if slot % 2 else PROBE[::-1])

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outputs[1] == outputs[3] == expected
    assert outputs[0][::-1] == outputs[2][::-1] == expected


# --- py3langid's ranking, computed by normalize.langid_fast ----------------------------------

@pytest.fixture(scope="module")
def py3langid_full():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def ranking_texts():
    """The labelled texts, each whole and as the two halves detect() scores."""
    texts = []
    for lang in MAIN + CONFUSERS:
        for _, text in LABELLED[lang]:
            texts.append(text)
            texts.extend(language._split_halves(text))
    return texts + ["", "12345 678", "ARSENAL COME FROM BEHIND TO GO TOP OF THE LEAGUE",
                    "Правительство представило новый бюджет", "Bonjour e\u0301te\u0301"]


def assert_same_ranking(ours, theirs, text):
    """Same languages, probabilities within 1e-4, same order wherever py3langid's differ."""
    theirs = [(lang, float(prob)) for lang, prob in theirs]
    assert sorted(lang for lang, _ in ours) == sorted(lang for lang, _ in theirs), text
    expected = dict(theirs)
    for lang, prob in ours:
        assert prob == pytest.approx(expected[lang], abs=1e-4), (text, lang)
    position = {lang: index for index, (lang, _) in enumerate(ours)}
    for (lang1, prob1), (lang2, prob2) in zip(theirs, theirs[1:]):
        if prob1 - prob2 > 2e-4:
            assert position[lang1] < position[lang2], (text, lang1, lang2)


@pytest.mark.parametrize("langs", [("ca", "de", "en", "es", "fr", "gl", "it", "nl", "pt", "ro"),
                                   ("de", "fr", "it", "sr"), None])
def test_fast_ranking_is_py3langids(py3langid_full, langs):
    import copy

    from normalize.langid_fast import Ranker

    reference = copy.copy(py3langid_full)
    reference.set_languages(None if langs is None else list(langs))
    ours = Ranker(language._ENGINES.py_model(), langs)
    for text in ranking_texts():
        assert_same_ranking(ours.rank(text), reference.rank(text), text)


def test_fast_ranking_does_not_depend_on_the_states_it_kept(monkeypatch):
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()[:300]
    expected = [langid_fast.Ranker(model, MAIN).probabilities(text) for text in texts]
    # A ranker that starts afresh every few transitions (as after hostile input) answers the same.
    monkeypatch.setattr(langid_fast, "MAX_TRANSITIONS", 50)
    forgetful = langid_fast.Ranker(model, MAIN)
    assert [forgetful.probabilities(text) for text in texts] == expected


@pytest.mark.parametrize("langs", [MAIN, None])
def test_a_new_features_first_item_is_its_count_one_key(langs):
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    ranker = langid_fast.Ranker(model, langs)
    step = max(1, model.features // 2000)
    for number in range(0, model.features, step):  # read through the table of bit patterns
        feature = langid_fast._Feature(number, ranker)
        values = ranker._log_probabilities(number)
        assert feature[1] == langid_fast._Feature._key(values, ranker._packing, 1)
        feature.extend_to(3)
        assert feature[2:] == [langid_fast._Feature._key(values, ranker._packing, count)
                               for count in (2, 3)]


# --- the rankers' DFA states, kept for later processes ----------------------------------------

def ranked(ranker, texts):
    return [ranker.probabilities(text) for text in texts]


def test_restored_states_give_the_same_answers():
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()
    first, later = texts[: len(texts) // 2], texts[len(texts) // 2:]
    builder = langid_fast.Ranker(model, MAIN)
    expected = ranked(builder, texts)
    learner = langid_fast.Ranker(model, MAIN)
    ranked(learner, first)
    built = learner.built_transitions()
    assert built > 0
    restored = langid_fast.Ranker(model, MAIN)
    restored.restore(learner.snapshot())
    assert restored.restored_transitions == built and restored.built_transitions() == 0
    # Texts seen before walk the restored states; new ones build more on top of them.
    assert ranked(restored, first) == expected[: len(first)]
    assert restored.built_transitions() == 0
    assert ranked(restored, later) == expected[len(first):]
    assert ranked(restored, texts) == expected
    for state in restored._states.values():
        for byte, target in state.items():  # every transition is still the model's
            assert target.number == model.nextmove[(model.rows[state.number] << 8) + byte]


def test_a_snapshot_leaves_out_transitions_to_states_built_while_it_was_taken():
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()[:200]
    learner = langid_fast.Ranker(model, MAIN)
    expected = ranked(learner, texts)
    # As if another thread had added a transition to a new state after the states were listed.
    late = learner._root
    byte = next(b for b in range(256) if b not in late
                and model.nextmove[(model.rows[0] << 8) + b] not in learner._states)
    target = learner._state(model.nextmove[(model.rows[0] << 8) + byte])
    del learner._states[target.number]
    dict.__setitem__(late, byte, target)
    labels, transitions, features = learner.snapshot()
    assert byte not in transitions[0][0] and target.number not in transitions
    restored = langid_fast.Ranker(model, MAIN)
    restored.restore((labels, transitions, features))
    assert ranked(restored, texts) == expected


def test_a_snapshot_of_other_languages_or_a_contradicting_one_is_refused():
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()[:200]
    source = langid_fast.Ranker(model, MAIN)
    expected = ranked(source, texts)
    other = langid_fast.Ranker(model, ("en", "fr"))
    ranked(other, texts)
    target = langid_fast.Ranker(model, MAIN)
    with pytest.raises(ValueError):
        target.restore(other.snapshot())
    labels, transitions, features = source.snapshot()
    number, (edges, targets) = next((n, t) for n, t in transitions.items() if t[0])
    wrong = dict(transitions)
    wrong[number] = (edges, (targets[0] + 1,) + targets[1:])
    with pytest.raises(ValueError):
        target.restore((labels, wrong, features))
    missing = {n: t for n, t in transitions.items() if n != targets[0]}
    with pytest.raises(ValueError):
        target.restore((labels, missing, features))
    with pytest.raises(ValueError):
        target.restore(("not", "a snapshot"))
    assert target.restored_transitions == 0
    assert ranked(target, texts) == expected


@pytest.fixture
def states_folder(tmp_path, monkeypatch):
    from normalize import langid_fast

    monkeypatch.setattr(langid_fast, "SAVE_MIN_TRANSITIONS", 10)
    return tmp_path


def test_states_are_kept_in_the_cache_folder_and_taken_back(states_folder):
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()[:300]
    learner = langid_fast.Ranker(model, MAIN)
    expected = ranked(learner, texts)
    assert langid_fast.save_states(learner, states_folder)
    path = langid_fast.states_path(states_folder, learner.labels)
    assert path.is_file() and not list(states_folder.glob("*.tmp"))
    fresh = langid_fast.Ranker(model, MAIN)
    assert langid_fast.load_states(fresh, states_folder)
    assert fresh.restored_transitions == learner.built_transitions()
    assert ranked(fresh, texts) == expected
    # Nothing new built: nothing written again; no folder: nothing written at all.
    path.unlink()
    assert not langid_fast.save_states(fresh, states_folder) and not path.exists()
    assert not langid_fast.save_states(learner, None)
    assert not langid_fast.load_states(langid_fast.Ranker(model, MAIN), None)
    # Other languages have their own file.
    assert langid_fast.states_path(states_folder, ("en", "fr")) != path


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "stale code", "empty"])
def test_damaged_or_stale_states_are_ignored_with_the_same_answers(states_folder, damage,
                                                                   monkeypatch):
    from normalize import langid_fast

    model = language._ENGINES.py_model()
    texts = ranking_texts()[:300]
    learner = langid_fast.Ranker(model, MAIN)
    expected = ranked(learner, texts)
    assert langid_fast.save_states(learner, states_folder)
    path = langid_fast.states_path(states_folder, learner.labels)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00" * 1000)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # this module changed since the file was written: the file is not even looked at
        code = states_folder / "langid_fast.py"
        code.write_text("changed")
        monkeypatch.setattr(langid_fast, "__file__", str(code))
        assert langid_fast.states_path(states_folder, learner.labels) != path
    fresh = langid_fast.Ranker(model, MAIN)
    assert not langid_fast.load_states(fresh, states_folder)
    assert fresh.restored_transitions == 0
    assert ranked(fresh, texts) == expected
    assert langid_fast.save_states(fresh, states_folder)  # a good file takes its place
    again = langid_fast.Ranker(model, MAIN)
    assert langid_fast.load_states(again, states_folder)
    assert ranked(again, texts) == expected


def test_the_states_file_is_named_after_the_code_text_not_its_mtime(states_folder, monkeypatch):
    import shutil

    from normalize import langid_fast

    path = langid_fast.states_path(states_folder, MAIN)
    copy = states_folder / "checkout" / "langid_fast.py"  # the same text, checked out again
    copy.parent.mkdir()
    shutil.copy(langid_fast.__file__, copy)
    os.utime(copy, ns=(10**18, 10**18))
    monkeypatch.setattr(langid_fast, "__file__", str(copy))
    assert langid_fast.states_path(states_folder, MAIN) == path


def test_save_states_writes_the_rankers_of_this_process(states_folder, monkeypatch):
    from normalize import langid_fast, options
    from normalize.language_engines import _Engines

    monkeypatch.setattr(options, "model_cache", states_folder)
    engines = _Engines()
    engines._py_model = language._ENGINES.py_model()
    ranker = engines.py_restricted(MAIN)
    expected = ranked(ranker, ranking_texts()[:100])
    assert engines.save_states() == 1
    assert langid_fast.states_path(states_folder, ranker.labels).is_file()
    later = _Engines()
    later._py_model = engines._py_model
    taken = later.py_restricted(MAIN)  # a later process: its ranker starts from the file
    assert taken.restored_transitions == ranker.built_transitions()
    assert ranked(taken, ranking_texts()[:100]) == expected


def test_a_states_file_written_since_a_moment_is_left_to_its_writer(states_folder, monkeypatch):
    import time

    from normalize import langid_fast, options
    from normalize.language_engines import _Engines

    monkeypatch.setattr(options, "model_cache", states_folder)
    started = time.time_ns()  # two sibling workers of one run, started at once
    first, second = _Engines(), _Engines()
    for engines in (first, second):
        engines._py_model = language._ENGINES.py_model()
        ranked(engines.py_restricted(MAIN), ranking_texts()[:100])
    fcntl = pytest.importorskip("fcntl")
    with open(states_folder / "py3langid-states.lock", "w") as held:  # a sibling writing now
        fcntl.flock(held, fcntl.LOCK_EX)
        assert first.save_states(unless_written_since=started) == 0
    assert first.states_to_save(unless_written_since=started)
    assert first.save_states(unless_written_since=started) == 1
    path = langid_fast.states_path(states_folder, first.py_restricted(MAIN).labels)
    written = path.read_bytes()
    assert not second.states_to_save(unless_written_since=started)  # (no child to fork for it)
    assert second.save_states(unless_written_since=started) == 0  # the sibling's file stays
    assert path.read_bytes() == written
    # a worker started after that file was written (the daemon's next run) writes its own
    assert second.states_to_save(unless_written_since=time.time_ns() + 10**9)
    assert second.save_states(unless_written_since=time.time_ns() + 10**9) == 1
    assert second.save_states() == 1


# --- the model cache and warm_up --------------------------------------------------------------

CACHE_SCRIPT = """
import json, sys
from ingest.environment import cache_folder, configure_normalize
from normalize import langid_fast
from normalize.language import detect
configure_normalize()
texts = json.load(sys.stdin)
out = [list(detect(text)) + [detect(text).method, detect(text).reason] for text in texts]
print(json.dumps({"answers": out, "loaded_by_py3langid": "py3langid.langid" in sys.modules,
                  "numpy_imported": "numpy" in sys.modules,
                  "wordfreq_imported": "wordfreq" in sys.modules,
                  "cache": str(langid_fast.cache_path(cache_folder()))}))
"""


def run_with_cache(cache_home: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache_home))
    done = subprocess.run([sys.executable, "-c", CACHE_SCRIPT], input=json.dumps(PROBE),
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
                          check=True)
    return json.loads(done.stdout)


def test_model_cache_is_written_then_used_with_the_same_answers(tmp_path):
    expected = json.loads(json.dumps(snapshot(PROBE)))
    first = run_with_cache(tmp_path)  # no cache yet: py3langid's model file is read, we keep a copy
    cache = Path(first["cache"])
    assert cache.parent == tmp_path / "wirefeed" and cache.is_file()
    # read straight from its file (normalize.langid_source): neither py3langid nor numpy loaded
    assert not first["loaded_by_py3langid"] and not first["numpy_imported"]
    assert not first["wordfreq_imported"]  # its lists' files are read directly
    assert sorted(cache.parent.glob("wordfreq-small-*.marshal"))  # the word lists, kept too
    second = run_with_cache(tmp_path)  # mapped from the cache: py3langid (and numpy) not imported
    assert not second["loaded_by_py3langid"] and not second["numpy_imported"]
    assert not second["wordfreq_imported"]  # the word lists came from the cache folder
    assert first["answers"] == second["answers"] == expected


def test_old_model_copies_of_other_installs_are_pruned_when_a_new_one_is_written(tmp_path):
    folder = tmp_path / "wirefeed"
    folder.mkdir()
    stamp = 1_700_000_000 * 10**9  # long ago, set explicitly
    stale = []
    for n in range(4):  # copies left by four earlier venvs, each 68 MB in real life
        path = folder / f"py3langid-model-1-{n}-code-2-{n}-v1.bin"
        path.write_bytes(b"old")
        os.utime(path, ns=(stamp + n, stamp + n))
        stale.append(path)
    cache = Path(run_with_cache(tmp_path)["cache"])
    assert cache.is_file()
    left = sorted(folder.glob("py3langid-model-*.bin"))
    assert left == sorted([cache, stale[3], stale[2]])  # the two used last are kept
    assert run_with_cache(tmp_path)["loaded_by_py3langid"] is False  # ours is used, not pruned


@pytest.mark.parametrize("damage", ["garbage", "truncated", "unwritable"])
def test_a_broken_model_cache_never_breaks_detection(tmp_path, damage):
    expected = json.loads(json.dumps(snapshot(PROBE)))
    if damage == "unwritable":
        (tmp_path / "wirefeed").write_text("a file where the cache folder should be")
    else:
        cache = Path(run_with_cache(tmp_path)["cache"])
        for path in [cache, *cache.parent.glob("wordfreq-small-*.marshal")]:
            data = path.read_bytes()
            path.write_bytes(b"\x00" * 1000 if damage == "garbage" else data[: len(data) // 2])
    assert run_with_cache(tmp_path)["answers"] == expected
    if damage != "unwritable":  # the broken files were replaced by good ones
        again = run_with_cache(tmp_path)
        assert not again["loaded_by_py3langid"] and not again["wordfreq_imported"]


def test_warm_up_loads_the_engines_and_never_raises(monkeypatch):
    language.warm_up(["en", "fr", "xx"])
    language.warm_up()
    assert detect("Le gouvernement adopte la réforme des retraites").language == "fr"

    def broken(*_):
        raise OSError("no model here")

    monkeypatch.setattr(language._ENGINES, "py_restricted", broken)
    language.warm_up([["not", "a", "code"]])  # logged, not raised


def test_letter_counts_agree_with_str_methods():
    from hypothesis import given, settings, strategies as st

    from normalize.language import _NON_LATIN_LETTER, _count_letters

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=80) | st.text(st.characters(max_codepoint=0x2fff), max_size=80))
    def check(text):
        assert tuple(_count_letters(text)) == (sum(map(str.isalpha, text)),
                                               sum(map(str.isupper, text)),
                                               len(_NON_LATIN_LETTER.findall(text)))

    check()
