"""Reading the filled example workbook: xlpkg's reader against openpyxl and calamine.

The issue asks that reading the example take well under 100 ms. This times, in
one process and interleaved, the median of N runs of:

- ``read_workbook(BOOK)``: the whole reader (zip checks, defined names, tables,
  the needed cells, the Dataset with its cells and read findings);
- ``openpyxl.load_workbook(BOOK, data_only=True)``: openpyxl only loading the
  file, nothing read from it yet (the usual way to read a workbook in Python);
- python-calamine loading the file and every sheet's values (fast, but without
  defined names, error values or "formula never calculated": what the reader needs);

and, in fresh processes, Python start-up plus import plus one read, against a bare
start. Run: ``python benchmarks/bench_read.py [--runs N] [--book BOOK.xlsm]``;
without ``--book`` the example is filled from ``examples/anhua-2023.yaml``.

``--rows 1375,2750,5500`` instead times, in-process and interleaved (CPU, medians of
``--runs``), ``pipeline.load`` and ``pipeline.evaluate`` of the example filled with
that many key-task rows against the floor of issue 17 on the same file — every XML
part read with expat and a start handler (``bench_floor.FLOOR``) — per row and as a
ratio: flat per-row figures mean linear in rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def example_book(folder: Path) -> Path:
    from xlpkg.read.inputs import load_input
    from xlpkg.workbook.build import fill_workbook

    path = folder / "anhua-2023.xlsm"
    fill_workbook(load_input(ROOT / "examples" / "anhua-2023.yaml"), path)
    return path


def run_xlpkg(path: Path) -> None:
    from xlpkg.read.workbook_read import read_workbook

    read_workbook(path)


def run_openpyxl(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path, data_only=True)


def run_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as wb:
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


def in_process(path: Path, runs: int) -> dict[str, float]:
    cases = {"xlpkg read_workbook": run_xlpkg, "openpyxl load_workbook": run_openpyxl,
             "calamine, all sheets' values": run_calamine}
    for fn in cases.values():      # warm up: imports and file cache
        fn(path)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn(path)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(s) * 1000 for name, s in samples.items()}


def fresh(path: Path, runs: int, cache: Path) -> dict[str, float]:
    # Compiled modules cached (in a temporary folder) as on a user's machine, even
    # where PYTHONDONTWRITEBYTECODE is set: otherwise every start recompiles xlpkg.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    codes = {"bare python -c pass": "pass",
             "python: import + read_workbook": (
                 "import sys; from xlpkg.read.workbook_read import read_workbook;"
                 "read_workbook(sys.argv[1])")}
    for code in codes.values():
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env)
    samples: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(s) * 1000 for name, s in samples.items()}


def task_book(folder: Path, rows: int) -> Path:
    """The example with ``rows`` key tasks (named apart), filled into a workbook."""
    from xlpkg.core.model import from_mapping, to_mapping
    from xlpkg.read.data_file import read_data_file
    from xlpkg.workbook.build import fill_workbook

    data = to_mapping(read_data_file(ROOT / "examples" / "anhua-2023.yaml"))
    tasks = data["key_tasks"]
    data["key_tasks"] = [dict(tasks[i % len(tasks)], name=f"{tasks[i % len(tasks)]['name']}{i}")
                         for i in range(rows)]
    path = folder / f"tasks-{rows}.xlsm"
    fill_workbook(from_mapping(data), path)
    return path


def per_row(books: dict[int, Path], runs: int) -> list[tuple[int, dict[str, float]]]:
    """CPU seconds of the floor, load and evaluate for each book, medians of ``runs``
    interleaved (floor, load, evaluate, next book …)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_floor import FLOOR

    from xlpkg.pipeline import evaluate, load, load_rules

    floor: dict = {}
    exec(FLOOR, floor)  # noqa: S102 - the text bench_floor runs as its floor, not a copy
    rules = load_rules(None)
    for path in books.values():   # warm up: imports, compiled patterns, the file cache
        evaluate(load(path), rules)
        floor["read"](path)
    samples = {n: {"floor": [], "load": [], "evaluate": []} for n in books}
    for _ in range(runs):
        for n, path in books.items():
            t0 = time.process_time()
            floor["read"](path)
            t1 = time.process_time()
            ds = load(path)
            t2 = time.process_time()
            evaluate(ds, rules)
            t3 = time.process_time()
            for name, took in (("floor", t1 - t0), ("load", t2 - t1), ("evaluate", t3 - t2)):
                samples[n][name].append(took)
            del ds
    return [(n, {k: statistics.median(v) for k, v in s.items()}) for n, s in samples.items()]


def print_per_row(figures: list[tuple[int, dict[str, float]]]) -> None:
    print(f"{'rows':>6} {'floor ms':>9} {'load ms':>9} {'× floor':>8} {'evaluate ms':>12} "
          f"{'× floor':>8} {'floor µs/row':>13} {'load µs/row':>12} {'evaluate µs/row':>16}")
    for n, f in figures:
        print(f"{n:6} {f['floor'] * 1e3:9.1f} {f['load'] * 1e3:9.1f} {f['load'] / f['floor']:8.2f} "
              f"{f['evaluate'] * 1e3:12.1f} {f['evaluate'] / f['floor']:8.2f} "
              f"{f['floor'] / n * 1e6:13.1f} {f['load'] / n * 1e6:12.1f} "
              f"{f['evaluate'] / n * 1e6:16.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="runs per in-process case")
    parser.add_argument("--book", type=Path, help="workbook to read (default: the example)")
    parser.add_argument("--rows", help="comma-separated key-task row counts: per-row figures")
    args = parser.parse_args()
    if args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            books = {n: task_book(Path(tmp), n) for n in map(int, args.rows.split(","))}
            print_per_row(per_row(books, args.runs))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.book or example_book(Path(tmp))
        size = path.stat().st_size
        timings = in_process(path, args.runs)
        starts = fresh(path, max(args.runs // 5, 5), Path(tmp) / "pycache")
    print(f"workbook: {path.name} ({size / 1024:.0f} KiB); medians")
    print(f"{'measurement':44} {'ms':>8}")
    for name, ms in {**timings, **starts}.items():
        print(f"{name:44} {ms:8.2f}")
    base = timings["openpyxl load_workbook"]
    print(f"{'xlpkg / openpyxl load':44} {timings['xlpkg read_workbook'] / base:8.2f}")
    extra = starts["python: import + read_workbook"] - starts["bare python -c pass"]
    print(f"{'fresh process: import + read over bare start':44} {extra:8.2f}")


if __name__ == "__main__":
    main()
