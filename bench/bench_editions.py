"""Edition routing on labelled feeds: how domestic and world-desk items are routed. By hand::

    python bench/bench_editions.py                       # the bundled sample wire
    python bench/bench_editions.py FILE:AU:domestic FILE::world ...

Each argument is a feed document, the country of its source (empty for none) and its desk:
``domestic`` (a national outlet's own news) or ``world`` (a world desk). Every item is parsed,
its language detected and routed with the shipped ``schedules.toml`` editions, the source's
country declared. Printed: the share of domestic items in their country's edition (an edition of
their language whose ``country`` is the source's or that ``covers`` it), the share also in a
sibling edition (any other edition of their language), and the share of world-desk items that
reach every edition of their language.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.config import load_config  # noqa: E402
from normalize import normalize_many  # noqa: E402
from normalize.editions import SourceRouting, route  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
#: The sample wire's national desks (their own country's news) and world desks.
SAMPLE_MANIFEST = (
    ("aap.rss", "AU", "domestic"),
    ("inbox/pti-20260305.xml", "IN", "domestic"),
    ("inbox/pa-20260306.xml", "GB", "domestic"),
    ("inbox/ana-20260307.xml", "ZA", "domestic"),
    ("inbox/noticias-argentinas-20260308.json", "AR", "domestic"),
    ("inbox/belga-20240229.xml", "BE", "domestic"),
    ("inbox/keystone-sda-20250822.xml", "CH", "domestic"),
    ("inbox/ansa-20250404.json", "IT", "domestic"),
    ("inbox/ansa-nitf-20260212.xml", "IT", "domestic"),
    ("inbox/afp-en-20250918.json", "", "world"),
    ("inbox/afp-fr-20250312.json", "", "world"),
    ("inbox/reuters-20260115.xml", "", "world"),
    ("dpa.atom", "", "world"),
    ("europapress.rss", "", "world"),
)


def main(argv: list[str]) -> int:
    config = load_config(ROOT / "schedules.toml")
    entries = [tuple(arg.rsplit(":", 2)) for arg in argv] or [
        (str(SAMPLES / name), country, desk) for name, country, desk in SAMPLE_MANIFEST]
    counts = {"domestic": 0, "home": 0, "sibling": 0, "world": 0, "everywhere": 0}
    for path, country, desk in entries:
        data = Path(path).read_bytes()
        [result] = normalize_many([(data, "inbox", None, "bench", None, None)],
                                  config.languages)
        if isinstance(result, str):
            print(f"{path}: {result}")
            continue
        source = SourceRouting("bench", country=country or None)
        for record in result[0]:
            routed = route(record, config.editions, source, config.rules)
            mine = [e for e in config.editions if record.language in e.languages]
            if not mine:
                continue
            if desk == "domestic":
                home = {e.id for e in mine if e.serves(country)}
                if not home:
                    continue  # no edition of its language for its country: not measurable
                counts["domestic"] += 1
                counts["home"] += bool(home & set(routed.editions))
                counts["sibling"] += bool(set(routed.editions) - home)
            else:
                counts["world"] += 1
                counts["everywhere"] += {e.id for e in mine} <= set(routed.editions)
    domestic, world = counts["domestic"] or 1, counts["world"] or 1
    print(f"domestic items: {counts['domestic']}; in their country's edition "
          f"{counts['home'] / domestic:.0%}, also in a sibling edition "
          f"{counts['sibling'] / domestic:.0%}")
    print(f"world-desk items: {counts['world']}; reaching every edition of their language "
          f"{counts['everywhere'] / world:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
