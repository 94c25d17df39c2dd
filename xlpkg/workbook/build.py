"""Build the workbook from source: ``xlpkg template`` and ``xlpkg fill``.

Owns putting the workbook together — its sheets in layout order, properties,
calculation settings, protection, defined names, the hidden ``xlwings.conf``
sheet and the VBA project (:func:`xlpkg.vba.modules.vba_project_bytes`) of the
macro flavour — and writing it. Each sheet is rendered by
:mod:`xlpkg.workbook.sheets`; the values come from :mod:`xlpkg.workbook.values`.

Output is byte-for-byte reproducible: a fixed creation date, zip members dated
1980 (XlsxWriter's in-memory mode), and nothing else that depends on time.
``fill`` writes the same workbook with a dataset's values in it and tables as
long as its lists; it never reads a workbook and never writes text as a formula.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import xlsxwriter

from xlpkg.atomic import write_bytes_atomic
from xlpkg.core.model import Dataset
from xlpkg.workbook import formulas as F
from xlpkg.workbook import layout as L
from xlpkg.workbook import sheets as W
from xlpkg.workbook.styles import Styles, print_setup
from xlpkg.workbook.values import EXCEL_TEXT_LIMIT, field_values, table_rows, table_sizes

__all__ = ["EXCEL_TEXT_LIMIT", "build_template", "fill_workbook", "table_sizes",
           "template_bytes", "workbook_bytes"]

CREATED = datetime(2024, 1, 1)  # fixed: two builds must be identical
CALC_ID = 191029  # Excel 365's calculation engine: it does not recalculate all on open
# the tests and the benchmarks look the values up under these names
_field_values, _table_rows = field_values, table_rows


@functools.cache
def _vba_bin(codenames: tuple[str, ...]) -> bytes:
    from xlpkg.vba.modules import vba_project_bytes  # heavy (xlwings); only when building

    return vba_project_bytes(list(codenames))


def workbook_bytes(ds: Dataset | None = None, flavour: str = F.MACRO) -> bytes:
    """The workbook as bytes: the empty template, or holding ``ds``.

    ``flavour`` is :data:`~xlpkg.workbook.formulas.MACRO` (.xlsm: UDFs, buttons,
    VBA) or :data:`~xlpkg.workbook.formulas.PORTABLE` (.xlsx: native formulas only).
    """
    if flavour not in F.FLAVOURS:
        raise ValueError(f"unknown workbook flavour {flavour!r}")
    macro = flavour == F.MACRO
    sizes = table_sizes(ds)
    ctx = (field_values(ds), {name: table_rows(ds, name) for name in L.TABLES}, sizes)

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({
        "title": "部门整体支出绩效自评工作簿",
        "subject": "部门整体支出绩效自评",
        "author": "xlpkg",
        "comments": "由 xlpkg 生成；在“使用说明”页查看填写方法",
        "created": CREATED,
    })
    # Cached values are right (the core computed them): no recalculation forced on open.
    wb.calc_on_load = False
    wb.set_calc_mode("auto", calc_id=CALC_ID)
    if macro:
        wb.set_vba_name("ThisWorkbook")
    styles = Styles(wb)
    sheets = {}
    for sheet in L.SHEETS:
        if sheet is L.SHEET_CONF and not macro:
            continue
        ws = wb.add_worksheet(sheet.name)
        if macro:
            ws.set_vba_name(sheet.codename)
        sheets[sheet.name] = ws

    W.guide_sheet(sheets[L.SHEET_GUIDE.name], styles, macro)
    print_setup(sheets[L.SHEET_GUIDE.name], L.SHEET_GUIDE, None)

    for sheet, widths, header_row, freeze_col in (
            (L.SHEET_BASIC, L.BASIC_WIDTHS, L.BASIC_HEADER_ROW, 0),
            (L.SHEET_BUDGET, L.BUDGET_WIDTHS, L.BUDGET_HEADER_ROW, 1),
            (L.SHEET_OUTLAYS, L.OUTLAY_WIDTHS, L.OUTLAY_HEADER_ROW, 1)):
        ws = sheets[sheet.name]
        W.fixed_sheet(ws, styles, sheet, widths, ctx, flavour)
        ws.freeze_panes(header_row + 1, freeze_col)
        print_setup(ws, sheet, header_row)
    W.budget_charts(wb, sheets[L.SHEET_BUDGET.name])

    for table in L.TABLES.values():
        ws = sheets[table.sheet]
        W.table_sheet(ws, styles, table, ctx, flavour)
        print_setup(ws, L.SHEETS_BY_NAME[table.sheet], table.header_row)

    W.output_sheet(sheets[L.CHECKS_SHEET], styles, L.SHEET_CHECKS, "校验结果",
                   L.CHECKS_HINT[flavour],
                   L.CHECKS_HEADERS, L.CHECKS_WIDTHS, L.CHECKS_HEADER_ROW)
    W.output_sheet(sheets[L.SCORESHEET_SHEET], styles, L.SHEET_SCORESHEET, "部门整体支出绩效自评表",
                   L.SCORESHEET_HINT[flavour],
                   L.SCORESHEET_HEADERS, L.SCORESHEET_WIDTHS, L.SCORESHEET_HEADER_ROW)
    for sheet, header_row in ((L.SHEET_CHECKS, L.CHECKS_HEADER_ROW),
                              (L.SHEET_SCORESHEET, L.SCORESHEET_HEADER_ROW)):
        print_setup(sheets[sheet.name], sheet, header_row)

    if macro:
        conf = sheets[L.SHEET_CONF.name]
        for row, (key, value) in enumerate(L.XLWINGS_CONF):
            conf.write_string(row, 0, key)
            conf.write_string(row, 1, value)
        conf.set_column(0, 1, 24)

    for sheet in L.SHEETS:
        if sheet.name not in sheets:
            continue
        ws = sheets[sheet.name]
        if sheet.hidden:
            ws.hide()
        if sheet.protected:
            ws.protect("", {"format_columns": True, "format_rows": True})
    sheets[L.SHEET_GUIDE.name].activate()

    for named in L.NAMED.values():
        wb.define_name(named.name, L.defined_name_formula(named))
    wb.define_name(L.CHECKS_ANCHOR, L.anchor_formula(L.CHECKS_SHEET, L.CHECKS_HEADER_ROW))
    wb.define_name(L.SCORESHEET_ANCHOR,
                   L.anchor_formula(L.SCORESHEET_SHEET, L.SCORESHEET_HEADER_ROW))

    if macro:
        wb.add_vba_project(io.BytesIO(_vba_bin(L.SHEET_CODENAMES)), is_stream=True)
    wb.close()
    return _blank_results_as_text(buf.getvalue())


_EMPTY_RESULT = re.compile(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?)(><f>[^<]*</f><v></v></c>)')


def _blank_results_as_text(book: bytes) -> bytes:
    """Mark formula cells whose cached result is blank as text results (``t="str"``),
    as Excel stores ``""``: XlsxWriter leaves them untyped, which reads as 0."""
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _EMPTY_RESULT.sub(rb'\1 t="str"\2', data)
            dst.writestr(info, data)
    return out.getvalue()


def template_bytes(flavour: str = F.MACRO) -> bytes:
    """The empty template (``workbook/template.xlsm`` or ``.xlsx``) as bytes, same on every build."""
    return workbook_bytes(None, flavour)


def build_template(path: Path) -> None:
    """Write the empty template to ``path`` (atomically); the extension picks the flavour."""
    write_bytes_atomic(Path(path), template_bytes(F.flavour_of(path)))


def fill_workbook(ds: Dataset, path: Path) -> None:
    """Write a new workbook holding ``ds`` to ``path`` (atomically); ``.xlsx`` gives the
    portable flavour, anything else the macro workbook.

    Same as the template plus the data; every table is as long as its list plus
    a few blank rows. The caller decides about overwriting (``check_writable``).
    """
    write_bytes_atomic(Path(path), workbook_bytes(ds, F.flavour_of(path)))
