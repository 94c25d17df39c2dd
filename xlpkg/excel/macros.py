"""What the workbook's buttons run (xlwings ``RunPython``): 校验数据, 生成报告, 更新自评表.

Each button macro (:func:`run_checks`, :func:`export_report`,
:func:`update_scores`) takes the calling book with ``xw.Book.caller()`` and
hands it to a function of a book (``run_checks_on`` …), which does the work and
is what the tests drive with a fake Book. The book is read with
:func:`xlpkg.read.workbook_read.read_book` — the same reader as the command line,
unsaved edits included — and everything computed comes from the core.

Every macro reports through a short Chinese alert, never a traceback
(:func:`_guard`), and none saves or closes the book: that stays the
accountant's decision. Output goes below the defined names ``checks_anchor`` and
``scoresheet_anchor``, so the layout of those sheets is free.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlpkg.core.checks import run_checks as _all_checks
from xlpkg.core.finding import SEVERITY_LABELS, Finding, counts, sort_findings
from xlpkg.core.model import describe_field
from xlpkg.errors import XlpkgError
from xlpkg.workbook.layout import (
    CHECKS_ANCHOR,
    CHECKS_HEADERS,
    SCORESHEET_ANCHOR,
    SCORESHEET_HEADERS,
)

CHECKS_WIDTH = len(CHECKS_HEADERS)          # 级别, 代码, 说明, 单元格
SCORESHEET_WIDTH = len(SCORESHEET_HEADERS)  # 一级, 二级, 三级指标, 分值, 评分标准, 指标值, 得分, 说明
ERROR_FILL = (255, 124, 128)     # red; the template's input cells are pale yellow
WARNING_FILL = (255, 192, 0)     # a strong yellow, unlike the input cells
FILLS = {"error": ERROR_FILL, "warning": WARNING_FILL}
# The cells coloured by the last run, and their colours before, are kept in one
# cell of the 校验结果 sheet (this many columns right of the anchor, in the header
# row), hidden: the next run restores exactly those and nothing else.
MARKS_COLUMN_OFFSET = 5
MAX_LINK_TEXT = 255       # Excel's limit for a text literal in a formula
MAX_MARKS_TEXT = 32_000   # a cell holds 32,767 characters: colour no more than it can record
TITLE = "xlpkg"
_FIX_HINT = "请用 xlpkg export 导出数据，再用 xlpkg fill 把数据转入新模板"
_PROTECTION_FLAGS = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
                     "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
                     "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting",
                     "AllowFiltering", "AllowUsingPivotTables")


# ---------------------------------------------------------------- the buttons


def run_checks() -> None:
    """Button 校验数据."""
    run_checks_on(_caller())


def export_report() -> None:
    """Button 生成报告."""
    export_report_on(_caller())


def update_scores() -> None:
    """Button 更新自评表."""
    update_scores_on(_caller())


def _caller() -> Any:
    import xlwings as xw  # only inside Excel: keeps the import off the CLI path

    return xw.Book.caller()


# ---------------------------------------------------------------- alerts and guard


def _alert(book: Any, text: str, *, critical: bool = False) -> None:
    """A message box in Excel; on stderr where there is none (tests, other engines)."""
    try:
        book.app.alert(text, title=TITLE, mode="critical" if critical else "info")
    except Exception:  # noqa: BLE001 - an alert must never be what fails
        print(text, file=sys.stderr)


def _guard(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Run a macro; any failure becomes a Chinese alert instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(book: Any) -> Any:
        try:
            return fn(book)
        except XlpkgError as exc:
            text = exc.message + (f"\n\n{exc.hint}" if exc.hint else "")
            _alert(book, text, critical=True)
        except Exception as exc:  # noqa: BLE001 - the button's last line of defence
            traceback.print_exc(file=sys.stderr)
            _alert(book, f"处理失败（{type(exc).__name__}：{exc}）。\n\n"
                         "这可能是程序缺陷，请把本提示截图发给维护人员。", critical=True)
        return None

    return wrapper


@contextmanager
def _quiet(book: Any) -> Iterator[None]:
    """Screen updating off while writing many cells; restored afterwards."""
    app = getattr(book, "app", None)
    try:
        before = app.screen_updating
        app.screen_updating = False
    except Exception:  # noqa: BLE001 - cosmetic only
        yield
        return
    try:
        yield
    finally:
        try:
            app.screen_updating = before
        except Exception:  # noqa: BLE001, S110 - cosmetic only
            pass


# ---------------------------------------------------------------- book helpers


def _anchor(book: Any, name: str, what: str) -> Any:
    """The first data cell of an output area, by its defined name."""
    if name not in book.names:
        raise XlpkgError(f"工作簿中找不到名称 {name}（“{what}”的写入位置），无法写入结果",
                         _FIX_HINT)
    return book.names[name].refers_to_range


def _write_below(anchor: Any, rows: list[list[Any]], width: int) -> None:
    """Clear what an earlier run wrote below ``anchor``, then write ``rows`` in one call."""
    sheet = anchor.sheet
    last = sheet.used_range.last_cell.row
    if last >= anchor.row:
        sheet.range((anchor.row, anchor.column),
                    (last, anchor.column + width - 1)).clear_contents()
    if rows:
        anchor.value = rows


def _split_cell(label: str) -> tuple[str, str] | None:
    """``收支情况!E12`` → (sheet, ``E12``); None for ranges and malformed labels."""
    sheet, sep, address = label.rpartition("!")
    if not sep or not sheet or ":" in address:
        return None
    return sheet, address


def _sheet(book: Any, name: str) -> Any | None:
    try:
        return book.sheets[name]
    except Exception:  # noqa: BLE001 - a sheet deleted since: nothing to do there
        return None


@contextmanager
def _unprotected(sheet: Any) -> Iterator[bool]:
    """Lift a sheet's protection (no password: the template's) for the block and put
    it back exactly as it was; yields False if the sheet has a password."""
    api = getattr(sheet, "api", None)
    try:
        protected = bool(api.ProtectContents)
    except Exception:  # noqa: BLE001 - no COM object (other engines): just try
        protected = False
    if not protected:
        yield True
        return
    allow = {}
    for flag in _PROTECTION_FLAGS:
        try:
            allow[flag] = bool(getattr(api.Protection, flag))
        except Exception:  # noqa: BLE001, S112 - an older Excel without that flag
            continue
    drawing, scenarios = bool(api.ProtectDrawingObjects), bool(api.ProtectScenarios)
    try:
        api.Unprotect()
    except Exception:  # noqa: BLE001 - a password we do not know: leave the sheet alone
        yield False
        return
    try:
        yield True
    finally:
        api.Protect(DrawingObjects=drawing, Contents=True, Scenarios=scenarios, **allow)


# ---------------------------------------------------------------- 校验数据


def _link(cells: Sequence[str]) -> str:
    """The 单元格 column: a link to the first cell showing all of them."""
    if not cells:
        return ""
    text = "、".join(cells)
    if len(text) > MAX_LINK_TEXT:
        text = text[:MAX_LINK_TEXT - 1] + "…"
    first = _split_cell(cells[0])
    if first is None:
        return text
    sheet, address = first
    target = "#'" + sheet.replace("'", "''") + "'!" + address
    return f'=HYPERLINK("{_q(target)}","{_q(text)}")'


def _q(text: str) -> str:
    return text.replace('"', '""')


def _where(f: Finding) -> str:
    if f.cells:
        return _link(f.cells)
    return "、".join(describe_field(x) for x in f.fields)[:MAX_LINK_TEXT]


def _summary(n: dict[str, int]) -> str:
    return f"{n['error']} 个错误，{n['warning']} 个警告，{n['info']} 个提示"


def _marks_cell(anchor: Any) -> Any:
    return anchor.offset(-1 if anchor.row > 1 else 0, MARKS_COLUMN_OFFSET)


def _read_marks(cell: Any) -> list[tuple[str, tuple[int, int, int] | None]]:
    text = cell.value
    out = []
    for line in str(text or "").splitlines():
        label, _, colour = line.partition("\t")
        try:
            rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) if colour else None
        except ValueError:
            continue
        out.append((label, rgb))
    return out


def _hex(rgb: tuple[int, int, int] | None) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb) if rgb else ""


def _write_marks(cell: Any, marks: list[tuple[str, tuple[int, int, int] | None]]) -> None:
    lines = [f"{label}\t{_hex(rgb)}" for label, rgb in marks]
    cell.value = "\n".join(lines) or None
    try:
        cell.columns.hidden = True
    except Exception:  # noqa: BLE001, S110 - cosmetic: the record works shown too
        pass


def _by_sheet(labels) -> dict[str, list[tuple[str, str, Any]]]:
    out: dict[str, list[tuple[str, str, Any]]] = {}
    for label, extra in labels:
        split = _split_cell(label)
        if split:
            out.setdefault(split[0], []).append((label, split[1], extra))
    return out


def _restore(book: Any, marks) -> None:
    """Give the cells coloured by the previous run their colour back."""
    for sheet_name, items in _by_sheet(marks).items():
        sheet = _sheet(book, sheet_name)
        if sheet is None:
            continue
        with _unprotected(sheet) as ok:
            if not ok:
                continue
            for _, address, rgb in items:
                sheet.range(address).color = rgb


def _colour(book: Any, findings: Sequence[Finding]):
    """Colour the cells of errors (red) and warnings (yellow); returns (marks, refused sheets)."""
    wanted: dict[str, str] = {}
    for f in findings:
        if f.severity in FILLS:
            for label in f.cells:
                if wanted.get(label) != "error":
                    wanted[label] = f.severity
    marks, refused = [], []
    room = MAX_MARKS_TEXT
    for sheet_name, items in _by_sheet(wanted.items()).items():
        sheet = _sheet(book, sheet_name)
        if sheet is None:
            continue
        with _unprotected(sheet) as ok:
            if not ok:
                refused.append(sheet_name)
                continue
            for label, address, severity in items:
                room -= len(label) + 9          # "\t#rrggbb\n"
                if room < 0:
                    break
                rng = sheet.range(address)
                marks.append((label, rng.color))
                rng.color = FILLS[severity]
    return marks, refused


@_guard
def run_checks_on(book: Any) -> list[Finding]:
    """校验数据: findings into 校验结果 (links to the cells), offending cells coloured."""
    from xlpkg.read.workbook_read import read_book

    ds = read_book(book)
    findings = sort_findings(_all_checks(ds))
    anchor = _anchor(book, CHECKS_ANCHOR, "校验结果")
    n = counts(findings)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    status = (f"{stamp} 校验：{_summary(n)}" if findings else f"{stamp} 校验：未发现问题")
    rows = [["汇总", "", status, ""]]
    rows += [[SEVERITY_LABELS[f.severity], f.code, f.message, _where(f)] for f in findings]
    record = _marks_cell(anchor)
    with _quiet(book):
        _restore(book, _read_marks(record))
        _write_below(anchor, rows, CHECKS_WIDTH)
        marks, refused = _colour(book, findings)
        _write_marks(record, marks)
    text = f"校验完成：{_summary(n)}。"
    if findings:
        text += f"\n详见“{anchor.sheet.name}”页，点击单元格地址可跳转。"
    if marks:
        text += "\n出错的单元格已标红，有警告的已标黄；下次校验时恢复原底色。"
    if refused:
        text += f"\n工作表 {'、'.join(refused)} 设有密码保护，未能标色。"
    _alert(book, text)
    return findings


# ---------------------------------------------------------------- 生成报告


def _book_folder(book: Any) -> Path:
    """The folder the workbook is saved in; the report goes beside it."""
    full = str(book.fullname or "")
    if "://" in full:
        raise XlpkgError("工作簿保存在 OneDrive/SharePoint 等网络位置，无法在旁边写入报告",
                         "请先“另存为”到本机文件夹，再点“生成报告”")
    path = Path(full)
    if not path.is_absolute() or not path.parent.is_dir():
        raise XlpkgError("工作簿还没有保存，不知道把报告写到哪里",
                         "请先保存工作簿，再点“生成报告”")
    return path.parent


@_guard
def export_report_on(book: Any) -> Path:
    """生成报告: the Word report beside the workbook, never overwriting (…(2).docx)."""
    from xlpkg.atomic import free_name
    from xlpkg.read.workbook_read import read_book
    from xlpkg.report.render import report_filename, write_report

    ds = read_book(book)
    findings = _all_checks(ds)
    folder = _book_folder(book)
    out = free_name(folder / report_filename(ds))
    path = write_report(ds, out, force=False, findings=findings, default_dir=folder)
    n = counts(findings)
    text = f"报告已生成：\n{path}"
    if n["error"] or n["warning"]:
        text += (f"\n\n校验发现 {n['error']} 个错误、{n['warning']} 个警告，"
                 "报告中的相关内容可能不准确，请点“校验数据”查看。")
    _alert(book, text)
    return path


# ---------------------------------------------------------------- 更新自评表


def _number(value: Decimal | None) -> float | int | None:
    """Decimal → a number Excel takes (COM has no Decimal)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def scoresheet_rows(sheet: Any) -> list[list[Any]]:
    """The 自评表 as rows: one per indicator, then the total (and remarks)."""
    # a missing self score shows 待评分, never 0; no total or grade until none is missing
    rows = [[s.level1, s.level2, s.name, _number(s.weight), s.criteria, s.value_text,
             s.score_text if s.score is None else _number(s.score), s.note]
            for s in sheet.indicators]
    weight = sum((s.weight for s in sheet.indicators), Decimal(0))
    total = sheet.total_text if sheet.total is None else _number(sheet.total)
    rows.append(["合计", "", "", _number(weight), "", "", total, f"等级：{sheet.grade_text}"])
    rows += [["备注", "", "", None, remark, "", None, ""] for remark in sheet.remarks]
    return rows


@_guard
def update_scores_on(book: Any):
    """更新自评表: the scoresheet below ``scoresheet_anchor``, in one write."""
    from xlpkg.core.scoring import score
    from xlpkg.read.rules_file import load_rules
    from xlpkg.read.workbook_read import read_book

    ds = read_book(book)
    sheet = score(ds, load_rules(None))
    anchor = _anchor(book, SCORESHEET_ANCHOR, "自评表")
    with _quiet(book):
        _write_below(anchor, scoresheet_rows(sheet), SCORESHEET_WIDTH)
    result = (f"总分 {sheet.total_text} 分，等级为{sheet.grade}" if sheet.grade else
              f"{sheet.grade_text}（待评分：{'、'.join(sheet.pending)}）")
    _alert(book, f"自评表已更新：{len(sheet.indicators)} 项指标，{result}。")
    return sheet
