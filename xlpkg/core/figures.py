"""Figures in the department's own sentences, attached to the quantity they state.

This module owns reading a sentence such as “基本支出 298.18 万元，较上年减少
11.26 万元，减少 3.64%” into figures: an amount after a row label, a change
against last year (amount or rate), a share (占…的 X%), a 预算执行率, a key task's
quantity. Each figure keeps the precision it was written at (places, 约/多/余,
ranges), so the data can be compared with it at that precision
(:func:`agrees`). Pure text in, figures out: the caller supplies the vocabulary
(label → :class:`~xlpkg.core.finding.Subject` with ``field`` None) and resolves it.

Conservative on purpose: a number is a figure only when the words around it
say plainly what it measures; anything else is left alone, because a figure
read wrongly would accuse the department of a mistake it did not make.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal

from xlpkg.core.claims import ends
from xlpkg.core.finding import Subject
from xlpkg.core.model import LABELS
from xlpkg.core.money import round_half_up
from xlpkg.core.patterns import lazy
from xlpkg.core.record import record

# Written labels of the contract's rows beyond their LABELS spelling (longest wins).
SYNONYMS = {
    "exp.total": ("支出合计", "财政拨款支出", "总支出", "本年支出", "支出总额", "本年支出合计"),
    "exp.personnel": ("人员支出",),
    "exp.public": ("日常公用经费", "公用支出"),
    "inc.total": ("收入合计", "总收入", "本年收入", "收入总额"),
    "out.total": ("“三公”经费", "\"三公\"经费", "‘三公’经费", "三公经费", "“三公”经费支出",
                  "“三公”经费合计"),
    "out.outbound": ("因公出国(境)费", "因公出国费", "出国（境）费", "因公出国（境）经费"),
    "out.vehicle_purchase": ("公车购置费",),
    "out.vehicle_operation": ("公车运行维护费", "公务用车运行费"),
}
_BLOCKS = {"inc": "income", "exp": "expenditure", "out": "outlays"}
TOTAL = Subject("expenditure", "total", None)   # whose 预算执行率 a sentence means by default


def row_vocabulary() -> dict[str, Subject]:
    """Every written row label → its row (``Subject(block, row, None)``)."""
    out = {}
    for key, label in LABELS.items():
        prefix, _, row = key.partition(".")
        if prefix in _BLOCKS:
            out[label] = Subject(_BLOCKS[prefix], row, None)
            for synonym in SYNONYMS.get(key, ()):
                out[synonym] = Subject(_BLOCKS[prefix], row, None)
    return out


# ---------------------------------------------------------------- figures


@record
class Figure:
    """One figure as written.

    ``kind``: "amount" (of ``subject`` in ``column``), "change" / "change_rate"
    (against last year; ``direction`` +1 / −1), "share" (of ``subject`` in
    ``whole``), "execution_rate", "quantity" (a key task's; ``column`` "actual"
    or "target"). ``value`` is in ``unit`` (万元, 元, 亿元, %, or the task's unit,
    with 万 multipliers applied); ``high`` the top of a range; ``places`` the
    decimals written; ``approx`` one of "约", "多" (at least, below the next
    step), "以上" (at least) or None. ``text`` is the words quoted.
    """

    kind: str
    subject: Subject | None
    value: Decimal
    unit: str
    places: int
    text: str
    start: int
    end: int
    column: str = "actual"
    year: int | None = None
    whole: Subject | None = None
    direction: int = 0
    high: Decimal | None = None
    approx: str | None = None

    @property
    def step(self) -> Decimal:
        """The written figure's last significant place: 300 → 100, 298.2 → 0.1."""
        if self.places:
            return Decimal(1).scaleb(-self.places)
        digits = str(int(self.value))
        zeros = len(digits) - len(digits.rstrip("0")) if self.value else 0
        return Decimal(10) ** min(zeros, len(digits) - 1)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％﹪：", "0123456789.%%:")
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
AMOUNT_UNITS = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
_APPROX = {"约": "约", "约为": "约", "大约": "约", "近": "约", "接近": "约", "左右": "约",
           "超过": "以上", "逾": "以上", "以上": "以上", "多": "多", "余": "多"}
# Only against last year: “较年初预算增加 10 万元” compares with something else.
_COMPARE = lazy(r"(?:较|比|与)(?:上年度?|去年|上一年度?)|同比")
VERBS = {"增加": 1, "增长": 1, "上升": 1, "提高": 1, "增支": 1, "增幅": 1,
         "减少": -1, "下降": -1, "降低": -1, "节约": -1, "压减": -1, "减支": -1, "降幅": -1}
# Which year and column the words just before a label or between it and its
# amount name: 上年 → prior, 预算 → budget (年初预算 → budget_initial).
_WHEN = lazy(r"(?P<prior>上年度?|去年)|(?P<year>(?:19|20)\d\d)年|(?P<initial>年初预算)"
             r"|(?P<budget>预算)")
# Between a row label and its amount: when, which column, a verb of being. Nothing else.
_GAP = lazy(
    r"\s*(?:(?:本年度?|全年|年度|当年|上年度?|去年|年初|调整后|(?:19|20)\d\d年度?)\s*)?"
    r"(?:实际)?\s*(?:支出|决算|发生|合计|总额|金额|安排|共计|累计|总计)?\s*(?:预算)?\s*(?:数|额)?"
    r"\s*(?:为|是|达到?|共计|计|合计|共)?\s*[：:]?\s*")
_SHARE_GAP = lazy(r"\s*(?:的)?\s*(?:比重|比例)?\s*(?:为|是|达到?)?\s*[：:]?\s*")
_EXECUTION = lazy(r"(?P<kw>预算执行率|执行率)\s*(?:为|是|达到?)?\s*[：:]?\s*$")
_CHANGE = lazy(rf"(?P<verb>{'|'.join(VERBS)})\s*(?:了|幅度为?|幅为|为|达)?\s*$")
# Between a task's name and its value: a verb of doing or being, nothing else.
_TASK_GAP = lazy(r"\s*(?:目标|计划|力争|预计)?\s*(?:实际)?\s*(?:人数|次数|数量|总数)?\s*"
                 r"(?:完成|开展|达到?|共计|共|累计|总计|合计|为)?\s*[：:]?\s*")
_PLAN = lazy(r"目标|计划|力争|预计")
# 一般公共预算 names a kind of money, not the budget column.
_NOT_BUDGET = lazy(r"一般公共预算|政府性基金预算|国有资本经营预算|预算单位")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _places(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _execution_start(norm: str, pos: int, label_end: int | None) -> int | None:
    """Where the 预算执行率 a percentage at ``pos`` belongs to begins; a bare 执行率 only
    right after a row label (政府采购执行率 is not the budget's)."""
    m = _EXECUTION.search(norm, max(0, pos - 12), pos)
    if m is None:
        return None
    if m.group("kw") == "执行率" and m.start() != label_end:
        return None
    return m.start()


def _when(words: str) -> tuple[str | None, int | None]:
    """(column, year) the words name: column "prior", "budget", "budget_initial" or None."""
    words = _NOT_BUDGET.sub("", words)
    column, year = None, None
    for m in _WHEN.finditer(words):
        if m.group("prior"):
            column = "prior"
        elif m.group("year"):
            year = int(m.group("year"))
        elif m.group("initial"):
            column = "budget_initial"
        elif column != "budget_initial":
            column = "budget"
    return column, year


@record(frozen=False)
class _State:
    """What a sentence has said so far: its subject and whether it compares with 上年."""

    subject: Subject | None = None
    label_start: int = 0
    label_end: int = 0
    column: str | None = None
    year: int | None = None
    comparing: int | None = None     # where 较上年 / 同比 … began, once said since the subject
    compare_here: int | None = None  # … when said just before the current figure
    last: str | None = None          # the kind of the last figure about the subject
    whole: tuple[Subject, int, int] | None = None   # a label right after 占


class LabelMatch:
    """Where :class:`LabelFinder` found a label: ``start()``, ``end()``, ``group(0)``."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, start: int, text: str):
        self._start, self._end, self._text = start, start + len(text), text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, index: int = 0) -> str:
        if index != 0:
            raise IndexError(index)
        return self._text


class LabelFinder:
    """The labels written in a text, left to right, the longest at each place, none
    overlapping: what an alternation of the labels, longest first, finds. Labels are
    the department's own (its tasks and projects), so a regular expression would be
    compiled anew for every department; this indexes them by first character."""

    def __init__(self, labels):
        self._by_first: dict[str, list[str]] = {}
        for word in sorted((w for w in labels if w), key=len, reverse=True):
            self._by_first.setdefault(word[0], []).append(word)

    def finditer(self, text: str, start: int = 0, end: int | None = None):
        end = len(text) if end is None else min(end, len(text))
        by_first, at = self._by_first, start
        while at < end:
            for word in by_first.get(text[at], ()):
                if text.startswith(word, at, end):
                    yield LabelMatch(at, word)
                    at += len(word)
                    break
            else:
                at += 1


def normalized(text: str) -> str:
    """``text`` as a reader finds labels and figures in it: full-width digits, points,
    percent signs and colons folded, one character for one (offsets stay)."""
    return text.translate(_FULL_WIDTH)


class FigureReader:
    """Reads paragraphs; ``labels`` maps written labels to subjects, ``units`` the
    key tasks' subjects to their units (a task's figure is a quantity in its unit)."""

    def __init__(self, labels: Mapping[str, Subject], units: Mapping[Subject, str] | None = None,
                 task_units: Iterable[str] | None = None):
        """``task_units``: every unit a task's figure may be written in, when ``labels``
        and ``units`` hold only the tasks some texts name (by default, those of ``units``)."""
        self.labels = dict(labels)
        self.units = dict(units or {})
        self.label_finder = LabelFinder(self.labels)
        written_in = self.units.values() if task_units is None else task_units
        self.task_units = sorted({u for u in written_in if u}, key=len, reverse=True)
        unit_alts = [*AMOUNT_UNITS, "%", *(re.escape(u) for u in self.task_units)]
        self.figure_re = re.compile(
            rf"(?<![\d.,])(?P<pre>约为|大约|接近|超过|约|近|逾)?\s*(?P<a>{_NUM})"
            rf"(?:\s*(?:-|~|～|—|–|至|到)\s*(?P<b>{_NUM}))?\s*(?P<more>多|余)?\s*"
            rf"(?P<wan>万(?!元))?\s*(?P<more2>多|余)?\s*(?P<unit>{'|'.join(unit_alts)})"
            r"(?P<post>左右|以上)?")

    def read(self, text: str) -> list[Figure]:
        """Every figure of ``text`` attached to a known quantity, in order."""
        norm = normalized(text)
        out: list[Figure] = []
        start = 0
        for at in ends(norm + "\n"):
            out += self._sentence(norm, text, start, at)
            start = at + 1
        return out

    def _tokens(self, norm: str, a: int, b: int):
        tokens = [("figure", m) for m in self.figure_re.finditer(norm, a, b)]
        tokens += [("label", m) for m in self.label_finder.finditer(norm, a, b)]
        tokens.sort(key=lambda t: (t[1].start(), t[0] != "label"))
        kept, end = [], a
        for kind, m in tokens:   # overlapping matches: the first one wins
            if m.start() >= end:
                kept.append((kind, m))
                end = m.end()
        return kept

    def _sentence(self, norm: str, text: str, a: int, b: int) -> list[Figure]:
        out: list[Figure] = []
        st = _State()
        cursor = a
        for kind, m in self._tokens(norm, a, b):
            between = norm[cursor:m.start()]
            cmp = _COMPARE.search(between)
            st.compare_here = cursor + cmp.start() if cmp else None
            if cmp and st.subject is not None and st.comparing is None:
                st.comparing = st.compare_here
            if kind == "label":
                subject = self.labels[m.group(0)]
                if between.rstrip().endswith("占"):
                    st.whole = (subject, norm.rindex("占", cursor, m.start()), m.end())
                else:
                    column, year = _when(norm[max(a, m.start() - 8):m.start()])
                    st = _State(subject, m.start(), m.end(), column, year)
                cursor = m.end()
                continue
            if "分别" in between:   # “…分别为 A、B”: which figure is whose is not said plainly
                st = _State()
            fig = self._figure(norm, text, m, st)
            st.whole = None
            cursor = m.end()
            if fig is None:
                # A figure about something unknown: what follows may be about it too.
                st = _State()
            else:
                out.append(fig)
                st.last = fig.kind
        return out

    def _figure(self, norm: str, text: str, m: re.Match, st: _State) -> Figure | None:
        unit, a_text, b_text = m.group("unit"), m.group("a"), m.group("b")
        value, places = _number(a_text), _places(a_text)
        high = _number(b_text) if b_text else None
        if b_text:
            places = max(places, _places(b_text))
        approx = next((_APPROX[w] for w in (m.group("pre"), m.group("more"), m.group("more2"),
                                            m.group("post")) if w), None)
        if m.group("wan"):        # “2 万余人次”: a count in 万
            if unit in AMOUNT_UNITS or unit == "%":
                return None
            value, high = value * 10000, (high * 10000 if high is not None else None)
            places = max(places - 4, 0)
        fig = {"value": value, "unit": unit, "places": places, "high": high, "approx": approx,
                   "end": m.end()}
        before = norm[max(0, m.start() - 10):m.start()]
        if st.subject is None:
            at = _execution_start(norm, m.start(), None)
            if unit == "%" and at is not None:
                return Figure("execution_rate", TOTAL, start=at, **fig, text=text[at:m.end()])
            return None
        left = norm[st.label_end:m.start()]
        if st.subject in self.units:
            return self._quantity(norm, text, m, st, left, fig)
        verb = _CHANGE.search(before)
        if unit == "%":
            if st.whole is not None and _SHARE_GAP.fullmatch(norm[st.whole[2]:m.start()]):
                return Figure("share", st.subject, whole=st.whole[0], start=st.whole[1],
                              column=st.column or "actual", year=st.year, **fig,
                              text=text[st.whole[1]:m.end()])
            at = _execution_start(norm, m.start(), st.label_end)
            if at is not None:
                own = not norm[st.label_end:at].strip()
                if not own and st.subject != TOTAL:
                    return None   # “项目甲 5 万元，预算执行率 100%”: whose rate? not said plainly
                start = st.label_start if own else at
                return Figure("execution_rate", st.subject, start=start,
                              **fig, text=text[start:m.end()])
            if verb and (st.comparing is not None or st.last in ("change", "change_rate")):
                return self._change("change_rate", norm, text, m, st, verb, fig)
            return None
        if unit in AMOUNT_UNITS:
            if verb:
                if st.comparing is None:
                    return None
                return self._change("change", norm, text, m, st, verb, fig)
            if st.last is not None or st.comparing is not None:
                return None
            if _GAP.fullmatch(left) is None:
                return None
            column, year = _when(norm[max(0, st.label_start - 8):st.label_start] + left)
            return Figure("amount", st.subject, start=st.label_start, column=column or "actual",
                          year=year, **fig, text=text[st.label_start:m.end()])
        return None

    def _quantity(self, norm, text, m, st, left, fig) -> Figure | None:
        """A key task's value right after its name, in the task's own unit."""
        if self.units[st.subject] != fig["unit"] or st.last is not None:
            return None
        if not _TASK_GAP.fullmatch(left):
            return None
        column = "target" if _PLAN.search(left + norm[max(0, st.label_start - 6):st.label_start]) \
            else "actual"
        return Figure("quantity", st.subject, start=st.label_start, column=column, **fig,
                      text=text[st.label_start:m.end()])

    @staticmethod
    def _change(kind, norm, text, m, st, verb, fig) -> Figure:
        start = st.compare_here if st.compare_here is not None \
            else norm.rindex(verb.group("verb"), 0, m.start())
        return Figure(kind, st.subject, start=start, direction=VERBS[verb.group("verb")],
                      year=st.year, **fig, text=text[start:m.end()])


# ---------------------------------------------------------------- comparing with the data


def _truncate(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def agrees(fig: Figure, data: Decimal) -> bool:
    """Whether ``data`` (in the figure's unit) is what the figure says, at its precision.

    Exact figures: ``data`` rounded half-up to the written places. 约/左右/近:
    within half a step of the written figure's last significant place (约 300 ←
    298.18). 多/余: from the figure up to the next step (500 多 ← 500–599).
    以上/超过: at least the figure. Ranges: rounded ``data`` within them.
    """
    if fig.high is not None:
        shown = round_half_up(data, fig.places)
        return min(fig.value, fig.high) <= shown <= max(fig.value, fig.high)
    if fig.approx == "约":
        return abs(data - fig.value) * 2 <= fig.step
    if fig.approx == "多":
        return fig.value <= data < fig.value + fig.step
    if fig.approx == "以上":
        return data >= fig.value
    return round_half_up(data, fig.places) == fig.value


def truncated(fig: Figure, data: Decimal) -> bool:
    """Whether the figure is ``data`` cut short instead of rounded (89.04% for 89.047%)."""
    return (fig.approx is None and fig.high is None and data >= 0
            and _truncate(data, fig.places) == fig.value != round_half_up(data, fig.places))
