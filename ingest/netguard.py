"""Where an untrusted URL may lead: the destination check against server-side request forgery.

URLs an operator writes in ``schedules.toml`` (``url``, ``urls``, ``hub``) are trusted. URLs that
come from content are not: a feed item's link followed for full text, any redirect hop (also
one answered by an operator's URL), anything a document names. Before such a URL is fetched:

* its scheme must be ``http`` or ``https``;
* its host is resolved **once** (:attr:`Guard.resolve`, injectable so tests can make a name
  resolve to a private address), **every** resolved address is classified
  (:func:`address_problem`), and the connection is made to one of those checked addresses, never
  to the name again, so a DNS answer that changes between the check and the connection (DNS
  rebinding) cannot switch it. TLS still sends the host name as SNI and verifies the
  certificate against it, and the ``Host`` header is the URL's.

Refused: loopback, private (RFC 1918, RFC 4193), link-local (including the cloud metadata
addresses), carrier-grade NAT, multicast, unspecified, broadcast, reserved, benchmarking and
documentation ranges, in IPv4 and IPv6, and the IPv6 forms that embed an IPv4 address
(IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo). An operator opens what they trust with
``[pipeline] allow_private`` (CIDRs).

Python's ``ipaddress.is_global`` is not used alone: before Python 3.13 it calls multicast,
6to4 (``2002:7f00:1::``), NAT64 (``64:ff9b::7f00:1``), IPv4-compatible (``::7f00:1``),
site-local (``fec0::/10``) and the 2024 documentation prefix (``3fff::/20``) global.

This module is the policy and imports no HTTP library, so reading the configuration (which
parses ``allow_private`` with it) does not load the HTTP client; the transport that applies it
to every request is :mod:`ingest.transport`.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Sequence, Union

if TYPE_CHECKING:
    import httpx

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

#: ``resolve(host, port)`` -> the addresses (text) a host name stands for.
Resolver = Callable[[str, int], Sequence[str]]

#: Request extension naming the URL an operator wrote; only a request for exactly that URL skips
#: the check (httpx copies extensions onto redirect requests, whose URLs differ).
OPERATOR = "wirefeed.operator_url"

SCHEMES = ("http", "https")

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# What each special range is, first match wins (more specific ranges first). Reasons read
# "<address> is <what>".
_SPECIAL: tuple[tuple[IPNetwork, str], ...] = (
    (_V4("169.254.169.254/32"), "the cloud metadata address (link-local)"),
    (_V4("0.0.0.0/32"), "the unspecified address"),
    (_V4("0.0.0.0/8"), "in 'this network' (0.0.0.0/8)"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("10.0.0.0/8"), "a private address (RFC 1918)"),
    (_V4("172.16.0.0/12"), "a private address (RFC 1918)"),
    (_V4("192.168.0.0/16"), "a private address (RFC 1918)"),
    (_V4("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"),
    (_V4("169.254.0.0/16"), "a link-local address"),
    (_V4("192.0.0.0/24"), "an IETF protocol assignment (192.0.0.0/24)"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("198.18.0.0/15"), "a benchmarking address"),
    (_V4("192.88.99.0/24"), "a reserved 6to4 relay address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("255.255.255.255/32"), "the broadcast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
    (_V6("::/128"), "the unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("fd00:ec2::254/128"), "the cloud metadata address (unique local)"),
    (_V6("fc00::/7"), "a private address (unique local, RFC 4193)"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a site-local address"),
    (_V6("ff00::/8"), "a multicast address"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("100::/64"), "a discard-only address"),
    (_V6("2001::/32"), "a Teredo address"),
    (_V6("2001::/23"), "an IETF protocol assignment (2001::/23)"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("3fff::/20"), "a documentation address"),
    (_V6("5f00::/16"), "a segment-routing address"),
)
_GLOBAL_UNICAST_V6 = _V6("2000::/3")
_NAT64 = _V6("64:ff9b::/96")
_V4_COMPATIBLE = _V6("::/96")


class Refused(Exception):
    """A destination the guard will not connect to; ``reason`` is one line."""

    def __init__(self, reason: str, url: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.url = url  # the request refused (a redirect hop may differ from the URL asked for)


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries and how (mapped, 6to4, NAT64, compatible)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, "IPv4-mapped"
    if address.sixtofour is not None:
        return address.sixtofour, "6to4"
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "NAT64"
    if address in _V4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-compatible"
    return None


def address_problem(address: IPAddress) -> str | None:
    """What makes ``address`` no place for an untrusted fetch, or ``None`` when it is public.

    Pure; knows nothing of ``allow_private``. IPv6 forms that embed an IPv4 address are judged by
    that address (and the deprecated ones refused outright).
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
        inner = embedded_ipv4(address)
        if inner is not None:
            v4, form = inner
            if form == "IPv4-compatible":
                return "an IPv4-compatible IPv6 address (deprecated)"
            problem = address_problem(v4)
            return f"{form} {v4}, {problem}" if problem else None
    for network, what in _SPECIAL:
        if address.version == network.version and address in network:
            return what
    if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST_V6:
        return "a reserved address (outside 2000::/3)"
    if not address.is_global:  # anything a newer registry entry adds
        return "a reserved address"
    return None


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``allow_private`` entries as networks; raises ``ValueError`` naming a bad one.

    A bare address means that one address; host bits set (``10.20.0.1/16``) is an error, since
    the operator's meaning is unclear.
    """
    networks = []
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a CIDR string")
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=True))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a CIDR ({exc})") from None
    return tuple(networks)


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host`` (TCP), in its order, deduplicated."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        import httpcore  # the pool that asked expects its own error type

        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in seen:
            seen.append(text)
    return seen


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Guard:
    """The destination policy of a run: what ``allow_private`` opens and how names resolve."""

    allow: tuple[IPNetwork, ...] = ()
    resolve: Resolver = field(default=system_resolve, compare=False)

    @classmethod
    def of(cls, allow_private: Iterable[str] = (), resolve: Resolver | None = None) -> "Guard":
        """A guard from CIDR strings (raises ``ValueError`` for a bad one)."""
        return cls(parse_networks(allow_private), resolve or system_resolve)

    def allowed(self, address: IPAddress) -> bool:
        """True when ``allow_private`` covers ``address``, or the IPv4 host an IPv4-mapped or NAT64
        address reaches (a 6to4 address goes through a relay, not to its embedded host)."""
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address):
            if address.scope_id:
                address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
                candidates.append(address)
            inner = embedded_ipv4(address)
            if inner is not None and inner[1] in ("IPv4-mapped", "NAT64"):
                candidates.append(inner[0])
        return any(a.version == n.version and a in n for a in candidates for n in self.allow)

    def problem(self, address: IPAddress) -> str | None:
        """Why ``address`` is refused under this guard, or ``None``."""
        problem = address_problem(address)
        if problem is None or self.allowed(address):
            return None
        return problem

    def check_url(self, url: httpx.URL | str) -> None:
        """Refuse a URL by its scheme or a literal address host (names wait for the connection)."""
        if isinstance(url, str):
            import httpx

            url = httpx.URL(url)
        if url.scheme not in SCHEMES:
            raise Refused(f"scheme {url.scheme or '(none)'!r} is not http or https")
        address = _address(url.host)
        if address is not None and (problem := self.problem(address)):
            raise Refused(f"{url.host} is {problem}")

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` once and check every address; the checked addresses to connect to.

        Raises :class:`Refused` when any address is refused (a name that resolves to a public
        and a private address is refused: the connection could land on either).
        """
        literal = _address(host)
        resolved = [str(literal)] if literal is not None else list(self.resolve(host, port))
        if not resolved:
            raise Refused(f"{host} resolves to no address")
        checked = []
        for text in resolved:
            address = _address(text)
            if address is None:
                raise Refused(f"{host} resolves to {text!r}, not an IP address")
            if (problem := self.problem(address)) is not None:
                if literal is not None:
                    raise Refused(f"{host} is {problem}")
                raise Refused(f"{host} resolves to {text}, {problem}")
            checked.append(text)
        return checked
