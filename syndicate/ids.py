"""Item ids that are valid URIs: a strict validator, and minted ids for agency guids that are not.

Every Atom ``id`` and RSS ``guid`` (and JSON Feed ``id``, the same value) must be a URI
(RFC 3986; the Atom id an IRI, which a URI is). Agencies send all kinds of guids:
``EP-20240217-0122``, ``urn:afp.example:...`` (a URN whose namespace id has a dot, which
RFC 8141 forbids), values with spaces or non-ASCII letters. :func:`is_valid_uri` says which ones
can go out as they are; :func:`feed_id` gives the id a feed shows, minting a ``tag:`` URI
(RFC 4151) for the others:

    tag:<host of the public base URL>,2026:<source>/<32 hex digits of sha256(source NUL guid)>

so it depends only on the base URL's host, the source id and the agency guid: it never changes
when a headline or the body does, and the same inputs give the same id on any machine. A base
URL whose host is not a DNS name (an IPv6 literal) mints ``urn:uuid:`` with a version-5 UUID of
the same inputs instead. The original guid stays in the record (and in ``ingest export``).

Pure: no clock, no I/O.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import uuid
from urllib.parse import quote, urlsplit

#: The year of every minted ``tag:`` id (RFC 4151 wants a date when the tagging entity held the
#: name; a fixed one keeps ids stable). Never change it: every minted id would change with it.
TAG_DATE = "2026"

_PCT = r"%[0-9A-Fa-f]{2}"
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
# RFC 3986 section 3, an absolute URI with an optional fragment; the authority is checked apart.
_URI = re.compile(
    rf"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):"
    rf"(?:(?://(?P<authority>[^/?#]*)(?P<abempty>(?:/{_PCHAR}*)*))"
    rf"|(?P<path>/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?))"
    rf"(?:\?(?P<query>{_QUERY}))?"
    rf"(?:#(?P<fragment>{_QUERY}))?"
)
_USERINFO = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*")
_REG_NAME = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*")
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")
# RFC 8141: NID is 2 to 32 letters, digits and hyphens, not starting or ending with a hyphen.
_URN = re.compile(
    rf"[Uu][Rr][Nn]:(?P<nid>[A-Za-z0-9][A-Za-z0-9\-]{{0,30}}[A-Za-z0-9]):"
    rf"(?P<nss>{_PCHAR}(?:{_PCHAR}|/)*)"
    rf"(?:\?\+(?P<r>{_PCHAR}(?:{_PCHAR}|[/?])*))?"
    rf"(?:\?=(?P<q>{_PCHAR}(?:{_PCHAR}|[/?])*))?"
    rf"(?:#(?P<f>{_QUERY}))?"
)
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_DNS_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*"
_EMAIL = rf"(?:[A-Za-z0-9\-._]|{_PCT})+@{_DNS_NAME}"
# RFC 4151: tag:<DNS name or e-mail>,<yyyy[-mm[-dd]]>:<specific>[#fragment]
_TAG = re.compile(
    rf"tag:(?:{_DNS_NAME}|{_EMAIL}),(?P<year>[0-9]{{4}})(?:-(?P<month>[0-9]{{2}})"
    rf"(?:-(?P<day>[0-9]{{2}}))?)?:(?:{_PCHAR}|[/?])*(?:#{_QUERY})?"
)
_HOST_NAME = re.compile(_DNS_NAME)


def is_valid_uri(value: str) -> bool:
    """Return True when ``value`` is an absolute URI (RFC 3986) usable as a feed item id.

    Strict: ASCII only, no white space, every ``%`` followed by two hex digits, a well-formed
    authority (user info, a registered name, an IPv4 address or a bracketed IPv6/IPvFuture
    literal, a numeric port). Some schemes are held to their own grammar as well: ``urn:``
    (RFC 8141: a 2-32 character namespace id of letters, digits and inner hyphens, a non-empty
    namespace-specific string; ``urn:uuid:`` a UUID), ``tag:`` (RFC 4151), and ``http``/
    ``https`` need a host. A value with nothing after the scheme (``x:``) is refused. Never
    raises.
    """
    if not isinstance(value, str) or not value.isascii():
        return False
    match = _URI.fullmatch(value)
    if match is None:
        return False
    scheme = match.group("scheme").lower()
    if len(value) == len(scheme) + 1:
        return False
    authority = match.group("authority")
    if authority is not None and not _valid_authority(authority):
        return False
    if scheme == "urn":
        return is_valid_urn(value)
    if scheme == "tag":
        return _valid_tag(value)
    if scheme in ("http", "https"):
        host = (authority or "").rpartition("@")[2]
        return bool(host) and (host.startswith("[") or bool(host.partition(":")[0]))
    return True


def is_valid_urn(value: str) -> bool:
    """Return True when ``value`` is a URN as RFC 8141 defines it (``urn:uuid:`` a UUID)."""
    if not isinstance(value, str) or not value.isascii():
        return False
    match = _URN.fullmatch(value)
    if match is None:
        return False
    if match.group("nid").lower() == "uuid":
        return bool(_UUID.fullmatch(match.group("nss")))
    return True


def _valid_tag(value: str) -> bool:
    match = _TAG.fullmatch(value)
    if match is None:
        return False
    month, day = match.group("month"), match.group("day")
    if month is not None and not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= 31


def _valid_authority(authority: str) -> bool:
    userinfo, at, hostport = authority.rpartition("@")
    if at and not _USERINFO.fullmatch(userinfo):
        return False
    if hostport.startswith("["):
        host, bracket, rest = hostport[1:].partition("]")
        if not bracket or (rest and not re.fullmatch(r":[0-9]*", rest)):
            return False
        if _IP_FUTURE.fullmatch(host):
            return True
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    host, colon, port = hostport.partition(":")
    # RFC 3986 allows an empty port ("host:"); a port is digits only.
    return bool(_REG_NAME.fullmatch(host)) and (not colon or port.isdigit() or port == "")


def mint_id(base_url: str, source: str, guid: str) -> str:
    """Return the stable id minted for an item of ``source`` whose guid is ``guid``.

    A ``tag:`` URI under the host of ``base_url`` (see the module docstring), or
    ``urn:uuid:`` (UUID version 5) when that host is not a DNS name. Always valid for
    :func:`is_valid_uri`; the same arguments always give the same id.
    """
    digest = hashlib.sha256(f"{source}\x00{guid}".encode("utf-8", "surrogatepass")).hexdigest()
    try:
        host = (urlsplit(base_url).hostname or "").lower()
    except ValueError:
        host = ""
    if host and _HOST_NAME.fullmatch(host) and not _is_ip_literal(host):
        return f"tag:{host},{TAG_DATE}:{quote(source, safe='-._~') or 'unknown'}/{digest[:32]}"
    name = f"{base_url}\x00{source}\x00{guid}".encode("utf-8", "surrogatepass")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name.decode('utf-8', 'replace'))}"


def _is_ip_literal(host: str) -> bool:
    # An IPv4 address is a DNS name to the grammar; a tag needs a name someone owns.
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def feed_id(base_url: str, source: str, guid: str, fallback: str) -> tuple[str, bool]:
    """Return the id a feed shows for an item, and whether it was minted.

    ``guid`` (trimmed) when it is a valid URI (:func:`is_valid_uri`); else an id minted from
    ``source`` and ``guid``, or from ``source`` and ``fallback`` (the record id) when the
    guid is empty, so guid-less items of one source do not share an id.
    """
    guid = guid.strip()
    if guid and is_valid_uri(guid):
        return guid, False
    return mint_id(base_url, source, guid or fallback), True
