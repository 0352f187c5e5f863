"""Section feeds' folder names: ``<feeds>/<edition>/<slug>/``."""

from __future__ import annotations

import unicodedata


def section_slug(section: str) -> str:
    """Return the folder name of a section feed: lower case, ASCII letters, digits and '-'."""
    folded = unicodedata.normalize("NFKD", section.casefold())
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in ascii_only)
    return "-".join(part for part in slug.split("-") if part)[:60]
