"""py3langid's model read straight from its package file, without numpy.

The model ships as ``data/model.npz.xz``: an LZMA-compressed NumPy ``.npz`` archive (a zip of
``.npy`` arrays, stored uncompressed). py3langid reads it by streaming the LZMA data to a
temporary file, importing numpy and converting each array; a first run with an empty cache
folder paid all of that (bench/README.md). Here the archive is decompressed (LZMA releases the
GIL, so a thread can do it while another builds something else): in memory
(:func:`read_model`), or a chunk at a time into the file :mod:`normalize.langid_fast` keeps
(:func:`decompress_model`); each ``.npy`` header is read (a Python literal) and the arrays are
taken over as they lie (:func:`model_layout`): little-endian numbers of the types below, labels
as fixed-width UTF-32. Anything else raises ``ValueError`` and the caller falls back to
py3langid.
"""

from __future__ import annotations

import ast
import io
import lzma
import sys
import zipfile
from array import array
from pathlib import Path
from typing import BinaryIO

_NPY_MAGIC = b"\x93NUMPY"
#: ``.npy`` type -> ``array`` typecode, for the numeric arrays the model holds.
_TYPECODES = {"<u2": "H", "<u4": "I", "<i4": "i", "<f4": "f"}


def _stored_members(data, archive=None) -> dict[str, tuple[int, int]]:
    """Where each member of the zip archive in buffer ``data`` lies in it, ``{name: (offset,
    size)}`` (the ``.npz`` members are stored, not compressed). ``archive``: the same bytes as a
    readable file, when ``data`` is no ``bytes`` (a mapped file: no copy is made). ``ValueError``
    for a compressed or misplaced member."""
    try:
        reader = zipfile.ZipFile(io.BytesIO(data) if archive is None else archive)
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a zip archive: {error}") from None
    members = {}
    with reader:
        for info in reader.infolist():
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{info.filename}: compressed in the archive")
            local = info.header_offset  # from the start of the file, whatever precedes the zip
            if data[local:local + 4] != b"PK\x03\x04":
                raise ValueError(f"{info.filename}: no local header")
            start = (local + 30 + int.from_bytes(data[local + 26:local + 28], "little")
                     + int.from_bytes(data[local + 28:local + 30], "little"))
            if start + info.file_size > len(data):
                raise ValueError(f"{info.filename}: truncated")
            members[info.filename] = (start, info.file_size)
    return members


def _npy(data, offset: int, size: int, name: str) -> tuple[str, tuple[int, ...], int, int]:
    """(type, shape, offset, size) of the array of the ``.npy`` file at ``offset`` in ``data``:
    where its raw bytes lie. ``ValueError`` for what we do not read."""
    head = bytes(data[offset:offset + min(size, 12)])
    if head[:6] != _NPY_MAGIC or len(head) < 12 or head[6] not in (1, 2, 3):
        raise ValueError(f"{name}: not an .npy file")
    if head[6] == 1:
        length, start = int.from_bytes(head[8:10], "little"), 10
    else:
        length, start = int.from_bytes(head[8:12], "little"), 12
    header = ast.literal_eval(bytes(data[offset + start:offset + start + length]).decode("latin-1"))
    if not isinstance(header, dict) or header.get("fortran_order") is not False:
        raise ValueError(f"{name}: unexpected .npy header {header!r}")
    descr, shape = header.get("descr"), header.get("shape")
    if not isinstance(descr, str) or not isinstance(shape, tuple):
        raise ValueError(f"{name}: unexpected .npy header {header!r}")
    return descr, shape, offset + start + length, size - start - length


#: The model's arrays by the names :func:`model_layout` gives them, with their ``.npy`` files.
_ARRAY_FILES = (("priors", "pc.npy"), ("ptc", "ptc.npy"), ("nextmove", "nextmove.npy"),
                ("rows", "nextmove_row.npy"), ("outputs", "out_feat.npy"))
#: Bytes decompressed at a time by :func:`decompress_model`.
_CHUNK = 1 << 20


def model_layout(data, archive=None) -> tuple[list[str], dict[str, tuple[str, int, int]]]:
    """The class labels of py3langid's decompressed model archive (the ``.npz``) held in buffer
    ``data``, and where in ``data`` the raw bytes of each array lie: ``{name: (typecode, offset,
    size)}`` for ``priors``, ``ptc`` (typecode ``"e"``: float16), ``nextmove``, ``rows`` and
    ``outputs`` (``array`` typecodes), little-endian. ``archive``: see :func:`_stored_members`.
    Raises ``ValueError`` for an archive that is not laid out so."""
    if sys.byteorder != "little":
        raise ValueError("the model's arrays are little-endian")
    members = _stored_members(data, archive)
    missing = {file for _, file in _ARRAY_FILES}.union({"classes.npy"}).difference(members)
    if missing:
        raise ValueError(f"model archive lacks {sorted(missing)}")
    descr, shape, offset, size = _npy(data, *members["classes.npy"], "classes.npy")
    if not descr.startswith("<U") or len(shape) != 1 or 4 * int(descr[2:]) * shape[0] > size:
        raise ValueError(f"classes.npy: type {descr!r} not read here")
    width = int(descr[2:])
    text = bytes(data[offset:offset + 4 * width * shape[0]]).decode("utf-32-le")
    classes = [text[i:i + width].rstrip("\0") for i in range(0, len(text), width)]
    layout = {}
    for name, file in _ARRAY_FILES:
        descr, shape, offset, size = _npy(data, *members[file], file)
        if name == "ptc":
            if descr != "<f2" or shape != (shape[0], len(classes)):
                raise ValueError(f"ptc.npy: {descr!r} {shape!r} not read here")
            typecode, itemsize = "e", 2
        else:
            typecode = _TYPECODES.get(descr)
            if typecode is None or array(typecode).itemsize != int(descr[2:]):
                raise ValueError(f"{file}: type {descr!r} not read here")
            itemsize = int(descr[2:])
        count = 1
        for extent in shape:
            count *= extent
        if count * itemsize > size:
            raise ValueError(f"{file}: truncated")
        layout[name] = (typecode, offset, count * itemsize)
    if layout["priors"][2] != 4 * len(classes):
        raise ValueError("pc.npy: one prior per class expected")
    return classes, layout


def read_model(path: Path):
    """(classes, priors, ptc bytes, nextmove, rows, outputs) from py3langid's ``model.npz.xz``
    at ``path``: equal to what py3langid's own loader gives. Raises ``ValueError`` (or
    ``OSError``, ``lzma.LZMAError``) when the file cannot be read so."""
    data = lzma.decompress(Path(path).read_bytes())  # the xz container checks its own CRC
    classes, layout = model_layout(data)
    view = memoryview(data)
    parts = []
    for name, _ in _ARRAY_FILES:
        typecode, offset, size = layout[name]
        if typecode == "e":
            parts.append(bytes(view[offset:offset + size]))
        else:
            values = array(typecode)
            values.frombytes(view[offset:offset + size])
            parts.append(values)
    priors, ptc, nextmove, rows, outputs = parts
    return classes, priors, ptc, nextmove, rows, outputs


def decompress_model(path: Path, out: BinaryIO) -> None:
    """Write the decompressed model archive (the ``.npz`` that :func:`model_layout` reads) of
    py3langid's ``model.npz.xz`` at ``path`` to the binary file ``out``, a chunk at a time: no
    68 MB buffer is filled (and grown) first, so this costs less CPU than decompressing in
    memory alone (bench/README.md). Raises ``EOFError`` for a truncated file,
    ``lzma.LZMAError`` for a damaged one (the xz container checks its own CRC), ``OSError``."""
    decompressor = lzma.LZMADecompressor(lzma.FORMAT_XZ)
    chunk = decompressor.decompress(Path(path).read_bytes(), _CHUNK)
    while True:
        out.write(chunk)
        if decompressor.eof:
            return
        if decompressor.needs_input:
            raise EOFError("the model file ends before its compressed stream")
        chunk = decompressor.decompress(b"", _CHUNK)
