"""A minimal Compound File Binary (MS-CFB) writer.

Owns: turning a tree of storages and streams into the bytes of a version 3
compound file (512-byte sectors), the container format of ``vbaProject.bin``.
It writes and never reads; olefile is the independent reader in the tests.

The tree is a mapping ``name -> bytes`` (a stream) or ``name -> mapping`` (a
storage). The output is deterministic: no timestamps, all CLSIDs zero, children
in CFB name order, and the same input always gives the same bytes.

Layout (any layout is valid, MS-CFB 2.1): header, FAT sectors, DIFAT sectors,
directory, MiniFAT, the mini stream, then the large streams, each contiguous.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

from xlpkg.core.record import field, record

__all__ = ["Tree", "write_cfb"]

Tree = Mapping[str, "bytes | Tree"]

SECTOR = 512  # version 3: sector shift 9 (MS-CFB 2.2)
MINI_SECTOR = 64  # mini sector shift 6
MINI_CUTOFF = 4096  # streams smaller than this live in the mini stream (MS-CFB 2.2)
DIR_ENTRY = 128
IDS_PER_SECTOR = SECTOR // 4
DIFAT_IN_HEADER = 109

# Special sector numbers, MS-CFB 2.1.
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

# Object types and colours of a directory entry, MS-CFB 2.6.1.
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1

_ILLEGAL_NAME_CHARS = set("/\\:!")


@record(frozen=False)
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names first, then a compare of the upper-cased names.
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) // 2 > 31:
        raise ValueError(f"CFB entry name must be 1..31 characters: {name!r}")
    if _ILLEGAL_NAME_CHARS & set(name) or any(ord(c) < 0x20 for c in name):
        raise ValueError(f"CFB entry name has an illegal character: {name!r}")


def _build(name: str, node: bytes | Tree, kind: int) -> _Entry:
    if isinstance(node, (bytes, bytearray, memoryview)):
        return _Entry(name, _STREAM, data=bytes(node), size=len(node))
    if not isinstance(node, Mapping):
        raise TypeError(f"CFB node {name!r} must be bytes or a mapping, not {type(node)}")
    entry = _Entry(name, kind)
    seen: set[str] = set()
    for child_name in sorted(node, key=_sort_key):
        _check_name(child_name)
        if child_name.upper() in seen:
            raise ValueError(f"duplicate CFB name (names are case-insensitive): {child_name!r}")
        seen.add(child_name.upper())
        entry.children.append(_build(child_name, node[child_name], _STORAGE))
    return entry


def _number(root: _Entry) -> list[_Entry]:
    """Pre-order list of entries; index == directory stream id, root is 0."""
    out: list[_Entry] = []

    def visit(e: _Entry) -> None:
        out.append(e)
        for c in e.children:
            visit(c)

    visit(root)
    return out


def _balanced(kids: list[_Entry], lo: int, hi: int, d: int, ids: dict, depth: dict) -> int:
    """Link kids[lo:hi] as a balanced subtree (median at the top); return its root id."""
    if lo >= hi:
        return NOSTREAM
    mid = (lo + hi) // 2
    node = kids[mid]
    depth[id(node)] = d
    node.left = _balanced(kids, lo, mid, d + 1, ids, depth)
    node.right = _balanced(kids, mid + 1, hi, d + 1, ids, depth)
    return ids[id(node)]


def _link_children(entries: list[_Entry]) -> None:
    """Give every storage a valid red-black tree of its children (MS-CFB 2.6.4).

    The children are sorted; each subtree's root is the median, so leaf depths
    differ by at most one. Nodes on the deepest level are red when the tree is
    not perfect; every root-to-leaf path then has the same number of black nodes.
    """
    ids = {id(e): i for i, e in enumerate(entries)}
    for parent in entries:
        kids = parent.children
        if not kids:
            continue
        depth: dict[int, int] = {}
        parent.child = _balanced(kids, 0, len(kids), 0, ids, depth)
        deepest = max(depth.values())
        perfect = len(kids) == 2 ** (deepest + 1) - 1
        for k in kids:
            red = not perfect and depth[id(k)] == deepest
            k.color = _RED if red else _BLACK


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(first, first + count - 1):
        fat[i] = i + 1
    fat[first + count - 1] = ENDOFCHAIN


def _sectors(nbytes: int, size: int = SECTOR) -> int:
    return -(-nbytes // size)


def _pad(data: bytes, size: int = SECTOR) -> bytes:
    return data + b"\0" * (-len(data) % size)


def _dir_entry(e: _Entry) -> bytes:
    if e.kind == 0:  # unused slot: all zero, sibling/child ids NOSTREAM (MS-CFB 2.6.3)
        return b"\0" * 68 + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48
    raw_name = (e.name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw_name,
        len(raw_name),
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        b"\0" * 16,  # CLSID: none needed for a VBA project
        0,  # state bits
        0,  # creation time: none, for deterministic output
        0,  # modified time
        e.start if e.kind != _STORAGE else 0,
        e.size,
    )


def write_cfb(tree: Tree) -> bytes:
    """Return the bytes of a version 3 compound file holding ``tree``.

    ``tree`` maps names to ``bytes`` (streams) or nested mappings (storages).
    Names are 1..31 characters without ``/ \\ : !``; siblings must differ
    case-insensitively.
    """
    root = _build("Root Entry", tree, _ROOT)
    entries = _number(root)
    _link_children(entries)
    streams = [e for e in entries if e.kind == _STREAM]
    small = [e for e in streams if 0 < e.size < MINI_CUTOFF]
    large = [e for e in streams if e.size >= MINI_CUTOFF]

    # Mini stream and MiniFAT (MS-CFB 2.5, 2.4): each small stream is a chain of
    # 64-byte mini sectors inside the root entry's stream.
    minifat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        e.start = len(minifat)
        n = _sectors(e.size, MINI_SECTOR)
        minifat.extend([0] * n)
        _chain(minifat, e.start, n)
        mini_stream += _pad(e.data, MINI_SECTOR)
    root.size = len(mini_stream)

    n_dir = _sectors(len(entries) * DIR_ENTRY)
    n_minifat = _sectors(len(minifat) * 4)
    n_mini_stream = _sectors(len(mini_stream))
    n_large = sum(_sectors(e.size) for e in large)
    n_data = n_dir + n_minifat + n_mini_stream + n_large

    # The FAT must also map its own sectors and the DIFAT sectors (MS-CFB 2.3).
    n_fat = n_difat = 0
    while True:
        need_difat = max(0, _sectors(max(0, n_fat - DIFAT_IN_HEADER), IDS_PER_SECTOR - 1))
        need_fat = _sectors(n_data + n_fat + need_difat, IDS_PER_SECTOR)
        if (need_fat, need_difat) == (n_fat, n_difat):
            break
        n_fat, n_difat = need_fat, need_difat

    total = n_fat + n_difat + n_data
    fat = [FREESECT] * (n_fat * IDS_PER_SECTOR)
    fat_start, difat_start = 0, n_fat
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT
    for i in range(n_difat):
        fat[difat_start + i] = DIFSECT

    cursor = n_fat + n_difat
    dir_start = cursor
    _chain(fat, dir_start, n_dir)
    cursor += n_dir
    minifat_start = cursor if n_minifat else ENDOFCHAIN
    if n_minifat:
        _chain(fat, cursor, n_minifat)
        cursor += n_minifat
    root.start = cursor if n_mini_stream else ENDOFCHAIN
    if n_mini_stream:
        _chain(fat, cursor, n_mini_stream)
        cursor += n_mini_stream
    for e in large:
        e.start = cursor
        n = _sectors(e.size)
        _chain(fat, cursor, n)
        cursor += n
    assert cursor == total

    # DIFAT (MS-CFB 2.5): the first 109 FAT sector numbers sit in the header,
    # the rest in DIFAT sectors of 127 numbers plus a next-sector pointer.
    fat_sectors = list(range(fat_start, fat_start + n_fat))
    header_difat = fat_sectors[:DIFAT_IN_HEADER]
    header_difat += [FREESECT] * (DIFAT_IN_HEADER - len(header_difat))
    difat = bytearray()
    rest = fat_sectors[DIFAT_IN_HEADER:]
    for i in range(n_difat):
        part = rest[i * 127 : (i + 1) * 127]
        part += [FREESECT] * (127 - len(part))
        nxt = difat_start + i + 1 if i + 1 < n_difat else ENDOFCHAIN
        difat += struct.pack("<128I", *part, nxt)

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # signature
        b"\0" * 16,  # header CLSID
        0x003E,  # minor version
        0x0003,  # major version 3
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        b"\0" * 6,
        0,  # number of directory sectors: MUST be 0 for version 3
        n_fat,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        difat_start if n_difat else ENDOFCHAIN,
        n_difat,
        *header_difat,
    )
    directory = b"".join(_dir_entry(e) for e in entries)
    unused = _Entry("", 0)
    directory += _dir_entry(unused) * (-len(entries) % (SECTOR // DIR_ENTRY))

    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    out += difat
    out += directory
    # Unused MiniFAT slots are FREESECT, not zero.
    minifat += [FREESECT] * (-len(minifat) % IDS_PER_SECTOR)
    out += struct.pack(f"<{len(minifat)}I", *minifat)
    out += _pad(bytes(mini_stream))
    for e in large:
        out += _pad(e.data)
    assert len(out) == SECTOR * (1 + total)
    return bytes(out)
