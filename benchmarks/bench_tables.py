"""The submission-tables workbook, per department, in-process CPU: the grids
(``submission_tables``), then the .xlsx written by ``xlpkg.tables.book`` against the
same grids written through XlsxWriter (what ``xlpkg tables`` used before; the bytes
are the same apart from the zip's deflate level and the creation time).

Interleaved rounds over the generated departments of ``--books`` (the workbooks
``bench_floor.py --books DIR`` leaves in ``DIR/batch-in``), medians per department.

Run: ``python benchmarks/bench_tables.py [--books /tmp/books] [--n 20] [--rounds 7]``.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlpkg.pipeline import evaluate_file
from xlpkg.tables import rows, xlsx


def through_xlsxwriter(tables) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    xlsx.write_book(wb, tables)
    wb.close()
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=Path, default=Path("/tmp/books"))
    parser.add_argument("--n", type=int, default=20, help="departments")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    paths = sorted((args.books / "batch-in").glob("*.xlsm"))[:args.n]
    if not paths:
        raise SystemExit(f"no workbooks in {args.books / 'batch-in'} (run bench_floor.py "
                         f"--books {args.books} once)")
    evs = [evaluate_file(p, None) for p in paths]
    grids = [rows.submission_tables(ev.dataset, ev.scoresheet) for ev in evs]
    cases = {
        "grids (submission_tables)": lambda i: rows.build_tables(evs[i].dataset,
                                                                   evs[i].scoresheet),
        "xlsx, XlsxWriter": lambda i: through_xlsxwriter(grids[i]),
        "xlsx, xlpkg.tables.book": lambda i: xlsx.tables_bytes(grids[i]),
    }
    for f in cases.values():      # imports and caches, before timing
        f(0)
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.rounds):
        for name, f in cases.items():
            gc.collect()
            start = time.process_time()
            for i in range(len(paths)):
                f(i)
            samples[name].append((time.process_time() - start) / len(paths))
    med = {k: statistics.median(v) * 1000 for k, v in samples.items()}
    sizes = [len(xlsx.tables_bytes(g)) for g in grids]
    print(f"{len(paths)} departments, {args.rounds} interleaved rounds, CPU ms per department "
          f"(medians); tables workbook {statistics.median(sizes) / 1024:.1f} KiB")
    for name, ms in med.items():
        print(f"  {name:<28} {ms:7.2f}")
    old, new = med["xlsx, XlsxWriter"], med["xlsx, xlpkg.tables.book"]
    print(f"  writer: {old / new:.1f}× faster")


if __name__ == "__main__":
    main()
