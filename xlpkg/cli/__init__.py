"""The ``xlpkg`` command: parses arguments, calls the library, maps failures to exit codes.

Thin on purpose (sqlite-utils' ``cli.py`` over ``db.py``): every command is a
few lines over a library function. One handler turns every failure into a
Chinese message and exit code 2; a traceback is shown only with ``--debug``.
Exit codes (CONTRACT §4): 0 done, 1 done but ``--strict`` and an error finding,
2 the input could not be read or the output not written.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

from xlpkg.cli.commands import EXIT_INPUT, EXIT_OK, EXIT_STRICT
from xlpkg.cli.parser import build_parser, command_named
from xlpkg.errors import XlpkgError

__all__ = ["EXIT_INPUT", "EXIT_OK", "EXIT_STRICT", "build_parser", "main", "run"]


def _tolerant_streams() -> None:
    """A console that cannot show Chinese prints escapes instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def _drop_stdout() -> None:
    """The reader of our output went away (``xlpkg check BOOK | head -1``): send the
    rest to nowhere, so Python's own flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _out_of_memory(exc: BaseException) -> int:
    from xlpkg.atomic import release_quietly

    release_quietly(exc)
    print("xlpkg：内存不足，无法完成处理（文件可能过大或已损坏）。", file=sys.stderr)
    print("提示：请关闭其他程序后重试，或检查该文件是否异常庞大", file=sys.stderr)
    return EXIT_INPUT


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    _tolerant_streams()
    try:
        parser = build_parser(command_named(argv))
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_OK
        code = args.func(args)
        sys.stdout.flush()   # a closed pipe shows here, inside the handler
        return code
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK
    except XlpkgError as exc:
        if debug:
            raise
        print(f"xlpkg：{exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"提示：{exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("xlpkg：已中断，未写出半成品文件。", file=sys.stderr)
        return 130
    except MemoryError as exc:
        return _out_of_memory(exc)
    except OSError as exc:
        if debug:
            raise
        from xlpkg.atomic import memory_exhausted, os_reason, release_quietly

        release_quietly(exc)
        if memory_exhausted(exc):
            return _out_of_memory(exc)

        where = f"：{exc.filename}" if exc.filename else ""
        print(f"xlpkg：文件读写失败{where}（{os_reason(exc)}）", file=sys.stderr)
        print("提示：请检查文件和文件夹是否存在、是否有读写权限、磁盘是否已满", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:
        if debug:
            raise
        from xlpkg.atomic import memory_exhausted

        if memory_exhausted(exc):   # lxml, an import: low memory in other words
            return _out_of_memory(exc)
        print(f"xlpkg：处理失败（{type(exc).__name__}）。这可能是程序缺陷。", file=sys.stderr)
        print("提示：请加 --debug 重新运行，并把输出发给维护人员", file=sys.stderr)
        return EXIT_INPUT


# The commands over one department, which end when it is done: the collector need not
# walk what they made again (see :func:`xlpkg.collector.one_command`). ``batch`` and
# ``serve`` go on through many departments and keep its ordinary rounds.
ONE_DEPARTMENT = frozenset({"template", "fill", "rollover", "export", "check", "report",
                            "score", "tables", "import", "vba-update"})


def run() -> NoReturn:
    """The ``xlpkg`` script and ``python -m xlpkg.cli``: :func:`main`, then :func:`leave`."""
    if command_named(sys.argv[1:]) in ONE_DEPARTMENT:
        from xlpkg.collector import one_command

        one_command()
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter's teardown.

    Python frees every object one by one before it exits: about a tenth of all the work
    of ``xlpkg check`` on the example (24 M of 279 M instructions) and 110 ms after a
    5,500-row report. By now every output is written and closed (atomically, see
    :mod:`xlpkg.atomic`), so the process does what the interpreter would have done
    that anyone can observe — the ``atexit`` functions (temporary folders, logging),
    the flush of both streams — and lets the system take the memory back at once.
    While another thread is alive, Python's own exit waits for it as always.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            _drop_stdout()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)
