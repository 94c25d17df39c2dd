"""Looking things up in recognised tables: columns by header path, rows by label, amounts.

Owns the rules that make a lookup safe: a column is chosen by the words of its
header path, and two candidates are an ambiguity (a finding), never a pick;
rows are found by normalised label in any pane, never by position; an amount is
read through the contract's parser and divided into 万元 exactly, and an
unreadable cell is an error finding naming ``file!sheet!cell``. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from xlpkg.core.finding import Finding
from xlpkg.core.money import ParseError
from xlpkg.core.record import field, record
from xlpkg.juesuan.catalog import row_matches
from xlpkg.juesuan.segment import Column, Item, Pane, Table
from xlpkg.juesuan.text import amount, is_number, norm


@record
class Amount:
    value: Decimal | None
    cell: str                  # file!sheet!cell


@record(frozen=False)
class Lookup:
    """Amount reading with one list of findings for a whole import."""

    findings: list[Finding] = field(default_factory=list)
    default_units: dict[str, int] = field(default_factory=dict)   # file → unit of its tables
    _warned: set = field(default_factory=set)

    def note(self, code: str, severity: str, message: str, *cells: str) -> None:
        self.findings.append(Finding(code, severity, message, (), tuple(c for c in cells if c)))

    def unit(self, table: Table) -> int:
        if table.unit is not None:
            return table.unit
        guess = 10000 if (table.tag or "").startswith("财决") else \
            self.default_units.get(table.grid.file, 1)
        if id(table) not in self._warned:
            self._warned.add(id(table))
            self.note("IMPORT_UNIT_MISSING", "warning",
                      f"{table.where} {table.kind.name}没有写明金额单位，按"
                      f"{'元' if guess == 10000 else '万元'}读取，请核对", table.where)
        return guess

    def amount(self, table: Table, item: Item, col: Column) -> Amount:
        cell = table.addr(item.r, col.index)
        raw = item.values.get(col.index)
        try:
            return Amount(amount(raw, self.unit(table)), cell)
        except ParseError as exc:
            self.note("IMPORT_UNREADABLE", "error",
                      f"{cell} 无法识别为金额：{exc.reason}；该数未导入", cell)
            return Amount(None, cell)

    def choose(self, table: Table, pane: Pane, test: Callable[[Column], bool],
               what: str) -> Column | None:
        """The one amount column of ``pane`` passing ``test``; None (and a finding if several)."""
        found = [c for c in pane.columns if test(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            cells = [table.addr(table.title_rc[0], c.index) for c in found]
            self.note("IMPORT_AMBIGUOUS_COLUMN", "error",
                      f"{table.where} {table.kind.name}中“{what}”对应多个栏目"
                      f"（{'、'.join(c.key for c in found)}），无法确定，未导入", *cells)
        return None


def has(col: Column, *words: str, without: tuple[str, ...] = ()) -> bool:
    """Every word occurs in some segment of the column's path, and none of ``without``."""
    return all(any(w in seg for seg in col.path) for w in words) and \
        not any(any(w in seg for seg in col.path) for w in without)


def rows(table: Table, key: str, pane: Pane | None = None) -> list[tuple[Pane, Item]]:
    panes = [pane] if pane is not None else table.panes
    return [(p, it) for p in panes for it in p.items if row_matches(it.label, key)]


def total_row(pane: Pane) -> Item | None:
    """The 合计 row of a code tree, first or last: the labelled row without a code."""
    for it in pane.items:
        if not it.code and it.label in ("合计", "总计", "本年支出合计", "支出合计", "本年收入合计",
                                        "收入合计"):
            return it
    return None


def main_pane(table: Table) -> Pane | None:
    """The pane with amount columns (tables 2, 3, 5, 8, 9 have one)."""
    panes = [p for p in table.panes if p.columns]
    return panes[0] if panes else None


def one_value_col(table: Table, pane: Pane, lookup: Lookup) -> Column | None:
    """A pane's 决算数 column: its only amount column, or the one saying 决算数/金额."""
    if len(pane.columns) == 1:
        return pane.columns[0]
    return lookup.choose(table, pane, lambda c: has(c, "决算", without=("上年", "预算")) or
                         has(c, "金额"), "决算数")


def economic_totals(lookup: Lookup, t: Table) -> dict[str, Amount]:
    """Table 6's 人员经费合计 / 公用经费合计, wherever their amount sits on the footer row."""
    out = {}
    for key in ("personnel", "public"):
        found = sorted(rows(t, key), key=lambda pi: not pi[1].label.endswith("合计"))
        if found:
            pane, it = found[0]
            col = one_value_col(t, pane, lookup)
            amt = lookup.amount(t, it, col) if col is not None else None
            if amt is None or amt.value is None:
                amt = _right_of_label(lookup, t, it) or amt
            if amt is not None:
                out[key] = amt
    return out


def _right_of_label(lookup: Lookup, t: Table, it) -> Amount | None:
    """A footer's amount that sits past its own pane (公用经费合计 merged over two panes)."""
    if it.label_c is None:
        return None
    row = t.grid.rows[it.r]
    for c in range(it.label_c + 1, len(row)):
        v = t.grid.value(it.r, c)
        if not norm(v) or t.grid.merged_origin(it.r, c) is not None:
            continue
        if not is_number(v):
            return None
        return Amount(amount(v, lookup.unit(t)), t.addr(it.r, c))
    return None
