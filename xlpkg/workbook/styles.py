"""How the workbook looks: cell formats per role, number formats, validation, print set-up.

Owns the XlsxWriter formats (yellow unlocked inputs, grey locked formulas, the
red of a broken check), the number format of every cell kind (amounts with
thousands separators, ``#,##0.00``), the data validation of every input kind
(dropdowns included), the A4 print set-up, and the row heights wrapped text
needs.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import xlsxwriter

from xlpkg.workbook import layout as L

FONT = "宋体"
_COLORS = {"input": "#FFF2CC", "calc": "#F2F2F2", "header": "#DDEBF7", "group": "#EDEDED",
           "border": "#A6A6A6", "note": "#595959", "bad_fill": "#FFC7CE", "bad_font": "#9C0006"}
AMOUNT_FORMAT = "#,##0.00"
NUM_FORMATS = {L.AMOUNT: AMOUNT_FORMAT, L.PCT: "0.00%", L.INT: "0", L.YEAR: "0",
               L.SCORE: "0.00", L.CODE: "@", L.TEXT: "@", L.LONGTEXT: "@",
               L.NUMBER: "General", L.COMPARATOR: "@", L.SECTION: "@", L.CHECK: "General",
               L.DATE: "yyyy-mm-dd", L.INDICATOR: "@"}
AMOUNT_LIMIT = 10**12  # int: written as "1000000000000", not "1e+12"


class Styles:
    """One XlsxWriter format per role, created on first use (formats are per workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def _make(self, key: str, props: dict) -> Any:
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({"font_name": FONT, "font_size": 11,
                                                  "valign": "vcenter", **props})
        return self.cache[key]

    def _boxed(self, props: dict) -> dict:
        return {"border": 1, "border_color": _COLORS["border"], **props}

    def input(self, kind: str) -> Any:
        props = {"bg_color": _COLORS["input"], "locked": False,
                 "num_format": NUM_FORMATS[kind]}
        if kind == L.LONGTEXT:
            props["text_wrap"] = True
        if kind in (L.COMPARATOR, L.CODE):
            props["align"] = "center"
        if kind == L.DATE:
            props["align"] = "left"
        return self._make(f"input:{kind}", self._boxed(props))

    def calc(self, kind: str) -> Any:
        props = {"bg_color": _COLORS["calc"], "num_format": NUM_FORMATS[kind]}
        if kind == L.CHECK:
            props["font_color"] = _COLORS["bad_font"]
        if kind in (L.TEXT, L.CHECK):
            props["font_size"] = 10
        if kind == L.CHECK:  # the whole message shows: a neighbouring formula cell stops overflow
            props["text_wrap"] = True
        return self._make(f"calc:{kind}", self._boxed(props))

    def label(self, style: str) -> Any:
        props: dict[str, Any] = {
            "title": {"bold": True, "font_size": 16, "font_name": "黑体"},
            "note": {"font_color": _COLORS["note"], "font_size": 10},
            "header": self._boxed({"bold": True, "bg_color": _COLORS["header"],
                                   "align": "center", "text_wrap": True}),
            "label": self._boxed({}),
            "label_bold": self._boxed({"bold": True}),
            "indent": self._boxed({"indent": 1}),
            "indent2": self._boxed({"indent": 2}),
            "group": self._boxed({"bold": True, "bg_color": _COLORS["group"]}),
            "calc_label": self._boxed({"font_color": _COLORS["note"], "font_size": 10}),
            "guide": {"text_wrap": True, "valign": "top"},
            "guide_group": {"bold": True, "font_size": 12},
            "guide_button": {"text_wrap": True},
            "choice": self._boxed({"font_color": _COLORS["note"]}),
        }[style]
        return self._make(f"label:{style}", props)

    def bad(self) -> Any:
        if "bad" not in self.cache:
            self.cache["bad"] = self.wb.add_format({"bg_color": _COLORS["bad_fill"],
                                                    "font_color": _COLORS["bad_font"]})
        return self.cache["bad"]


# ---------------------------------------------------------------- row heights

_LINE_HEIGHT = 15.0  # points per line of 11 pt text


def wrapped_lines(text: str, width: float, size: float = 11) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    A CJK character is about 2.2 widths of the digit "0" that Excel measures
    columns in. Neither Excel nor LibreOffice re-measures rows of a generated
    file reliably, so rows holding paragraphs get a height from this estimate.
    """
    per_line = max(width - 1.0, 1.0) * 11 / size
    lines = 0
    for part in text.split("\n"):
        w = sum(2.2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in part)
        lines += max(1, math.ceil(w / per_line))
    return lines


def fit_row(ws, row: int, cells: Iterable[tuple[Any, float]], size: float = 11) -> None:
    """Give ``row`` the height its longest wrapped text needs (if more than one line),
    for text of ``size`` points."""
    lines = max((wrapped_lines(v, w, size) for v, w in cells if isinstance(v, str) and v),
                default=1)
    if lines > 1:
        ws.set_row(row, _LINE_HEIGHT * size / 11 * lines + 3)


# ---------------------------------------------------------------- print, validation


def print_setup(ws, sheet: L.Sheet, repeat_row: int | None) -> None:
    ws.set_paper(9)  # A4
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def validate(ws, first_row: int, col: int, last_row: int, kind: str,
             choices: Sequence[str] | str | None = None) -> None:
    """The validation of an input kind; ``choices`` is the list source of INDICATOR cells
    (a range such as ``=$E$4:$E$20``)."""
    amount_msg = "请填写数字（单位：万元），不要带“万元”等文字；不知道的留空，没有发生的填 0。"
    rules = {
        L.AMOUNT: {"validate": "decimal", "criteria": "between", "minimum": -AMOUNT_LIMIT,
                   "maximum": AMOUNT_LIMIT, "error_message": amount_msg},
        L.SCORE: {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                  "error_message": "请填写 0 到 100 之间的数字，不知道的留空。"},
        L.INT: {"validate": "integer", "criteria": ">=", "value": 0,
                "error_message": "请填写整数人数，不知道的留空。"},
        L.YEAR: {"validate": "integer", "criteria": "between", "minimum": 1990,
                 "maximum": 2100, "error_message": "请填写四位数年度，如 2023。"},
        L.DATE: {"validate": "date", "criteria": "between",
                 "minimum": date(1990, 1, 1), "maximum": date(2100, 12, 31),
                 "error_message": "请填写日期，如 2024-03-15。"},
        L.COMPARATOR: {"validate": "list", "source": list(L.COMPARATOR_CHOICES),
                       "error_message": "请从列表中选择 ≥（至少）、≤（至多）或 =。"},
        L.SECTION: {"validate": "list", "source": list(L.SECTION_CHOICES),
                    "error_message": "请从下拉列表中选择报告提纲中的栏目。"},
    }
    rule = rules.get(kind)
    if kind == L.INDICATOR and choices:
        # a dropdown, not a fence: a checklist item (“……第2项”) may be typed too
        rule = {"validate": "list", "source": choices, "error_type": "information",
                "error_message": "列表中没有这个指标名称；如是清单类指标的某一项，可以照写，"
                                 "否则请从下拉列表选择。"}
    if rule:
        ws.data_validation(first_row, col, last_row, col,
                           {"ignore_blank": True, "error_title": "填写有误", **rule})

