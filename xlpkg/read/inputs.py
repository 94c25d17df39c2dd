"""One entry point for every input: a YAML/JSON data file or a workbook.

Owns reading any input into a :class:`~xlpkg.core.model.Dataset`: the file is
sniffed once (:mod:`xlpkg.read.sniff`, which refuses what it cannot be), then
read by the reader of its kind.
"""

from __future__ import annotations

from pathlib import Path

from xlpkg.core.model import Dataset
from xlpkg.read.sniff import WORKBOOK_SUFFIXES, sniff

__all__ = ["WORKBOOK_SUFFIXES", "load_input", "out_of_memory", "sniff"]


def load_input(path: Path) -> Dataset:
    """Read a data file or a workbook into a :class:`Dataset`."""
    path = Path(path)
    if sniff(path) == "data":
        # imported here: the data-file reader (json, its shapes and limits) is no
        # workbook's concern
        from xlpkg.read.data_file import read_data_file

        return read_data_file(path)
    try:   # zip/XML parsing only when a workbook comes
        from xlpkg.read.workbook_read import read_saved
    except ImportError as exc:
        # With memory exhausted, loading a C extension (pyexpat) fails as an ImportError;
        # it is memory that ran out, and the command line says so.
        if out_of_memory(exc):
            raise MemoryError(str(exc)) from None
        raise
    return read_saved(path)


def out_of_memory(exc: ImportError) -> bool:
    """Whether an ImportError is the loader failing to map a library for lack of memory."""
    text = str(exc).lower()
    return "failed to map segment" in text or "cannot allocate memory" in text
