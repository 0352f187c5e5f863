"""Benchmark of normalize.language (run by hand, never in CI; prints figures only).

    python bench/bench_language.py            # speed on 10,000 generated items
    python bench/bench_language.py --sweep    # accuracy and speed per body prefix length
    python bench/bench_language.py --startup  # first detect() in a fresh process, model cache
    python bench/bench_language.py --labelled FILE [FILE ...]  # accuracy per language and kind

``--labelled`` reads labelled texts from files outside the repository: a JSON object mapping a
kind ("pairs", "sentences", ...) to a list of ``[language, text]``, or a TSV of
``language<TAB>text`` lines (kind: the file name). It prints the share detected right per
language and kind, the worst language, the commonest confusions and the CPU time per text.

Items are generated deterministically (``random.Random(5)``) from the labelled texts in
``tests/data/language``: a headline, a lead as summary for 60% of items, a body of 2 to 6 other
leads of the same language; 8% are in a confuser language, 3% declare a wrong language, 45%
declare the right one. The "re-poll" run feeds the same items three times in a shuffled order,
as a scheduler polling feeds every few minutes does. The first pass in a process is slower than
the next ones: the rankers build the DFA states the texts visit (normalize.langid_fast).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.environment import configure_normalize  # noqa: E402
from normalize import language  # noqa: E402
from normalize.model import Article  # noqa: E402

DATA = ROOT / "tests" / "data" / "language"
MAIN = ("en", "fr", "es", "de", "pt", "it")
CONFUSERS = ("ca", "gl", "nl", "ro")


def load_texts() -> dict[str, dict[str, list[str]]]:
    """Return ``{lang: {"headline": [...], "lead": [...]}}`` from the labelled TSV files."""
    texts: dict[str, dict[str, list[str]]] = {}
    for path in sorted(DATA.glob("*.tsv")):
        kinds: dict[str, list[str]] = {"headline": [], "lead": []}
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                kinds[row["kind"]].append(row["text"])
        texts[path.stem] = kinds
    return texts


def generate(count: int, texts, seed: int = 5) -> list[tuple[Article, str]]:
    """Return ``count`` (article, true language) pairs, the same ones on every run."""
    rng = random.Random(seed)
    items = []
    for number in range(count):
        lang = rng.choice(CONFUSERS) if rng.random() < 0.08 else rng.choice(MAIN)
        pool = texts[lang]
        title = rng.choice(pool["headline"])
        summary = rng.choice(pool["lead"]) if rng.random() < 0.6 else None
        body = " ".join(rng.sample(pool["lead"], rng.randint(2, 6)))
        roll = rng.random()
        if roll < 0.03:
            declared = rng.choice([code for code in MAIN if code != lang])
        elif roll < 0.48:
            declared = rng.choice([lang, lang.upper(), f"{lang}-{lang.upper()}"])
        else:
            declared = None
        article = Article(id=str(number), guid=str(number), source="bench", title=title,
                          summary=summary, body_text=body, language=declared)
        items.append((article, lang))
    return items


def run(items, repeat: int = 1, seed: int = 9) -> tuple[float, int, int]:
    """Detect every item (``repeat`` times, shuffled); return (CPU seconds, correct, total).

    CPU time, not wall time: the bench machine is shared, and other jobs' load would otherwise
    show up as our slowness.
    """
    order = [item for item in items for _ in range(repeat)]
    random.Random(seed).shuffle(order)
    correct = 0
    start = time.process_time()
    for article, truth in order:
        correct += language.detect_article(article).language == truth
    return time.process_time() - start, correct, len(order)


def bench_speed(count: int) -> None:
    texts = load_texts()
    items = generate(count, texts)
    language.warm_up()  # models and profiles load before the clock starts
    seconds, correct, total = run(items)
    print(f"{total} unique items, first pass:  {total / seconds:8.0f} items/CPU-s "
          f"({seconds * 1e3 / total:.2f} ms/item, DFA states being built)")
    language.clear_cache()
    seconds, correct, total = run(items)
    print(f"{total} unique items, cold cache: {total / seconds:8.0f} items/CPU-s "
          f"({seconds * 1e3 / total:.2f} ms/item), accuracy {correct / total:.2%}")
    language.clear_cache()
    seconds, correct, total = run(items, repeat=3)
    print(f"{total} items (each seen 3x, re-poll): {total / seconds:8.0f} items/CPU-s "
          f"({seconds * 1e3 / total:.2f} ms/item)")
    seconds, _, total = run(items)
    print(f"{total} items, warm cache:        {total / seconds:8.0f} items/CPU-s")


def bench_sweep(count: int) -> None:
    """Accuracy and speed per BODY_CHARS, on items without a summary (the body must speak)."""
    texts = load_texts()
    items = [(article.replace(summary=None, language=None), lang)
             for article, lang in generate(count, texts, seed=11)]
    language.warm_up()
    default = language.BODY_CHARS
    print("title + body prefix, no summary, no declaration:")
    for chars in (0, 50, 100, 200, 300, 500, 800):
        language.BODY_CHARS = chars
        language.clear_cache()
        seconds, correct, total = run(items)
        main_items = [(a, t) for a, t in items if t in MAIN]
        language.clear_cache()
        _, main_correct, main_total = run(main_items)
        print(f"  BODY_CHARS={chars:4d}: all {correct / total:7.2%}  six main "
              f"{main_correct / main_total:7.2%}  {total / seconds:7.0f} items/CPU-s")
    language.BODY_CHARS = default


STARTUP_SCRIPT = """
import json, time
start = time.perf_counter()
from ingest.environment import configure_normalize
from normalize import language
configure_normalize()
imported = time.perf_counter()
language.detect("Le gouvernement adopte la réforme des retraites après des mois de débat")
print(json.dumps([imported - start, time.perf_counter() - imported]))
"""


def bench_startup(runs: int = 3) -> None:
    """Import and first detect() in fresh processes: without the model cache, then with it."""
    with tempfile.TemporaryDirectory() as cache_home:
        env = dict(os.environ, XDG_CACHE_HOME=cache_home, PYTHONPATH=str(ROOT))
        for label in ["no model cache (py3langid loads it, we cache it)"] + ["model cache"] * runs:
            done = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT], capture_output=True,
                                  text=True, env=env, cwd=ROOT, check=True)
            imported, first = json.loads(done.stdout)
            print(f"  import normalize.language {imported * 1e3:6.0f} ms, first detect() "
                  f"{first * 1e3:6.0f} ms  ({label})")


def load_labelled(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Return ``{kind: [(language, text), ...]}`` from a JSON or TSV file (see module doc)."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return {kind: [(lang, text) for lang, text in rows] for kind, rows in data.items()}
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        lang, _, text = line.partition("\t")
        if text and lang != "lang":  # the header line
            rows.append((lang.strip(), text.strip()))
    return {path.stem: rows}


def bench_labelled(paths: list[Path]) -> None:
    """Accuracy of ``language.detect`` (default candidates, nothing declared) per language."""
    for path in paths:
        for kind, rows in load_labelled(path).items():
            right: dict[str, int] = {}
            total: dict[str, int] = {}
            confused: dict[tuple[str, str], int] = {}
            language.clear_cache()
            started = time.process_time()
            for lang, text in rows:
                got = language.detect(text).language
                total[lang] = total.get(lang, 0) + 1
                right[lang] = right.get(lang, 0) + (got == lang)
                if got != lang:
                    confused[(lang, got)] = confused.get((lang, got), 0) + 1
            per_text = (time.process_time() - started) / max(len(rows), 1) * 1e3
            shares = {lang: right[lang] / total[lang] for lang in total}
            print(f"{path.name} {kind}: {len(rows)} texts, {per_text:.2f} ms each (CPU)")
            print("  " + "  ".join(f"{lang} {share:.3f}" for lang, share in shares.items())
                  + f"   worst {min(shares.values()):.3f}")
            common = sorted(confused.items(), key=lambda item: -item[1])[:6]
            print("  read as: " + ", ".join(f"{a}->{b} {n}" for (a, b), n in common))


def main() -> None:
    configure_normalize()  # the model cache folder, as the ingest process has it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sweep", action="store_true", help="measure body prefix lengths")
    parser.add_argument("--startup", action="store_true",
                        help="measure import and first detect() in fresh processes")
    parser.add_argument("--labelled", nargs="+", type=Path, metavar="FILE",
                        help="accuracy on labelled texts (JSON or TSV, see above)")
    args = parser.parse_args()
    if args.labelled:
        bench_labelled(args.labelled)
    elif args.startup:
        bench_startup()
    elif args.sweep:
        bench_sweep(min(args.count, 3000))
    else:
        bench_speed(args.count)


if __name__ == "__main__":
    main()
