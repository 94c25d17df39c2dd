"""The CFB writer, read back by olefile (an independent reader)."""

from __future__ import annotations

import io
import itertools
import struct

import olefile
import pytest

from xlpkg.vba.cfb import write_cfb


def _open(data: bytes) -> olefile.OleFileIO:
    # raise on any defect olefile would otherwise only log
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def _flatten(tree, prefix=()):
    for name, node in tree.items():
        if isinstance(node, dict):
            yield from _flatten(node, prefix + (name,))
        else:
            yield prefix + (name,), node


def _pattern(n: int, seed: int) -> bytes:
    return bytes((i * 31 + seed + i // 251) % 256 for i in range(n))


def test_olefile_lists_exactly_the_streams_written_with_exact_content():
    tree = {
        "PROJECT": b"ID=...\r\n",
        "PROJECTwm": _pattern(4095, 1),  # the largest mini stream
        "VBA": {
            "dir": _pattern(700, 2),
            "Module1": _pattern(4096, 3),  # the smallest regular stream
            "Big": _pattern(70_000, 4),
            "empty": b"",
            "Nested": {"deep": b"x" * 65},
        },
    }
    ole = _open(write_cfb(tree))
    written = dict(_flatten(tree))
    assert sorted(map(tuple, ole.listdir(streams=True, storages=False))) == sorted(written)
    for path, data in written.items():
        assert ole.openstream("/".join(path)).read() == data
        assert ole.get_size("/".join(path)) == len(data)
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    assert ole.get_type("VBA/Nested") == olefile.STGTY_STORAGE


def test_more_than_109_fat_sectors_uses_difat_sectors():
    big = _pattern(7_500_000, 5)  # needs ~115 FAT sectors: header holds only 109
    data = write_cfb({"huge": big, "small": b"abc"})
    n_difat = struct.unpack_from("<I", data, 0x48)[0]
    assert n_difat >= 1
    ole = _open(data)
    assert ole.openstream("huge").read() == big
    assert ole.openstream("small").read() == b"abc"


RED, BLACK = 0, 1  # MS-CFB 2.6.1 colour flag


def _cfb_less(a: str, b: str) -> bool:
    return (len(a), a.upper()) < (len(b), b.upper())


def _check_red_black(ole: olefile.OleFileIO, sid: int) -> list[str]:
    """In-order names of the subtree at ``sid``; asserts the red-black rules."""
    entries = ole.direntries

    def walk(s: int) -> tuple[list[str], int]:
        if s == olefile.NOSTREAM:
            return [], 1
        e = entries[s]
        left, lh = walk(e.sid_left)
        right, rh = walk(e.sid_right)
        assert lh == rh, "black height differs"
        if e.color == RED:
            for child in (e.sid_left, e.sid_right):
                assert child == olefile.NOSTREAM or entries[child].color == BLACK
        return left + [e.name] + right, lh + (e.color == BLACK)

    assert entries[sid].color == BLACK
    return walk(sid)[0]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 8, 20])
def test_children_form_a_sorted_red_black_tree(n):
    names = [f"{'S' if i % 3 else 'longer'}{i}" for i in range(n)] + ["a", "B"]
    ole = _open(write_cfb({"VBA": {name: b"1" for name in names}}))
    vba = next(e for e in ole.direntries if e and e.name == "VBA")
    in_order = _check_red_black(ole, vba.sid_child)
    assert sorted(in_order) == sorted(names)
    assert all(_cfb_less(a, b) for a, b in itertools.pairwise(in_order))


def test_output_is_deterministic_and_sector_aligned():
    tree = {"b": b"2" * 5000, "a": {"c": b"3"}}
    first, second = write_cfb(tree), write_cfb(dict(reversed(tree.items())))
    assert first == second
    assert len(first) % 512 == 0
    assert first[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    "tree",
    [
        {"x" * 32: b""},  # longer than 31 characters
        {"a/b": b""},
        {"Module": b"", "MODULE": b""},  # CFB names compare case-insensitively
        {"": b""},
    ],
)
def test_invalid_names_are_rejected(tree):
    with pytest.raises(ValueError):
        write_cfb(tree)
