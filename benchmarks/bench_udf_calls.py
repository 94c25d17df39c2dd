"""How many UDF calls (COM round-trips) a full recalculation of a workbook makes.

In Excel every call of an xlwings UDF is one COM round-trip into Python (~20 ms
reported), so the count decides how long a full recalculation takes. Every cell
formula (an array formula counted once: one call fills its whole range) is
scanned for the worksheet functions of ``xlpkg.core.sheet_functions``. Run:
``python benchmarks/bench_udf_calls.py [BOOK.xlsm]``; without a book the example
is filled from ``examples/anhua-2023.yaml`` in both flavours.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlpkg.core import sheet_functions as sf

FORMULA = re.compile(r"<f[^>]*>([^<]*)</f>")


def udf_calls(book: bytes) -> Counter:
    names = {fn.__name__ for fn in sf.UDFS}
    calls: Counter = Counter()
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        for member in z.namelist():
            if member.startswith("xl/worksheets/sheet"):
                for text in FORMULA.findall(z.read(member).decode("utf-8")):
                    calls.update(m for m in re.findall(r"\b([A-Z_]+)\(", text) if m in names)
    return calls


def main() -> None:
    if len(sys.argv) > 1:
        books = {sys.argv[1]: Path(sys.argv[1]).read_bytes()}
    else:
        from xlpkg.read.data_file import read_data_file
        from xlpkg.workbook.build import workbook_bytes

        ds = read_data_file(ROOT / "examples" / "anhua-2023.yaml")
        books = {f"example.{f}": workbook_bytes(ds, f) for f in ("xlsm", "xlsx")}
    for name, data in books.items():
        calls = udf_calls(data)
        detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
        print(f"{name}: {sum(calls.values())} UDF calls per full recalculation ({detail or '-'})")


if __name__ == "__main__":
    main()
