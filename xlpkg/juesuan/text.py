"""Text of 决算 table cells as recognition compares it, and their amounts.

Owns the one normalisation every matcher uses (NFKC, all whitespace removed, so
``合 计`` is ``合计``; Chinese and straight quotes dropped; brackets folded to
ASCII) and the stripping of outline prefixes (``一、`` ``（一）`` ``1.`` ``其中：``)
from row labels. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from xlpkg.core.money import ParseError, parse_number

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』〝〞")
_OUTLINE = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十百]+[、.．]"          # 一、  十二、
    r"|\([一二三四五六七八九十]+\)[、.]?"          # (一)  (after NFKC)
    r"|\d{1,2}[、.．](?!\d)"                      # 1、 2.  (not 1.5)
    r"|\(\d{1,2}\)"                               # (1)
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r")")
_OF_WHICH = re.compile(r"^(?:其中|其中:|其中：|含:|含：)[:：]?")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_IN_LABEL = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?=\D)")


def norm(value: Any) -> str:
    """A cell's text for comparison: NFKC, no whitespace, no quotes, ASCII brackets."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if not ch.isspace())
    return text.translate(_QUOTES).replace("〔", "(").replace("〕", ")").replace("[", "(") \
        .replace("]", ")").replace("【", "(").replace("】", ")")


def label(value: Any) -> str:
    """A row label without its outline number or ``其中：`` (``（一）基本工资`` → ``基本工资``)."""
    text = norm(value)
    for _ in range(3):   # 一、其中：… and similar stacks
        stripped = _OF_WHICH.sub("", _OUTLINE.sub("", text))
        if stripped == text:
            break
        text = stripped
    return text


def is_code(value: Any) -> bool:
    """A function/economic classification code: 201, 20106, 2010601 (as text or number)."""
    if isinstance(value, float):
        if not value.is_integer():
            return False
        value = int(value)
    return bool(_CODE.match(norm(value)))


def code_text(value: Any) -> str:
    """A code as text (2010601.0 → ``2010601``); two digits stay two (款 ``06``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return norm(value)


def split_code(text: str) -> tuple[str | None, str]:
    """``2010601行政运行`` → (``2010601``, ``行政运行``); no code → (None, text)."""
    m = _CODE_IN_LABEL.match(text)
    if m:
        return m.group(1), text[m.end():].lstrip(":：-_. ")
    return None, text


def is_number(value: Any) -> bool:
    """A cell that holds an amount (a number, or number text such as ``2,940.05``)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        return parse_number(value) is not None
    except ParseError:
        return False


def amount(value: Any, unit_divisor: int) -> Decimal | None:
    """The amount in 万元 (``unit_divisor`` 10000 for 元); None for blank/—; ParseError else."""
    if isinstance(value, str) and value.strip() == "":
        return None
    number = parse_number(value)
    if number is None:
        return None
    if unit_divisor != 1:
        number = number.scaleb(-4) if unit_divisor == 10000 else number / unit_divisor
    return tidy(number)


def tidy(number: Decimal) -> Decimal:
    """Drop zeros beyond the cent that a division left (2940.05000 → 2940.05), never digits."""
    cents = number.quantize(Decimal("0.01")) if number.as_tuple().exponent < -2 else number
    return cents if cents == number else number.normalize()
