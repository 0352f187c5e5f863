"""Agency conventions in the text: datelines, agency lines, bylines, photo credits.

TEMPORARY pass-through until the wire-conventions work lands (issue 3): ``enrich`` returns the
record unchanged.
"""

from normalize.model import Article


def enrich(article: Article) -> Article:
    """Return ``article`` with dateline, agency credit, bylines and image credits structured."""
    return article
