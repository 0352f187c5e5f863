"""The destination check (issue 21): the address classifier over many forms, ``allow_private``,
resolving once, and a real connection that goes to the checked address, not to the name."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from localserver import Route

from ingest.errors import FetchError
from ingest.fetch import fetch, make_client
from ingest.netguard import Guard, Refused, address_problem, parse_networks
from ingest.guarded_backend import GuardedBackend

REFUSED = {
    # IPv4
    "127.0.0.1": "loopback", "127.255.255.254": "loopback", "127.0.0.2": "loopback",
    "10.0.0.1": "private", "10.255.255.255": "private", "172.16.0.1": "private",
    "172.31.255.255": "private", "192.168.1.1": "private",
    "169.254.169.254": "metadata", "169.254.0.1": "link-local",
    "100.64.0.1": "carrier-grade NAT", "100.127.255.255": "carrier-grade NAT",
    "100.100.100.200": "carrier-grade NAT",  # a cloud's metadata service lives here
    "0.0.0.0": "unspecified", "0.1.2.3": "this network",
    "224.0.0.1": "multicast", "239.255.255.250": "multicast",  # is_global says True before 3.13
    "255.255.255.255": "broadcast", "240.0.0.1": "reserved",
    "192.0.2.1": "documentation", "198.51.100.7": "documentation", "203.0.113.9": "documentation",
    "198.18.0.1": "benchmarking", "198.19.255.255": "benchmarking",
    "192.0.0.192": "protocol assignment", "192.88.99.1": "6to4 relay",
    # IPv6
    "::1": "loopback", "::": "unspecified", "fe80::1": "link-local", "febf::1": "link-local",
    "fc00::1": "unique local", "fd12:3456::1": "unique local", "fd00:ec2::254": "metadata",
    "fec0::1": "site-local", "ff02::1": "multicast", "ff0e::1": "multicast",
    "100::1": "discard", "2001:db8::1": "documentation", "3fff::1": "documentation",
    "2001::1": "Teredo", "2001:2::1": "protocol assignment", "5f00::1": "segment-routing",
    "64:ff9b:1::1": "NAT64", "4000::1": "outside 2000::/3", "1000::1": "outside 2000::/3",
    # IPv6 forms embedding an IPv4 address
    "::ffff:127.0.0.1": "IPv4-mapped 127.0.0.1, a loopback",
    "::ffff:10.1.2.3": "IPv4-mapped 10.1.2.3, a private",
    "::ffff:169.254.169.254": "IPv4-mapped 169.254.169.254, the cloud metadata",
    "::ffff:7f00:2": "IPv4-mapped 127.0.0.2",
    "::127.0.0.1": "IPv4-compatible", "::8.8.8.8": "IPv4-compatible",
    "2002:7f00:1::": "6to4 127.0.0.1, a loopback", "2002:a9fe:a9fe::1": "6to4 169.254.169.254",
    "2002:c0a8:101::": "6to4 192.168.1.1",
    "64:ff9b::7f00:1": "NAT64 127.0.0.1", "64:ff9b::a9fe:a9fe": "NAT64 169.254.169.254",
    "64:ff9b::10.0.0.1": "NAT64 10.0.0.1",
}

PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.0",
          "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "169.253.255.255",
          "223.255.255.254", "2606:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8",
          "2002:808:808::1", "64:ff9b::808:808", "2001:4860::1"]


@pytest.mark.parametrize("text,words", sorted(REFUSED.items()))
def test_special_addresses_are_refused_and_say_what_they_are(text, words) -> None:
    problem = address_problem(ipaddress.ip_address(text))
    assert problem is not None and words in problem, (text, problem)


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass(text) -> None:
    assert address_problem(ipaddress.ip_address(text)) is None


def test_a_scoped_link_local_address_is_refused() -> None:
    assert "link-local" in address_problem(ipaddress.ip_address("fe80::1%eth0"))


ipv4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)


@settings(max_examples=400, deadline=None)
@given(ipv4)
def test_every_ipv6_form_of_an_ipv4_address_gets_the_same_answer(address) -> None:
    plain = address_problem(address) is None
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
    nat64 = ipaddress.IPv6Address(f"64:ff9b::{address}")
    assert sixtofour.sixtofour == address
    for form in (mapped, sixtofour, nat64):
        assert (address_problem(form) is None) == plain, form


@settings(max_examples=400, deadline=None)
@given(ipv4)
def test_the_classifier_is_never_laxer_than_is_global(address) -> None:
    if not address.is_global or address.is_private:
        assert address_problem(address) is not None


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address))
def test_only_global_unicast_ipv6_passes(address) -> None:
    if address_problem(address) is None:
        embedded = address.ipv4_mapped or address.sixtofour
        assert address in ipaddress.ip_network("2000::/3") or embedded is not None or \
            address in ipaddress.ip_network("64:ff9b::/96")
        assert not (address.is_multicast or address.is_link_local or address.is_loopback
                    or address.is_site_local or address.is_unspecified)


def test_allow_private_opens_only_its_networks_in_every_form() -> None:
    guard = Guard.of(["127.0.0.1/32", "10.20.0.0/16", "fd00:1::/64"])
    for text in ("127.0.0.1", "::ffff:127.0.0.1", "10.20.3.4", "64:ff9b::a14:304", "fd00:1::5"):
        assert guard.problem(ipaddress.ip_address(text)) is None, text
    for text in ("127.0.0.2", "::1", "10.21.0.1", "169.254.169.254", "fd00:2::1", "2002:7f00:1::"):
        assert guard.problem(ipaddress.ip_address(text)) is not None, text


def test_parse_networks_names_a_bad_cidr() -> None:
    assert parse_networks(["10.20.0.0/16", "127.0.0.1", "fd00::/8"])[1].prefixlen == 32
    for bad in ("10.20.0.1/16", "10.20.0.0/33", "localhost", "", "::1/129"):
        with pytest.raises(ValueError, match="is not a CIDR"):
            parse_networks([bad])


def test_urls_are_refused_by_scheme_and_literal_address() -> None:
    guard = Guard()
    for url, words in [("ftp://example.com/x", "scheme 'ftp'"), ("file:///etc/passwd", "scheme 'file'"),
                       ("http://127.0.0.1/", "loopback"), ("http://[::1]:8080/", "loopback"),
                       ("https://169.254.169.254/latest/", "metadata"),
                       ("http://[::ffff:127.0.0.1]/", "IPv4-mapped")]:
        with pytest.raises(Refused, match=words.replace("[", r"\[")):
            guard.check_url(url)
    guard.check_url("https://news.example/a")  # names are checked when connecting


def test_a_name_is_resolved_once_and_every_address_is_checked() -> None:
    calls = []

    def resolve(host, port):
        calls.append(host)
        return {"mixed.test": ["93.184.216.34", "10.0.0.7"], "ok.test": ["93.184.216.34"],
                "none.test": []}[host]

    guard = Guard.of([], resolve)
    assert guard.addresses("ok.test", 80) == ["93.184.216.34"]
    with pytest.raises(Refused, match=r"mixed.test resolves to 10.0.0.7, a private address"):
        guard.addresses("mixed.test", 80)
    with pytest.raises(Refused, match="no address"):
        guard.addresses("none.test", 80)
    assert calls == ["ok.test", "mixed.test", "none.test"]


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(server) -> None:
    """``public.test`` exists only in the injected resolver: the request can only succeed if the
    connection is made to the address the guard checked, and the Host header stays the name."""
    server.routes["/a"] = Route(body=b"<html><p>hi</p></html>", content_type="text/html")
    port = server.base.rsplit(":", 1)[1]
    calls = []

    def resolve(host, port_):
        calls.append(host)
        return ["127.0.0.1"]

    with make_client(timeout=2, guard=Guard.of(["127.0.0.1/32"], resolve)) as client:
        got = fetch(client, f"http://public.test:{port}/a")
    assert got.data.startswith(b"<html>") and calls == ["public.test"]
    assert server.requests[-1][1]["Host"] == f"public.test:{port}"
    # The same name resolving to a refused address never reaches the server.
    hits = dict(server.hits)
    with make_client(timeout=2, guard=Guard.of([], resolve)) as client:
        with pytest.raises(FetchError, match="refused: public.test resolves to 127.0.0.1, a loopback"):
            fetch(client, f"http://public.test:{port}/a")
    assert server.hits == hits


def test_an_operator_url_is_exempt_but_its_redirect_hops_are_not(server) -> None:
    server.routes["/feed.xml"] = Route(body=b"<rss/>")
    server.routes["/moved.xml"] = Route(status=302, redirect="/feed.xml")
    with make_client(timeout=2) as client:
        assert fetch(client, server.url("/feed.xml"), trusted=True).data == b"<rss/>"
        with pytest.raises(FetchError, match="refused: redirect to http://127.0.0.1:.*/feed.xml: "
                                             "127.0.0.1 is a loopback address"):
            fetch(client, server.url("/moved.xml"), trusted=True)
        with pytest.raises(FetchError, match="refused"):
            fetch(client, server.url("/feed.xml"))  # not marked: content
    assert server.hits == {"/feed.xml": 1, "/moved.xml": 1}


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0x7f.1", "127.1", "017700000001",
                                  "0", "localhost", "[0:0:0:0:0:ffff:7f00:1]",
                                  "[::]", "127.000.000.001"])
def test_odd_spellings_of_loopback_are_refused_through_the_system_resolver(host) -> None:
    """Whatever spelling the URL parser lets through, the address connected to is the one the
    resolver gives, and that is what is checked (no traffic leaves: refused before connecting)."""
    with make_client(timeout=1) as client:
        with pytest.raises(FetchError) as caught:
            fetch(client, f"http://{host}:9/x")
    assert caught.value.reason.startswith(("refused:", "invalid URL")), caught.value.reason


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_keeps_the_name_for_sni_and_verification_while_connecting_to_the_address(tmp_path) -> None:
    """An HTTPS server on 127.0.0.1 holds a certificate for ``news.test`` only; ``news.test``
    resolves (injected) to 127.0.0.1. The guarded pool connects to the address, sends the name
    as SNI and verifies the certificate against the name."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.test",
                    "-addext", "subjectAltName=DNS:news.test"], check=True, capture_output=True)
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        trust = ssl.create_default_context(cafile=str(cert))
        guard = Guard.of(["127.0.0.1/32"], lambda host, _port: ["127.0.0.1"])
        with httpcore.ConnectionPool(ssl_context=trust, network_backend=GuardedBackend(guard)) as pool:
            answer = pool.request("GET", f"https://news.test:{port}/")
            assert answer.status == 200 and answer.content == f"news.test:{port}".encode()
            assert names == ["news.test"]
            # A name the certificate does not hold fails verification, though the address is the same.
            other = Guard.of(["127.0.0.1/32"], lambda host, _port: ["127.0.0.1"])
        with httpcore.ConnectionPool(ssl_context=trust, network_backend=GuardedBackend(other)) as pool:
            with pytest.raises(httpcore.ConnectError, match="certificate|hostname"):
                pool.request("GET", f"https://other.test:{port}/")
    finally:
        httpd.shutdown()
        httpd.server_close()
