"""Content-Encoding, undone in pieces of bounded size, so a compression bomb meets the size cap.

httpx decodes each raw chunk whole: a 2 kB body sent as ``Content-Encoding: gzip, gzip`` became
a 1 GB string in one call (the inner layer inflates the whole outer chunk at once), and a 158-byte
brotli body 100 MB, before :func:`ingest.fetch.fetch` could count a byte against its cap.
:func:`decoded` reads the raw body instead, and each layer gives out at most :data:`PIECE`
bytes a call (zlib's ``max_length``, brotli's ``output_buffer_limit``), so the caller stops at
its cap having held a piece or two. Codings are undone last first (RFC 9110 8.4); ``identity``
and a coding we do not know pass the bytes on as they are, as httpx does (the parser then says
what they are).
"""

from __future__ import annotations

import zlib
from typing import Iterable, Iterator

#: The most a decoding layer gives out at once.
PIECE = 1 << 20


class DecodingFailed(Exception):
    """A compressed body that is not what its ``Content-Encoding`` says (the message says why)."""


def decodes_brotli() -> bool:
    """Whether brotli bodies can be decoded in bounded pieces (brotli 1.2 or later installed)."""
    try:
        import brotli
    except ImportError:
        return False
    return hasattr(brotli.Decompressor(), "can_accept_more_data")


def decoded(raw: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The body of a response whose raw bytes come in ``raw``, its codings undone.

    In: the raw chunks, the ``Content-Encoding`` header (``None`` or ``""``: not encoded).
    Out: the decoded bytes in pieces of at most :data:`PIECE` each (brotli's may pass it by a
    little). Raises :class:`DecodingFailed` when a layer cannot be decoded.
    """
    stream: Iterator[bytes] = iter(raw)
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            stream = _inflate(stream, zlib.MAX_WBITS | 16, coding)
        elif coding == "deflate":
            stream = _inflate(stream, zlib.MAX_WBITS, coding)
        elif coding == "br" and decodes_brotli():
            stream = _unbrotli(stream)
    return stream


def _inflate(stream: Iterator[bytes], wbits: int, coding: str) -> Iterator[bytes]:
    decompressor = zlib.decompressobj(wbits)
    first = True
    for data in stream:
        while True:
            try:
                out = decompressor.decompress(data, PIECE)
            except zlib.error as exc:
                # "deflate" is zlib-wrapped by the RFC, raw deflate by some servers.
                if first and coding == "deflate":
                    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                    first = False
                    continue
                raise DecodingFailed(f"{coding}: {exc}") from None
            first = False
            data = decompressor.unconsumed_tail
            if out:
                yield out
            # A full piece may leave output inside zlib although the input is all taken.
            if not data and len(out) < PIECE:
                break
    try:
        rest = decompressor.flush()
    except zlib.error as exc:
        raise DecodingFailed(f"{coding}: {exc}") from None
    if rest:
        yield rest


def _unbrotli(stream: Iterator[bytes]) -> Iterator[bytes]:
    import brotli

    decompressor = brotli.Decompressor()
    try:
        for data in stream:
            out = decompressor.process(data, output_buffer_limit=PIECE)
            if out:
                yield out
            while not decompressor.can_accept_more_data():
                out = decompressor.process(b"", output_buffer_limit=PIECE)
                if not out:
                    break
                yield out
        while not decompressor.is_finished():
            out = decompressor.process(b"", output_buffer_limit=PIECE)
            if not out:
                break
            yield out
    except brotli.error as exc:
        raise DecodingFailed(f"br: {exc}") from None
