"""How the ``xlpkg`` process ends (``xlpkg.cli.run``): the command's exit code, the
``atexit`` functions run and both streams flushed, but no interpreter teardown — and
Python's own exit, which waits, while another thread is still working."""

from __future__ import annotations

import os
import subprocess
import sys

from support import EXAMPLE, ROOT


def _run(code: str, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, check=False,
                          text=True, encoding="utf-8", env=env, timeout=120)


def test_exit_code_atexit_functions_and_unflushed_output_survive(tmp_path):
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('清理完毕', end=''))\n"   # no newline: stays buffered
        "sys.argv = ['xlpkg', 'check', sys.argv[1]]\n"
        "from xlpkg.cli import run\n"
        "run()\n")
    missing = tmp_path / "无此文件.xlsm"
    proc = _run(code, str(missing))
    assert proc.returncode == 2
    assert "找不到文件" in proc.stderr and str(missing) in proc.stderr
    assert proc.stdout.endswith("清理完毕")


def test_a_command_output_and_code_are_those_of_main():
    proc = _run("import sys\nsys.argv = ['xlpkg', 'check', sys.argv[1], '--strict']\n"
                "from xlpkg.cli import run\nrun()\n", str(EXAMPLE))
    assert proc.returncode == 1   # the example has error findings
    assert "个错误" in proc.stdout


def test_a_live_thread_is_waited_for(tmp_path):
    marker = tmp_path / "done.txt"
    code = (
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "marker = Path(sys.argv[1])\n"
        "def later():\n"
        "    time.sleep(0.5)\n"
        "    marker.write_text('ok')\n"
        "threading.Thread(target=later).start()\n"
        "sys.argv = ['xlpkg', 'check', str(marker.with_name('无此文件.xlsm'))]\n"
        "from xlpkg.cli import run\n"
        "run()\n")
    proc = _run(code, str(marker))
    assert proc.returncode == 2
    assert marker.read_text() == "ok"   # os._exit would have killed the thread first


def test_python_m_xlpkg_cli_skips_the_teardown(tmp_path):
    code = (
        "import builtins, runpy, sys\n"
        "class Held:\n"
        "    def __del__(self):\n"
        "        print('逐个释放')\n"
        "builtins.held = Held()   # freed only by a teardown\n"
        "sys.argv = ['xlpkg', 'check', sys.argv[1]]\n"
        "runpy.run_module('xlpkg.cli', run_name='__main__')\n")
    missing = str(tmp_path / "无此文件.xlsm")
    proc = _run(code, missing)
    assert proc.returncode == 2 and "找不到文件" in proc.stderr
    assert "逐个释放" not in proc.stdout
    # the same object is freed when the process ends the ordinary way
    plain = _run(code.replace("runpy.run_module('xlpkg.cli', run_name='__main__')",
                              "from xlpkg.cli import main\nsys.exit(main())"), missing)
    assert "逐个释放" in plain.stdout
