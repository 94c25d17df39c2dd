"""Hostile input: how long ``xlpkg check`` takes on each corpus file, and its peak memory.

Builds the corpus of ``fuzz/make_corpus.py`` in a temporary folder, then runs
``python -m xlpkg.cli check FILE`` in a fresh process per file, N times, and
reports the median wall time and the largest peak RSS (``os.wait4``), next to a
bare ``python -c pass`` and ``xlpkg check`` on the intact example. Nothing here
asserts; the figures go into ``docs/benchmarks.md``.

Run: ``python benchmarks/bench_hostile.py [--runs N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(folder: Path) -> list[dict]:
    """The corpus, written by a separate process: building it takes ~200 MB, and a
    child forked from a big parent would report the parent's peak RSS as its own."""
    subprocess.run([sys.executable, str(ROOT / "fuzz" / "make_corpus.py"), str(folder)],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads((folder / "corpus.json").read_text(encoding="utf-8"))


def measure(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def run(args: list[str], runs: int) -> tuple[float, float, int]:
    results = [measure(args) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results),
            results[-1][2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="xlpkg-hostile-"))
    cases = build_corpus(folder)
    py = sys.executable
    print(f"corpus: {len(cases)} files in {folder}; {args.runs} runs each, medians\n")
    print("| file | expect | exit | ms | peak MiB |")
    print("|---|---|---|---|---|")
    base_t, base_m, _ = run([py, "-c", "pass"], args.runs)
    print(f"| (bare `python -c pass`) | | 0 | {base_t * 1000:.0f} | {base_m:.0f} |")
    good_t, good_m, code = run([py, "-m", "xlpkg.cli", "check", str(folder / "good.xlsm")],
                               args.runs)
    print(f"| good.xlsm (the intact example) | read | {code} | {good_t * 1000:.0f} | "
          f"{good_m:.0f} |")
    worst: dict[str, tuple[float, str]] = {}
    peak = (0.0, "")
    for case in cases:
        name, expect = case["name"], case["expect"]
        t, m, code = run([py, "-m", "xlpkg.cli", "check", str(folder / name)], args.runs)
        print(f"| {name} | {expect} | {code} | {t * 1000:.0f} | {m:.0f} |")
        if t > worst.get(expect, (0.0, ""))[0]:
            worst[expect] = (t, name)
        peak = max(peak, (m, name))
    print()
    for expect, (t, name) in sorted(worst.items()):
        print(f"slowest {expect}: {name} {t * 1000:.0f} ms")
    print(f"largest peak RSS: {peak[1]} {peak[0]:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
