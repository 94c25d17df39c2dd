"""Dates as people type them (the report's 落款 date) → ``datetime.date``.

Owns the one date parser the model uses. Accepts a date, a datetime, an Excel
date serial (what a saved workbook holds in a date cell), and text such as
``2024-03-15``, ``2024/3/15``, ``2024.3.15`` or ``2024年3月15日``. Blank and the
"none" markers mean not stated; anything else raises
:class:`~xlpkg.core.money.ParseError` with a Chinese reason.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from xlpkg.core.money import ParseError, parse_number
from xlpkg.core.patterns import lazy

if TYPE_CHECKING:
    from datetime import date

_TEXT = lazy(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# Excel's 1900 date system counts a 29 February 1900 that never was: serials from 61 on
# are one day ahead of a plain count from 1899-12-31.
_EXCEL_EPOCH = (1899, 12, 30)
_MAX_SERIAL = 2958465    # 9999-12-31


def _from_serial(serial: Decimal, raw: object) -> date:
    from datetime import date, timedelta

    if serial != serial.to_integral_value() or not 1 <= serial <= _MAX_SERIAL:
        raise ParseError(f"“{raw}”不是日期", raw)
    days = int(serial)
    return date(*_EXCEL_EPOCH) + timedelta(days=days if days > 60 else days + 1)


def parse_date(raw: object) -> date | None:
    """One typed date; ``None`` for blank or a "none" marker."""
    if raw is None:
        return None
    # imported here: most departments leave the date blank, and a check needs no clock
    from datetime import date, datetime

    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = "".join(unicodedata.normalize("NFKC", raw).split())
        m = _TEXT.fullmatch(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise ParseError(f"“{raw.strip()}”不是有效日期", raw) from None
    bad = ParseError(f"“{str(raw).strip()[:20]}”不是日期，请填写如 2024-03-15", raw)
    try:
        number = parse_number(raw)
    except ParseError:
        raise bad from None
    if number is None:
        return None
    if isinstance(raw, str):   # typed text “45366” or “2024” is no date; only a date cell's serial is
        raise bad
    return _from_serial(number, raw)
