"""Picture addresses: the name a picture goes by whatever size or crop it is served in, and the
addresses an ``<img>`` gives its picture (lazy loaders, ``srcset``, proxies)."""

from __future__ import annotations

import re
from functools import lru_cache
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
    r"|[-_](?:thumb|large|medium|small|big|mini|facebook)\d*)$"
)
# A file named for its rendition, not its picture ("photo.jpg", "rawImage.jpg", "920x920.jpg",
# Wagtail's "fill-1200x650/", "hero-image.fill.size_1200x675.jpg"): the picture is its folder.
_GENERIC_NAME = re.compile(
    r"photo|image|img|picture|pic|hero|hero-image|original|default|main|full|file|fill|fit|"
    r"crop|raw|rawimage|master|source|cover|featured|lead|thumb|thumbnail|index|"
    # a numbered format ("3-format2003.jpg", "4-formatOriginal.jpg": Handelsblatt, Tagesspiegel)
    r"\d{0,2}-?format[a-z0-9]*|"
    r"(?:[a-z]+[-_])?\d{2,5}x\d{2,5}")
# A folder that names a rendition, not a picture ("1200x630", "w_800").
_RENDITION_FOLDER = re.compile(r"(?:[a-z]+[-_])?\d{2,5}x\d{2,5}|[wh][-_]?\d{2,5}")
# A picture's id: a long number ("19885057", a resizer's "msid-75027188,width-1070,...").
_LONG_NUMBER = re.compile(r"\d{6,}")
# A rendition named by a word after the picture's own name ("-articleLarge", "-facebookJumbo").
_RENDITION_WORD = re.compile(r"[-_](?:article|facebook|twitter|super|video|thumb|square|master|"
                             r"popup|mobile|blog|medium|large|small|jumbo|wide)[\w-]*")
_NAME_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
# A one-letter rendition prefix ("s-harbour-small", "o-harbour-facebook").
_LETTER_PREFIX = re.compile(r"^[a-z][-_](?=[a-z0-9]{3})")
# A rendition's width, or width and height, before the name ("1280_677057_1106_2439.png" and
# "668_677057_1106_2439.png", "1200_660_matched__harbour.jpg" and "840_472_matched__..."); never
# a year ("2019_03_harbour" names the picture by its date).
_SIZE_PREFIX = re.compile(r"^(?!(?:19|20)\d\d_)\d{2,4}_(?:\d{2,4}_)?(?=[a-z0-9][\w-]{7})")
# Query parameters of image proxies that carry the picture's own address.
_PROXIED = ("url", "image", "image_uri", "src", "img", "u")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.I)
# A converter's copy keeps the original's extension: "name-600x400.jpeg.webp".
_EXTENSIONS = re.compile(r"(?:\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic))+$|\.\w{2,4}$")


@lru_cache(maxsize=4096)  # a page keys the same addresses again (its figures, then the text's)
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
    tail = unquote(path).lower().rstrip("/")
    if "//" in tail:
        # (the scheme and host are no folder of the picture's)
        tail = tail.split("//", 1)[1].partition("/")[2]
    parts = tail.rsplit("/", 4)
    # (Wagtail's filter spec: "fill-640x426|format-jpeg|jpegquality-80")
    name = _EXTENSIONS.sub("", parts[-1] if parts else "").split("|")[0]
    # a rendition after a dot: "name.fill.size_1248x702.v1611614732", "name.fit-760w" (the
    # name's own dots go too, in every rendition alike: "jollier_-stock.adobe_.com_"; never
    # a number's: "WhatsApp-Image-2020-02-17-at-12.09.33")
    dot = _NAME_DOT.search(name)
    if dot and dot.start() >= 6:
        name = name[:dot.start()]
    previous = None
    while name != previous:
        previous = name
        name = _RENDITION.sub("", name)
    name = _LETTER_PREFIX.sub("", _SIZE_PREFIX.sub("", name.removeprefix("csm_")))
    folders = parts[:-1]
    if name.isdigit() and len(name) >= 6:
        return name
    if _GENERIC_NAME.fullmatch(name):
        folder = _picture_folder(folders)
        if folder:
            return folder
    if folders and len(folders[-1]) >= 4 and name.startswith(folders[-1]) \
            and _RENDITION_WORD.fullmatch(name[len(folders[-1]):]):
        # a folder per picture, its renditions named after it ("harbour/harbour-articleLarge")
        return folders[-1]
    if folders and (len(name) < 4 or name.isdigit()):
        name = folders[-1] + "/" + name
    return name


def _picture_folder(folders: list[str]) -> str | None:
    """The folder that names a picture whose file is named for its rendition: the nearest of
    three with a digit and five characters or more, not a size ("1200x630"); in a resizer's
    parameter list, the long number in it."""
    for folder in reversed(folders[-3:]):
        if "," in folder:
            number = _LONG_NUMBER.search(folder)
            if number:
                return number.group(0)
        elif len(folder) >= 5 and any(c.isdigit() for c in folder) \
                and not _RENDITION_FOLDER.fullmatch(folder):
            return folder
    return None


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


# A srcset's candidate as browsers read it: an address runs to white space (commas and all:
# "...jpg?crop=1xh;center,center&resize=1000:*"), its descriptor to the next comma; an
# address ending in a comma has none.
_SRCSET_CANDIDATE = re.compile(r"[\s,]*([^\s,][^\s]*?)(?:,(?=\s|$)|,$|\s+([^,]*)(?:,|$)|$)")


def _largest(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for found in _SRCSET_CANDIDATE.finditer(srcset):
        url, descriptor = found.group(1), found.group(2) or ""
        if not url:
            continue
        number = re.match(r"\d+(?:\.\d+)?", descriptor.strip())
        size = float(number.group(0)) if number else 0.0
        if size > best_size:
            best, best_size = url, size
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
