"""What `import xlpkg.excel.udfs` costs over a bare Python start (issue: < 100 ms).

Excel's xlwings server imports the UDF module on the first recalculation, so its
import cost is paid by the accountant. Run: python benchmarks/bench_import.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15


def timed(code: str) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def self_time(module: str) -> float:
    """Cumulative import time of ``module`` as reported by -X importtime (µs → s)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          capture_output=True, text=True, check=True)
    for line in proc.stderr.splitlines()[::-1]:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"{module} not in -X importtime output")


def main() -> None:
    bare = timed("pass")
    udfs = timed("import xlpkg.excel.udfs")
    cumulative = statistics.median(self_time("xlpkg.excel.udfs") for _ in range(RUNS))
    print(f"bare python start          {bare * 1000:7.1f} ms (median of {RUNS})")
    print(f"python + import udfs       {udfs * 1000:7.1f} ms")
    print(f"difference                 {(udfs - bare) * 1000:7.1f} ms")
    print(f"-X importtime cumulative   {cumulative * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
