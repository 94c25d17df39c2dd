"""Figures in the department's own paragraphs against the data.

Each figure the recognizer (:mod:`xlpkg.core.figures`) attaches to a known
quantity is compared with the data at the precision it was written: a mismatch
is a ``warning`` quoting both figures, a figure the data cannot confirm (its
inputs are blank) an ``info``, a correct figure nothing.
"""

from __future__ import annotations

from decimal import Decimal

from xlpkg.core import figures as fg
from xlpkg.core import phrases
from xlpkg.core.checks.base import finding, name_of, names, paragraphs, val_at
from xlpkg.core.checks.narrative import paragraph_label
from xlpkg.core.checks.tasks import num
from xlpkg.core.finding import Claim, Finding, Subject
from xlpkg.core.model import Dataset, Val
from xlpkg.core.money import fmt_number, fmt_pct
from xlpkg.core.ratios import execution_rate, pct_change, share

MIN_NAME = 4          # shorter project/task names (“任务”) are too common to be labels
HUNDRED = Decimal(100)
TRUNCATED_NOTE = "，疑为截去尾数、未四舍五入"


def _reader(ds: Dataset, texts: list[str]) -> fg.FigureReader:
    """A reader of ``texts``: the rows' labels, and each project's and task's name (the
    first row of a name) that the texts hold as the reader reads them, for a name they
    do not hold can label nothing in them (a 5,500-row task table names a few). Every
    named task's unit is still one a figure may be written in, as when every name was
    a label."""
    labels = fg.row_vocabulary()
    written = fg.normalized("\n".join(texts))
    named: set[str] = set()
    units, task_units = {}, set()
    for block, items in (("projects", ds.projects), ("key_tasks", ds.key_tasks)):
        tasks = block == "key_tasks"
        for i, item in enumerate(items):
            name = item.name.value
            if name and len(name) >= MIN_NAME and name not in labels and name not in named:
                named.add(name)
                unit = item.unit.value if tasks else None
                if unit:
                    task_units.add(unit)
                if name in written:
                    subject = labels[name] = Subject(block, i, None)
                    if unit:
                        units[subject] = unit
    return fg.FigureReader(labels, units, task_units)


def _column(ds: Dataset, fig: fg.Figure) -> str | None:
    """The field a figure's words name, or None when they name another year."""
    year = num(ds.department.year)
    column = fig.column
    if fig.year is not None:
        if year is None or fig.year not in (year, year - 1):
            return None
        if fig.year == year - 1:
            column = "prior" if column == "actual" else None
    if column in ("budget", "budget_initial"):
        if fig.subject.block == "outlays":
            return "budget" if column == "budget" else None
        if fig.subject.block == "income":
            return None
        return "budget_final" if column == "budget" else column
    return column


def _at(ds: Dataset, subject: Subject, field: str) -> Val | None:
    return val_at(ds, Subject(subject.block, subject.row, field))


def _label(ds: Dataset, subject: Subject) -> str:
    """``基本支出``; ``项目“困难职工救助基金”``."""
    if subject.block == "projects":
        return f"项目“{ds.projects[subject.row].name.value}”"
    return getattr(ds, subject.block)[subject.row].label


def _amount_in(value: Decimal, unit: str) -> Decimal:
    """An amount in 万元 expressed in the figure's unit."""
    return value / fg.AMOUNT_UNITS[unit]


def _shown_amount(value: Decimal, unit: str) -> str:
    if unit == "万元":
        return phrases.amount(value)
    return f"{fmt_number(_amount_in(value, unit))} {unit}"


class _Judge:
    """Compares one paragraph's figures; collects findings."""

    def __init__(self, ds: Dataset, para, section: str, index: int):
        self.ds, self.para, self.section, self.index = ds, para, section, index
        self.out: list[Finding] = []
        # the figures of this paragraph that the same blank values keep from being confirmed
        self.blanks: dict[tuple[str, ...], tuple[list[fg.Figure], list[Val]]] = {}

    def _said(self, *figs: fg.Figure) -> str:
        quoted = "”“".join(dict.fromkeys(f.text for f in figs))
        return f"{paragraph_label(self.section, self.index)}写“{quoted}”"

    def unconfirmed(self, fig: fg.Figure, missing: list[Val]) -> None:
        key = tuple(v.field for v in missing)
        self.blanks.setdefault(key, ([], missing))[0].append(fig)

    def findings(self) -> list[Finding]:
        """Mismatches, then one ``info`` per set of blank values (quoting its figures)."""
        for figs, missing in self.blanks.values():
            self.out.append(finding(
                self.ds, "NARRATIVE_FIGURE_UNCONFIRMED", "info",
                f"{self._said(*figs)}，但未填{names(self.ds, missing)}，无法核对",
                [self.para.text, *missing], Claim(self.section, self.index, figs[0].text)))
        return self.out

    def verdict(self, fig: fg.Figure, data: Decimal, shown: str, vals: list[Val]) -> None:
        if fg.agrees(fig, data):
            return
        note = TRUNCATED_NOTE if fg.truncated(fig, data) else ""
        self.out.append(finding(
            self.ds, "NARRATIVE_FIGURE_MISMATCH", "warning",
            f"{self._said(fig)}，与填报数据不符：{shown}{note}，请核对", [self.para.text, *vals],
            Claim(self.section, self.index, fig.text)))

    def needs(self, fig: fg.Figure, vals: list[Val | None]) -> bool:
        """Whether every value is there; says so (info) when some are blank."""
        if any(v is None for v in vals):
            return False
        missing = [v for v in vals if v.value is None]
        if missing:
            self.unconfirmed(fig, missing)
        return not missing

    # -------------------------------------------------------------- by kind

    def amount(self, fig: fg.Figure) -> None:
        column = _column(self.ds, fig)
        val = _at(self.ds, fig.subject, column) if column else None
        if val is None or not self.needs(fig, [val]):
            return
        self.verdict(fig, _amount_in(val.value, fig.unit),
                     f"{name_of(self.ds, val)}为 "
                     f"{_shown_amount(val.value, fig.unit)}", [val])

    def _pair(self, fig: fg.Figure) -> tuple[Val, Val] | None:
        if fig.year is not None and fig.year != num(self.ds.department.year):
            return None
        actual, prior = _at(self.ds, fig.subject, "actual"), _at(self.ds, fig.subject, "prior")
        if not self.needs(fig, [actual, prior]):
            return None
        return actual, prior

    def change(self, fig: fg.Figure) -> None:
        pair = self._pair(fig)
        if pair is None:
            return
        actual, prior = pair
        diff = actual.value - prior.value
        label = _label(self.ds, fig.subject)
        basis = f"（本年 {phrases.amount(actual.value)}、上年 {phrases.amount(prior.value)}）"
        if fig.kind == "change":
            data = _amount_in(diff, fig.unit) * fig.direction
            said = phrases.change(actual.value, prior.value).split("，")[0]
        else:
            rate = pct_change(actual.value, prior.value)
            if rate is None:
                return
            data = rate * HUNDRED * fig.direction
            said = phrases.change(actual.value, prior.value).split("，")[-1]
            said = said if "%" in said else "与上年持平"
            said = f"较上年{said}" if not said.startswith("与") else said
        self.verdict(fig, data, f"{label}{said}{basis}", [actual, prior])

    def share(self, fig: fg.Figure) -> None:
        column = _column(self.ds, fig) or "actual"
        part, whole = _at(self.ds, fig.subject, column), _at(self.ds, fig.whole, column)
        if not self.needs(fig, [part, whole]):
            return
        ratio = share(part.value, whole.value)
        if ratio is None:
            return
        part_label, whole_label = _label(self.ds, fig.subject), _label(self.ds, fig.whole)
        self.verdict(fig, ratio * HUNDRED,
                     f"{part_label} {phrases.amount(part.value)}"
                     f"{phrases.share_of(part.value, whole.value, whole_label)}"
                     f"（{whole_label} {phrases.amount(whole.value)}）", [part, whole])

    def execution(self, fig: fg.Figure) -> None:
        subject = fig.subject
        actual, budget = _at(self.ds, subject, "actual"), _at(self.ds, subject, "budget_final")
        if not self.needs(fig, [actual, budget]):
            return
        rate = execution_rate(actual.value, budget.value)
        if rate is None:
            return
        self.verdict(fig, rate * HUNDRED,
                     f"{_label(self.ds, subject)}本年决算 {phrases.amount(actual.value)}、全年预算 "
                     f"{phrases.amount(budget.value)}，预算执行率 {fmt_pct(rate)}",
                     [actual, budget])

    def quantity(self, fig: fg.Figure) -> None:
        task = self.ds.key_tasks[fig.subject.row]
        val = task.target if fig.column == "target" else task.actual
        if not self.needs(fig, [val]) or num(val) is None:
            return
        self.verdict(fig, val.value, f"{name_of(self.ds, val)}为 "
                     f"{phrases.quantity(val.value, task.unit.value)}", [val])


_KINDS = {"amount": _Judge.amount, "change": _Judge.change, "change_rate": _Judge.change,
          "share": _Judge.share, "execution_rate": _Judge.execution,
          "quantity": _Judge.quantity}


def check_text_figures(ds: Dataset) -> list[Finding]:
    """Every figure of every paragraph against the data (see the module docstring)."""
    read = [(para, section, index) for para, section, index in paragraphs(ds)
            if para.text.value and any(ch.isdigit() for ch in para.text.value)]
    if not read:
        return []
    reader = _reader(ds, [para.text.value for para, _, _ in read])
    out = []
    for para, section, index in read:
        text = para.text.value
        judge = _Judge(ds, para, section, index)
        for fig in reader.read(text):
            _KINDS[fig.kind](judge, fig)
        out += judge.findings()
    return out


CHECKS = [check_text_figures]
