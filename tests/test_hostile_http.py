"""Hostile answers from a real local server: compression bombs, a redirect whose body never
ends, a header of a megabyte, a corrupt body. Each ends as one FetchError with a one-line
reason, having held a bounded amount of memory; ordinary answers are unchanged."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest

from localserver import Route

from ingest.decoding import PIECE, decoded, decodes_brotli
from ingest.errors import FetchError
from ingest.fetch import ERROR_BODY_BYTES, fetch, make_client
from ingest.netguard import Guard

LOCAL = Guard.of(["127.0.0.1/32"])
GIGABYTE = 1 << 30


@pytest.fixture
def client():
    with make_client(timeout=10, guard=LOCAL) as http:
        yield http


def gzipped_zeros(size: int) -> bytes:
    """``size`` zero bytes, gzipped (made a megabyte at a time)."""
    out = io.BytesIO()
    block = bytes(1 << 20)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        for _ in range(size // len(block)):
            packed.write(block)
    return out.getvalue()


@pytest.fixture(scope="module")
def double_gzip_bomb() -> bytes:
    """256 MB of zeros gzipped twice: ~1 kB on the wire."""
    return gzip.compress(gzipped_zeros(GIGABYTE // 4), 9)


def answer(body: bytes, encoding: str, status: int = 200):
    def handle(handler) -> None:
        handler._send(status, body, {"Content-Type": "application/rss+xml",
                                     "Content-Encoding": encoding})
    return handle


def test_a_double_gzip_bomb_meets_the_cap_a_piece_at_a_time(server, client, double_gzip_bomb) -> None:
    assert len(double_gzip_bomb) < 10_000
    # Undone in pieces of at most PIECE bytes (httpx gave the inner layer's gigabyte at once).
    pieces = decoded([double_gzip_bomb], "gzip, gzip")
    sizes = [len(next(pieces)) for _ in range(64)]
    assert max(sizes) <= PIECE and sum(sizes) >= 32 * PIECE
    server.routes["/bomb.xml"] = Route(handler=answer(double_gzip_bomb, "gzip, gzip"))
    with pytest.raises(FetchError, match=r"response too large: more than 20,000,000 bytes"):
        fetch(client, server.url("/bomb.xml"), source="bomb")


@pytest.mark.skipif(not decodes_brotli(), reason="brotli 1.2 or later is not installed")
def test_a_brotli_bomb_meets_the_cap_a_piece_at_a_time(server, client) -> None:
    import brotli

    bomb = brotli.compress(bytes(50_000_000), quality=5)
    assert len(bomb) < 1_000
    sizes = [len(piece) for piece in decoded([bomb], "br")]
    assert sum(sizes) == 50_000_000 and max(sizes) <= 4 * PIECE  # brotli may pass it a little
    server.routes["/bomb.xml"] = Route(handler=answer(bomb, "br"))
    with pytest.raises(FetchError, match="response too large"):
        fetch(client, server.url("/bomb.xml"), source="bomb")


@pytest.mark.parametrize("encoding, pack", [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
    ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
    ("identity", lambda data: data),
    ("", lambda data: data),
])
def test_ordinary_encodings_still_decode(server, client, encoding, pack) -> None:
    body = b"<rss>" + b"<item><title>Wire report</title></item>" * 100_000 + b"</rss>"
    server.routes["/f.xml"] = Route(handler=answer(pack(body), encoding))
    assert fetch(client, server.url("/f.xml")).data == body


def test_a_corrupt_gzip_body_is_one_line(server, client) -> None:
    server.routes["/f.xml"] = Route(handler=answer(b"\x1f\x8b\x08\x00garbage" * 100, "gzip"))
    with pytest.raises(FetchError, match="cannot decode the response body: gzip: ") as failed:
        fetch(client, server.url("/f.xml"), source="corrupt")
    assert "\n" not in str(failed.value)


def endless_redirect(handler) -> None:
    """A 302 to /feed.xml whose chunked body never ends."""
    chunk = b"<!-- " + b"x" * 1014 + b" -->\n"
    try:
        handler.send_response(302)
        handler.send_header("Location", "/feed.xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        while not handler.server.owner.stopping:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    except (BrokenPipeError, ConnectionResetError):
        pass
    handler.close_connection = True


def test_a_redirect_whose_body_never_ends_is_refused(server, client) -> None:
    # httpx reads a redirect's body whole before following it: this one held the fetching
    # thread for ever (every chunk came well within the read timeout, and the fetch's deadline
    # is only checked on the final answer's body).
    server.routes["/moved.xml"] = Route(handler=endless_redirect)
    server.routes["/feed.xml"] = Route(body=b"<rss/>")
    with pytest.raises(FetchError, match=f"redirect answer's body over {ERROR_BODY_BYTES:,} bytes"):
        fetch(client, server.url("/moved.xml"), source="moved", deadline=600)
    assert server.hits.get("/feed.xml") is None


def test_a_redirect_whose_body_trickles_past_the_deadline_is_refused(server, client) -> None:
    # 40 kB at 1 kB every 0.05 s: 2 s at least, against a 0.5 s deadline.
    server.routes["/moved.xml"] = Route(handler=lambda handler: handler._send(
        302, b"x" * 40 * 1024, {"Location": "/feed.xml"}, trickle=0.05))
    server.routes["/feed.xml"] = Route(body=b"<rss/>")
    with pytest.raises(FetchError, match="redirect answer's body still coming at the deadline"):
        fetch(client, server.url("/moved.xml"), source="moved", deadline=0.5)
    assert server.hits.get("/feed.xml") is None


def test_a_redirect_with_a_compressed_body_is_followed_without_decoding_it(
        server, client, double_gzip_bomb) -> None:
    server.routes["/moved.xml"] = Route(handler=lambda handler: handler._send(
        301, double_gzip_bomb, {"Location": "/feed.xml", "Content-Encoding": "gzip, gzip"}))
    server.routes["/feed.xml"] = Route(body=b"<rss/>")
    got = fetch(client, server.url("/moved.xml"))
    assert got.data == b"<rss/>" and got.permanent_redirect == server.url("/feed.xml")


def test_a_megabyte_header_is_one_line(server, client) -> None:
    server.routes["/f.xml"] = Route(body=b"<rss/>", headers={"X-Padding": "x" * 1_000_000})
    with pytest.raises(FetchError) as failed:
        fetch(client, server.url("/f.xml"), source="padded")
    assert "RemoteProtocolError" in failed.value.reason and "\n" not in str(failed.value)
