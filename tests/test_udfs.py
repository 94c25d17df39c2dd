"""The worksheet functions: thin over the core, documented, VBA-safe, range-aware."""

import inspect
import subprocess
import sys
from decimal import Decimal

import pytest

from xlpkg.core import phrases, ratios
from xlpkg.excel import udfs

# Words VBA reserves (and common built-ins a Dim would shadow): never usable as
# parameter names, since xlwings copies them into the generated wrapper.
VBA_KEYWORDS = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "currency",
    "date", "declare", "dim", "do", "double", "each", "else", "elseif", "empty", "end",
    "enum", "eqv", "erase", "error", "event", "exit", "false", "for", "friend", "function",
    "get", "global", "gosub", "goto", "if", "imp", "implements", "in", "integer", "is",
    "let", "lib", "like", "long", "loop", "lset", "me", "mod", "name", "new", "next", "not",
    "nothing", "null", "object", "on", "option", "optional", "or", "paramarray", "preserve",
    "private", "property", "public", "raiseevent", "redim", "rem", "resume", "return",
    "rset", "select", "set", "single", "static", "step", "stop", "string", "sub", "then",
    "to", "true", "type", "typeof", "until", "variant", "wend", "while", "with", "xor",
    "val", "left", "right", "mid", "len", "format", "round", "value2", "text",
}


@pytest.mark.parametrize("fn", udfs.UDFS, ids=lambda f: f.__name__)
def test_every_udf_has_chinese_help_and_vba_safe_parameters(fn):
    assert fn.__doc__ and any("\u4e00" <= ch <= "\u9fff" for ch in fn.__doc__)
    params = list(inspect.signature(fn).parameters)
    assert params, fn.__name__
    for p in params:
        assert p.lower() not in VBA_KEYWORDS, (fn.__name__, p)
        assert p in fn.__xlpkg_udf__["args"], f"{fn.__name__}.{p} has no help text"


def test_expected_udfs_exist():
    names = {f.__name__ for f in udfs.UDFS}
    assert {"PCT_CHANGE", "YOY_DIFF", "SHARE", "EXEC_RATE", "CHANGE_TEXT", "SHARE_TEXT",
            "COMPLETION", "CHECK_SUM", "GRADE"} <= names


def test_scalar_values_equal_the_core():
    assert udfs.PCT_CHANGE(298.18, 309.44) == pytest.approx(
        float(ratios.pct_change(Decimal("298.18"), Decimal("309.44"))))
    assert udfs.CHANGE_TEXT(298.18, 309.44) == "较上年减少 11.26 万元，减少 3.64%"
    assert udfs.CHANGE_TEXT("298.18", "309.44") == phrases.change(Decimal("298.18"),
                                                                  Decimal("309.44"))
    assert udfs.SHARE_TEXT(265.5, 298.18, "基本支出") == "占基本支出的 89.04%"
    assert udfs.YOY_DIFF(0.53, 0.6) == pytest.approx(-0.07)
    assert udfs.EXEC_RATE(95, 100) == pytest.approx(0.95)
    assert udfs.COMPLETION(500, 400, "≥") == pytest.approx(1.25)
    assert udfs.GRADE(89.99) == "良" and udfs.GRADE(90) == "优" and udfs.GRADE(59.99) == "差"


def test_blanks_give_blanks_and_text_is_not_zero():
    assert udfs.PCT_CHANGE(None, 309.44) == ""
    assert udfs.PCT_CHANGE(298.18, 0) == ""
    assert udfs.CHANGE_TEXT(None, None) == ""
    assert udfs.PCT_CHANGE("十五点九五", 1) == udfs.BAD
    assert udfs.COMPLETION(1, 1, "约") == udfs.BAD


def test_a_column_in_gives_a_column_out():
    out = udfs.PCT_CHANGE([[298.18], [None], [15.95]], [[309.44], [1], [20.10]])
    assert [len(r) for r in out] == [1, 1, 1]
    assert out[1] == [""]
    assert out[2][0] == pytest.approx(-0.2064676616915423)
    # a single cell against a column repeats, like a fixed reference
    assert udfs.SHARE_TEXT([[265.5], [32.67]], [[298.18]], [["基本支出"]]) == [
        ["占基本支出的 89.04%"], ["占基本支出的 10.96%"]]
    assert udfs.YOY_DIFF([3, 2], [1, 1]) == [2.0, 1.0]


def test_check_sum():
    assert udfs.CHECK_SUM(298.18, [[232.18], [20.67], [45.32], [None]]) == ""  # rounding
    assert udfs.CHECK_SUM(265.5, 232.18, 45.32) == "相差 12.00 万元"
    assert udfs.CHECK_SUM(None, 1, 2) == ""
    assert udfs.CHECK_SUM("#REF!", 1) == udfs.BAD + "：#REF!"
    assert udfs.CHECK_SUM([[314.12]], [[298.18]], [[15.95]]) == ""


def test_import_is_light():
    code = ("import sys, xlpkg.excel.udfs; "
            "print(sorted(m for m in ('pandas', 'openpyxl', 'numpy', 'docx', 'docxtpl') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_apply_xlwings_marks_every_function():
    calls = []

    def func(**kw):
        return lambda f: calls.append(("func", f.__name__, kw)) or f

    def arg(name, **kw):
        return lambda f: calls.append(("arg", f.__name__, name, kw["ndim"])) or f

    udfs.apply_xlwings(func, arg)
    assert {c[1] for c in calls if c[0] == "func"} == {f.__name__ for f in udfs.UDFS}
    assert ("arg", "CHECK_SUM", "parts", 2) in calls
