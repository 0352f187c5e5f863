"""Inbox folders: documents dropped by an agency, one file per document.

A processed file moves to ``done/``, a file that fails moves to ``failed/`` with
``<name>.error`` beside it saying why. Nothing is ever deleted: a name already taken in
``done/`` or ``failed/`` gets a numbered suffix. Files are moved only after the archive has
committed their records, so a crash in between at worst processes a file twice, which the
archive's content hashes make harmless.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DONE = "done"
FAILED = "failed"
# Names an agency's uploader uses while a file is still being written.
_PARTIAL_SUFFIXES = (".part", ".tmp", ".partial", ".filepart", ".crdownload", ".error")


def list_documents(folder: Path) -> list[Path]:
    """The documents waiting in ``folder``, by name; skips folders, hidden and partial files."""
    if not folder.is_dir():
        return []
    files = []
    for entry in os.scandir(folder):
        if not entry.is_file(follow_symlinks=False):
            continue
        if entry.name.startswith(".") or entry.name.lower().endswith(_PARTIAL_SUFFIXES):
            continue
        files.append(Path(entry.path))
    return sorted(files, key=lambda p: p.name)


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
