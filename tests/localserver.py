"""A real HTTP server on 127.0.0.1 (or 127.0.0.2) for tests: routes with bodies, ETags, 304s, errors, delays.

Only ever binds the loopback address. Each route is a :class:`Route`; the server counts
requests per path and keeps the request headers it saw, so tests can check conditional GETs.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import zlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True            # send a strong ETag and answer 304 to a matching If-None-Match
    last_modified: str | None = None
    delay: float = 0.0           # seconds before answering
    trickle: float = 0.0         # seconds between 1 KiB chunks of the body
    redirect: str | None = None  # Location for a 3xx status
    declared_length: int | None = None  # lie about Content-Length (body is not that long)
    gzip: bool = False
    handler: Callable[["Handler"], None] | None = None
    encoding: str | None = None  # "gzip", "deflate" or "br": compress when the client accepts it
    endless: bool = False        # stream 1 KiB chunks (chunked encoding) until the client hangs up
    _tag: str = field(default="", repr=False, compare=False)
    _tagged: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def tag(self) -> str:
        """The strong ETag of ``body``, hashed once per body (as a real server keeps it: the
        benchmark's 8 MB feeds cost 20 ms a request to hash)."""
        if self._tagged is not self.body:
            self._tag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'
            self._tagged = self.body
        return self._tag


class Handler(BaseHTTPRequestHandler):
    server: "LocalServer._Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        with owner.lock:
            owner.hits[path] = owner.hits.get(path, 0) + 1
            owner.requests.append((path, dict(self.headers.items())))
            route = owner.routes.get(path)
        if route is None:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        if route.handler is not None:
            route.handler(self)
            return
        if route.delay:
            time.sleep(route.delay)
        headers = {"Content-Type": route.content_type, **route.headers}
        if route.redirect:
            headers["Location"] = route.redirect
            self._send(route.status, b"", headers)
            return
        tag = route.tag
        if route.etag and route.status == 200:
            headers["ETag"] = tag
            if self.headers.get("If-None-Match") == tag:
                self._send(304, b"", {"ETag": tag})
                return
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
            if self.headers.get("If-Modified-Since") == route.last_modified and not route.etag:
                self._send(304, b"", {})
                return
        body = route.body
        encoding = route.encoding or ("gzip" if route.gzip else None)
        if encoding and encoding in self.headers.get("Accept-Encoding", ""):
            body = _compress(body, encoding)
            headers["Content-Encoding"] = encoding
        if route.endless:
            self._send_endless(route.status, headers, trickle=route.trickle)
            return
        self._send(route.status, body, headers, head=head, trickle=route.trickle,
                   declared=route.declared_length)

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool = False,
              trickle: float = 0.0, declared: int | None = None) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(declared if declared is not None else len(body)))
            self.end_headers()
            if head:
                return
            if trickle:
                for start in range(0, len(body), 1024):
                    self.wfile.write(body[start:start + 1024])
                    self.wfile.flush()
                    time.sleep(trickle)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


    def _send_endless(self, status: int, headers: dict[str, str], trickle: float = 0.0) -> None:
        chunk = b"<!-- " + b"x" * 1014 + b" -->\n"
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            with self.server.owner.lock:
                self.server.owner.streams += 1
            while not self.server.owner.stopping:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                if trickle:
                    time.sleep(trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli

        return brotli.compress(body)
    raise ValueError(f"unknown encoding {encoding!r}")


class LocalServer:
    """``with LocalServer() as server: server.routes['/feed.xml'] = Route(body=...)``."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        owner: "LocalServer"

        def get_request(self):
            # Headers and body go out in two writes: with Nagle on, the body's last segment
            # waited ~40 ms for the client's delayed ACK, a stall on every response that
            # compressed every benchmark ratio (httpx sets TCP_NODELAY on its side already).
            conn, address = super().get_request()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.owner.lock:
                self.owner.connections += 1
            return conn, address

    def __init__(self, host: str = "127.0.0.1") -> None:
        # 127.0.0.2 stands for an internal service in the SSRF tests; nothing else is allowed.
        assert host in ("127.0.0.1", "127.0.0.2"), host
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.streams = 0          # endless bodies started
        self.connections = 0      # TCP connections accepted
        self.stopping = False
        self._server = self._Server((host, 0), Handler)
        self._server.owner = self
        # A short poll interval makes stop() (and so every test using the server) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping = True
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
