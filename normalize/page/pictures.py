"""Pictures: figures and their captions and credits, lazy-loaded images, the lead picture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from normalize.text import clean_text
from normalize.page.dom import _absolute, _as_int, _first, _first_element, _is_element, _names, _text, _tokens


@dataclass
class _Picture:
    url: str
    caption: str | None = None
    credit: str | None = None
    type: str | None = None
    width: int | None = None
    height: int | None = None

    def key(self) -> str:
        """The URL without query or size suffix: the same picture served in another size."""
        path = self.url.split("?", 1)[0].split("#", 1)[0]
        return re.sub(r"[-_]\d+x\d+(?=\.\w+$)", "", path.rsplit("/", 1)[-1]).lower()


# ---------------------------------------------------------------------------------------------
# Figures


def _img_url(img, base: str | None) -> str | None:
    candidates = [img.get(a) for a in ("data-src", "data-lazy-src", "data-original", "src")]
    srcset = img.get("data-srcset") or img.get("srcset")
    if srcset:
        candidates.insert(0, _largest(srcset))
    url = _first(c for c in candidates if c and not c.strip().startswith("data:"))
    return _absolute(url, base)


def _largest(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for part in srcset.split(","):
        bits = part.split()
        if not bits:
            continue
        number = re.match(r"\d+(?:\.\d+)?", bits[1]) if len(bits) > 1 else None
        size = float(number.group(0)) if number else 0.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


_CREDIT_XPATH = (
    ".//*[contains(@class,'credit') or contains(@class,'copyright') or "
    "contains(@class,'photographer') or contains(@class,'autor') or "
    "@itemprop='copyrightHolder' or @itemprop='creditText' or @itemprop='author'] | .//cite"
)
_CAPTION_XPATH = (
    ".//figcaption | .//*[contains(@class,'caption') or @itemprop='caption' or "
    "@itemprop='description' or contains(@class,'legend') or contains(@class,'pie-foto') or "
    "contains(@class,'description')]"
)


_PICTURE_BOX = re.compile(r"wp-caption|image|img|photo|foto|bild|picture|media|imagen|immagine")


def _is_figure(el) -> bool:
    """A ``<figure>``, or a box that plays one: a picture and its caption, little else."""
    if el.tag == "figure":
        return True
    if el.tag not in ("div", "span", "section", "p") or not (
        _PICTURE_BOX.search(_names(el)) or "ImageObject" in (el.get("itemtype") or "")
    ):
        return False
    pictures = el.xpath(".//img|.//amp-img")
    return 0 < len(pictures) <= 2 and bool(el.xpath(_CAPTION_XPATH)) and len(_text(el)) < 500


def _read_figure(fig, base: str | None) -> _Picture | None:
    imgs = fig.xpath(".//img | .//amp-img | .//source[@srcset]")
    url = _first(_img_url(img, base) for img in imgs)
    if not url:
        return None
    img = imgs[0]
    credit_els = fig.xpath(_CREDIT_XPATH)
    credit = _first(_text(c) for c in credit_els)
    caption_el = _first_element(c for c in fig.xpath(_CAPTION_XPATH) if c not in credit_els)
    caption = None
    if caption_el is not None:
        copy = lxml_html.fromstring(etree.tostring(caption_el, encoding="unicode", with_tail=False))
        for sub in copy.xpath(_CREDIT_XPATH):
            sub.drop_tree()
        parts = [p for p in (clean_text(" ".join(c.itertext())) for c in copy) if p]
        if not credit and len(parts) >= 2 and not clean_text(copy.text) and len(copy) == 2 \
                and len(parts[-1].split()) <= 6 and not parts[-1].endswith("."):
            # <span>caption</span><span>credit</span>: the classes are minified, the shape is not.
            caption, credit = parts[0], parts[-1]
        else:
            caption = clean_text(" ".join(copy.itertext())) or None
    return _Picture(url=url, caption=caption, credit=credit,
                    width=_as_int(img.get("width")), height=_as_int(img.get("height")))


def _in_picture(el) -> bool:
    return any(_is_figure(a) for a in el.iterancestors())


def _pictures(root, scope, container, blocks, lead: _Picture | None, base) -> list[_Picture]:
    """The article's pictures: the declared lead image merged with the figure that shows it."""
    area = scope if scope is not None else root
    figures = [f for f in area.iter(etree.Element) if _is_element(f) and _is_figure(f)
               and not any(_is_figure(a) for a in f.iterancestors())]
    if scope is not None and not figures:
        figures = [f for f in root.iter(etree.Element) if _is_element(f) and _is_figure(f)]
    shown: list[tuple[Any, _Picture]] = []
    for fig in figures:
        picture = _read_figure(fig, base)
        if picture and picture.url not in {p.url for _, p in shown}:
            shown.append((fig, picture))
    if container is not None:
        for img in container.xpath(".//img[not(ancestor::figure)]"):
            url = _img_url(img, base)
            width, height = _as_int(img.get("width")), _as_int(img.get("height"))
            # Avatars, icons and tracking pixels are not the article's pictures.
            small = (width or 200) < 100 or (height or 200) < 100
            if url and not small and not _tokens(img) & {"avatar", "icon", "logo"} and \
                    url not in {p.url for _, p in shown}:
                shown.append((img, _Picture(url, width=width, height=height)))
    if lead is None:
        return [p for _, p in shown]
    lead.url = _absolute(lead.url, base) or lead.url
    match = next((i for i, (_, p) in enumerate(shown) if p.key() == lead.key()), None)
    if match is None and shown and _is_lead_figure(root, shown[0][0], blocks):
        match = 0
    if match is not None:
        _, figure = shown.pop(match)
        lead.caption = lead.caption or figure.caption
        lead.credit = lead.credit or figure.credit
        if lead.url == figure.url:  # another size of the picture has other dimensions
            lead.width = lead.width or figure.width
            lead.height = lead.height or figure.height
    return [lead] + [p for _, p in shown]


def _is_lead_figure(root, figure, blocks) -> bool:
    """A figure that comes before the second paragraph is the article's lead picture."""
    if len(blocks) < 2:
        return True
    order = {el: i for i, el in enumerate(root.iter())}
    return order.get(figure, 0) < order.get(blocks[1], 0)
