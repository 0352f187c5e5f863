"""Edition routing: language and place first, then source pins and exclusions, then rules —
with reasons. Geographic routing in detail: ``tests/test_geo_routing.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, run_cli, write_config
from ingest.config import load_config
from normalize.editions import route
from normalize.model import Article, Dateline

CONFIG = load_config(REPO / "schedules.toml")


def article(language: str, **fields) -> Article:
    return Article(id="x", guid="g", source=fields.pop("source", "wire"), title=fields.pop("title", "T"),
                   language=language, **fields)


def config_with(extra: str, tmp_path: Path):
    return load_config(write_config(tmp_path, extra))


@pytest.mark.parametrize("language, editions", [
    ("fr", ("fr-be", "fr-ca", "fr-fr", "ch")),
    ("de", ("de-de", "de-at", "ch")),
    ("it", ("it-it", "ch")),
    ("pt", ("pt-br",)),
    ("en", ("en", "en-au", "en-ca", "en-in", "en-ie", "en-za", "en-gb", "en-us")),
    ("es", ("es-co", "es-es", "es-419", "es-mx")),
    ("nl", ()),
    ("und", ()),
])
def test_language_selects_editions(language: str, editions: tuple[str, ...]) -> None:
    # an item that names no place, from a source without a country: every edition of its language
    routed = route(article(language), CONFIG.editions, None, ())
    assert routed.editions == editions
    assert routed.countries == ()
    assert all(reason == f"language {language} (no place named)"
               for _, reason in routed.edition_reasons)


def test_pinned_spanish_source_still_reaches_mexico_by_place(tmp_path: Path) -> None:
    config = config_with("""
        [[sources]]
        id = "ep-es"
        kind = "feed"
        path = "x.xml"
        editions = ["es-es"]

        [[rules]]
        name = "Mexico"
        language = ["es"]
        place = ["México", "Guadalajara"]
        add = ["es-mx"]
        """, tmp_path)
    source = config.source("ep-es")
    by_dateline = article("es", source="ep-es", dateline=Dateline(text="GUADALAJARA (EFE) -", place="Guadalajara"),
                          body_text="El gobernador presentó el plan de agua.")
    routed = route(by_dateline, config.editions, source, config.rules)
    assert routed.editions == ("es-es", "es-mx")
    reasons = dict(routed.edition_reasons)
    assert reasons["es-es"] == "pinned by source ep-es"
    assert reasons["es-mx"] == "Mexico (add): language es, place 'Guadalajara' in dateline"
    by_lead = article("es", source="ep-es", body_text="MADRID, 3 Mar. - La presidenta de Mexico viajará a España.")
    assert route(by_lead, config.editions, source, config.rules).editions == ("es-es", "es-mx")
    unrelated = article("es", source="ep-es", body_text="El Congreso aprobó los presupuestos.")
    assert route(unrelated, config.editions, source, config.rules).editions == ("es-es",)
    # place matching is by whole word: "Mexicali" is not "Mexico"
    assert route(article("es", source="ep-es", body_text="Llueve en Mexicali."), config.editions,
                 source, config.rules).editions == ("es-es",)


def test_belgian_source_goes_only_to_belgique_and_exclusions(tmp_path: Path) -> None:
    config = config_with("""
        [[sources]]
        id = "belga"
        kind = "feed"
        path = "b.xml"
        sections = ["Belgique"]

        [[sources]]
        id = "afp"
        kind = "feed"
        path = "a.xml"
        exclude_editions = ["ch"]

        [[rules]]
        name = "Belga only in Belgium"
        source = ["belga"]
        only = ["fr-be"]

        [[rules]]
        keyword = ["Genève"]
        language = ["fr"]
        add = ["ch"]
        """, tmp_path)
    belga = route(article("fr", source="belga"), config.editions, config.source("belga"), config.rules)
    assert belga.editions == ("fr-be",)
    assert "Belga only in Belgium (only)" in dict(belga.edition_reasons)["fr-be"]
    afp = config.source("afp")
    assert route(article("fr", source="afp"), config.editions, afp, config.rules).editions == (
        "fr-be", "fr-ca", "fr-fr")
    geneva = route(article("fr", source="afp", title="Sommet à Genève"), config.editions, afp, config.rules)
    assert "ch" in geneva.editions


def test_rules_naming_unknown_things_are_rejected(tmp_path: Path) -> None:
    for rule, needle in (('source = ["nope"]\nadd = ["fr-fr"]', "unknown source 'nope'"),
                         ('section = ["Sport"]\nadd = ["fr-fr"]', "unknown section 'Sport'"),
                         ('keyword = ["x"]', "needs at least one of")):
        path = write_config(tmp_path, f"[[rules]]\n{rule}\n")
        result = run_cli("check", "--config", str(path), cwd=tmp_path)
        assert result.returncode == 2 and needle in result.stderr, result.stderr


def test_editions_command_and_show_print_routing(project: Path) -> None:
    (project / "schedules.toml").write_text((REPO / "schedules.toml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    assert run_cli("run-once", cwd=project).returncode == 0
    listing = run_cli("editions", cwd=project)
    assert listing.returncode == 0
    for name in ("Global Edition", "Österreich", "Switzerland"):
        assert name in listing.stdout
    export = run_cli("articles", "--edition", "es-mx", "--json", "--limit", "50", cwd=project)
    import json
    rows = [json.loads(line) for line in export.stdout.splitlines()]
    assert rows and all(r["language"] == "es" for r in rows)
    local = next(r for r in rows if r["title"].startswith("México registra"))
    show = run_cli("show", local["id"], cwd=project)
    assert "es-mx: local MX: dateline 'Ciudad de México' MX" in show.stdout
    assert re.search(r"countries\s+│?\s*MX", show.stdout), show.stdout
