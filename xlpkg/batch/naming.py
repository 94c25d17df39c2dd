"""Final names of a batch's reports: deterministic, never a file batch did not write.

Owns the ``(2)``, ``(3)`` … of departments that share a name — placed in linear
time: each base name remembers its next counter, so 8,000 same-named workbooks
probe about 8,000 names, not 32 million — and the pairing of a report with its
submission tables (``甲_2023_部门整体支出绩效自评报告(2).docx`` ↔
``甲_2023_绩效自评表格(2).xlsx``). Names are compared case-folded, as Windows
and macOS compare them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xlpkg.names import with_marker


def tables_name(report: str) -> str:
    """The submission tables' name beside ``report``."""
    from xlpkg.report.render import REPORT_SUFFIX
    from xlpkg.tables.xlsx import TABLES_SUFFIX

    stem = report.removesuffix(".docx")
    if REPORT_SUFFIX in stem:
        head, _, tail = stem.rpartition(REPORT_SUFFIX)
        stem = head + TABLES_SUFFIX + tail
    return stem + ".xlsx"


class Names:
    """The names in use in ``reports/`` and the next free one for a wanted name."""

    def __init__(self, taken: Iterable[str] = (), partner: Callable[[str], str] = tables_name):
        self.taken = {n.casefold() for n in taken}
        self.partner = partner
        self._next: dict[str, int] = {}
        self.probes = 0          # names tried: the work done, for the test of linearity

    def _free(self, name: str) -> bool:
        self.probes += 1
        return (name.casefold() not in self.taken
                and self.partner(name).casefold() not in self.taken)

    def claim(self, name: str) -> str:
        """``name`` if free, else the first free ``name(n)``; marks the result taken."""
        n = self._next.get(name, 1)
        candidate = name if n == 1 else with_marker(name, f"({n})")
        while not self._free(candidate):
            n += 1
            candidate = with_marker(name, f"({n})")
        self._next[name] = n + 1
        self.taken.add(candidate.casefold())
        self.taken.add(self.partner(candidate).casefold())
        return candidate

    def reserve(self, name: str) -> None:
        """A name that stays (an unchanged department's report)."""
        self.taken.add(name.casefold())
