"""Page bylines that name several writers where one reader finds one of them (issue 17).

Each case is a small page written here, shaped like a kind of real page the development
corpora showed us getting wrong.
"""

from __future__ import annotations

from normalize import parse_bytes, wire

STORY = ("<p>The harbour authority approved the new ferry timetable on Monday after a long "
         "consultation with the island councils and the operators of the smaller boats.</p>"
         "<p>Crossings will run every forty minutes in summer, and the last boat of the day "
         "leaves the mainland an hour later than before, the authority said.</p>")


def authors(byline: str) -> tuple[str, ...]:
    data = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ferries run later this summer | Harbour Gazette</title></head>
<body><article><h1>Ferries run later this summer</h1>{byline}{STORY}</article>
</body></html>""".encode()
    [article] = parse_bytes(data, "page", "https://gazette.example/news/ferries")
    return wire.enrich(article).authors


def test_a_labelled_line_names_the_writers_the_byline_box_names_one_of() -> None:
    # Only the last name sits in a box whose class says "byline"; the line printing all three
    # under its label is the byline.
    line = ('<p class="meta"><span class="prefix">By </span><span itemprop="name">'
            '<a href="/by/ana-ruiz">Ana Ruiz</a>, </span><span itemprop="name">'
            '<a href="/by/tom-roe">Tom Roe</a></span> and <span class="last-byline" '
            'itemprop="name"><a href="/by/jane-doe">Jane Doe</a></span></p>')
    assert authors(line) == ("Ana Ruiz", "Tom Roe", "Jane Doe")


def test_a_writers_job_in_a_box_beside_her_names_box_is_no_part_of_her_name() -> None:
    box = ('<div class="byline"><a href="/about/ana-ruiz"><span class="byline__author">'
           '<span class="byline__name">Ana Ruiz</span><span class="byline__title">Harbour Editor'
           "</span></span></a></div>")
    assert authors(box) == ("Ana Ruiz",)
    # Without a box for the name, a box called a title may hold it: nothing goes.
    box = ('<div class="byline"><span class="card__title">Ana Ruiz</span>'
           '<span class="card__subtitle">Harbour Editor</span></div>')
    assert authors(box)[0].startswith("Ana Ruiz")
