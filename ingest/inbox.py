"""Inbox folders: documents dropped by an agency, one file per document.

A processed file moves to ``done/``, a file that fails moves to ``failed/`` with
``<name>.error`` beside it saying why. Nothing is ever deleted: a name already taken in
``done/`` or ``failed/`` gets a numbered suffix. Files are moved only after the archive has
committed their records, so a crash in between at worst processes a file twice, which the
archive's content hashes make harmless.

Only regular files are read. A symlink could point anywhere on the host (``/etc/shadow``, another
source's folder), and a FIFO, socket or device could block a run or stream without end, so they
are never opened, never moved, and each is reported with its reason (:func:`scan`); the pipeline
puts those reasons in the run summary and the source's state (``ingest sources``). Reading
opens without following links and checks the opened file again (:func:`read_document`), so a
file swapped for a link after the listing is not read either.

An uploader that writes a file in place (an FTP server does) can be caught mid-write. A file
that is cut short (:func:`cut_short`: empty, or its XML root or JSON brackets not closed) and was
modified within :data:`SETTLE` of the run is left where it is for the next run
(:func:`still_being_written`). Read half, it failed as a truncated document and was moved to
``failed/``, where the uploader went on writing it (same file): the whole document then sat
there, reported as failed, until an operator moved it back. Once older, a cut-short file is
read as any other file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from normalize.charsets import UTF8_BOM

DONE = "done"
FAILED = "failed"
# Names an agency's uploader uses while a file is still being written.
_PARTIAL_SUFFIXES = (".part", ".tmp", ".partial", ".filepart", ".crdownload", ".error")
#: How recently a cut-short file must have been modified (before or after the run's start) to
#: be taken for one still being written. An upload that stalls longer is read as it stands.
SETTLE = timedelta(seconds=60)
# The first start tag (a prolog's <?...?>, comments and the doctype do not match).
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Scan:
    """An inbox listing: the documents to read, and the entries refused with why, by name."""

    documents: tuple[Path, ...]
    refused: tuple[tuple[str, str], ...]  # (name, reason)


def kind_of(mode: int) -> str | None:
    """What a non-regular, non-folder entry is (``"a symlink"``, ``"a FIFO"``, ...), or ``None``."""
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "a special file"


def scan(folder: Path) -> Scan:
    """The documents waiting in ``folder`` by name, and the entries never read.

    Skips ``done/`` and ``failed/``, hidden and partial files silently; refuses symlinks (to
    files or folders), special files (FIFOs, sockets, devices) and other folders (never read:
    the inbox is one level), each once, with a reason.
    """
    if not folder.is_dir():
        return Scan((), ())
    files, refused = [], []
    for entry in os.scandir(folder):
        if entry.name.startswith(".") or entry.name.lower().endswith(_PARTIAL_SUFFIXES):
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue  # gone since the listing
        kind = kind_of(mode)
        if kind is not None:
            refused.append((entry.name, f"{kind}, not a regular file"))
        elif stat.S_ISDIR(mode):
            if entry.name not in (DONE, FAILED):
                refused.append((entry.name, "a folder, not a regular file"))
        elif stat.S_ISREG(mode):
            files.append(Path(entry.path))
    return Scan(tuple(sorted(files, key=lambda p: p.name)), tuple(sorted(refused)))


def summary(reasons: list[str], refused: tuple[tuple[str, str], ...],
            waiting: list[str] = ()) -> str:
    """One line for the run summary and ``ingest sources``: the failed files (the first named),
    every refused entry by name (at most 10 named) and the files left for the next run because
    they are still being written (the first named)."""
    parts = []
    if reasons:
        parts.append(reasons[0] if len(reasons) == 1
                     else f"{len(reasons)} files failed; first: {reasons[0]}")
    if refused:
        named = [f"{name} ({reason})" for name, reason in refused[:10]]
        more = f" and {len(refused) - 10} more" if len(refused) > 10 else ""
        entries = "1 entry" if len(refused) == 1 else f"{len(refused)} entries"
        parts.append(f"{entries} never read: " + ", ".join(named) + more)
    if waiting:
        files = f"{waiting[0]} is" if len(waiting) == 1 else f"{len(waiting)} files ({waiting[0]}, ...) are"
        parts.append(f"{files} still being written (cut short, modified within "
                     f"{int(SETTLE.total_seconds())} s): left for the next run")
    return "; ".join(parts)


def list_documents(folder: Path) -> list[Path]:
    """The documents waiting in ``folder``, by name (regular files only; see :func:`scan`)."""
    return list(scan(folder).documents)


def read_document(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, opened without following a symlink and without blocking on
    a FIFO; raises ``OSError`` (``strerror`` says why) for anything else, and for a file longer
    than ``max_bytes`` when read (one still being written grows after its size was checked)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "a symlink, not a regular file") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None or not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, f"{kind or 'a folder'}, not a regular file")
        if max_bytes is None:
            return handle.read()
        data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OSError(errno.EFBIG, f"file too large: more than {max_bytes:,} bytes when read")
        return data


def cut_short(data: bytes) -> bool:
    """Whether a document ends before it is complete: empty (an uploader creates the file
    first), an XML document whose root element is not closed at its end, or JSON whose outer
    brackets are not. Anything else (UTF-16, text that is neither) is not judged: ``False``."""
    text = data.strip()
    if text.startswith(UTF8_BOM):
        text = text[len(UTF8_BOM):].lstrip()
    if not text:
        return True
    first = text[:1]
    if first in (b"{", b"["):
        return text[-1:] != (b"}" if first == b"{" else b"]")
    if first != b"<":
        return False
    root = _FIRST_TAG.search(_COMMENT.sub(b"", text[:8192]))
    if root is None:
        return True  # nothing but a prolog so far
    # Comments and processing instructions may follow the root (a cache's stamp).
    while text.endswith((b"-->", b"?>")):
        opening = text.rfind(b"<!--" if text.endswith(b"-->") else b"<?")
        if opening <= 0:
            return True
        text = text[:opening].rstrip()
    if text.endswith(b"/>") and text.count(b"<") - text.count(b"<!") - text.count(b"<?") == 1:
        return False  # the root alone, self-closed
    tail = text[-(len(root.group(1)) + 64):]
    return re.search(rb"</\s*" + re.escape(root.group(1)) + rb"\s*>\Z", tail) is None


def still_being_written(data: bytes, modified: float, now: datetime) -> bool:
    """Whether a dropped file read as ``data``, last modified at ``modified`` (a timestamp, as
    ``os.stat`` gives it), is one an uploader is still writing at ``now``: :func:`cut_short`,
    and modified within :data:`SETTLE` of ``now`` (either side: a file written after the run
    started is newer than its ``now``)."""
    age = now - datetime.fromtimestamp(modified, timezone.utc)
    return abs(age) < SETTLE and cut_short(data)


def content_hash(data: bytes) -> str:
    """SHA-256 of a document's bytes: how a ``keep = true`` inbox remembers files."""
    return hashlib.sha256(data).hexdigest()


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    number = 1
    while target.exists():
        target = folder / f"{stem}.{number}{suffix}"
        number += 1
    return target


def move_aside(path: Path, where: str, reason: str | None = None) -> Path:
    """Move ``path`` into ``<its folder>/<where>/`` (never overwriting) and return the new path.

    With ``reason``, writes ``<new name>.error`` beside it (one line).
    """
    folder = path.parent / where
    folder.mkdir(exist_ok=True)
    target = _free_name(folder, path.name)
    if reason is not None:
        error_file = target.with_name(target.name + ".error")
        error_file.write_text(reason.rstrip("\n") + "\n", encoding="utf-8")
    os.replace(path, target)
    return target
