"""Geographic edition routing (issue 16): the countries of an item from its evidence, local and
international items, ``covers``, conflicts, bad country codes, and the sample wire's editions."""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO, run_cli, write_config
from ingest.archive import open_archive
from ingest.config import load_config
from normalize import parse_bytes
from normalize.editions import SourceRouting, route
from normalize.model import Article, Dateline
from normalize import places
from normalize.places import geo_note, gazetteer

CONFIG = load_config(REPO / "schedules.toml")
EDITIONS = CONFIG.editions


def item(language: str, title: str = "Untitled", body: str = "", place: str | None = None,
         **fields) -> Article:
    dateline = Dateline(text=place, place=place) if place else None
    return Article(id="x", guid="g", source="wire", title=title, body_text=body,
                   language=language, dateline=dateline, **fields)


def routed(article: Article, source: SourceRouting | None = None) -> Article:
    return route(article, EDITIONS, source, ())


def reasons(article: Article) -> dict[str, str]:
    return dict(article.edition_reasons)


# -- one test per kind of evidence ------------------------------------------------------------


def test_newsml_g2_located_with_a_country_code_is_metadata_evidence() -> None:
    doc = b"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="1" xml:lang="de">
  <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2026-03-01T10:00:00Z</versionCreated>
  </itemMeta>
  <contentMeta>
    <located qcode="geo:9999999"><name>Stadtmitte</name>
      <broader type="loctype:country" qcode="iso3166-1a2:CH"><name>Schweiz</name></broader>
    </located>
    <headline>Neue Regeln f\xc3\xbcr Mieten</headline>
  </contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body><p>Der Bundesrat hat neue Regeln beschlossen.</p></body></html>
  </inlineXML></contentSet>
</newsItem>"""
    [record] = parse_bytes(doc, "inbox")
    result = routed(record)
    assert result.countries[0] == "CH"
    assert result.editions == ("ch",)
    assert "metadata 'located Stadtmitte' CH" in reasons(result)["ch"]


def test_newsml_g2_geo_subjects_name_the_countries() -> None:
    doc = b"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:2" version="1" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/></itemMeta>
  <contentMeta>
    <subject type="cpnat:geoArea" qcode="iso3166-1a2:IN"><name>India</name></subject>
    <headline>Monsoon arrives early</headline>
  </contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body><p>Rain reached the coast on Monday.</p></body></html>
  </inlineXML></contentSet>
</newsItem>"""
    [record] = parse_bytes(doc, "inbox")
    result = routed(record)
    assert result.countries == ("IN",) and result.editions == ("en-in",)
    assert "metadata 'subject India' IN" in reasons(result)["en-in"]


def test_ninjs_places_are_metadata_evidence() -> None:
    doc = json.dumps({
        "uri": "urn:x:3", "type": "text", "language": "pt", "headline": "Chuvas fortes no sul",
        "body_html": "<p>As chuvas atingiram v\u00e1rias cidades no fim de semana.</p>",
        "places": [{"name": "Porto Alegre", "code": "iso3166-1a2:BR"}],
    }).encode()
    [record] = parse_bytes(doc, "inbox")
    result = routed(record)
    assert result.countries == ("BR",) and result.editions == ("pt-br",)
    assert "metadata 'places Porto Alegre' BR" in reasons(result)["pt-br"]


def test_nitf_location_and_evloc_are_metadata_evidence() -> None:
    doc = """<?xml version="1.0" encoding="UTF-8"?>
<nitf><head><title>x</title><docdata><doc-id id-string="N-1"/>
<evloc city="Graz" iso-cc="AT"/></docdata></head>
<body><body.head><hedline><hl1>Neue Stra\u00dfenbahn er\u00f6ffnet</hl1></hedline>
<dateline><location><city>GRAZ</city><country iso-cc="AT">\u00d6sterreich</country></location></dateline>
</body.head><body.content><p>Die Linie f\u00e4hrt ab Montag.</p></body.content></body></nitf>""".encode()
    [record] = parse_bytes(doc, "inbox")
    record = record.replace(language="de")
    result = routed(record)
    assert result.countries == ("AT",) and result.editions == ("de-at",)
    why = reasons(result)["de-at"]
    assert "metadata 'location GRAZ' AT" in why and "metadata 'evloc Graz' AT" in why


def test_the_dateline_place_is_evidence_in_each_language() -> None:
    for language, place, edition in (("es", "GINEBRA", None), ("fr", "GENÈVE", "ch"),
                                     ("de", "GENF", "ch"), ("it", "GINEVRA", "ch"),
                                     ("en", "GENEVA", None), ("pt", "GENEBRA", None)):
        result = routed(item(language, "Conferência", "Texto.", place=place))
        assert result.countries == ("CH",), (language, place)
        if edition:
            assert result.editions == (edition,)
            assert f"local CH: dateline {place!r} CH" in reasons(result)[edition]
        else:  # no Spanish, English or Portuguese edition serves Switzerland: all of the language
            assert all("international (no " in why for why in reasons(result).values())


@pytest.mark.parametrize("language, title, country", [
    ("en", "Canadian wildfires force thousands from their homes", "CA"),
    ("fr", "Le gouvernement belge présente son budget", "BE"),
    ("es", "El Gobierno mexicano anuncia nuevas ayudas", "MX"),
    ("de", "Österreichische Bahn meldet Rekord", "AT"),
    ("pt", "Governo brasileiro lança plano de obras", "BR"),
    ("it", "Il governo svizzero approva il bilancio", "CH"),
])
def test_demonyms_in_the_headline_in_each_language(language, title, country) -> None:
    result = routed(item(language, title))
    assert result.countries == (country,)
    assert result.editions and all(f"local {country}: headline" in why or
                                   f"covers {country}: headline" in why
                                   for why in reasons(result).values())


@pytest.mark.parametrize("language, title, country", [
    ("de", "Bundestag beschließt Haushalt", "DE"),
    ("fr", "L'Élysée dément toute réforme", "FR"),
    ("es", "La Casa Rosada anuncia un plan de obras", "AR"),
    ("en", "Downing Street rules out early election", "GB"),
    ("it", "Il Quirinale firma il decreto", "IT"),
])
def test_national_institutions_name_their_country(language, title, country) -> None:
    assert routed(item(language, title)).countries == (country,)


def test_places_in_the_lead_count_and_the_source_country_only_when_none_is_named() -> None:
    aap = SourceRouting("aap", country="AU")
    lead = routed(item("en", "Trains cancelled", "Commuters in Melbourne face delays."), aap)
    assert lead.countries == ("AU",) and "lead 'Melbourne' AU" in reasons(lead)["en-au"]
    quiet = routed(item("en", "Rates on hold", "The board left the cash rate unchanged."), aap)
    assert quiet.editions == ("en-au",) and "source 'source country' AU" in reasons(quiet)["en-au"]
    # a named place outweighs the source's country: the Australian wire's item about Dublin is
    # Irish local news, kept in the Australian edition too (its editors chose it) and no other
    dublin = routed(item("en", "Dublin council backs bike lanes", "The plan was approved."), aap)
    assert dublin.countries == ("IE",) and dublin.editions == ("en-au", "en-ie")
    assert reasons(dublin)["en-au"].startswith("source country AU (item local to IE: headline")


def test_a_description_cut_from_the_body_is_not_read_again() -> None:
    """A description that is the body's first characters (cut mid-word) adds nothing to the
    lead but the dateline's place again and the cut word: neither is a lead mention."""
    body = ("LONDON, 2 Mar. (Reuters) - Ministers defended the budget on Monday. "
            "Economists expected slow growth across the year.")
    cut = body[:body.index("Monday") + 3]  # "... on Mon": the Mon State of Myanmar, cut
    article = routed(Article(id="x", guid="g", source="wire", title="Budget defended",
                             body_text=body, summary=cut, language="en",
                             dateline=Dateline(text="LONDON, 2 Mar. (Reuters) -", place="LONDON")))
    assert article.countries == ("GB",)
    assert "lead" not in reasons(article)["en-gb"]
    # a description that is not the body's start is read as before
    other = routed(item("en", "Budget defended", body, "LONDON",
                        summary="Talks in Dublin went on."))
    assert "lead 'Dublin' IE" in " ".join(reasons(other).values())


# -- ambiguity ----------------------------------------------------------------------------


def test_common_word_place_names_need_other_evidence() -> None:
    assert routed(item("en", "Nice weather brings crowds to the beaches")).countries == ()
    assert routed(item("en", "Mobile phone sales slow")).countries == ()
    assert routed(item("fr", "Festival", "La ville accueille le public.", place="NICE")).countries == ("FR",)
    # lower case is a word, not a place: "la paz" is peace; "Un" is an article, "UN" the body
    assert routed(item("es", "Piden la paz", "Un acuerdo.")).countries == ()
    assert routed(item("en", "UN warns of famine")).edition_reasons[0][1].startswith(
        "international (supranational UN)")


def test_namesakes_prefer_the_populous_place_unless_the_item_points_elsewhere() -> None:
    assert gazetteer().find_place("Córdoba").country == "AR"
    assert gazetteer().find_place("Valencia", prefer=["ES"]).country == "ES"
    assert gazetteer().find_place("Perth").country == "AU"
    # a Spanish item's "Valencia" is in Spain, an English one's the more populous Venezuelan city
    assert routed(item("es", "Lluvias en Valencia")).countries == ("ES",)
    assert gazetteer().find_place("Valencia").country == "VE"


# -- local, covers, international ---------------------------------------------------------


def test_local_items_reach_their_edition_and_those_that_cover_it_only() -> None:
    mexico = routed(item("es", "Sismo en Oaxaca", "Un sismo sacudió el sur.", place="CIUDAD DE MÉXICO"))
    assert mexico.editions == ("es-419", "es-mx")  # Latino covers Latin America, Mexico included
    assert reasons(mexico)["es-419"].startswith("covers MX")
    argentina = routed(item("es", "Paro de transporte", "Sin colectivos.", place="BUENOS AIRES"))
    assert argentina.editions == ("es-419",)
    assert reasons(argentina)["es-419"].startswith("covers AR: dateline 'BUENOS AIRES' AR")
    swiss = routed(item("fr", "Votation", "Les électeurs ont voté.", place="LAUSANNE"))
    assert swiss.editions == ("ch",)


def test_international_items_reach_every_edition_of_their_language() -> None:
    several = routed(item("en", "India and Pakistan agree to reopen border crossing"))
    assert several.editions == tuple(e.id for e in EDITIONS if "en" in e.languages)
    assert reasons(several)["en"].startswith("international (several countries IN, PK)")
    bodies = routed(item("fr", "L'Union européenne adopte le budget", place="BRUXELLES"))
    assert set(bodies.editions) == {"fr-be", "fr-ca", "fr-fr", "ch"}
    assert "supranational EU" in reasons(bodies)["fr-fr"]
    unserved = routed(item("de", "Wahl in Japan", "Die Regierung verliert.", place="TOKIO"))
    assert unserved.editions == ("de-de", "de-at", "ch")
    assert "no de edition serves JP" in reasons(unserved)["de-de"]


def test_conflicting_evidence_routes_by_the_strongest_with_the_conflict_in_the_reason() -> None:
    record = item("fr", "Conférence sur l'eau", "Les délégués se réunissent.", place="PARIS",
                  extra=(geo_note("located", "iso3166-1a2:CH", "Genève"),))
    result = routed(record)
    assert result.countries[0] == "CH" and "FR" in result.countries
    assert result.editions == ("ch",)
    why = reasons(result)["ch"]
    assert "metadata 'located Genève' CH" in why
    assert "conflict: dateline 'PARIS' (FR) disagrees with the agency metadata (CH)" in why


def test_pins_and_rules_still_win_over_geography(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, """
        [[sources]]
        id = "pinned"
        kind = "feed"
        path = "x.xml"
        editions = ["es-es"]

        [[rules]]
        name = "Colombia too"
        keyword = ["café"]
        add = ["es-co"]
        """))
    record = item("es", "El café sube", "Precios.", place="CIUDAD DE MÉXICO")
    result = route(record, config.editions, config.source("pinned"), config.rules)
    assert result.editions == ("es-co", "es-es")
    assert result.countries == ("MX",)  # still recorded


# -- configuration ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("table, key", [
    ('[[sources]]\nid = "s"\nkind = "feed"\npath = "x.xml"\ncountry = "XX"\n', "country"),
    ('[[editions]]\nid = "zz"\nname = "Z"\nlanguages = ["en"]\ncountry = "UK"\n', "country"),
    ('[[editions]]\nid = "zz"\nname = "Z"\nlanguages = ["en"]\ncovers = ["NZ", "EU"]\n', "covers"),
])
def test_unknown_country_codes_are_config_errors(tmp_path: Path, table: str, key: str) -> None:
    path = write_config(tmp_path, table)
    result = run_cli("check", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{key}': unknown country" in lines[0], result.stderr


# -- the archive and the sample wire ----------------------------------------------------------


def test_an_archive_without_the_countries_column_is_migrated(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    archive = open_archive(database)
    archive.close()
    with sqlite3.connect(database) as conn:
        conn.execute("ALTER TABLE articles DROP COLUMN countries")
    archive = open_archive(database)
    try:
        columns = {row[1] for row in archive.conn.execute("PRAGMA table_info(articles)")}
        assert "countries" in columns
    finally:
        archive.close()


@pytest.fixture(scope="module")
def sample_records(tmp_path_factory) -> list[dict]:
    project = tmp_path_factory.mktemp("samples")
    import shutil

    shutil.copytree(REPO / "data" / "samples", project / "data" / "samples")
    shutil.copy(REPO / "schedules.toml", project / "schedules.toml")
    assert run_cli("run-once", cwd=project).returncode == 0
    export = run_cli("export", "--jsonl", cwd=project)
    return [json.loads(line) for line in export.stdout.splitlines()]


@pytest.mark.slow
def test_sample_editions_of_a_language_differ(sample_records) -> None:
    content = {e.id: {r["id"] for r in sample_records if e.id in r["editions"]} for e in EDITIONS}
    for language in CONFIG.languages:
        mine = [e for e in EDITIONS if language in e.languages]
        for index, first in enumerate(mine):
            for second in mine[index + 1:]:
                assert content[first.id] != content[second.id], (first.id, second.id)
        # every edition of a country has items that no sibling of that language carries
        for edition in mine:
            if edition.country is None:
                continue
            others = set().union(*(content[e.id] for e in mine if e is not edition
                                   and not e.serves(edition.country)))
            assert content[edition.id] - others, (language, edition.id)


@pytest.mark.slow
def test_sample_records_carry_countries_and_reasons_that_name_the_evidence(sample_records) -> None:
    assert sum(1 for r in sample_records if r["countries"]) >= 0.9 * len(sample_records)
    for record in sample_records:
        assert all(len(code) == 2 and code.isupper() for code in record["countries"])
        for edition, why in record["edition_reasons"]:
            if why.endswith("(no place named)"):
                assert not record["countries"]
                continue
            # "local ES: dateline 'MADRID' ES, ..." names what the decision rests on
            assert "'" in why and any(kind in why for kind in (
                "metadata", "dateline", "headline", "lead", "source")), (record["title"], why)
            assert record["countries"][0] in why or "supranational" in why


def test_the_gazetteer_cache_reads_back_the_same_and_survives_a_bad_file(tmp_path: Path,
                                                                          monkeypatch) -> None:
    from normalize import places

    built = gazetteer()
    loaded = places.Gazetteer.load(built.dump())
    assert (loaded.names, loaded.entries, loaded.prefixes, loaded.demonym_heads) == \
        (built.names, built.entries, built.prefixes, built.demonym_heads)
    for name in ("GINEBRA", "Genf", "CAPE CANAVERAL, Fla.", "Valencia", "Bruselas"):
        assert loaded.find_place(name) == built.find_place(name), name
    text = "La Comisión Europea y el Gobierno suizo se reúnen en Ciudad de México"
    assert loaded.find_mentions(text) == built.find_mentions(text)
    # a cache file that is not a gazetteer is rebuilt and replaced
    monkeypatch.setattr(places, "_built", None)
    monkeypatch.setattr(places, "_build", lambda: built)
    places.use_cache(tmp_path)
    try:
        path = places._cache_path(tmp_path)
        path.write_bytes(b"not marshal data")
        assert places.gazetteer() is built
        assert places.Gazetteer.load(path.read_bytes()).find_place("Genf").country == "CH"
    finally:
        places.use_cache(None)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_is_tokenized_as_unicode_text(text):
    """find_mentions reads ASCII text with an ASCII pattern and lowercases its tokens: the
    tokens and folded tokens the Unicode pattern and fold() give."""
    assert places._ASCII_TOKEN.findall(text) == places._TOKEN.findall(text)
    assert ([word.lower() for word in places._ASCII_TOKEN.findall(text)]
            == places._TOKEN.findall(places.fold(text)))


class _EveryWord:
    def __contains__(self, word: str) -> bool:
        return True


@functools.lru_cache(maxsize=1)
def _trying_every_word() -> places.Gazetteer:
    """A copy of the gazetteer that tries every word as the start of a name."""
    copy = places.Gazetteer.load(gazetteer().dump())
    copy.demonym_heads = _EveryWord()
    return copy


def _name_words() -> list[str]:
    gaz = gazetteer()
    words = {word for key in list(gaz.names)[::40] for word in key.split(" ")}
    return sorted(words | set(gaz.demonym_heads) | {"the", "el", "de", "la", "new", "united"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_name_words()),
                          st.sampled_from([str.lower, str.title, str.upper, str.capitalize]),
                          st.sampled_from([" ", ", ", ". ", " de ", "\n"])), max_size=30))
def test_words_not_written_capitalised_are_passed_over_as_before(words):
    """find_mentions passes over a word written lowercase that starts no demonym's name: the
    mentions are those found when every word is tried as the start of a name."""
    text = "".join(case(word) + gap for word, case, gap in words)
    gaz, everything = gazetteer(), _trying_every_word()
    assert gaz.find_mentions(text, ("ES",)) == everything.find_mentions(text, ("ES",))
    assert gaz.find_mentions(text) == everything.find_mentions(text)


def test_country_codes_are_pycountrys_read_without_importing_it():
    import subprocess
    import sys

    import pycountry

    places.country_codes.cache_clear()
    assert places.country_codes() == {country.alpha_2 for country in pycountry.countries}
    probe = subprocess.run([sys.executable, "-c", "import sys\nfrom normalize import places\n"
                            "assert 'CH' in places.country_codes()\n"
                            "print('pycountry' in sys.modules)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "False", probe.stderr


def _words_by_folding_the_text(text: str) -> tuple[list[str], list[str]]:
    words = places._TOKEN.findall(text)
    folded = places._TOKEN.findall(places.fold(text))
    if len(folded) != len(words):
        folded = [places.fold(word) for word in words]
    return words, folded


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAzZéÉñÑçöÖßİﬁ½²ªŁøæ0 ,.-'\n’—«»™№℃\u0301\u00a0")),
               max_size=60))
def test_non_ascii_text_is_tokenized_as_by_folding_the_whole_text(text):
    """find_mentions folds the tokens of non-ASCII text one by one (cached) unless a character
    between them joins words once folded ("out™" folds to "outTM", an accent alone to
    nothing): the tokens folding the whole text gives."""
    assert places._words(text) == _words_by_folding_the_text(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=60))
def test_latin1_text_is_tokenized_as_by_folding_the_whole_text(text):
    """Latin-1 text is tokenized by a class of its word characters: the tokens folding the
    whole text gives."""
    assert places._words(text) == _words_by_folding_the_text(text)


def test_pycountrys_entries_read_from_its_files_are_its_objects_fields() -> None:
    import pycountry

    from normalize import places, placesources

    countries = placesources.iso3166("1")  # what the gazetteer is built from, without pycountry
    assert [entry["alpha_2"] for entry in countries] == [c.alpha_2 for c in pycountry.countries]
    for entry, country in zip(countries, pycountry.countries):
        for field in ("name", "official_name", "common_name"):
            assert entry.get(field) == getattr(country, field, None)
    subdivisions = placesources.iso3166("2")
    assert len(subdivisions) == len(pycountry.subdivisions)
    for entry, subdivision in zip(subdivisions, pycountry.subdivisions):
        assert (entry["code"], entry["name"], entry["type"]) == \
            (subdivision.code, subdivision.name, subdivision.type)
        assert entry["code"].split("-")[0] == subdivision.country_code
        assert ("parent" in entry) == (subdivision.parent_code is not None)
    assert places.country_codes() == frozenset(c.alpha_2 for c in pycountry.countries)
