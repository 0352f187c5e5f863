"""One month vocabulary (normalize/months.py): the date readers, the dateline reader and the
server's access log all take their month names from it."""

from __future__ import annotations

import re
from pathlib import Path

from normalize.months import MONTH_ABBREVIATIONS, MONTHS
from normalize.text import parse_date
from syndicate.serve import combined_log_line

ROOT = Path(__file__).resolve().parents[1]


def test_the_abbreviations_agree_with_the_printed_names() -> None:
    assert [MONTHS[name.lower()] for name in MONTH_ABBREVIATIONS] == list(range(1, 13))


def test_the_rfc822_reader_and_the_access_log_use_them() -> None:
    for number, name in enumerate(MONTH_ABBREVIATIONS, 1):
        assert parse_date(f"Mon, 02 {name} 2026 06:00:00 +0000").month == number
    line = combined_log_line("127.0.0.1", 1_780_000_000.0, "GET / HTTP/1.1", 200, 10, None, None)
    assert "[28/May/2026:" in line


def test_no_other_module_spells_the_months_out() -> None:
    spelled = re.compile(r"""["']Jan["'],\s*["']Feb["']|["']january["']\s*:""")
    owners = [str(path.relative_to(ROOT))
              for package in ("normalize", "ingest", "syndicate")
              for path in (ROOT / package).rglob("*.py")
              if spelled.search(path.read_text(encoding="utf-8"))]
    assert owners == ["normalize/months.py"]


def test_iso_dates_without_leading_zeros_are_read_and_impossible_ones_are_not() -> None:
    assert parse_date("2022-5-5 22:17:36").isoformat() == "2022-05-05T22:17:36+00:00"
    assert parse_date("2022-12-5T08:00:00+02:00").isoformat() == "2022-12-05T06:00:00+00:00"
    assert parse_date("2022-5-5").isoformat() == "2022-05-05T00:00:00+00:00"
    assert parse_date("2022-13-5") is None
