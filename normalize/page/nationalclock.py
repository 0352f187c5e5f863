"""A page's printed times of day read in its region's zone when the page states none: Chinese,
Japanese and Korean pages print local clocks with no offset anywhere (:func:`national_clock`,
called by :func:`normalize.page.parse` after the dates are chosen)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The one offset of the zone a language, or a country's domain, is read in, all year round:
#: Chinese (mainland China, Hong Kong, Macau, Taiwan and Singapore are all UTC+8), Japanese and
#: Korean (UTC+9).
_NATIONAL_OFFSETS = {"zh": timedelta(hours=8), "ja": timedelta(hours=9), "ko": timedelta(hours=9)}
_NATIONAL_DOMAINS = {"cn": "zh", "hk": "zh", "mo": "zh", "tw": "zh", "jp": "ja", "kr": "ko"}
# A date and time anywhere on the page with its zone: "2021-03-05T07:48:00+08:00", "...Z",
# "20180619T055000+0900", "Fri, 05 Mar 2021 07:48:00 +0800", "07:48 GMT", "UTC+8".
_ZONED_CLOCK = re.compile(r"(?:\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2})?"
                          r"|\d{8}T\d{4}(?:\d{2})?)(?:\.\d{1,9})?\s?(?:Z|[+-]\d{2}:?\d{2})(?![\d:])"
                          r"|\d:\d{2}(?::\d{2})?\s?(?:[+-]\d{4}\b|GMT|UTC)|(?:GMT|UTC) ?[+-] ?\d")


def _national_language(language: str | None, url: str | None, title: str | None) -> str | None:
    """The page's language if it is read in one zone (:data:`_NATIONAL_OFFSETS`): as the page
    declares it, else as its country domain tells, else as its headline's script does (kana
    is Japanese, hangul Korean, Han characters alone Chinese)."""
    if language:
        return language if language in _NATIONAL_OFFSETS else None
    host = urlsplit(url or "").hostname or ""
    if host.rpartition(".")[2] in _NATIONAL_DOMAINS:
        return _NATIONAL_DOMAINS[host.rpartition(".")[2]]
    if not title:
        return None
    if re.search(r"[\u3040-\u30ff]", title):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", title):
        return "ko"
    return "zh" if re.search(r"[\u4e00-\u9fff]", title) else None


def national_clock(dates: tuple, language: str | None, url: str | None, title: str | None,
                   page_text: str) -> tuple:
    """``dates`` with a time of day read as UTC put in the zone of the page's region, where
    the page is read in a single zone (:func:`_national_language`) and states no zone for any
    of its dates: "2021-03-05 07:48" on a Chinese page, with no offset anywhere on it, is 07:48
    in Beijing (Hong Kong, Taipei), 23:48 UTC on the 4th.

    A date without a time of day (UTC midnight) stays its calendar day; a page that gives
    any date's offset leaves its dates as read (:func:`declared_clock` puts those right)."""
    def clocked(d: datetime | None) -> bool:
        return d is not None and (d.hour, d.minute, d.second, d.microsecond) != (0, 0, 0, 0)

    region = _national_language(language, url, title)
    if region is None or not any(map(clocked, dates)) or _ZONED_CLOCK.search(page_text):
        return dates
    offset = _NATIONAL_OFFSETS[region]
    return tuple(d - offset if clocked(d) else d for d in dates)


#: Zones pages print after a time of day ("8:50 PM EDT", "09:00pm ET", "3:53 p.m. EST"), by
#: abbreviation: a fixed offset, or (the generic "ET", "PT"...) the zone whose offset on the
#: day it is. Not "IST" (India's or Ireland's) nor "CST" read outside North America's pages.
_FIXED_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
                "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "AEST": 10, "AEDT": 11,
                "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2}
_GENERIC_ZONES = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
                  "PT": "America/Los_Angeles"}
_ZONE_WORD = "|".join(sorted({*_FIXED_ZONES, *_GENERIC_ZONES}, key=len, reverse=True))
#: Any clock followed by a zone word: what every one of :func:`printed_zone_clock`'s patterns
#: matches, and more. A page it finds nothing in is not searched once a time (a pattern
#: compiled for each time, without a literal to skip ahead to: ~1 ms a page).
_ANY_ZONED_CLOCK = re.compile(
    rf"\d[:.h]\d\d(?::\d\d)?\s?(?:[ap]\.?\s?m\.?)?,?\s*\(?(?:{_ZONE_WORD})\b", re.IGNORECASE)


def _zone_offset(zone: str, wall: datetime) -> timedelta | None:
    if zone in _FIXED_ZONES:
        return timedelta(hours=_FIXED_ZONES[zone])
    try:
        return wall.replace(tzinfo=ZoneInfo(_GENERIC_ZONES[zone])).utcoffset()
    except (KeyError, ZoneInfoNotFoundError):
        return None


def printed_zone_clock(dates: tuple, page_text: str, language: str | None = None,
                       url: str | None = None, title: str | None = None) -> tuple:
    """``dates`` with a time of day read as UTC put in the zone the page prints right after
    that time ("September 13, 2011, 8:50 PM EDT" is 00:50 UTC on the 14th); a date whose
    time the page does not print so stays as read (a declared offset already applied never
    matches: its UTC clock is not the printed one)."""
    def zoned(d: datetime | None) -> datetime | None:
        nonlocal any_zoned
        if d is None or (d.hour, d.minute) == (0, 0) or d.second or d.microsecond:
            return d
        if any_zoned is None:
            any_zoned = _ANY_ZONED_CLOCK.search(page_text) is not None
        if not any_zoned:
            return d
        twelve = f"0?{d.hour % 12 or 12}[:.]{d.minute:02d}\\s?{'p' if d.hour >= 12 else 'a'}" \
                 r"\.?\s?m\.?"
        clock = rf"(?<![\d:.])(?:{twelve}|0?{d.hour}[:.h]{d.minute:02d}(?::\d{{2}})?)"
        found = re.search(clock + rf",?\s*\(?({_ZONE_WORD})\b", page_text, re.IGNORECASE)
        offset = _zone_offset(found.group(1).upper(), d.replace(tzinfo=None)) if found else None
        return d - offset if offset is not None else d
    # (a page read in one national zone prints "CST" for China's: national_clock reads it)
    if _national_language(language, url, title) is not None:
        return dates
    any_zoned: bool | None = None  # whether the page prints any zoned clock: asked once, if ever
    return tuple(zoned(d) for d in dates)
