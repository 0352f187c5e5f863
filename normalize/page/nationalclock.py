"""A page's printed times of day read in its region's zone when the page states none: Chinese,
Japanese and Korean pages print local clocks with no offset anywhere (:func:`national_clock`,
called by :func:`normalize.page.parse` after the dates are chosen)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

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
