"""Small helpers the tests share: the bundled example's path and a literal-dataset builder."""

from __future__ import annotations

import contextlib
import io
import signal
from itertools import pairwise
from pathlib import Path

from xlpkg.core.model import from_mapping

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"


def dataset(**blocks):
    """A Dataset from literal contract blocks, e.g. ``dataset(expenditure={...})``."""
    return from_mapping(blocks)


def evaluation(ds, *, findings=None, scoresheet=None):
    """An Evaluation to render: the dataset's own findings unless given, and a
    scoresheet only when one is given (so a test sees the report without 自评表)."""
    from xlpkg.core.checks import run_checks
    from xlpkg.core.evaluation import Evaluation
    from xlpkg.core.finding import sort_findings

    if findings is None:
        findings = run_checks(ds)
    return Evaluation(ds, tuple(sort_findings(findings)), scoresheet)


class Hang(Exception):
    """A command still running past its guard: fail the case instead of stalling CI."""


@contextlib.contextmanager
def no_hang(seconds: float):
    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_cli(*args, guard: float) -> tuple[int, str, str]:
    """``xlpkg ARGS`` in this process, bounded in time: (exit code, stdout, stderr)."""
    from xlpkg.cli import main

    out, err = io.StringIO(), io.StringIO()
    with no_hang(guard), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def filled_example(folder: Path, suffix: str = ".xlsx") -> Path:
    """The bundled example filled into a new workbook in ``folder`` (as ``xlpkg fill`` does)."""
    from xlpkg.read.inputs import load_input
    from xlpkg.workbook.build import fill_workbook

    out = Path(folder) / f"安化县总工会2023{suffix}"
    fill_workbook(load_input(EXAMPLE), out)
    return out


@contextlib.contextmanager
def serving(**kwargs):
    """A real ``xlpkg serve`` server on a free loopback port, in a thread; stopped after."""
    from xlpkg.serve.server import Server

    server = Server(0, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its Content-Type, as a browser sends it."""
    boundary = "----xlpkgtest7MA4YWxkTrZu0gW"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                  f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                  .encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def pieces(xml: bytes, cuts: list[int]):
    """``xml`` cut at ``cuts`` (taken modulo its length), as a part is inflated piece by piece."""
    bounds = [0, *sorted({c % (len(xml) + 1) for c in cuts}), len(xml)]
    return iter([xml[a:b] for a, b in pairwise(bounds) if b > a])


def parsed_or_refusal(parse, xml: bytes, handler):
    """Run the hardened ``parse`` of ``xml`` into ``handler``: ``None`` when it read the
    part (or stopped early), else the name of the exception that refused it."""
    from xlpkg.read.sheet_xml import Done

    try:
        parse(xml, handler)
    except Done:
        pass
    except Exception as exc:  # noqa: BLE001 - what refuses the part is the answer
        return type(exc).__name__
    return None
