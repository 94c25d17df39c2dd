"""File names that every file system takes: one length rule for every name xlpkg makes.

Owns the budget of a file name: 255 UTF-8 bytes (ext4, APFS; NTFS counts 255
UTF-16 units, which a name of 255 UTF-8 bytes never exceeds) — a Chinese
character is 3 bytes, so 85 characters already fill it. Also the cut at a character boundary with a short hash of the whole text (two
long names that differ only at the end stay two names), the room kept for the
``(2)`` of a duplicate and for a temporary name beside the target, and the
characters Windows refuses. The report, tables, batch and temp names all use it.
"""

from __future__ import annotations

import re

NAME_BYTES = 255          # the file-system limit on one path component
DUPLICATE_ROOM = 10       # “(123456)” fits after a cut name
_HASH_CHARS = 8

# Characters Windows (and so most shared folders) refuse in file names.
ILLEGAL_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def byte_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def cut_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` that is at most ``limit`` UTF-8 bytes (whole characters)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:max(limit, 0)].decode("utf-8", "ignore")


def short_hash(text: str) -> str:
    import hashlib  # only a name that is cut needs it; OpenSSL costs a start-up

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def clean_stem(text: str, fallback: str) -> str:
    """Text usable as (part of) a file name on Windows too: illegal characters → ``_``."""
    stem = ILLEGAL_NAME.sub("_", text).strip(" .")
    return stem or fallback


def fit_name(head: str, tail: str, *, limit: int = NAME_BYTES - DUPLICATE_ROOM) -> str:
    """``head + tail`` within ``limit`` bytes: ``head`` is cut at a character boundary
    and marked ``~<hash of head>`` when it does not fit; ``tail`` (``_2023_….docx``)
    is always kept whole."""
    if byte_len(head) + byte_len(tail) <= limit:
        return head + tail
    mark = "~" + short_hash(head)
    kept = cut_bytes(head, limit - byte_len(tail) - len(mark)).rstrip(" .")
    return kept + mark + tail


def file_name(text: str, tail: str, fallback: str) -> str:
    """A generated file name: ``text`` cleaned (or ``fallback``), then ``tail``, the whole
    within :data:`NAME_BYTES` less the room kept for a duplicate's ``(n)``."""
    return fit_name(clean_stem(text, fallback), tail)


def with_marker(name: str, marker: str) -> str:
    """``甲.docx`` → ``甲(2).docx``, the stem cut when the result would exceed the limit."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    tail = f"{marker}.{suffix}" if dot else marker
    return fit_name(stem, tail, limit=NAME_BYTES)


def temp_affixes(stem: str, suffix: str, pid: int) -> tuple[str, str]:
    """mkstemp's ``(prefix, suffix)`` for a temporary file beside ``stem + suffix``:
    ``.<stem>.<pid>.<8 random>.<suffix>.tmp``, the stem cut so the whole temp name stays
    within :data:`NAME_BYTES` even when the target's own name is at the limit. The pid
    tells a later run whether the writer is still alive (see :func:`parse_temp`)."""
    end = suffix + ".tmp"
    fixed = len(f"..{pid}.") + 8 + byte_len(end)
    return "." + cut_bytes(stem, NAME_BYTES - fixed) + f".{pid}.", end


# Compiled on first use (re caches them): only a clean-up of a folder needs them.
_TEMP = r"^\.(?P<stem>.*)\.(?P<pid>\d+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]*)?\.tmp$"
_OLD_TEMP = r"^\.(?P<stem>.*)\.[a-z0-9_]{8}(?P<suffix>\.[^.]*)?\.tmp$"


def parse_temp(name: str) -> tuple[str, int | None] | None:
    """``(stem, pid)`` of one of our temporary names, pid None for the older pid-less
    form (``.汇总.ab12cd34.xlsx.tmp``); None for any other name."""
    m = re.match(_TEMP, name, re.DOTALL)
    if m:
        return m["stem"], int(m["pid"])
    m = re.match(_OLD_TEMP, name, re.DOTALL)
    return (m["stem"], None) if m else None
