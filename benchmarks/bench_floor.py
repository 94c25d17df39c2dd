"""Each figure of issue 17 against its floor, in one run: the least any implementation
must do for the same job on the same machine.

  a. ``xlpkg report BOOK`` (the filled example) vs python start + read every XML part
     of BOOK with expat + write a .docx of the report's size with zipfile;
  b. ``xlpkg check BOOK`` vs python start + the expat read;
  c. ``xlpkg batch DIR`` per workbook (2 workers on this 2-core machine) vs the floor's
     work per workbook in-process (expat read + zipfile write of one report-sized
     .docx), spread over 2 processes;
  d. ``xlpkg report`` on a workbook with 5,500 task rows vs its own floor — the example's
     six tasks over and over (names numbered), and a second workbook of 5,500 tasks drawn
     at random (seeded: names, units, comparators, targets, results, notes), so that no
     saving that only pays on repeated rows can pass for one that pays on real tables;
  e. placing N same-named reports in a batch: time per name at growing N (linear
     when the time per name stays flat).

Fresh-process figures are medians of interleaved runs (ours, floor, ours, floor …),
wall time and CPU time (user + system of the child). The project's modules are
byte-compiled first (``compileall``), as an installed package is. Goals: report
≤ 2.5×, check ≤ 1.5×, batch ≤ 4×, 5,500 rows ≤ 3×, names linear.

In process (``--in-process`` runs only these): d. CPU per task row of evaluate, content
and render at 1,375 / 2,750 / 5,500 rows; f. ``write_report`` warm, per department (a
different workbook each, as a batch worker goes) and for the example alone.

Run: ``python benchmarks/bench_floor.py [--runs 11] [--batch 100] [--quick] [--books DIR]
[--against OTHER_CHECKOUT] [--in-process]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"
BIG_ROWS = 5500
GOALS = {"report": 2.5, "check": 1.5, "batch": 4.0, "big": 3.0, "varied": 3.0}

# The floor: read every XML part of the workbook with expat (a handler per element, as
# any reader has), then, given a report, write its parts into a new .docx with zipfile.
FLOOR = r"""
import sys, zipfile, pyexpat
n = 0
def start(name, attrs):
    global n
    n += 1
def read(book):
    with zipfile.ZipFile(book) as z:
        for info in z.infolist():
            if info.filename.endswith((".xml", ".rels")):
                p = pyexpat.ParserCreate()
                p.StartElementHandler = start
                p.Parse(z.read(info), True)
def write(parts, out):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, data)
def parts_of(docx):
    with zipfile.ZipFile(docx) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]
"""
FLOOR_MAIN = FLOOR + """
parts = parts_of(sys.argv[2]) if len(sys.argv) > 2 else None   # given, not made
read(sys.argv[1])
if parts:
    write(parts, sys.argv[3])
"""


def _env(root: Path = ROOT) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=_env(), cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime


def interleaved(cases: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds per case, the cases run in turn ``runs`` times."""
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for cmd in cases.values():
        timed(cmd)   # warm the file cache
    for _ in range(runs):
        for name, cmd in cases.items():
            samples[name].append(timed(cmd))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for k, v in samples.items()}


def xlpkg(*args) -> list[str]:
    return [sys.executable, "-m", "xlpkg.cli", *map(str, args)]


def make_books(tmp: Path, batch_n: int, scratch: Path) -> tuple[Path, Path, Path]:
    """The filled example, the 5,500-row workbook and a folder of ``batch_n`` generated
    departments (kept in ``tmp``: with ``--books DIR`` a second run reuses them). A
    kept folder of more departments is never replaced: its first ``batch_n`` are
    copied to ``scratch`` (``--quick`` on a folder of 100 made by a full run)."""
    book, big, folder = tmp / "anhua-2023.xlsm", tmp / f"tasks-{BIG_ROWS}.xlsm", tmp / "batch-in"
    kept = sorted(folder.glob("*.xlsm"))
    if book.is_file() and big.is_file() and len(kept) >= batch_n:
        if len(kept) == batch_n:
            return book, big, folder
        subset = scratch / "batch-in"
        subset.mkdir()
        for path in kept[:batch_n]:
            shutil.copy2(path, subset / path.name)
        return book, big, subset
    if kept:
        raise SystemExit(f"{folder} holds {len(kept)} workbooks, fewer than {batch_n}: "
                         "use another --books folder (this one is left as it is)")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from departments import department

    from xlpkg.core.model import from_mapping, to_mapping
    from xlpkg.read.data_file import read_data_file
    from xlpkg.workbook.build import fill_workbook

    subprocess.run(xlpkg("fill", EXAMPLE, "-o", book), check=True, env=_env(),
                   stdout=subprocess.DEVNULL)
    data = to_mapping(read_data_file(EXAMPLE))
    tasks = data["key_tasks"]
    data["key_tasks"] = [dict(tasks[i % len(tasks)], name=f"{tasks[i % len(tasks)]['name']}{i}")
                         for i in range(BIG_ROWS)]
    fill_workbook(from_mapping(data), big)
    folder.mkdir(exist_ok=True)
    for i in range(batch_n):
        fill_workbook(from_mapping(department(i)), folder / f"dept{i:04d}.xlsm")
    return book, big, folder


def varied_book(tmp: Path) -> Path:
    """The example with 5,500 key tasks of which no two are alike (kept in ``tmp``)."""
    path = tmp / f"tasks-{BIG_ROWS}-varied.xlsm"
    if path.is_file():
        return path
    import random

    sys.path.insert(0, str(ROOT))
    from xlpkg.core.model import from_mapping, to_mapping
    from xlpkg.read.data_file import read_data_file
    from xlpkg.workbook.build import fill_workbook

    rng = random.Random(17)
    verbs = list("组织开展完成建设培训慰问走访帮扶举办推进落实评选救助服务")
    things = ["职工", "农民工", "困难户", "会员", "活动", "讲座", "赛事", "站点", "阵地", "项目",
              "工程", "课程", "家庭", "学校", "企业", "社区"]
    units = ["个", "名", "人", "人次", "次", "场", "家", "期", "%", "户", "万元", "项", "所", "处"]
    tasks = []
    for _ in range(BIG_ROWS):
        unit = rng.choice(units)
        target = rng.choice([rng.randint(1, 50), rng.randint(50, 5000),
                             round(rng.uniform(0.5, 99.9), 1)])
        luck = rng.random()
        actual = None if luck < 0.08 else target if luck < 0.5 else \
            round(target * rng.uniform(0.6, 1.5), rng.choice([0, 0, 1, 2]))
        if rng.random() < 0.05:
            target = rng.choice(["显著提升", "明显改善", "全覆盖"])
        name = "".join(rng.choice(verbs) for _ in range(2)) + rng.choice(things) \
            + rng.choice(things) + str(rng.randint(1, 99999))
        note = rng.choice([None, None, None, "按计划完成", f"另完成{rng.randint(1, 9)}{unit}",
                           "受天气影响推迟", "报告未列实际数"])
        tasks.append({"name": name, "unit": unit, "comparator": rng.choice([">=", ">=", "=", "<="]),
                      "target": target, "actual": actual, "note": note})
    data = to_mapping(read_data_file(EXAMPLE))
    data["key_tasks"] = tasks
    fill_workbook(from_mapping(data), path)
    return path


def ratio_rows(name: str, ours: tuple[float, float], floor: tuple[float, float],
               goal: float) -> list[str]:
    rw, rc = ours[0] / floor[0], ours[1] / floor[1]
    ok = "met" if rw <= goal else "NOT met"
    return [(f"{name:<34} {ours[0] * 1000:8.1f} {floor[0] * 1000:8.1f} {rw:6.2f}×"
             f"   cpu {ours[1] * 1000:7.1f} {floor[1] * 1000:7.1f} {rc:5.2f}×   goal ≤ {goal} {ok}")]


def batch_figures(folder: Path, tmp: Path, report: Path, rounds: int, jobs: int,
                  against: Path | None = None):
    """Seconds per workbook: ``xlpkg batch`` (fresh process, all of it) and the floor's
    in-process work over ``jobs`` processes; interleaved ``rounds`` times, medians. With
    ``against`` (another checkout), its ``xlpkg batch`` too, in the same rounds."""
    books = sorted(folder.glob("*.xlsm"))
    code = (FLOOR + "\nfrom concurrent.futures import ProcessPoolExecutor\nimport time, os\n"
            "def one(a):\n    read(a[0]); write(parts, a[1])\n"
            "parts = parts_of(sys.argv[1]); books = sys.argv[4:]; out = sys.argv[2]\n"
            "t = time.perf_counter()\n"
            f"with ProcessPoolExecutor({jobs}) as pool:\n"
            "    list(pool.map(one, [(b, os.path.join(out, f'{i}.docx')) "
            "for i, b in enumerate(books)], chunksize=4))\n"
            "open(sys.argv[3], 'w').write(str(time.perf_counter() - t))\n")
    ours, floor, other = [], [], []
    for r in range(rounds):
        for root, times in ((ROOT, ours), (against, other)):
            if root is None:
                continue
            out = tmp / f"batch-out-{r}"
            start = time.perf_counter()
            subprocess.run(xlpkg("batch", folder, "-o", out, "--force", "--jobs", jobs),
                           check=True, env=_env(root), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - start) / len(books))
            shutil.rmtree(out, ignore_errors=True)
        fout = tmp / f"floor-out-{r}"
        fout.mkdir()
        took = tmp / "took.txt"
        subprocess.run([sys.executable, "-c", code, str(report), str(fout), str(took),
                        *map(str, books)], check=True, env=_env())
        floor.append(float(took.read_text()) / len(books))
        shutil.rmtree(fout, ignore_errors=True)
    return (statistics.median(ours), statistics.median(floor),
            statistics.median(other) if other else None)


def naming_figures(tmp: Path, sizes: tuple[int, ...]) -> list[tuple[int, float]]:
    """Seconds per report placed, ``n`` reports of one department name."""
    try:   # the batch's naming module (linear by design), when it exists
        from xlpkg.batch.naming import Names

        def place(n: int) -> float:
            names = Names()
            start = time.perf_counter()
            for _ in range(n):
                names.claim("某单位_2023_部门整体支出绩效自评报告.docx")
            return time.perf_counter() - start
        label = "xlpkg.batch.naming.Names.claim"
    except ImportError:
        from xlpkg.batch.runner import _place_reports

        def place(n: int) -> float:
            out = tmp / f"names-{n}"
            (out / "reports").mkdir(parents=True)
            entries = {}
            for i in range(n):
                staged = out / f"{i}.docx"
                staged.write_bytes(b"")
                tables = out / f"{i}.xlsx"
                tables.write_bytes(b"")
                entries[f"d{i:06d}.xlsm"] = {"staged": str(staged), "staged_tables": str(tables),
                                             "report_name": "某单位_2023_部门整体支出绩效自评报告.docx"}
            start = time.perf_counter()
            _place_reports(out, entries)
            took = time.perf_counter() - start
            shutil.rmtree(out)
            return took
        label = "xlpkg.batch.runner._place_reports (with the file moves)"
    print(f"duplicate names: {label}")
    return [(n, place(n) / n) for n in sizes]


def row_scaling(sizes: tuple[int, ...], repeat: int = 1) -> list[tuple[int, dict[str, float]]]:
    """In-process CPU seconds per task row of check + score, content and render at growing
    row counts (flat per-row times: linear); each the median of ``repeat`` runs."""
    sys.path.insert(0, str(ROOT))
    from xlpkg.core.model import from_mapping, to_mapping
    from xlpkg.pipeline import evaluate
    from xlpkg.read.data_file import read_data_file
    from xlpkg.report.render import render_report, report_content

    base = to_mapping(read_data_file(EXAMPLE))
    tasks = base["key_tasks"]
    warm = evaluate(from_mapping(base))   # imports and the template, before timing
    render_report(warm, content=report_content(warm))
    out = []
    for n in sizes:
        data = dict(base, key_tasks=[dict(tasks[i % len(tasks)],
                                          name=f"{tasks[i % len(tasks)]['name']}{i}")
                                     for i in range(n)])
        runs = []
        for _ in range(repeat):
            ds = from_mapping(data)
            t0 = time.process_time()
            ev = evaluate(ds)
            t1 = time.process_time()
            content = report_content(ev)
            t2 = time.process_time()
            render_report(ev, content=content)
            t3 = time.process_time()
            runs.append({"evaluate": (t1 - t0) / n, "content": (t2 - t1) / n,
                         "render": (t3 - t2) / n})
            del ev, content
        out.append((n, {k: statistics.median(r[k] for r in runs) for k in runs[0]}))
    return out


def report_writes(book: Path, folder: Path, rounds: int = 5,
                  departments: int = 20) -> dict[str, float]:
    """In-process CPU seconds of ``write_report`` warm, as a batch worker calls it: the
    median over ``rounds`` passes of ``departments`` different evaluated workbooks from
    ``folder`` (each its own report, one after another), and of the example alone."""
    sys.path.insert(0, str(ROOT))
    from xlpkg.pipeline import evaluate, load
    from xlpkg.report.render import write_report

    evs = [evaluate(load(b)) for b in sorted(folder.glob("*.xlsm"))[:departments]]
    example = evaluate(load(book))
    out = Path(tempfile.mkdtemp(prefix="xlpkg-writes-"))
    try:
        write_report(example, out / "x.docx", force=True)   # imports and the template
        per_dept, alone = [], []
        for _ in range(rounds):
            for i, ev in enumerate(evs):
                t = time.process_time()
                write_report(ev, out / f"{i}.docx", force=True)
                per_dept.append(time.process_time() - t)
            for _ in range(3):
                t = time.process_time()
                write_report(example, out / "x.docx", force=True)
                alone.append(time.process_time() - t)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"department": statistics.median(per_dept), "example": statistics.median(alone)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--batch", type=int, default=100, help="workbooks in the batch folder")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved batch rounds")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 runs, 20 workbooks, 1 round")
    parser.add_argument("--books", type=Path, help="keep the generated workbooks here (reused)")
    parser.add_argument("--against", type=Path,
                        help="another checkout (e.g. main's): its batch in the same rounds")
    parser.add_argument("--in-process", action="store_true",
                        help="only the in-process figures (d. per task row, f. write_report)")
    args = parser.parse_args()
    if args.in_process:   # --quick: smaller sizes only (the workbooks of --books as they are)
        in_process(args)
        return
    if args.quick:
        args.runs, args.batch, args.rounds = 3, 20, 1
    for root in (ROOT, args.against) if args.against else (ROOT,):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "xlpkg")],
                       check=True, stdout=subprocess.DEVNULL, env=_env(root))
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="xlpkg-floor-"))
    try:
        books = args.books or tmp
        books.mkdir(parents=True, exist_ok=True)
        book, big, folder = make_books(books, args.batch, tmp)
        varied = varied_book(books)
        report, big_report = tmp / "report.docx", tmp / "big.docx"
        varied_report = tmp / "varied.docx"
        for src, dst in ((book, report), (big, big_report), (varied, varied_report)):
            # (exit 1 never: no --strict)
            subprocess.run(xlpkg("report", src, "-o", dst), env=_env(), check=True,
                           stdout=subprocess.DEVNULL)
        cases = {
            "bare": [py, "-c", "pass"],
            "report": xlpkg("report", book, "-o", tmp / "r.docx", "--force"),
            "report floor": [py, "-c", FLOOR_MAIN, str(book), str(report), str(tmp / "f.docx")],
            "check": xlpkg("check", book),
            "check floor": [py, "-c", FLOOR_MAIN, str(book)],
            "big": xlpkg("report", big, "-o", tmp / "rb.docx", "--force"),
            "big floor": [py, "-c", FLOOR_MAIN, str(big), str(big_report), str(tmp / "fb.docx")],
            "varied": xlpkg("report", varied, "-o", tmp / "rv.docx", "--force"),
            "varied floor": [py, "-c", FLOOR_MAIN, str(varied), str(varied_report),
                             str(tmp / "fv.docx")],
        }
        try:   # the peer a competent user would write (benchmarks/bench_report.py)
            import docxtpl  # noqa: F401

            sys.path.insert(0, str(ROOT / "benchmarks"))
            from bench_report import FLOOR as PEER

            cases["peer"] = [py, "-c", PEER, str(book), str(report), str(tmp / "p.docx")]
        except ImportError:
            pass
        med = interleaved(cases, args.runs)
        b_ours, b_floor, b_other = batch_figures(folder, tmp, report, args.rounds, args.jobs,
                                                 args.against)
        names = naming_figures(tmp, (1000, 2000, 4000, 8000) if not args.quick else (500, 1000,
                                                                                      2000))
        print(f"\n{args.runs} interleaved runs, medians; report {report.stat().st_size // 1024} KiB,"
              f" {BIG_ROWS}-row report {big_report.stat().st_size // 1024} KiB; "
              f"batch of {args.batch}, {args.rounds} rounds, {args.jobs} jobs")
        print(f"{'figure':<34} {'ms':>8} {'floor':>8} {'ratio':>7}")
        print(f"{'bare python -c pass':<34} {med['bare'][0] * 1000:8.1f}"
              f"   cpu {med['bare'][1] * 1000:.1f}")
        for key, label in (("report", "a. xlpkg report (example)"),
                           ("check", "b. xlpkg check (example)"),
                           ("big", f"d. xlpkg report ({BIG_ROWS} task rows)"),
                           ("varied", f"d. … {BIG_ROWS} rows, none alike")):
            print(*ratio_rows(label, med[key], med[f"{key} floor"], GOALS[key]))
            if key == "report" and "peer" in med:
                print(f"{'   peer: openpyxl + docxtpl':<34} {med['peer'][0] * 1000:8.1f}"
                      f"   xlpkg report / peer {med['report'][0] / med['peer'][0]:5.2f}×"
                      f"   cpu {med['peer'][1] * 1000:7.1f}")
        rb = b_ours / b_floor
        print(f"{'c. xlpkg batch, per workbook':<34} {b_ours * 1000:8.1f} {b_floor * 1000:8.1f}"
              f" {rb:6.2f}×   goal ≤ {GOALS['batch']} {'met' if rb <= GOALS['batch'] else 'NOT met'}")
        if b_other is not None:
            print(f"{'   the same, ' + args.against.name:<34} {b_other * 1000:8.1f} "
                  f"{b_floor * 1000:8.1f} {b_other / b_floor:6.2f}×")
        print_in_process(book, folder, args.quick)
        first = names[0][1]
        for n, per in names:
            print(f"e. {n:>6} same-named reports: {per * 1e6:8.1f} µs per name "
                  f"({per / first:4.1f}× the per-name time at {names[0][0]})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def print_in_process(book: Path, folder: Path, quick: bool) -> None:
    """d. per task row (content and render, the report's own work) and f. write_report."""
    for n, per in row_scaling((1375, 2750, 5500) if not quick else (500, 1000),
                              repeat=1 if quick else 3):
        print(f"d. {n:>6} task rows, CPU µs per row: "
              + ", ".join(f"{k} {v * 1e6:6.1f}" for k, v in per.items())
              + f"   (content + render {(per['content'] + per['render']) * 1e6:6.1f})")
    writes = report_writes(book, folder, rounds=2 if quick else 5)
    print(f"f. write_report warm, CPU ms: per department {writes['department'] * 1000:6.2f} "
          f"(a different workbook each), the example {writes['example'] * 1000:6.2f}")


def in_process(args) -> None:
    """The in-process figures alone, on the workbooks of ``--books`` (made if missing)."""
    tmp = Path(tempfile.mkdtemp(prefix="xlpkg-floor-"))
    try:
        books = args.books or tmp
        books.mkdir(parents=True, exist_ok=True)
        book, _, folder = make_books(books, args.batch, tmp)
        print_in_process(book, folder, args.quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
