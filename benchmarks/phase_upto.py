"""Run ``xlpkg report``'s pipeline on one workbook up to a phase, as the CLI runs it.

For counting one phase's instructions, which this machine's noise does not change:
the count up to a phase minus the count up to the one before, e.g.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/phase_upto.py BOOK content      # then the same with eval

Phases, in order: ``none`` (imports only), ``load`` (the workbook read), ``eval``
(checks and scoring), ``content`` (what the report says), ``write`` (the .docx bytes,
not saved). The collector is paused and frozen as in the ``xlpkg`` script
(:func:`xlpkg.collector.one_command`).
"""

from __future__ import annotations

import sys
from pathlib import Path

PHASES = ("none", "load", "eval", "content", "write")


def main(book: Path, upto: str) -> None:
    from xlpkg import collector, pipeline
    from xlpkg.report import render

    collector.one_command()
    steps = PHASES.index(upto)
    if steps >= 1:
        ds = pipeline.load(book)
    if steps >= 2:
        ev = pipeline.evaluate(ds)
    if steps >= 3:
        content = render.report_content(ev)
    if steps >= 4:
        render.render_report(ev, content=content)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in PHASES:
        raise SystemExit(f"usage: phase_upto.py BOOK {'|'.join(PHASES)}")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(Path(sys.argv[1]), sys.argv[2])
