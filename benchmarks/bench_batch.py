"""Batch against one `xlpkg report` per workbook, side by side in one run (goal: ≥ 3× per workbook).

Generates N department workbooks (default 1,000) with `fill`, then measures
  A. `xlpkg report BOOK` in a fresh process for a sample of them (what a script
     looping over the folder would do), and
  B. `xlpkg batch DIR` over all of them (reports + summary + manifest),
and the parent's peak memory at two batch sizes, to show it stays flat.

Run: python benchmarks/bench_batch.py [N] [SAMPLE]
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from departments import department

from xlpkg.core.model import from_mapping
from xlpkg.workbook.build import fill_workbook


def generate(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = folder / f"{i // 100:02d}" / f"dept{i:05d}.xlsm"
        path.parent.mkdir(parents=True, exist_ok=True)
        fill_workbook(from_mapping(department(i)), path)
        paths.append(path)
    return paths


def one_by_one(paths: list[Path], out: Path) -> float:
    out.mkdir()
    times = []
    for i, path in enumerate(paths):
        start = time.perf_counter()
        subprocess.run(["xlpkg", "report", str(path), "-o", str(out / f"{i}.docx")],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch(src: Path, out: Path) -> tuple[float, float]:
    """Wall time and the batch parent's peak RSS (MiB) — children excluded."""
    code = ("import resource, sys; from xlpkg.batch.runner import run_batch; "
            "run_batch(sys.argv[1], sys.argv[2], progress=False); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(src), str(out)], check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, int(proc.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    work = Path(tempfile.mkdtemp(prefix="xlpkg-bench-"))
    try:
        t0 = time.perf_counter()
        paths = generate(work / "in", n)
        print(f"generated {n} workbooks in {time.perf_counter() - t0:.1f} s")
        single = one_by_one(paths[:sample], work / "single")
        small_src = work / "in" / "00"
        small_wall, small_rss = batch(small_src, work / "out-small")
        wall, rss = batch(work / "in", work / "out")
        per = wall / n
        cores = os.cpu_count()
        print(f"cores                              {cores}")
        print(f"xlpkg report, fresh process        {single * 1000:8.1f} ms/workbook "
              f"(median of {sample})")
        print(f"xlpkg batch, {n} workbooks        {wall:8.1f} s total, {per * 1000:.1f} ms/workbook")
        print(f"ratio (report ÷ batch per book)    {single / per:8.1f}×")
        print(f"batch parent peak RSS, 100 books   {small_rss:8.1f} MiB ({small_wall:.1f} s)")
        print(f"batch parent peak RSS, {n} books  {rss:8.1f} MiB")
        print(f"10,000 workbooks on this machine   ~{per * 10000 / 60:.0f} min (linear)")
        print(f"self rusage (generator)            "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
