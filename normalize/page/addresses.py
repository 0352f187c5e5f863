"""Picture addresses: the name a picture goes by whatever size or crop it is served in, and the
addresses an ``<img>`` gives its picture (lazy loaders, ``srcset``, proxies)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from normalize.page.dom import _absolute, _first

# What resizers and CMSes add to a file's name for one rendition of it: WordPress's
# "-1024x768", "-scaled" and "-e1643880498459" (an edited copy), "_w800", "@2x", a width and
# a quality ("-1200-80"), a hash of the rendition (TYPO3's "csm_name_22ce777a90",
# Contao's "name-e8b1a4d3", heise's 16 digits) and a rendition's number after a size
# ("_340x340__1").
_RENDITION = re.compile(
    r"(?:[-_]\d{2,5}x\d{2,5}|[-_]w\d{2,5}|-\d{3,4}-\d{2,3}|-scaled|-e\d{10,13}|@\dx"
    r"|[-_](?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,16}|__\d{1,2}"
    r"|[-_](?:thumb|large|medium|small|big))$"
)
# Query parameters of image proxies that carry the picture's own address.
_PROXIED = ("url", "image", "image_uri", "src", "img", "u")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.I)
# A converter's copy keeps the original's extension: "name-600x400.jpeg.webp".
_EXTENSIONS = re.compile(r"(?:\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic))+$|\.\w{2,4}$")


def picture_key(url: str) -> str:
    """The name of the picture ``url`` serves, the same for its other sizes and crops.

    In: an image address as a page writes it. Out: its file name, decoded, lower-cased, without
    extension, rendition suffixes (:data:`_RENDITION`) or TYPO3's ``csm_`` prefix; the address
    an image proxy carries in its query (``?url=...``, ``?image=...``) is read instead of the
    proxy's; a bare number (``300.jpg``) keeps its folder. Never raises.
    """
    # Some pages escape their meta tags' "&" twice ("&amp;amp;"): "&amp;" is left in the value.
    path, _, query = url.partition("#")[0].replace("&amp;", "&").partition("?")
    for name, value in parse_qsl(query):
        if name.lower() in _PROXIED and ("/" in value or _IMAGE_FILE.search(value)):
            return picture_key(value)
    parts = unquote(path).lower().rstrip("/").rsplit("/", 2)
    name = _EXTENSIONS.sub("", parts[-1])
    previous = None
    while name != previous:
        previous = name
        name = _RENDITION.sub("", name)
    name = name.removeprefix("csm_")
    if len(parts) > 1 and (len(name) < 4 or name.isdigit()):
        name = parts[-2] + "/" + name
    return name


# What a lazy loader shows until the picture comes: a spinner or an empty pixel, no picture.
_PLACEHOLDER = re.compile(
    r"(?:^|[/_.-])(?:blank|spacer|pixel|transparent|empty|loading|loader|lazyloading|preload|"
    r"spinner|placeholder|lazy(?:load)?|1x1)(?:[_-]placeholder)?\.(?:gif|png|svg)$",
    re.IGNORECASE)
_PICTURE_PATH = re.compile(r"^\S*/\S+\.(?:jpe?g|png|webp|avif|gif)(?:\?\S*)?$", re.IGNORECASE)


def _addresses(img) -> list[str]:
    """The addresses an ``<img>`` (or ``<source>``) gives its picture, the best first: the
    largest of a (lazy) ``srcset``, the lazy loaders' attributes, Foundation's
    ``data-interchange`` ("[url, small], [url, medium]": the last is the largest), ``src``;
    never a lazy loader's placeholder (``lazyloading-placeholder.png``, ``blank.gif``)."""
    found = []
    srcset = img.get("data-srcset") or img.get("data-lazy-srcset") or img.get("srcset")
    if srcset:
        found.append(_largest(srcset))
    found.extend(img.get(a) for a in ("data-src", "data-lazy-src", "data-original"))
    interchange = img.get("data-interchange")
    if interchange:
        found.extend(reversed(re.findall(r"\[\s*([^,\]\s]+)\s*,", interchange)))
    found.append(img.get("src"))
    found = [a for a in found if a and not a.strip().startswith("data:")
             and not _PLACEHOLDER.search(urlsplit(a.strip()).path)]
    if not found:
        # Other lazy loaders show a placeholder and keep each rendition in an attribute of
        # their own ("data-lg", "data-md"): the first named that holds a picture's path.
        found = [value for name, value in img.attrib.items()
                 if name.startswith("data-") and _PICTURE_PATH.search(value)]
    return found


def _img_url(img, base: str | None) -> str | None:
    return _absolute(_first(_addresses(img)), base)


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


# A word a CMS appends to the name of the file it serves ("name-data", "name-original").
_NAME_SUFFIX = re.compile(r"[-_][^\W\d_]{1,8}")


def _shows(keys: set[str], key: str) -> bool:
    """Whether a picture of ``key`` is one of the pictures of ``keys``: the same key, or a long
    one with a word appended (never a number: "harbour-2" is another picture of a series)."""
    if key in keys:
        return True
    for one in keys:
        short, long = (one, key) if len(one) < len(key) else (key, one)
        if len(short) >= 16 and long.startswith(short) and \
                _NAME_SUFFIX.fullmatch(long[len(short):]):
            return True
    return False
