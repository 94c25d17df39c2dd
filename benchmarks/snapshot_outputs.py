"""Snapshot what users see, to prove a refactoring changed no behaviour.

For the bundled example (YAML and its filled workbook) and 20 generated
departments (10 clean, 10 with planted mistakes), saves ``check --json``,
``check`` (console), ``score --json``, ``score`` (console) and the report's text
(every paragraph, then every table cell, as python-docx reads them) into one
folder, one file per input and output.

Run: ``python benchmarks/snapshot_outputs.py OUTDIR`` before a change and
``python benchmarks/snapshot_outputs.py OUTDIR2 --compare OUTDIR`` after it;
the second run lists every file that differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from departments import department, with_mistakes

from xlpkg.cli import main
from xlpkg.core.model import from_mapping
from xlpkg.read.data_file import write_data_file

EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"
DEPARTMENTS = 20


def _cli(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return f"exit {code}\n{out.getvalue()}{err.getvalue()}"


def report_text(path: Path) -> str:
    """Every paragraph of the report, then every table's cells row by row."""
    from docx import Document

    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for t, table in enumerate(doc.tables):
        lines.append(f"--- table {t}")
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def inputs(work: Path) -> list[tuple[str, Path]]:
    out = [("example-yaml", EXAMPLE)]
    book = work / "example.xlsm"
    _cli("fill", EXAMPLE, "-o", book, "--force")
    out.append(("example-book", book))
    for seed in range(DEPARTMENTS):
        data = department(seed) if seed < DEPARTMENTS // 2 else with_mistakes(seed)
        # JSON: the YAML writer would anchor repeated Decimal objects, which reading refuses
        path = work / f"dept{seed:02d}.json"
        write_data_file(from_mapping(data), path, as_json=True)
        out.append((f"dept{seed:02d}", path))
    return out


def snapshot(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, path in inputs(work):
            (target / f"{name}.check.json").write_text(_cli("check", path, "--json"), "utf-8")
            (target / f"{name}.check.txt").write_text(_cli("check", path), "utf-8")
            (target / f"{name}.score.json").write_text(_cli("score", path, "--json"), "utf-8")
            (target / f"{name}.score.txt").write_text(_cli("score", path), "utf-8")
            docx = work / f"{name}.docx"
            status = _cli("report", path, "-o", docx, "--force")
            (target / f"{name}.report.txt").write_text(
                status.replace(str(docx), "REPORT") + report_text(docx), "utf-8")


def compare(new: Path, old: Path) -> list[str]:
    names = sorted({p.name for p in new.iterdir()} | {p.name for p in old.iterdir()})
    return [n for n in names if not (new / n).is_file() or not (old / n).is_file()
            or (new / n).read_bytes() != (old / n).read_bytes()]


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="an earlier snapshot folder")
    args = parser.parse_args(argv)
    snapshot(args.out)
    if args.compare is None:
        print(f"snapshot in {args.out}")
        return 0
    differ = compare(args.out, args.compare)
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(differ)} of {len(list(args.out.iterdir()))} files differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(run())
