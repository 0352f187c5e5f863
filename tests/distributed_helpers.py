"""Helpers of the distributed-mode tests and benchmark: a feed server that records overlapping
requests per path and can hold one, real ``ingest scheduler`` / ``ingest worker`` processes,
and finding which process made a request (by its TCP port, through /proc)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from localserver import LocalServer, Route

REPO = Path(__file__).resolve().parents[1]

LANGUAGES = {
    "en": ("Parliament approves the budget after a long night of debate",
           "Lawmakers approved the spending plan early on Thursday after a session that lasted "
           "more than fourteen hours, sending the bill to the senate where it is expected to pass."),
    "fr": ("Le gouvernement présente son plan pour les hôpitaux",
           "Le ministre de la Santé a présenté mardi un plan destiné à réduire l'attente aux "
           "urgences, avec des recrutements dans les hôpitaux publics dès le mois prochain."),
    "es": ("El Gobierno aprueba el nuevo plan de vivienda",
           "El Consejo de Ministros aprobó este martes un plan para aumentar la oferta de "
           "alquiler asequible, con ayudas para los jóvenes y las familias con menos ingresos."),
    "de": ("Die Regierung beschließt ein neues Klimapaket",
           "Das Kabinett hat am Mittwoch ein Paket beschlossen, das den Ausbau der Windkraft "
           "beschleunigen und die Genehmigungsverfahren für neue Anlagen deutlich verkürzen soll."),
}


def feed_body(number: int, items: int) -> bytes:
    """The RSS document of source ``number``: ``items`` items in one of four languages, with
    explicit dates (so no record depends on when it was stored)."""
    language = list(LANGUAGES)[number % len(LANGUAGES)]
    title, body = LANGUAGES[language]
    parts = []
    for item in range(items):
        minute = (number * items + item) % 60
        hour = 6 + (number * items + item) // 60 % 12
        parts.append(
            f"<item><title>{title} ({number}-{item})</title>"
            f"<link>https://wire.example/{number}/{item}</link>"
            f"<guid isPermaLink=\"false\">S{number}-I{item}</guid>"
            f"<pubDate>Tue, 04 Mar 2025 {hour:02}:{minute:02}:00 GMT</pubDate>"
            f"<description>{body[:80]}</description>"
            f"<content:encoded><![CDATA[<p>{body} ({number}-{item})</p>]]></content:encoded>"
            f"</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Wire {number}</title><link>https://wire.example/</link>"
        f"<description>test</description><language>{language}</language>"
        f"{''.join(parts)}</channel></rss>").encode("utf-8")


@dataclass
class Tracker:
    """Counts requests in flight per path, keeps the paths that had two at once, and holds
    the first request for :attr:`hold` until :attr:`release` is set (then answers it)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    inflight: dict[str, int] = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)
    hold: str | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held_port: int | None = None

    def route(self, path: str, body: bytes) -> Route:
        route = Route(body=body)

        def handle(handler) -> None:
            with self.lock:
                count = self.inflight[path] = self.inflight.get(path, 0) + 1
                if count > 1:
                    self.overlaps.append(path)
                hold = path == self.hold and not self.held.is_set()
                if hold:
                    self.held_port = handler.client_address[1]
                    self.held.set()
            try:
                if hold:  # then answer (a killed client is gone: the answer goes nowhere)
                    self.release.wait(120)
                tag = route.tag
                if handler.headers.get("If-None-Match") == tag:
                    handler._send(304, b"", {"ETag": tag})
                else:
                    handler._send(200, body, {"Content-Type": route.content_type, "ETag": tag})
                with self.lock:  # the held request is not counted: its client may be dead
                    self.served[path] = self.served.get(path, 0) + (not hold)
            finally:
                with self.lock:
                    self.inflight[path] -= 1

        route.handler = handle
        return route


def serve_feeds(server: LocalServer, tracker: Tracker, count: int, items: int) -> list[str]:
    """Put ``count`` feeds on ``server``; returns their URLs in source order."""
    urls = []
    for number in range(count):
        path = f"/feeds/s{number:03}.xml"
        server.routes[path] = tracker.route(path, feed_body(number, items))
        urls.append(server.url(path))
    return urls


def sources_toml(urls: list[str], every: str = "1h") -> str:
    return "".join(f'\n[[sources]]\nid = "s{n:03}"\nkind = "feed"\nurl = "{url}"\n'
                   f'every = "{every}"\n' for n, url in enumerate(urls))


def start(args: list[str], config: Path, log: Path, *, cwd: Path) -> subprocess.Popen:
    """``ingest <args> --config <config>`` in its own session (so its process group can be
    killed whole), stderr to ``log``."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log, "ab") as err:
        return subprocess.Popen([sys.executable, "-m", "ingest", *args, "--config", str(config)],
                                cwd=cwd, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                env=env, start_new_session=True)


def stop(proc: subprocess.Popen, timeout: float = 30.0) -> int:
    """SIGTERM and wait; SIGKILL the group if it does not stop in ``timeout``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and every child in its group (a worker and its pool)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_for(condition, timeout: float, what: str, logs: list[Path] = (),
             every: float = 0.05) -> None:
    """Poll ``condition`` every ``every`` s until true; fail after ``timeout`` with the logs'
    tails. (A costly condition, e.g. reading the archive, polls less often.)"""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(every)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}"
                      for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def pid_with_port(port: int) -> int | None:
    """The pid of the process holding the TCP socket whose local port is ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


def group_of(pid: int) -> int:
    """The process group of ``pid``."""
    return os.getpgid(pid)


def published_mark(feeds: Path) -> str | None:
    """The archive change mark the last completed publish read (``None`` before any)."""
    try:
        return json.loads((feeds / ".publish-state.json").read_text()).get("_archive_mark")
    except (OSError, ValueError):
        return None
