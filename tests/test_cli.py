"""The command line: exit codes, JSON shape, Chinese messages, no tracebacks."""

import json
import subprocess
import sys

import pytest
from support import EXAMPLE

from xlpkg.cli import main


def run(*args):
    proc = subprocess.run([sys.executable, "-m", "xlpkg.cli", *map(str, args)],
                          check=False, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_check_json_matches_the_contract():
    code, out, err = run("check", EXAMPLE, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"findings"}
    for f in data["findings"]:
        assert set(f) == {"code", "severity", "message", "fields", "cells"}
        assert f["severity"] in ("error", "warning", "info")
        assert f["cells"] == []          # YAML input has no cells
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert errors[0]["message"].startswith("人员经费 265.50 万元与经济分类 301+303 合计 277.50 万元")


def test_strict_exit_code(capsys):
    assert main(["check", str(EXAMPLE), "--strict"]) == 1
    assert main(["check", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "【错误】" in out and "人员经费" in out


def test_unreadable_input_is_exit_2_in_chinese_without_traceback(tmp_path):
    bad = tmp_path / "坏.yaml"
    bad.write_text("department: [unclosed\n", encoding="utf-8")
    code, _out, err = run("check", bad)
    assert code == 2
    assert "YAML 格式错误" in err and "坏.yaml" in err
    assert "Traceback" not in err
    code, _, err = run("check", tmp_path / "missing.yaml")
    assert code == 2 and "找不到文件" in err


def test_debug_shows_the_traceback(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("- just a list\n", encoding="utf-8")
    code, _, err = run("check", bad)
    assert code == 2 and "顶层" in err and "Traceback" not in err
    code, _, err = run("--debug", "check", bad)
    assert code != 0 and "Traceback" in err


def test_every_command_has_help():
    from xlpkg.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    # at least these (helpers add their own commands); each with Chinese help below
    assert {"template", "fill", "export", "check", "report", "score", "batch", "vba-update",
            "tables", "import", "serve"} <= set(sub.choices)
    for name, p in sub.choices.items():
        assert p.description, name
        for action in p._actions:
            if action.dest != "help":
                assert action.help, (name, action.dest)


def _commands(parser) -> set[str]:
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(sub.choices)


def test_a_run_builds_only_the_command_it_names():
    from xlpkg.cli import build_parser
    from xlpkg.cli.parser import command_named

    assert command_named(["--debug", "check", "x.xlsm", "--json"]) == "check"
    assert command_named(["-h", "check"]) is None and command_named(["--version"]) is None
    assert _commands(build_parser("check")) == {"check"}
    everything = _commands(build_parser())
    assert _commands(build_parser("nonesuch")) == everything   # the error lists them all
    args = build_parser("report").parse_args(["report", "b.xlsm", "--force"])
    assert args.func.__name__ == "cmd_report" and args.force


def test_top_level_help_still_lists_every_command(capsys):
    from xlpkg.cli import build_parser

    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in _commands(build_parser()))


def test_bad_arguments_are_exit_2(capsys):
    assert main(["check"]) == 2
    assert "命令参数有误：缺少参数：input" in capsys.readouterr().err
    assert main(["nosuch"]) == 2
    assert "没有“nosuch”这个命令" in capsys.readouterr().err


def test_help_is_chinese(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：xlpkg report") and "选项" in out and "显示本帮助并退出" in out
    assert "usage" not in out and "options" not in out


def test_template_never_overwrites_another_file_without_force(tmp_path, capsys):
    book = tmp_path / "单位.xlsm"
    assert main(["template", "-o", str(book)]) == 0
    assert main(["template", "-o", str(book)]) == 0          # identical rebuild: fine
    book.write_bytes(b"a filled workbook")
    assert main(["template", "-o", str(book)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert book.read_bytes() == b"a filled workbook"
    assert main(["template", "-o", str(book), "--force"]) == 0
    assert book.read_bytes()[:2] == b"PK"
