"""The batch's parent process: light (no pandas, no XlsxWriter) and, when its workers
are forked, the one place the products are imported and the rules parsed (issue 17).
Module lists, never timings."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest
from support import EXAMPLE, ROOT

FORKS = multiprocessing.get_start_method() == "fork"


def _run(code: str, *argv: str, cwd) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                         check=True, cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from xlpkg.cli import main

    root = tmp_path_factory.mktemp("in")
    assert main(["fill", str(EXAMPLE), "-o", str(root / "甲.xlsm")]) == 0
    return root


def test_the_parent_imports_neither_pandas_nor_xlsxwriter(folder, tmp_path):
    code = ("import json, sys; from xlpkg.cli import main; main(sys.argv[1:]); "
            "print(json.dumps(sorted(m for m in ('pandas', 'numpy', 'xlsxwriter', "
            "'urllib.request') if m in sys.modules)))")
    assert _run(code, "batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1",
                cwd=tmp_path) == []
    assert (tmp_path / "out" / "汇总.xlsx").is_file()


@pytest.mark.skipif(not FORKS, reason="spawned workers import for themselves")
def test_forked_workers_start_with_the_products_and_the_rules_loaded(folder, tmp_path):
    code = ("import json, sys; from pathlib import Path; from xlpkg.batch.pool import run_pool; "
            "from xlpkg.read import rules_file; "
            "todo = [('甲.xlsm', Path(sys.argv[1]) / '甲.xlsm', '000000')]; "
            "out = list(run_pool(todo, Path(sys.argv[2]), None, 1)); "
            "print(json.dumps({'ok': 'row' in out[0][1], 'parsed': len(rules_file._PARSED), "
            "'imported': [m for m in ('xlpkg.pipeline', 'xlpkg.report.render', "
            "'xlpkg.tables.xlsx') if m in sys.modules]}))")
    staging = tmp_path / "staging"
    staging.mkdir()
    got = _run(code, str(folder), str(staging), cwd=tmp_path)
    assert got == {"ok": True, "parsed": 1, "imported": ["xlpkg.pipeline",
                                                         "xlpkg.report.render",
                                                         "xlpkg.tables.xlsx"]}


def test_a_preload_that_fails_is_left_to_the_workers(tmp_path):
    from xlpkg.batch.worker import preload

    preload(str(tmp_path / "没有这个规则文件.toml"))    # no exception: each file says why
