"""Reading 决算 files into grids: .xlsx/.xlsm, BIFF .xls, SpreadsheetML 2003, HTML.

Owns the only I/O of :mod:`xlpkg.juesuan`. The format is sniffed from the
file's first bytes, not its name, because 决算 software and web exporters save
SpreadsheetML XML and HTML tables under ``.xls``. python-calamine reads the
zip and BIFF formats (openpyxl cannot read BIFF, and it would never write the
file either way); the two text formats are parsed here with the standard
library (defusedxml for XML). WPS ``.et`` files get a clear message. Source
files are opened read-only and never written.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from xlpkg.errors import InputError
from xlpkg.juesuan.grid import Grid

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_CELLS = 4_000_000     # a dense grid beyond this is a stray far-away cell, not a table
MAX_ROWS_WHEN_HUGE = 5000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"


def read_grids(path: Path) -> list[Grid]:
    """Every sheet of ``path`` as a :class:`Grid`; :class:`InputError` naming the file otherwise."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
            size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} 是文件夹，不是决算表文件") from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    if path.suffix.lower() == ".et":
        raise InputError(f"{path.name} 是 WPS 表格（.et）文件，无法直接读取", _SAVE_AS)
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} 过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB），"
                         "不像是部门决算表")
    if size == 0:
        raise InputError(f"{path.name} 是空文件")
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path)
        return _calamine(path)
    if head == _OLE:
        return _calamine(path)
    data = path.read_bytes()
    text = _decode(data)
    if text is not None:
        lowered = text[:200_000].lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return _spreadsheetml(path, data)
        if "<table" in lowered:
            return _html(path, text)
    raise InputError(f"{path.name} 不是可识别的表格文件（支持 .xlsx、.xlsm、.xls）", _SAVE_AS)


# ---------------------------------------------------------------- zip and BIFF


def _check_zip(path: Path) -> None:
    """Refuse a zip whose members would unpack to far more than any workbook (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{path.name} 已损坏，无法作为 .xlsx 打开", _SAVE_AS) from None
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(f"{path.name} 解压后过大，无法读取")


def _calamine(path: Path) -> list[Grid]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise InputError(f"{path.name} 设有打开密码，无法读取", "请去掉密码另存后再导入") from None
    except Exception as exc:  # noqa: BLE001 - calamine's errors and panics surface as many types
        raise InputError(f"{path.name} 无法作为 Excel 文件读取（{_short(exc)}）", _SAVE_AS) \
            from None
    grids = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                end = sheet.end
                cells = (end[0] + 1) * (end[1] + 1) if end else 0
                nrows = MAX_ROWS_WHEN_HUGE if cells > MAX_CELLS else None
                rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
                merged = list(sheet.merged_cell_ranges or [])
            except Exception as exc:  # noqa: BLE001 - as above, for one sheet
                raise InputError(f"{path.name} 的工作表“{meta.name}”无法读取（{_short(exc)}）") \
                    from None
            grids.append(Grid(path.name, meta.name, [list(r) for r in rows], merged))
    return grids


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:80]


# ---------------------------------------------------------------- text formats


def _decode(data: bytes) -> str | None:
    m = re.search(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096])
    candidates = [m.group(1).decode("ascii")] if m else []
    for enc in candidates + ["utf-8-sig", "gb18030"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _spreadsheetml(path: Path, data: bytes) -> list[Grid]:
    """Excel 2003 XML (what Java exporters write as ``.xls``): ss:Index, MergeAcross/Down."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data)
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise InputError(f"{path.name} 是 XML 表格文件，但内容有误（{_short(exc)}）", _SAVE_AS) \
            from None
    grids = []
    for ws in root.iter(f"{_SS}Worksheet"):
        name = ws.get(f"{_SS}Name") or f"Sheet{len(grids) + 1}"
        rows: list[list] = []
        merged = []
        r = -1
        for row in ws.iter(f"{_SS}Row"):
            r = int(row.get(f"{_SS}Index", r + 2)) - 1
            c = -1
            for cell in row.iter(f"{_SS}Cell"):
                c = int(cell.get(f"{_SS}Index", c + 2)) - 1
                across = int(cell.get(f"{_SS}MergeAcross", 0))
                down = int(cell.get(f"{_SS}MergeDown", 0))
                data_el = cell.find(f"{_SS}Data")
                value = None
                if data_el is not None:
                    value = "".join(data_el.itertext())
                    if data_el.get(f"{_SS}Type") == "Number":
                        value = _xml_number(value)
                _put(rows, r, c, value)
                if across or down:
                    merged.append(((r, c), (r + down, c + across)))
                c += across
        grids.append(Grid(path.name, name, rows, merged))
    if not grids:
        raise InputError(f"{path.name} 是 XML 表格文件，但其中没有工作表", _SAVE_AS)
    return grids


def _xml_number(text: str):
    try:
        return int(text) if re.fullmatch(r"-?\d+", text.strip()) else float(text)
    except ValueError:
        return text


def _put(rows: list[list], r: int, c: int, value) -> None:
    if r >= 1_000_000 or c >= 16_384:
        return
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value


class _Tables(HTMLParser):
    """Every <table> of an HTML page as rows of cell texts, rowspan/colspan as merges."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list], list]] = []
        self._stack: list[dict] = []     # nested tables
        self._before: list[str] = []     # text outside tables: a title in <h1>/<p> above one
        self._skip = False               # inside <style>/<script>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "script"):
            self._skip = True
        if tag == "table":
            # the last few lines of text above a top-level table become its first rows
            lead = [[t] for t in self._before[-3:]] if not self._stack else []
            self._before = []
            self._stack.append({"rows": lead, "merged": [], "taken": set(), "r": len(lead) - 1,
                                "cell": None})
        elif not self._stack:
            return
        elif tag == "tr":
            t = self._stack[-1]
            t["r"] += 1
            t["c"] = 0
        elif tag in ("td", "th"):
            t = self._stack[-1]
            if t["r"] < 0:
                t["r"], t["c"] = 0, 0
            while (t["r"], t["c"]) in t["taken"]:
                t["c"] += 1
            span_c, span_r = _span(a.get("colspan")), _span(a.get("rowspan"))
            for dr in range(span_r):
                for dc in range(span_c):
                    t["taken"].add((t["r"] + dr, t["c"] + dc))
            if span_c > 1 or span_r > 1:
                t["merged"].append(((t["r"], t["c"]), (t["r"] + span_r - 1, t["c"] + span_c - 1)))
            t["cell"] = (t["r"], t["c"], [])
            t["c"] += span_c
        elif tag == "br" and self._stack[-1]["cell"]:
            self._stack[-1]["cell"][2].append("\n")

    def handle_data(self, data):
        if self._stack and self._stack[-1]["cell"]:
            self._stack[-1]["cell"][2].append(data)
        elif not self._stack and data.strip() and not self._skip:
            self._before = self._before[-4:] + [data.strip()]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = False
        if not self._stack:
            return
        t = self._stack[-1]
        if tag in ("td", "th") and t["cell"]:
            r, c, parts = t["cell"]
            _put(t["rows"], r, c, "".join(parts).strip() or None)
            t["cell"] = None
        elif tag == "table":
            self._stack.pop()
            self.tables.append((t["rows"], t["merged"]))


def _span(raw) -> int:
    try:
        return max(1, min(int(str(raw).strip()), 200))
    except (TypeError, ValueError):
        return 1


def _html(path: Path, text: str) -> list[Grid]:
    parser = _Tables()
    parser.feed(text)
    parser.close()
    grids = [Grid(path.name, f"表格{i}", rows, merged)
             for i, (rows, merged) in enumerate(parser.tables, 1) if rows]
    if not grids:
        raise InputError(f"{path.name} 是网页文件，但其中没有表格", _SAVE_AS)
    return grids
