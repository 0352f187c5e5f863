"""py3langid's model read from its package file without numpy (normalize.langid_source)."""

import lzma

import pytest

from normalize import langid_fast, langid_model, langid_source


def model_file():
    files = langid_model._py3langid_files()
    if files is None:
        pytest.skip("py3langid is not installed")
    return files[0]


def by_py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    from array import array

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return (list(ident.nb_classes), array("f", ident.nb_pc.astype("float32").tobytes()),
            ident.nb_ptc.astype("<f2", copy=False).tobytes(), ident.tk_nextmove, ident.tk_row,
            array("i", ident.tk_output))


def test_the_model_read_directly_equals_py3langids_own_loading():
    ours = langid_source.read_model(model_file())
    theirs = by_py3langid()
    assert [type(part) for part in ours] == [type(part) for part in theirs]
    assert [getattr(part, "typecode", None) for part in ours] == \
        [getattr(part, "typecode", None) for part in theirs]
    assert list(ours) == list(theirs)


@pytest.mark.parametrize("damage", ["not xz", "truncated xz", "xz of garbage"])
def test_a_file_it_cannot_read_raises_and_the_loader_falls_back(tmp_path, monkeypatch, damage):
    data = model_file().read_bytes()
    broken = tmp_path / "model.npz.xz"
    broken.write_bytes({"not xz": b"\x00" * 100, "truncated xz": data[: len(data) // 2],
                        "xz of garbage": lzma.compress(b"PK" + b"\x00" * 200)}[damage])
    with pytest.raises((ValueError, EOFError, lzma.LZMAError)):
        langid_source.read_model(broken)
    code = langid_model._py3langid_files()[1]
    monkeypatch.setattr(langid_model, "_py3langid_files", lambda: (broken, code))
    assert list(langid_model._load_from_py3langid()) == list(by_py3langid())


def same_model(model, parts) -> bool:
    classes, priors, ptc, nextmove, rows, outputs = parts
    return (list(model.classes) == list(classes)
            and list(model.priors) == [float(value) for value in priors]
            and bytes(model.ptc) == bytes(ptc)
            and [model.nextmove.tolist(), model.rows.tolist(), model.outputs.tolist()]
            == [nextmove.tolist(), rows.tolist(), outputs.tolist()])


def test_the_model_decompressed_into_the_cache_file_equals_the_one_read_in_memory(tmp_path):
    first = langid_fast.load_model(tmp_path)  # a first run: decompressed into the cache file
    (cache,) = tmp_path.glob("py3langid-model-*.bin")
    assert not list(tmp_path.glob("*.tmp"))
    expected = langid_source.read_model(model_file())
    assert same_model(first, expected)
    assert same_model(langid_fast.load_model(tmp_path), expected)  # mapped from that file
    assert list(tmp_path.iterdir()) == [cache]


@pytest.mark.parametrize("damage", ["truncated xz", "xz of garbage"])
def test_a_model_file_it_cannot_decompress_into_the_cache_is_loaded_by_py3langid(
        tmp_path, monkeypatch, damage):
    data = model_file().read_bytes()
    broken = tmp_path / "model.npz.xz"
    broken.write_bytes(data[: len(data) // 2] if damage == "truncated xz"
                       else lzma.compress(b"PK" + b"\x00" * 200))
    code = langid_model._py3langid_files()[1]
    monkeypatch.setattr(langid_model, "_py3langid_files", lambda: (broken, code))
    folder = tmp_path / "cache"
    model = langid_fast.load_model(folder)  # py3langid's own loading, then cached the old way
    assert same_model(model, by_py3langid())
    assert [path.suffix for path in folder.iterdir()] == [".bin"]  # no partial file left
    assert same_model(langid_fast.load_model(folder), by_py3langid())


# --- wordfreq's lists, read without importing wordfreq (normalize.lexicon) --------------------

def test_word_lists_read_directly_equal_wordfreqs_own():
    wordfreq = pytest.importorskip("wordfreq")
    from normalize import lexicon

    for language in ("en", "es", "pt", "gl", "zh", "xx"):
        ours = lexicon._from_wordfreq(language)
        if language not in wordfreq.available_languages("small"):
            assert ours is None
            continue
        theirs = wordfreq.get_frequency_dict(language, "small")
        assert ours == theirs and list(ours) == list(theirs)


@pytest.mark.parametrize("data", [b"not gzip", "gzip of another header"])
def test_a_word_list_it_cannot_read_falls_back_to_wordfreq(tmp_path, monkeypatch, data):
    import gzip

    import msgpack

    wordfreq = pytest.importorskip("wordfreq")
    from normalize import lexicon

    if data == "gzip of another header":
        data = gzip.compress(msgpack.packb([{"format": "dB", "version": 1}, ["word"]]))
    broken = tmp_path / "small_en.msgpack.gz"
    broken.write_bytes(data)
    with pytest.raises(ValueError):
        lexicon._read_list(broken)
    monkeypatch.setattr(lexicon, "_data_file", lambda language: broken)
    assert lexicon._from_wordfreq("en") == wordfreq.get_frequency_dict("en", "small")
