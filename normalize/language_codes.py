"""Language codes as documents declare them: ISO 639-1/-2 and BCP 47 tags, read into 639-1.

Part of :mod:`normalize.language`, which re-exports :func:`normalize_code`.
"""

from __future__ import annotations

import functools
import re

_ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti
tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

# Withdrawn two-letter codes still seen in old feeds.
_OLD_639_1 = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}

# ISO 639-2 (terminology and bibliographic forms) -> 639-1, for every language that has both.
_ISO_639_2 = dict(pair.split(":") for pair in """
aar:aa abk:ab ave:ae afr:af aka:ak amh:am arg:an ara:ar asm:as ava:av aym:ay aze:az bak:ba
bel:be bul:bg bis:bi bam:bm ben:bn bod:bo tib:bo bre:br bos:bs cat:ca che:ce cha:ch cos:co
cre:cr ces:cs cze:cs chu:cu chv:cv cym:cy wel:cy dan:da deu:de ger:de div:dv dzo:dz ewe:ee
ell:el gre:el eng:en epo:eo spa:es est:et eus:eu baq:eu fas:fa per:fa ful:ff fin:fi fij:fj
fao:fo fra:fr fre:fr fry:fy gle:ga gla:gd glg:gl grn:gn guj:gu glv:gv hau:ha heb:he hin:hi
hmo:ho hrv:hr hat:ht hun:hu hye:hy arm:hy her:hz ina:ia ind:id ile:ie ibo:ig iii:ii ipk:ik
ido:io isl:is ice:is ita:it iku:iu jpn:ja jav:jv kat:ka geo:ka kon:kg kik:ki kua:kj kaz:kk
kal:kl khm:km kan:kn kor:ko kau:kr kas:ks kur:ku kom:kv cor:kw kir:ky lat:la ltz:lb lug:lg
lim:li lin:ln lao:lo lit:lt lub:lu lav:lv mlg:mg mah:mh mri:mi mao:mi mkd:mk mac:mk mal:ml
mon:mn mar:mr msa:ms may:ms mlt:mt mya:my bur:my nau:na nob:nb nde:nd nep:ne ndo:ng nld:nl
dut:nl nno:nn nor:no nbl:nr nav:nv nya:ny oci:oc oji:oj orm:om ori:or oss:os pan:pa pli:pi
pol:pl pus:ps por:pt que:qu roh:rm run:rn ron:ro rum:ro rus:ru kin:rw san:sa srd:sc snd:sd
sme:se sag:sg sin:si slk:sk slo:sk slv:sl smo:sm sna:sn som:so sqi:sq alb:sq srp:sr ssw:ss
sot:st sun:su swe:sv swa:sw tam:ta tel:te tgk:tg tha:th tir:ti tuk:tk tgl:tl tsn:tn ton:to
tur:tr tso:ts tat:tt twi:tw tah:ty uig:ug ukr:uk urd:ur uzb:uz ven:ve vie:vi vol:vo wln:wa
wol:wo xho:xh yid:yi yor:yo zha:za zho:zh chi:zh zul:zu cmn:zh arb:ar pes:fa zsm:ms
""".split())

# BCP 47 subtags after the language: script, region, variant, extension (letters and digits).
_SUBTAG = re.compile(r"[a-z0-9]{1,8}\Z")


def normalize_code(value) -> str | None:
    """Return the ISO 639-1 code a declared language value stands for, or ``None``.

    In: a declared value as found in a document (feed ``<language>``, ``xml:lang``,
    ``dc:language``, NewsML/ninjs language, ``<html lang>``): ``fr``, ``FR``, ``fr-FR``,
    ``fr_FR``, ``zh-Hant-TW``, ``fre``/``fra``. Out: ``"fr"``-style codes.
    ``None`` for anything that is not a language code: ``xx``, ``und``, language names
    (``english``, ``French``: names are prose, not codes, and are not guessed), POSIX locales
    with a codeset (``fr_FR.UTF-8``), lists, non-strings. Never raises.
    """
    if not isinstance(value, str):
        return None
    return _normalize_tag(value)


@functools.lru_cache(maxsize=1024)
def _normalize_tag(value: str) -> str | None:
    # Cached: feeds repeat the same few declarations on every item.
    tag = value.strip().lower().replace("_", "-")
    if not tag or len(tag) > 35:
        return None
    primary, *rest = tag.split("-")
    if any(not _SUBTAG.match(sub) for sub in rest):
        return None
    if len(primary) == 2:
        primary = _OLD_639_1.get(primary, primary)
        return primary if primary in _ISO_639_1 else None
    if len(primary) == 3:
        return _ISO_639_2.get(primary)
    return None
