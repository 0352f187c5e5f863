"""py3langid's model read straight from its package file, without numpy.

The model ships as ``data/model.npz.xz``: an LZMA-compressed NumPy ``.npz`` archive (a zip of
``.npy`` arrays, stored uncompressed). py3langid reads it by streaming the LZMA data to a
temporary file, importing numpy and converting each array; a first run with an empty cache
folder paid all of that (bench/README.md). Here the archive is decompressed in memory (LZMA
releases the GIL, so a thread can do it while another builds something else), each ``.npy``
header is read (a Python literal) and the arrays are taken over as they are: little-endian
numbers of the types below, labels as fixed-width UTF-32. Anything else raises ``ValueError``
and the caller falls back to py3langid.
"""

from __future__ import annotations

import ast
import io
import lzma
import sys
import zipfile
from array import array
from pathlib import Path

_NPY_MAGIC = b"\x93NUMPY"
#: ``.npy`` type -> ``array`` typecode, for the numeric arrays the model holds.
_TYPECODES = {"<u2": "H", "<u4": "I", "<i4": "i", "<f4": "f"}


def _stored_members(data: bytes) -> dict[str, memoryview]:
    """Each member of the zip archive ``data`` as a view of its bytes (no copy): the ``.npz``
    members are stored, not compressed. ``ValueError`` for a compressed or misplaced member."""
    whole = memoryview(data)
    members = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a zip archive: {error}") from None
    with archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{info.filename}: compressed in the archive")
            local = info.header_offset
            if data[local:local + 4] != b"PK\x03\x04":
                raise ValueError(f"{info.filename}: no local header")
            start = (local + 30 + int.from_bytes(data[local + 26:local + 28], "little")
                     + int.from_bytes(data[local + 28:local + 30], "little"))
            if start + info.file_size > len(data):
                raise ValueError(f"{info.filename}: truncated")
            members[info.filename] = whole[start:start + info.file_size]
    return members


def _npy(data: memoryview, name: str) -> tuple[str, tuple[int, ...], memoryview]:
    """(type, shape, raw bytes) of one ``.npy`` file; ``ValueError`` for what we do not read."""
    if bytes(data[:6]) != _NPY_MAGIC or data[6] not in (1, 2, 3):
        raise ValueError(f"{name}: not an .npy file")
    if data[6] == 1:
        size, start = int.from_bytes(data[8:10], "little"), 10
    else:
        size, start = int.from_bytes(data[8:12], "little"), 12
    header = ast.literal_eval(bytes(data[start:start + size]).decode("latin-1"))
    if not isinstance(header, dict) or header.get("fortran_order") is not False:
        raise ValueError(f"{name}: unexpected .npy header {header!r}")
    descr, shape = header.get("descr"), header.get("shape")
    if not isinstance(descr, str) or not isinstance(shape, tuple):
        raise ValueError(f"{name}: unexpected .npy header {header!r}")
    body = data[start + size:]
    return descr, shape, body


def _numbers(descr: str, shape: tuple[int, ...], body: memoryview, name: str) -> array:
    typecode = _TYPECODES.get(descr)
    if typecode is None or array(typecode).itemsize != int(descr[2:]):
        raise ValueError(f"{name}: type {descr!r} not read here")
    count = 1
    for extent in shape:
        count *= extent
    values = array(typecode)
    values.frombytes(body[:count * values.itemsize])
    if len(values) != count:
        raise ValueError(f"{name}: truncated")
    return values


def read_model(path: Path):
    """(classes, priors, ptc bytes, nextmove, rows, outputs) from py3langid's ``model.npz.xz``
    at ``path``: the parts :func:`normalize.langid_fast.load_model` caches, equal to what
    py3langid's own loader gives. Raises ``ValueError`` (or ``OSError``, ``lzma.LZMAError``)
    when the file cannot be read so."""
    if sys.byteorder != "little":
        raise ValueError("the model's arrays are little-endian")
    data = lzma.decompress(Path(path).read_bytes())  # the xz container checks its own CRC
    parts = {name: _npy(member, name) for name, member in _stored_members(data).items()}
    missing = {"ptc.npy", "pc.npy", "classes.npy", "nextmove.npy", "nextmove_row.npy",
               "out_feat.npy"}.difference(parts)
    if missing:
        raise ValueError(f"model archive lacks {sorted(missing)}")
    descr, shape, body = parts["classes.npy"]
    if not descr.startswith("<U") or len(shape) != 1:
        raise ValueError(f"classes.npy: type {descr!r} not read here")
    width = int(descr[2:])
    text = bytes(body[:4 * width * shape[0]]).decode("utf-32-le")
    classes = [text[i:i + width].rstrip("\0") for i in range(0, len(text), width)]
    descr, shape, body = parts["ptc.npy"]
    if descr != "<f2" or shape != (shape[0], len(classes)):
        raise ValueError(f"ptc.npy: {descr!r} {shape!r} not read here")
    ptc = bytes(body[:2 * shape[0] * shape[1]])
    priors, nextmove, rows, outputs = (_numbers(*parts[name], name) for name in
                                       ("pc.npy", "nextmove.npy", "nextmove_row.npy",
                                        "out_feat.npy"))
    if len(priors) != len(classes):
        raise ValueError("pc.npy: one prior per class expected")
    return classes, priors, ptc, nextmove, rows, outputs
