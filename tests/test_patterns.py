"""xlpkg.core.patterns: a lazily compiled pattern behaves as the compiled one."""

import re

from xlpkg.core.patterns import LazyPattern, lazy


def test_compiles_on_first_use_and_answers_as_re_does():
    p = lazy(r"(?P<n>\d+)\s*万元", re.ASCII)
    assert isinstance(p, LazyPattern) and "compiled" not in vars(p)
    text = "支出 12 万元，收入 3万元"
    compiled = re.compile(r"(?P<n>\d+)\s*万元", re.ASCII)
    assert p.search(text).group("n") == "12"
    assert vars(p)["compiled"] == compiled
    assert [m.span() for m in p.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert p.sub("X", text) == compiled.sub("X", text) and p.pattern == compiled.pattern
    assert p.groupindex == {"n": 1} and p.flags == compiled.flags


def test_core_compiles_only_the_patterns_a_check_needs():
    import subprocess
    import sys

    code = ("import re, xlpkg.core.checks, xlpkg.core.money, xlpkg.core.dates, "
            "xlpkg.core.figures as f, xlpkg.core.claims as c\n"
            "from xlpkg.core.patterns import LazyPattern\n"
            "mods = [f, c, xlpkg.core.money, xlpkg.core.dates]\n"
            "lazy = [v for m in mods for v in vars(m).values() if isinstance(v, LazyPattern)]\n"
            "print(len(lazy), sum('compiled' in vars(v) for v in lazy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) >= 10 and out[1] == "0"   # declared, none compiled by importing
