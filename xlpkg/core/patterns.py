"""Regular expressions compiled on first use.

Owns :func:`lazy`, what module-level patterns in core are declared with instead of
``re.compile``. CPython compiles a pattern in Python; a character set or an
alternation holding Chinese characters costs about 0.3 ms (the set is mapped over
all 65,536 code points), and a check of one workbook needs only some of the two
dozen patterns core declares: those its texts call for.
"""

from __future__ import annotations

import re


class LazyPattern:
    """A ``re.Pattern`` stand-in: compiles on the first attribute asked for, then
    keeps the compiled pattern's methods as its own (no cost per call after that)."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        compiled = re.compile(*self.__dict__["_source"])
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn",
                       "split"):
            self.__dict__[method] = getattr(compiled, method)
        self.__dict__["compiled"] = compiled
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return LazyPattern(pattern, flags)   # type: ignore[return-value]
