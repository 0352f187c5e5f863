"""The lead picture of an article page and its caption and credit (issue 17).

The metadata names the lead picture (JSON-LD ``image``, ``og:image``, ``twitter:image``) in one
rendition; the page shows it in another size, behind a resizer, or under a CMS's hashed name.
The figure that shows it gives the caption readers see, and it is looked for on the whole page,
before boxes named like chrome are dropped.
"""

from __future__ import annotations

import pytest

from normalize import page
from normalize.page.pictures import picture_key
from normalize.wire import enrich


@pytest.mark.parametrize("declared, shown", [
    ("https://cdn.example/2024/05/harbour.jpg", "https://cdn.example/2024/05/harbour-1024x768.jpg"),
    ("https://cdn.example/harbour.jpg", "/uploads/harbour-scaled-e1699276060185.jpg"),
    ("https://cdn.example/harbour.jpg?w=1200&q=80", "https://cdn.example/harbour_w800.jpg"),
    ("https://cdn.example/fileadmin/csm_harbour_5214ae3c8f.jpg",
     "https://cdn.example/fileadmin/csm_harbour_22ce777a90.jpg"),
    ("https://cdn.example/files/Harbour%20at%20dawn,%20east.jpg",
     "assets/images/Harbour%20at%20dawn%2C%20east-e8b1a4d3.jpg"),
    ("https://resizer.example/crop/3000x1575/resize/1200x630/?url=https%3A%2F%2Fs3.example%2Fab"
     "%2Fharbour-06154.jpg", "https://resizer.example/resize/800x600/?url=https%3A%2F%2Fs3."
     "example%2Fab%2Fharbour-06154.jpg"),
    ("https://cdn.example/2024/05/mr1/300.jpg?mod=1", "https://cdn.example/2024/05/mr1/300.jpg"),
    ("https://cdn.example/uploads/harbour.jpeg", "/uploads/harbour-600x400.jpeg.webp"),
    ("https://cdn.example/dims?a=1&amp;image_uri=https%3A%2F%2Fcdn.example%2Fharbour.jpg",
     "https://cdn.example/dims?image_uri=https%3A%2F%2Fcdn.example%2Fharbour.jpg&b=2"),
    ("https://cdn.example/o6rwkUiJRP-1200-80.jpg", "https://cdn.example/o6rwkUiJRP-320-80.jpg"),
    ("https://cdn.example/A1925_large_harbour-3-700-86e317e6b44fd5cf.jpeg",
     "https://cdn.example/A1925_large_harbour-3-700-ae8b2233f0b52e59.jpeg"),
    ("https://cdn.example/harbour___2XutHKUjz_2000x1500__1.jpg",
     "https://cdn.example/harbour___2XutHKUjz_340x340__1.jpg"),
    # a file named for its rendition: the picture is its folder (a resizer's id in a list)
    ("https://img.example/thumb/id-48213377,width-1070,height-580,resizemode-75/photo.jpg",
     "https://img.example/thumb/id-48213377,width-400,resizemode-4/48213377.jpg"),
    ("https://img.example/photos/01/22/48213377/5/rawImage.jpg",
     "https://img.example/photos/01/22/48213377/5/920x920.jpg"),
    ("https://img.example/a/7Hk2qPzX9m/hero-image.fill.size_1200x675.v1611614732.jpg",
     "https://img.example/a/7Hk2qPzX9m/hero-image.fill.size_1248x702.v1611614732.jpg"),
    ("https://cms.example/images/42584/fill-1200x650/",
     "https://cms.example/images/42584/fill-640x426|format-jpeg|jpegquality-80/"),
    ("https://img.example/2021/12/ana_-stock.adobe_.com_.jpeg",
     "https://img.example/2021/12/ana_-stock.adobe_.com_-768x512.jpeg.webp"),
    # a rendition after a dot, a one-letter prefix, a word with a width
    ("https://img.example/harbour-reopens_3fa2.social-1200-630.jpg",
     "https://img.example/harbour-reopens_3fa2.fit-760w.jpg"),
    ("https://img.example/gen/3692/thumbs/s-HARBOUR-REOPENS-small.jpg",
     "https://img.example/gen/3692/thumbs/r-HARBOUR-REOPENS-large570.jpg"),
    # a folder per picture, its renditions named after it
    ("https://img.example/2024/05/21/Harbour/Harbour-facebookJumbo-v2.jpg",
     "https://img.example/2024/05/21/Harbour/Harbour-articleLarge.jpg"),
    # a rendition's width (and height) before the name
    ("https://img.example/cache/1280_558812_2207_31415926.png",
     "https://img.example/cache/668_558812_2207_31415926.png"),
    ("https://img.example/cache/img/1200_660_matched__k3v9qx_harbourcranes.jpg",
     "https://img.example/cache/img/840_472_matched__k3v9qx_harbourcranes.jpg"),
    # a numbered format: the picture is its folder
    ("https://img.example/images/harbour-at-dawn/31415926/3-format2003.jpg",
     "https://img.example/images/harbour-at-dawn/31415926/3-formatOriginal.jpg"),
])
def test_renditions_of_one_picture_share_a_key(declared, shown):
    assert picture_key(declared) == picture_key(shown)


@pytest.mark.parametrize("one, other", [
    ("https://cdn.example/harbour.jpg", "https://cdn.example/harbor.jpg"),
    # a date is part of the name, not a rendition's hash
    ("https://cdn.example/photo-20220426.jpg", "https://cdn.example/photo-20220427.jpg"),
    ("https://cdn.example/a/300.jpg", "https://cdn.example/b/300.jpg"),
    ("https://cdn.example/harbour-1.jpg", "https://cdn.example/harbour-2.jpg"),
    ("https://img.example/a/7Hk2qPzX9m/photo.jpg", "https://img.example/a/9Lw3rQaY8n/photo.jpg"),
    ("https://img.example/Harbour/Harbour-2.jpg", "https://img.example/Harbour/Harbour-3.jpg"),
    ("https://img.example/2020/02/Image-2020-02-17-at-12.09.33.jpeg",
     "https://img.example/2020/02/Image-2020-02-17-at-12.10.28-720x540.jpeg"),
    # a story's folder and its pictures named after it
    ("https://img.example/harbour_works/harbour_works_teaser.jpg",
     "https://img.example/harbour_works/harbour_works_crane.jpg"),
    # a year before the name is its date, no rendition's width
    ("https://img.example/2019_03_harbour_view.jpg", "https://img.example/2020_03_harbour_view.jpg"),
    ("https://img.example/images/harbour/31415926/3-format2003.jpg",
     "https://img.example/images/harbour/27182818/3-format2003.jpg"),
])
def test_other_pictures_keep_other_keys(one, other):
    assert picture_key(one) != picture_key(other)


def test_a_word_appended_to_a_long_name_is_the_same_picture():
    from normalize.page.pictures import _shows

    assert _shows({"20240521-harbour-reopening"}, "20240521-harbour-reopening-data")
    assert not _shows({"20240521-harbour-reopening"}, "20240521-harbour-reopening-2")
    assert not _shows({"harbour"}, "harbour-data")  # too short a name to tell
    # other pictures of the story, named after it
    assert not _shows({"harbour-reopens-after-repairs_teaser"},
                      "harbour-reopens-after-repairs_quay")
    assert not _shows({"harbour-reopens-after-repair"}, "harbour-reopens-after-repairs")


_PAGE = """<!doctype html><html lang="en"><head><title>Harbour reopens</title>
<meta property="og:image" content="https://cdn.example/2024/05/harbour.jpg">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour reopens",
 "image": {"@type": "ImageObject", "url": "https://cdn.example/2024/05/harbour.jpg",
 "caption": "harbour"}}</script></head><body>
<div class="elementor-widget-image"><figure>
<img src="https://cdn.example/2024/05/harbour-1024x683.jpg" width="1024" height="683">
<figcaption>Cranes unload the first ship in two months. Photo: Ana Ruiz/Harbour News
</figcaption></figure></div>
<article><h1>Harbour reopens</h1>
<p>The harbour reopened on Monday after two months of repairs to the quay wall, and the first
container ship was unloaded within hours of the announcement by the port authority.</p>
<p>Dock workers said the repairs had taken longer than planned because of the winter storms,
which twice flooded the site and washed away part of the temporary dam.</p>
<p>The port authority expects traffic to return to last year's level by the end of summer.</p>
</article></body></html>"""


def test_lead_figure_in_a_box_named_like_chrome_gives_the_printed_caption():
    [article] = page.parse(_PAGE.encode(), url="https://news.example/harbour")
    lead = enrich(article).images[0]
    assert lead.url == "https://cdn.example/2024/05/harbour.jpg"
    # the printed caption, not the JSON-LD's file-name caption
    assert lead.caption == "Cranes unload the first ship in two months."
    assert lead.credit is not None and lead.credit.text == "Ana Ruiz/Harbour News"


def _page_with(figure: str) -> bytes:
    return _PAGE.replace(
        _PAGE[_PAGE.index('<div class="elementor'):_PAGE.index("<article>")], figure).encode()


@pytest.mark.parametrize("figure, caption, credit", [
    # The credit's label in an element of its own, read twice (a hidden copy for screen readers).
    ('<figure><img src="/img/harbour.jpg"><figcaption><span>Cranes at work.</span>'
     '<span itemprop="copyrightHolder"><span class="x1">Credit</span><span><span class="x2">'
     'Credit</span><span>Ana Ruiz/Harbour News</span></span></span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz/Harbour News"),
    # A box named "credit" holding the caption and the credit proper.
    ('<figure><img src="/img/harbour.jpg"><figcaption class="lead-image__credit">'
     '<span class="lead-image__caption">Cranes at work.</span> '
     '<span class="lead-image__attribution">Ana Ruiz/Harbour News</span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz/Harbour News"),
    # The caption inside the copyright box, after the labelled credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption><div class="copyright">Bild: Ana Ruiz'
     '<span class="picture-description">Cranes at work.</span></div></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz"),
    # The separator printed between caption and credit stays out of both.
    ('<figure><img src="/img/harbour.jpg"><figcaption><div class="description">Cranes at work.'
     '</div><div> |</div><div class="copyright">Ana Ruiz/Harbour News</div></figcaption>'
     '</figure>', "Cranes at work.", "Ana Ruiz/Harbour News"),
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="caption">Cranes at work.'
     '</span><span class="source">&copy;<cite> Ana Ruiz</cite></span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz"),
    ('<figure><img src="/img/harbour.jpg"><figcaption>Cranes at work.<span class="sources">'
     ' / Źródło: <span class="source"><a href="/">Ana Ruiz</a></span></span></figcaption>'
     '</figure>', "Cranes at work.", "Ana Ruiz"),
    # A label in an element of its own, inside a caption without classes to go by.
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="c1"><span class="c2">Credit'
     '</span>Ana Ruiz/Harbour News</span></figcaption></figure>', None, "Ana Ruiz/Harbour News"),
    # A file name a CMS prints (hidden) in the caption is not caption.
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="caption">Cranes at work.'
     '</span> | <span class="credit">Foto: Ana Ruiz</span><span class="caption-filename">'
     '2024/05/harbour-scaled.jpeg</span></figcaption></figure>', "Cranes at work.", "Ana Ruiz"),
    # Lazy loaders' addresses: Foundation's data-interchange, a lazy srcset.
    ('<figure><img data-interchange="[/img/harbour-300x198.jpg, small], [/img/harbour-1300x858'
     '.jpg, medium]"><div class="wp-caption-text">Cranes at work.</div></figure>',
     "Cranes at work.", None),
    ('<figure><img src="data:image/svg+xml,%3Csvg%3E" data-lazy-srcset="/img/harbour-320x212.jpg'
     ' 320w, /img/harbour-1024x682.jpg 1024w"><figcaption>Cranes at work.</figcaption></figure>',
     "Cranes at work.", None),
    # The date the picture was taken, in an element of its own, is neither caption nor credit;
    # the agency after it is the credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption class="pie"><h4>Cranes at work.</h4>'
     '<h5>27-05-2024</h5> | Efe</figcaption></figure>', "Cranes at work.", "Efe"),
    # A prompt to enlarge the picture is no credit; the marked agency is.
    ('<figure><img src="/img/harbour.jpg"><div class="news-caption"><em>&copy; ANSA</em>'
     '<div class="link-gallery"><a href="javascript:void(0);"><span>+</span>CLICCA PER '
     'INGRANDIRE</a></div></div></figure>', None, "ANSA"),
    # The New York Times' label: "Credit..." where others print "Credit:".
    ('<figure><img src="/img/harbour.jpg"><figcaption><span>Cranes at work.</span><span>'
     '<span>Credit...</span>Ana Ruiz/Associated Press</span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz/Associated Press"),
    # The caption printed right after its figure, as the figure's next sibling.
    ('<div class="w-full"><figure class="ratio-16-9"><picture><img src="/img/harbour.jpg">'
     '</picture></figure><figcaption>Cranes at work. Fotocredit: SID</figcaption></div>',
     "Cranes at work.", "SID"),
    # A box of minified classes holding an AMP picture and its <figcaption>.
    ('<div class="cb7v-0"><div class="dm9l-0"><amp-img src="/img/harbour.jpg" width="1920" '
     'height="1080"></amp-img></div><figcaption class="cb7v-1"><p>Illustration: Ana Ruiz/Axios'
     '</p></figcaption></div>', None, "Ana Ruiz/Axios"),
    # A label in a credit box of its own inside the credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption>Cranes at work. <span class="image-credit">'
     '<span class="credit-label-wrapper">Foto:</span> Ana Ruiz/Harbour News</span></figcaption>'
     '</figure>', "Cranes at work.", "Ana Ruiz/Harbour News"),
    # Buttons under the picture are not its caption: the declared caption stands.
    ('<figure><img src="/img/harbour.jpg"><figcaption><div><a class="btn-pinit-link" href="/">'
     '<span>Pin</span></a></div><div><a class="btn-print-link" href="#">Print</a></div>'
     '</figcaption></figure>', "harbour", None),
    # A gallery's pager beside the caption, in a box whose class says "caption".
    ('<figure class="gallery"><img src="/img/harbour.jpg"><div class="gallery-caption-content">'
     '<p class="pager">Foto <span>1</span> de 3</p><figcaption><p>Cranes at work. Foto: Ana Ruiz'
     '</p></figcaption></div></figure>', "Cranes at work.", "Ana Ruiz"),
    # A newspaper's words: the cutline, and the picture's byline.
    ('<figure><img src="/img/harbour.jpg"><div class="cutline-byline-container"><span '
     'class="cutline-text"><p>Cranes at work.</p></span> <span class="byline-image">Fotos: Ana '
     'Ruiz/AFP</span></div></figure>', "Cranes at work.", "Ana Ruiz/AFP"),
    # A label word set in bold within the sentence is the sentence's.
    ('<figure><img src="/img/harbour.jpg"><figcaption><b>Photo</b> of the harbour at dawn.'
     '</figcaption></figure>', "Photo of the harbour at dawn.", None),
    # Inline markup inside the caption runs on with its text.
    ('<figure><img src="/img/harbour.jpg"><figcaption>Crews of the port (<b>PA</b>) at work.'
     '</figcaption></figure>', "Crews of the port (PA) at work.", None),
    # Caption and credit boxes printed after the picture's wrapper, outside any figure.
    ('<div class="lead-wrap"><div class="asset"><img src="/img/harbour.jpg"></div>'
     '<p class="caption">Cranes at work.</p><div class="credit">Ana Ruiz / Harbour News</div>'
     '</div>', "Cranes at work.", "Ana Ruiz / Harbour News"),
    # A <figure> holding only the picture, its caption in the box around it.
    ('<div class="article-img"><figure><img src="/img/harbour.jpg"></figure>'
     '<p class="caption">Cranes at work. (Photo: Ana Ruiz)</p></div>',
     "Cranes at work.", "Ana Ruiz"),
    # A class word "cap" names a caption ("img-cap").
    ('<div class="img-box"><img src="/img/harbour.jpg"><span class="img-cap">Cranes at work.'
     '</span></div>', "Cranes at work.", None),
    # The one short paragraph of a box named for the picture is its caption.
    ('<div class="foto"><img src="/img/harbour.jpg"><p>Cranes at work.</p></div>',
     "Cranes at work.", None),
    # A credit box printing the caption too: the caption is not the credit.
    ('<div class="image"><div class="in"><img src="/img/harbour.jpg"></div>'
     '<span class="image-credits"><p>Cranes at work.</p><span>Ana Ruiz</span></span></div>',
     "Cranes at work.", "Ana Ruiz"),
    # A caption's toggles ("Open", "… [+]") are no part of it.
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="tab">Open</span>Cranes at '
     'work in the <span class="plus">… [+]</span> early morning.</figcaption></figure>',
     "Cranes at work in the early morning.", None),
    # A second, short <figcaption> is the credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption>Cranes at work.</figcaption>'
     '<figcaption><span class="x9">Ana Ruiz / AP</span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz / AP"),
    # What the lightbox shows: data-caption and data-credit on the picture's box.
    ('<figure data-caption="Cranes at work." data-credit="Ana Ruiz/AP"><img '
     'src="/img/harbour.jpg"></figure>', "Cranes at work.", "Ana Ruiz/AP"),
    # A box named "image-desc" after the picture.
    ('<div class="lead"><img src="/img/harbour.jpg"></div><div class="article-image-desc">'
     'Cranes at work. Fot. Ana Ruiz</div>', "Cranes at work.", "Ana Ruiz"),
    # The headline printed over the picture is no caption.
    ('<figure><img src="/img/harbour.jpg"><figcaption class="overlay"><h1>Harbour reopens</h1>'
     '</figcaption></figure>', "harbour", None),
    # A linked credit beside the picture.
    ('<div class="img_box"><a href="/big.jpg"><img src="/img/harbour.jpg"></a>'
     '<div class="img_credit"><a href="https://agency.example">Reuters</a></div></div>',
     "harbour", "Reuters"),
    # A picture's credit and nothing else beside it (the caption stays the declared one).
    ('<div class="photo"><img src="/img/harbour.jpg"><div class="credit">Ana Ruiz/AP</div>'
     '</div>', "harbour", "Ana Ruiz/AP"),
    # A <figcaption> after its figure, and the credit after it.
    ('<div class="m"><figure class="image"><img src="/img/harbour.jpg"></figure><figcaption>'
     'Cranes at work.</figcaption><span class="author">EFE</span></div>',
     "Cranes at work.", "EFE"),
    # Camel-cased class names ("ssCredit"): the credit printed before the caption.
    ('<div class="wp-caption"><img src="/img/harbour.jpg"><div class="meta"><div '
     'class="ssCredit">(Ana Ruiz/AP)</div>Cranes at work.</div></div>',
     "Cranes at work.", "Ana Ruiz/AP"),
    # Pictures laid out in a table: the caption in the picture's cell, or in the row under it.
    ('<table><tr><td><img src="/img/harbour.jpg"><br>Cranes at work. Foto: Ana Ruiz</td></tr>'
     '</table>', "Cranes at work.", "Ana Ruiz"),
    ('<table class="x"><tr><td><a href="/big.jpg"><img src="/img/harbour.jpg"></a></td></tr>'
     '<tr><td><span>Cranes at work.</span></td></tr></table>', "Cranes at work.", None),
    # ... not a data table's chart and its figures.
    ('<table><tr><td><img src="/img/harbour.jpg"></td><td>58.722,84</td></tr><tr><td>CHF '
     '-1.362,16</td></tr></table>', "harbour", None),
    # A lazy loader's box standing in for the <img>; labels for screen readers printed apart.
    ('<figure class="media-landscape"><span class="image-and-copyright-container"><div '
     'class="js-delayed-image-load" data-src="/img/harbour.jpg" data-alt="Cranes"></div><span '
     'class="off-screen">Image copyright</span><span class="story-image-copyright">Reuters</span>'
     '</span><figcaption><span class="off-screen">Image caption</span><span class="text">Cranes '
     'at work.</span></figcaption></figure>', "Cranes at work.", "Reuters"),
    # A minor heading or an inline box right after the picture, nothing saying "caption".
    ('<picture><img src="/img/harbour.jpg"></picture><h5>Cranes at work on the quay.</h5>',
     "Cranes at work on the quay.", None),
    ('<figure class="fig"><img src="/img/harbour.jpg"></figure><span class="q7_x">Cranes at '
     'work. Photo Ana Ruiz/AP</span>', "Cranes at work.", "Ana Ruiz/AP"),
    # ... but not a byline, nor a time.
    ('<div class="lead"><img src="/img/harbour.jpg"></div><span>By Ana Ruiz</span>',
     "harbour", None),
    # ... nor a one-word section label, nor a title styled as an inline box.
    ('<img src="/img/harbour.jpg"><span class="sec">Pétition</span>', "harbour", None),
    ('<div><img src="/img/harbour.jpg"></div><span class="title">Harbour reopens</span>',
     "harbour", None),
    # A picture's box that also holds its tags' links is a box of the picture alone.
    ('<div class="top"><div class="tags"><a href="/t/port">Port</a></div><img '
     'src="/img/harbour.jpg"></div><div class="img_description"><p>Cranes at work. © Harbour '
     'News</p></div>', "Cranes at work.", "Harbour News"),
    # A caption in a box of its own right after the figure.
    ('<div class="x9"><figure class="b1"><picture><img src="/img/harbour.jpg" alt="Quay 4">'
     '</picture></figure><div class="w2"><figcaption class="t3">Quay 4 / Ana Ruiz/Harbour News'
     '</figcaption></div></div>', "Quay 4", "Ana Ruiz/Harbour News"),
    # The text of the box that holds the credit's is the caption.
    ('<div class="lede-image"><img src="/img/harbour.jpg"><div class="lede-data"><div '
     'class="attribution"> Back to work. <span class="credit">Photo: Ana Ruiz/Harbour News'
     '</span></div></div></div>', "Back to work.", "Ana Ruiz/Harbour News"),
    # A labelled credit printed before the caption; a bullet between caption and credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption><span>Photo: Ana Ruiz Harbour News</span>'
     ' The first ship unloaded after two months of works on the quay.</figcaption></figure>',
     "The first ship unloaded after two months of works on the quay.", "Ana Ruiz Harbour News"),
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="c">Cranes at work</span>'
     '<span class="b">•</span><span class="copyright">Crédits : <em>Harbour News</em></span>'
     '</figcaption></figure>', "Cranes at work", "Harbour News"),
    # "Photo via": a label; a zero-width space after a slash prints no space.
    ('<figure><img src="/img/harbour.jpg"><figcaption>The quay reopened on Monday. Photo via '
     'Harbour Authority</figcaption></figure>', "The quay reopened on Monday.", "Harbour Authority"),
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="text">Cranes at work.</span>'
     '<span class="copyright">© Ana Ruiz/\u200bHarbour News</span></figcaption></figure>',
     "Cranes at work.", "Ana Ruiz/Harbour News"),
    # The photographer's name ends the caption when the credit's box holds their e-mail.
    ('<figure><img src="/img/harbour.jpg"><figcaption> Cranes at work on the quay. Ana B Ruiz '
     '<span class="credit">aruiz@harbour.example</span></figcaption></figure>',
     "Cranes at work on the quay.", "Ana B Ruiz"),
    # A caption and its agency in a box named for the credit; a name and an agency stay a credit.
    ('<figure><img src="/img/harbour.jpg"><figcaption class="credit-thumb"><p>Cranes on the quay,'
     ' in May / AFP</p></figcaption></figure>', "Cranes on the quay, in May", "AFP"),
    ('<figure><img src="/img/harbour.jpg"><figcaption class="credit-thumb"><p>Ana Ruiz / AFP</p>'
     '</figcaption></figure>', "harbour", "Ana Ruiz / AFP"),
])
def test_printed_caption_and_credit(figure, caption, credit):
    [article] = page.parse(_page_with(figure), url="https://cdn.example/2024/05/story")
    lead = enrich(article).images[0]
    assert lead.caption == caption
    assert (lead.credit.text if lead.credit else None) == credit


_OTHER_RENDITION = """<!doctype html><html lang="es"><head><title>El puerto reabre</title>
<meta property="og:image" content="https://cdn.example/2024/05/puerto_1582112649_rrss.jpg">
</head><body><article><h1>El puerto reabre</h1>
<figure class="foto"><a href="/autor/ana-ruiz/"><img src="/avatares/ana-ruiz.jpg" width="80"
 height="80" alt="Ana Ruiz"></a></figure>
<p>El puerto reabrió el lunes después de dos meses de obras en el muelle, y el primer buque
portacontenedores fue descargado pocas horas después del anuncio de la autoridad portuaria.</p>
<p>Los estibadores dijeron que las obras se habían alargado por los temporales del invierno, que
inundaron dos veces la zona y se llevaron parte del dique provisional.</p>
<figure><img src="/2024/05/puerto_1582112634_noticia.jpg" width="980" height="654">
<figcaption><span>Grúas en el muelle del puerto.</span> <span itemprop="author">EFE</span>
</figcaption></figure>
<p>La autoridad portuaria espera recuperar el tráfico del año pasado antes del final del verano,
cuando vuelvan las rutas de los cruceros y los ferris de las islas.</p>
<p>Las navieras han pedido compensaciones por los dos meses de cierre del puerto y de las
terminales de carga, que según sus cuentas costaron varios millones de euros.</p>
</article></body></html>"""


def test_first_picture_of_the_text_stands_in_for_a_rendition_it_cannot_match():
    """The metadata names a crop made for sharing, under another name: the first picture of the
    text, after two paragraphs of introduction, is the lead; the author's portrait is not."""
    [article] = page.parse(_OTHER_RENDITION.encode(), url="https://cdn.example/2024/05/puerto")
    lead = enrich(article).images[0]
    assert lead.url == "https://cdn.example/2024/05/puerto_1582112649_rrss.jpg"
    assert lead.caption == "Grúas en el muelle del puerto."
    assert lead.credit is not None and lead.credit.text == "EFE"


@pytest.mark.parametrize("img", [
    # A spinner shown until the picture loads, the picture in the loader's own attributes.
    '<img src="/themes/site/preload.gif" alt="preload" data-lg="/2024/05/harbour-1600x1067.jpg"'
    ' data-sm="/2024/05/harbour-400x267.jpg">',
    '<img src="/ext/template/lazyloading-placeholder.png" data-md="/2024/05/harbour-800x533.jpg">',
])
def test_a_lazy_loaders_placeholder_is_not_the_picture(img):
    figure = f'<figure>{img}<figcaption>Cranes at work. Foto: Ana Ruiz</figcaption></figure>'
    [article] = page.parse(_page_with(figure), url="https://cdn.example/2024/05/story")
    pictures = enrich(article).images
    # the figure shows the declared picture: its printed caption and credit are the lead's
    assert pictures[0].caption == "Cranes at work."
    assert pictures[0].credit is not None and pictures[0].credit.text == "Ana Ruiz"
    assert not any("preload" in p.url or "placeholder" in p.url for p in pictures)


def test_a_step_box_with_text_picture_and_caption_is_text_not_a_figure():
    """A how-to prints each step's text, picture and caption in one box of its own: that box is
    text; a box holding a picture and its caption alone plays a figure."""
    from lxml import html as lxml_html

    from normalize.page.pictures import _is_figure

    step = lxml_html.fromstring(
        '<div class="c1"><div class="c2"><span>Step 2</span><p>Dig a hole in the foam large '
        'enough for the roots.</p></div><figure><img src="/img/step-2.jpg"></figure>'
        '<figcaption>Orchid in foam (Ana Ruiz)</figcaption></div>')
    alone = lxml_html.fromstring(
        '<div class="c1"><div class="c2"><amp-img src="/img/harbour.jpg"></amp-img></div>'
        '<figcaption>Illustration: Ana Ruiz/Axios</figcaption></div>')
    assert not _is_figure(step)
    assert _is_figure(alone)


_TEASER_PAGE = """<!doctype html><html lang="en"><head><title>Harbour reopens</title>
<meta property="og:image" content="https://cdn.example/default.png"></head><body>
<article><h1>Harbour reopens</h1>
<p>The harbour reopened on Monday after two months of works on the quay, and the first container
ship was unloaded a few hours after the port authority's announcement.</p>
<p>Dockers said the works had run late because of the winter storms, which flooded the area twice
and washed away part of the temporary dyke.</p></article>
<ul class="more"><li><div class="thumb"><img src="/default.png"></div>
<div class="teaser-caption"><a href="/a">Ferries return to the islands next week</a></div></li>
</ul></body></html>"""


_LINKED_TEASER = """<!doctype html><html lang="en"><head><title>Harbour reopens</title>
<meta property="og:image" content="https://cdn.example/2024/05/harbour.jpg"></head><body>
<article><h1>Harbour reopens</h1>
<p>The harbour reopened on Monday after two months of repairs to the quay wall, and the first
container ship was unloaded within hours of the announcement by the port authority.</p></article>
<ul class="more"><li><a href="/ferries"><span class="th"><img
src="https://cdn.example/2024/05/harbour.jpg"></span><span class="tx">Ferries return to the
islands next week</span></a></li></ul></body></html>"""


def test_a_teasers_text_in_the_same_link_as_the_picture_is_no_caption():
    [article] = page.parse(_LINKED_TEASER.encode(), url="https://news.example/harbour")
    lead = enrich(article).images[0]
    assert lead.caption is None and lead.credit is None


def test_a_teasers_linked_title_beside_the_lead_picture_is_no_caption():
    [article] = page.parse(_TEASER_PAGE.encode(), url="https://news.example/harbour")
    lead = enrich(article).images[0]
    assert lead.caption is None and lead.credit is None


@pytest.mark.parametrize("after, caption, credit", [
    # a long wire caption in a box of its own named for it
    ('<div class="large-image-caption">' + "Dock workers unload the first ship. " * 12 + "</div>",
     ("Dock workers unload the first ship. " * 12).strip(), None),
    # a credit with its label in a box of minified classes
    ('<div class="mt-2"><span class="x7">Credit: Ana Ruiz/Harbour News</span></div>',
     None, "Ana Ruiz/Harbour News"),
    # a gallery's long caption, printed whole and shortened, the toggles between the two
    # unlinked ("less", "... more")
    ('<div class="caption"><div class="caption-full">' + "Dock workers unload the first ship. "
     * 12 + '<a class="more-caption"> less</a></div><div class="caption-truncated">Dock workers '
     'unload the first ship.<a class="more-caption"> ... more</a></div><span class="credit">'
     'Photo: Ana Ruiz, AP</span></div>', ("Dock workers unload the first ship. " * 12).strip(),
     "Ana Ruiz, AP"),
])
def test_boxes_printed_beside_the_lead_picture(after, caption, credit):
    html = _PAGE.replace(_PAGE[_PAGE.index('<div class="elementor'):_PAGE.index("<article>")],
                         '<div class="hero"><img src="https://cdn.example/2024/05/harbour.jpg">'
                         + after + "</div>")
    lead = enrich(page.parse(html.encode(), url="https://news.example/harbour")[0]).images[0]
    assert lead.caption == caption
    assert (lead.credit.text if lead.credit else None) == credit


@pytest.mark.parametrize("figure, caption, credit", [
    # the caption's toggles are no caption
    ('<figure><img src="/img/harbour.jpg"><div class="caption">Cranes at work. '
     '<b class="credit">Ana Ruiz/AP</b><b class="hide">hide caption</b></div>'
     '<b class="toggle">toggle caption</b></figure>', "Cranes at work.", "Ana Ruiz/AP"),
    # the credit printed over the picture in a box of minified classes, the caption under it
    ('<figure class="x1"><div class="x2"><div class="x3"><img src="/img/harbour.jpg"></div>'
     '<div class="x4">AP Photo/Ana Ruiz</div></div><figcaption class="x5">Cranes at work.'
     '</figcaption></figure>', "Cranes at work.", "AP Photo/Ana Ruiz"),
    # the picture's owner is its credit (the JSON-LD's caption stands, none is printed)
    ('<figure><img src="/img/harbour.jpg"><figcaption><span class="caption-owner">Ana Ruiz'
     '</span></figcaption></figure>', "harbour", "Ana Ruiz"),
    # the caption is the picture's alt text, its source after a slash (a two-word caption
    # reads like a person's name before a slash, "Ana Ruiz / dpa")
    ('<figure><picture><source srcset="/img/harbour.webp" type="image/webp">'
     '<img src="/img/harbour.jpg" alt="Harbour Authority"></picture><figcaption>'
     '<span><b>Harbour Authority</b> / Shutterstock</span></figcaption></figure>',
     "Harbour Authority", "Shutterstock"),
])
def test_caption_toggles_and_owners(figure, caption, credit):
    lead = enrich(page.parse(_page_with(figure), url="https://news.example/harbour")[0]).images[0]
    assert lead.caption == caption
    assert (lead.credit.text if lead.credit else None) == credit


def test_the_whole_pages_reading_completes_a_caption_cut_with_the_chrome():
    figure = ('<figure><img src="https://cdn.example/2024/05/harbour-600x400.jpg"><figcaption>'
              '<span class="share-tools">Cranes unload the first ship in two months.</span>'
              '<span>Credit...Ana Ruiz/Harbour News</span></figcaption></figure>')
    html = _PAGE.replace(_PAGE[_PAGE.index('<div class="elementor'):_PAGE.index("<article>")],
                         "").replace("<h1>Harbour reopens</h1>", "<h1>Harbour reopens</h1>"
                                     + figure)
    lead = enrich(page.parse(html.encode(), url="https://news.example/harbour")[0]).images[0]
    assert lead.caption == "Cranes unload the first ship in two months."
    assert lead.credit is not None and lead.credit.text == "Ana Ruiz/Harbour News"


_FERRY_TEXT = ("<p>The harbour authority approved the new ferry timetable on Monday after a long "
               "consultation with the island councils and the operators of the smaller boats.</p>"
               "<p>Crossings will run every forty minutes in summer, and the last boat of the day "
               "leaves the mainland an hour later than before, the authority said.</p>")


def _lead(figure: str, head: str = "") -> tuple[str | None, str | None]:
    html = (f"<html lang='en'><head><title>Ferries</title>{head}</head><body><article>"
            f"<h1>Ferries run later</h1>{figure}{_FERRY_TEXT}</article></body></html>")
    [article] = page.parse(html.encode(), url="https://gazette.example/news/ferries")
    image = enrich(article).images[0]
    return image.caption, image.credit.text if image.credit else None


@pytest.mark.parametrize("figure, expected", [
    # a box named for the attribution holding a sentence: the caption
    ('<figure><img src="/i/ferry.jpg"><figcaption class="attribution">Passengers board the '
     "last ferry at the quay.</figcaption></figure>",
     ("Passengers board the last ferry at the quay.", None)),
    ('<figure><img src="/i/ferry.jpg"><div class="image-attribution">Passengers board the last '
     "ferry at the quay. (Jane Roe/Gazette)</div></figure>",
     ("Passengers board the last ferry at the quay.", "Jane Roe/Gazette")),
    # ... and names, or a labelled credit, are the credit still
    ('<figure><img src="/i/ferry.jpg"><figcaption><span class="attribution">Jane Roe/Harbour '
     "Gazette via Island Pictures</span></figcaption></figure>",
     (None, "Jane Roe/Harbour Gazette via Island Pictures")),
    ('<figure><img src="/i/ferry.jpg"><figcaption><span class="attribution">Photo courtesy of '
     "the ferry operator</span></figcaption></figure>",
     (None, "Photo courtesy of the ferry operator")),
])
def test_a_caption_in_a_box_named_for_the_attribution(figure: str, expected: tuple) -> None:
    assert _lead(figure) == expected


def test_a_thumbnail_declared_as_the_lead_gives_way_to_the_larger_captioned_picture() -> None:
    og = '<meta property="og:image" content="https://gazette.example/thumbs/556.jpg">'
    thumb = ('<div class="teaser-image"><img src="https://gazette.example/thumbs/556.jpg" '
             'width="{w}" height="169"></div>')
    big = ('<figure><img src="https://gazette.example/media/8812/ferry-at-dawn.jpg" width="1200" '
           'height="800"><figcaption>Passengers board the last ferry at the quay. Photo: Jane Roe'
           '</figcaption></figure>')
    assert _lead(thumb.format(w=300) + big, og) == ("Passengers board the last ferry at the quay.",
                                                    "Jane Roe")
    # a lead shown large enough is the lead, captioned or not
    assert _lead(thumb.format(w=800) + big, og) == (None, None)
