"""Our own container search (normalize.page.body), rule by rule, on small invented pages: what
counts as page chrome, which blocks of the text box are kept, and what the page parser keeps
when a page holds little."""

from __future__ import annotations

from lxml import html as lxml_html

from normalize import parse_bytes
from normalize.model import STATUS_NOT_ARTICLE
from normalize.page.body import (_collect_blocks, _drop_chrome, _find_container, _wrap_loose_text,
                                 chrome_text)
from normalize.page.dom import _text

PARAGRAPHS = [
    "The harbour authority opened the new ferry terminal on Monday, two years after the old "
    "one was damaged by a winter storm that flooded its waiting hall.",
    "The terminal has room for four ferries at a time, and its car park, built on land taken "
    "from the sea, holds twice as many cars as the old one did.",
    "Local shops said the long closure had cost them most of their summer trade, and asked "
    "the town council for help with their rents while the works went on.",
    "The authority said the first international route, to the islands in the north, would "
    "start in the spring if the tests of the new ramps go well this winter.",
]


def _blocks(body: str) -> list[str]:
    """The texts of the blocks our search keeps from a page whose ``<body>`` is ``body``."""
    root = lxml_html.document_fromstring(f"<html><head><title>T</title></head>"
                                         f"<body>{body}</body></html>")
    _drop_chrome(root)
    _wrap_loose_text(root)
    container = _find_container(root, None)
    return [_text(b) for b in _collect_blocks(container)] if container is not None else []


def _paragraphs(*extra: str) -> str:
    return "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "".join(extra)


def test_a_class_on_a_link_or_span_inside_a_paragraph_is_no_chrome():
    sentence = ("The plan was first shown at the <a class='sidebar-link' href='/plan'>harbour "
                "meeting</a> in May, and an <span class='ad-note'>advertising campaign</span> "
                "followed in June, paid for by the town and the ferry companies together.")
    blocks = _blocks(f"<article>{_paragraphs(f'<p>{sentence}</p>')}</article>")
    assert blocks[-1].startswith("The plan was first shown at the harbour meeting in May")
    assert "advertising campaign followed" in blocks[-1]


def test_a_box_named_as_chrome_is_still_dropped():
    blocks = _blocks(f"<article>{_paragraphs()}<div class='sidebar'><p>Most read: the ferry "
                     f"timetable for the whole of next summer, with all the new routes.</p>"
                     f"</div></article>")
    assert not any("Most read" in b for b in blocks)
    # a lone link outside any paragraph keeps its name's evidence: a "skip" link is chrome
    blocks = _blocks(f"<a class='skip' href='#main'>Skip to the main content</a>"
                     f"<article>{_paragraphs()}</article>")
    assert not any("Skip" in b for b in blocks)


def test_a_list_in_the_text_stays_unless_it_is_nearly_all_links():
    # sources listed under the text: mostly links, each with a few words of its own
    sources = ("<ul><li><a href='/report'>The authority's report on the new terminal</a> "
               "(40 pages)</li><li><a href='/storm'>What the winter storm destroyed</a>, "
               "in pictures</li><li><a href='/shops'>The shopkeepers' letter to the "
               "council</a> of 3 May</li></ul>")
    assert any(b.startswith("The authority's report") for b in _blocks(
        f"<article>{_paragraphs(sources)}</article>"))
    menu = ("<ul><li><a href='/a'>Ferry timetables for the summer</a></li>"
            "<li><a href='/b'>Prices and tickets for all routes</a></li>"
            "<li><a href='/c'>Parking at the new terminal</a></li></ul>")
    assert not any("timetables" in b for b in _blocks(f"<article>{_paragraphs(menu)}"
                                                      f"</article>"))


def test_one_class_name_joining_article_and_chrome_words_is_chrome():
    popular = ("<section class='c-article-most-popular'><h2>Most popular</h2><ol>"
               "<li><p>Night buses return to the old town after a year of works on the "
               "bridge, and the first one leaves at midnight.</p></li></ol></section>")
    blocks = _blocks(f"<main><article>{_paragraphs()}</article>{popular}</main>")
    assert not any("Night buses" in b or b == "Most popular" for b in blocks)
    # names apart, the content word says the box wraps the article ("content with-sidebar")
    blocks = _blocks(f"<div class='content with-sidebar'>{_paragraphs()}</div>")
    assert len(blocks) == len(PARAGRAPHS)
    # and a layout wrapper named in one word ("content-sidebar-wrap") holds the page's prose
    blocks = _blocks(f"<div class='content-sidebar-wrap'><div class='text'>{_paragraphs()}"
                     f"</div></div>")
    assert len(blocks) == len(PARAGRAPHS)


def test_a_headless_page_with_a_line_of_text_alone_keeps_it():
    data = (b"<html><body><p>The ferry terminal opens on Monday at six.</p></body></html>")
    [record] = parse_bytes(data, "page", "https://port.example/note")
    assert record.status == STATUS_NOT_ARTICLE
    assert record.body_text == "The ferry terminal opens on Monday at six."
    # a menu's link is never kept as its text (a text that holds one goes whole:
    # test_page_titles' test page)
    data = (b"<html><body><nav><a href='/'>Home</a></nav><p>The ferry terminal opens on "
            b"Monday at six.</p></body></html>")
    [record] = parse_bytes(data, "page", "https://port.example/note")
    assert record.status == STATUS_NOT_ARTICLE and "Home" not in record.body_text


def test_the_text_ends_at_a_line_announcing_other_articles():
    teasers = ("<h3>More from the harbour</h3><p>Fishing quotas: the council asks for a "
               "review.</p><p>Lighthouse open to visitors again.</p>")
    blocks = _blocks(f"<article>{_paragraphs(teasers)}</article>")
    assert blocks == PARAGRAPHS
    # the same words over a longer stretch of text are a box inside the article: kept
    box = "<h3>Read also</h3><p>Fishing quotas: the council asks for a review.</p>"
    blocks = _blocks(f"<article><p>{PARAGRAPHS[0]}</p>{box}{_paragraphs()}</article>")
    assert "Read also" in blocks and blocks[-1] == PARAGRAPHS[-1]


def test_blocks_inside_a_link_are_a_teaser_not_text():
    card = ("<a href='/lighthouse'><div class='card-title'>The lighthouse opens to visitors "
            "again after forty years</div></a>")
    blocks = _blocks(f"<article>{_paragraphs(card)}</article>")
    assert blocks == PARAGRAPHS


def test_a_layout_box_named_as_chrome_that_holds_most_of_the_text_is_kept():
    # themes name their columns and blocks with chrome words: a WordPress theme's sidebar
    # column, a page builder's widget container, a blog's "widget Blog" box
    for box in ("<div class='penci_sidebar left'>", "<div class='elementor-widget-container'>",
                "<div class='widget Blog' id='Blog1'>", "<div class='non-ad-column-l'>"):
        blocks = _blocks(f"{box}{_paragraphs()}</div><div class='sidebar'><p>Most read: "
                         f"the ferry timetable.</p></div>")
        assert blocks == PARAGRAPHS, box
    # an ASP.NET page: one <form> around the whole page
    blocks = _blocks(f"<form id='aspnetForm' action='/news'><div>{_paragraphs()}</div>"
                     f"<div class='search'><input name='q'></div></form>")
    assert blocks == PARAGRAPHS
    # a widget beside the text, holding less of the prose, is still chrome; so is a form
    widget = (f"<div class='widget'><p>{PARAGRAPHS[0]}</p></div>"
              f"<form><p>Sign up for the harbour newsletter and get the timetables first, "
              f"every week, in your mailbox.</p></form>")
    blocks = _blocks(f"<div>{_paragraphs()}{widget}</div>")
    assert blocks == PARAGRAPHS


def _standfirst_body(page: str) -> str:
    [record] = parse_bytes(f"<html><head><title>Ferry terminal opens</title></head><body>"
                           f"{page}</body></html>".encode(), "page",
                           "https://port.example/ferry")
    return record.body_text


def test_the_standfirst_under_the_headline_opens_the_body():
    dek = "The harbour's new terminal takes four ferries at a time, two years after the storm"
    text = _paragraphs()
    for box in (f"<p class='standfirst'>{dek}</p>", f"<h2 class='article-subtitle'>{dek}</h2>",
                f"<h2 itemprop='alternativeHeadline'>{dek}</h2>",
                # the standfirst's word run together with another in one class name
                f"<p class='c-leadtext u-bold'>{dek}</p>",
                f"<div class='articleIntro'>{dek}</div>"):
        body = _standfirst_body(f"<article><header><h1>Ferry terminal opens</h1>{box}</header>"
                                f"<div class='article-body'>{text}</div></article>")
        assert body.split("\n") == [dek, *PARAGRAPHS], box
    # a picture's caption named "summary", a byline, a teaser's summary: no standfirst
    for box in (f"<figure><img src='/a.jpg'><figcaption class='summary'>{dek}</figcaption>"
                f"</figure>", "<p class='summary'>By Jane Roe and John Doe, in the harbour</p>",
                f"<a href='/other'><p class='summary'>{dek}</p></a>"):
        body = _standfirst_body(f"<article><h1>Ferry terminal opens</h1>{box}"
                                f"<div class='article-body'>{text}</div></article>")
        assert body.split("\n") == PARAGRAPHS, box


def test_a_gallery_inside_the_text_leaves_its_captions_out_and_its_pictures_in():
    slides = "".join(f"<li><h2>{i}/3 Night ferry</h2><p>The night ferry leaves the old quay "
                     f"for the islands, with slide {i} of the harbour's photo series.</p></li>"
                     for i in range(1, 4))
    gallery = (f"<div class='full-gallery'><figure><img src='/g1.jpg'><figcaption>The quay at "
               f"dawn</figcaption></figure><ul class='legends'>{slides}</ul></div>")
    page = f"<article><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{gallery}" \
           f"{''.join(f'<p>{p}</p>' for p in PARAGRAPHS[2:])}</article>"
    root = lxml_html.document_fromstring(f"<html><body>{page}</body></html>")
    dropped = chrome_text(_drop_chrome(root))
    assert "slide 2 of the harbour's photo series" in dropped
    assert root.xpath("//img[@src='/g1.jpg']") and "The quay at dawn" in root.text_content()
    container = _find_container(root, None)
    assert [_text(b) for b in _collect_blocks(container)] == PARAGRAPHS
    # a "media" box named for its lightbox gallery that holds the article's paragraphs is it
    blocks = _blocks(f"<div class='o-media js-lightbox-gallery'><img src='/a.jpg'>"
                     f"{_paragraphs()}</div>")
    assert blocks == PARAGRAPHS


def test_a_heading_over_a_box_of_links_the_text_leaves_out_goes_with_it():
    tools = ("<div class='module'><h4>Story tools</h4><ul><li><a href='/mail'>E-mail</a></li>"
             "<li><a href='/print'>Print this story</a></li></ul></div>")
    blocks = _blocks(f"<article><p>{PARAGRAPHS[0]}</p>{tools}{_paragraphs()}</article>")
    assert "Story tools" not in blocks and blocks[-1] == PARAGRAPHS[-1]
    # a subheading alone in its box, or beside the paragraphs it introduces, stays
    alone = "<div class='subhead'><h3>The new ramps</h3></div>"
    section = f"<section><h3>The car park</h3><p>{PARAGRAPHS[1]}</p></section>"
    blocks = _blocks(f"<article><p>{PARAGRAPHS[0]}</p>{alone}{section}{_paragraphs()}</article>")
    assert "The new ramps" in blocks and "The car park" in blocks


def test_the_printable_part_of_the_page_is_the_article_not_a_print_button():
    page = (f"<div class='teasers'><p>{PARAGRAPHS[2]}</p></div>"
            f"<div id='content_print' class='article_content'>{_paragraphs()}</div>"
            f"<div class='sidebar'><p>{PARAGRAPHS[3]} {PARAGRAPHS[0]}</p></div>")
    blocks = _blocks(page)
    assert blocks == PARAGRAPHS
    # a print button named so is still chrome
    blocks = _blocks(f"<article>{_paragraphs()}<div class='article-print'><a href='/p'>Print"
                     f"</a></div></article>")
    assert "Print" not in blocks


def test_a_chrome_word_negated_in_a_class_name_names_no_chrome():
    blocks = _blocks(f"<div class='teasers'><p>{PARAGRAPHS[3]}</p></div>"
                     f"<section class='row non-paywall'><article>{_paragraphs()}</article>"
                     f"</section>")
    assert blocks == PARAGRAPHS


def test_an_article_nested_in_a_menu_box_by_unclosed_markup_is_kept():
    # a widget's box left open: the browser nests everything after it, the article too
    page = (f"<div id='nav_menu-3' class='widget'><ul><li><a href='/'>Home</a></li></ul>"
            f"<div class='main-content'><article>{_paragraphs()}</article></div></div>")
    assert _blocks(page) == PARAGRAPHS
    # the same menu closed before the article is still chrome
    page = (f"<div id='nav_menu-3'><p>{PARAGRAPHS[3]}</p></div><article>{_paragraphs()}"
            f"</article>")
    blocks = _blocks(page)
    assert blocks == PARAGRAPHS


def test_a_negated_metadata_word_in_a_class_name_names_no_metadata():
    # "no_caption": a box of the text that has no caption, not a caption
    blocks = _blocks(f"<article><div class='item no_caption'><p>{PARAGRAPHS[0]}</p></div>"
                     f"{_paragraphs()}</article>")
    assert blocks == [PARAGRAPHS[0], *PARAGRAPHS]


def test_the_authors_box_and_contact_address_are_no_part_of_the_text():
    bio = ("<div class='artDetailAutor'><p>Jane Roe leads the harbour desk and writes about "
           "ferries.</p></div>")
    address = "<address><p>Press office, Quay Street 4</p></address>"
    blocks = _blocks(f"<article>{_paragraphs(bio, address)}</article>")
    assert blocks == PARAGRAPHS
    blocks = _blocks(f"<article>{_paragraphs()}<div class='bio'><p>Jane Roe is a reporter."
                     f"</p></div></article>")
    assert blocks == PARAGRAPHS


def test_a_read_also_line_near_the_end_does_not_cut_the_paragraphs_after_it():
    box = "<h3>Read also</h3><p><a href='/quota'>Fishing quotas under review</a></p>"
    last = f"{PARAGRAPHS[3]} {PARAGRAPHS[0]}"
    blocks = _blocks(f"<article>{_paragraphs()}<p>{PARAGRAPHS[0]} {PARAGRAPHS[1]}</p>{box}"
                     f"<p>{PARAGRAPHS[2]} {PARAGRAPHS[1]}</p><p>{last}</p></article>")
    assert blocks[-1] == last and "Read also" in blocks


def test_a_blog_box_named_as_a_widget_keeps_a_text_written_without_paragraphs():
    # Blogger's post box is a "widget Blog"; its text may come in <span>s split by <br>, no <p>
    text = "<br><br>".join(f"<span>{p}</span>" for p in PARAGRAPHS)
    blocks = _blocks(f"<div class='widget Blog' id='Blog1'><div class='post-body'>{text}"
                     f"</div></div><div class='widget'><span>Most read: the ferry timetable"
                     f"</span></div>")
    assert all(p in "".join(blocks) for p in PARAGRAPHS) and "Most read" not in str(blocks)


def test_a_picture_box_with_a_one_line_caption_is_no_text_container():
    # an "entry-thumbnail" scores by its name; its caption is no article text beside the
    # paragraph in the box next to it
    page = (f"<div class='entry-content'><div class='entry-thumbnail'><img src='/a.jpg'>"
            f"<div class='wp-caption'><p>(Harbour Authority photograph)</p></div></div>"
            f"<div class='box'><p>{PARAGRAPHS[0]}</p><p><a href='/listen'>Listen to the "
            f"opening of the new ferry terminal</a></p></div></div>")
    assert _blocks(page)[0] == PARAGRAPHS[0]


def test_the_text_behind_a_paywall_box_stays_a_prompt_to_subscribe_goes():
    # the page ships the rest of the article inside a "paywall" box the script hides
    # (less than half the page's prose: the page prints more of it below the article)
    page = (f"<div class='article-body'><p>{PARAGRAPHS[0]}</p><div class='paywall'>"
            f"{''.join(f'<p>{p}</p>' for p in PARAGRAPHS[1:])}</div></div>"
            f"<div class='about'>{_paragraphs()}</div>")
    assert _blocks(page)[:4] == PARAGRAPHS
    prompt = ("<div class='paywall'><p>Subscribe to read the rest of this story and every "
              "other story about the harbour, for one euro in the first month.</p></div>")
    assert _blocks(f"<div class='article-body'>{_paragraphs(prompt)}</div>") == PARAGRAPHS


def test_a_rubys_reading_is_no_part_of_the_text():
    # furigana: the reading printed over a word, read by the ruby's <rt> (and <rp> brackets)
    ruby = PARAGRAPHS[0].replace("harbour", "<ruby>harbour<rp>(</rp><rt>HAR-ber</rt><rp>)</rp>"
                                            "</ruby>", 1)
    assert _blocks(f"<article><p>{ruby}</p>{_paragraphs()}</article>")[0] == PARAGRAPHS[0]
