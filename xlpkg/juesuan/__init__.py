"""部门决算 tables in, contract data out (``xlpkg import``; issue 15, JUESUAN.md).

Modules, in the order the data flows:
:mod:`readers` (the only I/O: xlsx/xlsm/xls via python-calamine, SpreadsheetML
2003 and HTML fallbacks) → :mod:`grid` → :mod:`segment` (tables recognised by
content) with :mod:`catalog` (titles, tags, row labels) and :mod:`text` →
:mod:`lookup` → :mod:`fill`, :mod:`spending`, :mod:`sangong` (contract fields
with source cells) and :mod:`balance` (cross-checks) → :mod:`importer` (the
whole run) → :mod:`output` (YAML with source comments, JSON, workbook).
"""

from xlpkg.juesuan.importer import ImportResult, import_files

__all__ = ["ImportResult", "import_files"]
