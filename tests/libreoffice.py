"""Recalculate workbooks in LibreOffice headless (a test helper, not a test module).

LibreOffice is an independent formula engine: with ``OOXMLRecalcMode`` = 0
("always") in a private profile it recalculates every formula of an .xlsx on
load; converting to .xlsx then stores its own results, read back with openpyxl
``data_only=True``. Several books go through one soffice start.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(books: list[Path], out_dir: Path) -> list[Path]:
    """Each book recalculated by LibreOffice and saved as .xlsx into ``out_dir``."""
    profile = out_dir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(out_dir / "recalculated"), *map(str, books)],
                   check=True, capture_output=True, timeout=600)
    return [out_dir / "recalculated" / (Path(b).stem + ".xlsx") for b in books]


def values(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, A1) → value of every non-empty cell, as stored (data_only)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(ws.title, c.coordinate)] = c.value
    return out
