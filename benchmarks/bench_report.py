"""A fresh-process ``xlpkg report`` on the example workbook against the floor for the
same work (issue 4: within 1.5× the floor).

The floor is what any tool must pay to do this job in a new Python process: start
Python, read the same workbook with openpyxl (every cell), and load, render and
save a .docx of the report's size with docxtpl (the finished report itself is
used as that template). Both are measured side by side in one run, interleaved,
and the medians compared.

Run: ``python benchmarks/bench_report.py [--runs N] [--book BOOK.xlsm]``. Without
``--book`` the example workbook is made from ``examples/anhua-2023.yaml`` with
``xlpkg fill`` in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"
GOAL = 1.5

FLOOR = """
import sys
import openpyxl
from docxtpl import DocxTemplate
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
            if v is not None)
tpl = DocxTemplate(sys.argv[2])
tpl.render({})
tpl.save(sys.argv[3])
"""


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--book", type=Path, help="workbook to report on (default: filled example)")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = args.book
        if book is None:
            book = tmp / "anhua-2023.xlsm"
            subprocess.run([py, "-m", "xlpkg.cli", "fill", str(EXAMPLE), "-o", str(book)],
                           check=True, stdout=subprocess.DEVNULL)
        report = tmp / "report.docx"
        ours = [py, "-m", "xlpkg.cli", "report", str(book), "-o", str(report), "--force"]
        run(ours)  # warm the OS file cache and produce the floor's template
        floor = [py, "-c", FLOOR, str(book), str(report), str(tmp / "floor.docx")]
        run(floor)
        bare = [py, "-c", "pass"]
        samples: dict[str, list[float]] = {"bare": [], "floor": [], "ours": []}
        for _ in range(args.runs):
            samples["bare"].append(run(bare))
            samples["floor"].append(run(floor))
            samples["ours"].append(run(ours))
        med = {k: statistics.median(v) for k, v in samples.items()}
        size = report.stat().st_size
    print(f"workbook: {book.name}; report: {size / 1024:.0f} KiB; {args.runs} runs, medians")
    print(f"bare python -c pass          {med['bare'] * 1000:7.1f} ms")
    print(f"floor (openpyxl + docxtpl)   {med['floor'] * 1000:7.1f} ms")
    print(f"xlpkg report                 {med['ours'] * 1000:7.1f} ms")
    ratio = med["ours"] / med["floor"]
    print(f"ratio xlpkg / floor          {ratio:7.2f}  (goal ≤ {GOAL})")
    sys.exit(0 if ratio <= GOAL else 1)


if __name__ == "__main__":
    main()
