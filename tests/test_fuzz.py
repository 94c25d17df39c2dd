"""Fuzzing (issue 7): hypothesis mutates the example workbook, xlpkg must stay calm.

Three kinds of damage, each a CI-sized number of cases: values typed into the
contract's input cells (as text, as numbers, as error cells), bytes changed
inside the XML parts of the zip, and bytes changed in the zip file itself. Every
variant must end with exit code 0, 1 or 2, never a traceback or the "处理失败"
fallback, never a hang (an alarm turns one into a failure), with the input file
unchanged. Typed values must also read as the contract's parser reads them, or
become an ``error`` finding naming their cell.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE, ROOT, run_cli

from xlpkg.core import schema
from xlpkg.core.model import YEAR_RANGE, to_mapping
from xlpkg.core.money import EXCEL_ERRORS, ParseError, parse_amount, parse_number
from xlpkg.read.workbook_read import SCALAR_PATHS, read_workbook

_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "fuzz" / "make_corpus.py")
make_corpus = sys.modules.setdefault("make_corpus", importlib.util.module_from_spec(_spec))
if not hasattr(make_corpus, "build_corpus"):
    _spec.loader.exec_module(make_corpus)

HANG_GUARD = 20   # seconds; a hang fails the case instead of stalling CI
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])
NUMBER_FIELDS = {s.name for s in schema.SCALARS if s.kind == schema.NUMBER}   # not amounts
# Every numeric name the template has (the optional ones came later and may be absent).
NUMERIC = sorted(s.name for s in schema.SCALARS
                 if s.kind in (schema.AMOUNT, schema.NUMBER) and not s.optional)


def run(*args) -> tuple[int, str, str]:
    return run_cli(*args, guard=HANG_GUARD)


def state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def assert_calm(code: int, err: str) -> None:
    assert code in (0, 1, 2), code
    assert "Traceback" not in err and "处理失败" not in err, err
    if code == 2:
        assert err.startswith("xlpkg：") and "fuzzed.xlsm" in err, err


@pytest.fixture(scope="module")
def base():
    from xlpkg.core.model import from_mapping
    from xlpkg.read.data_file import read_mapping
    from xlpkg.workbook.build import workbook_bytes

    return make_corpus.Book(workbook_bytes(from_mapping(read_mapping(EXAMPLE))))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "fuzzed.xlsm"


# ---------------------------------------------------------------- typed values

TYPED = [" 298.18 ", "３２.６７", "265.50万元", "265.50 万元", "1,234.50", "１，２３４．５０",
         "十五点九五", "约300", "12元", "—", "-", "/", "无", "", "  ", "\u3000 7 \u00a0",
         "1e5", "1e15", "-1e14", "1e-31", "0.000001", "NaN", "inf", "1,23", "TRUE",
         "=1+1", "{{ 7*7 }}", "#REF!", "#div/0!", "50%", "1/2", "二〇二三", "𝟙𝟚", "١٢٣",
         "9" * 200]
_XML_OK = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")
texts = st.one_of(
    st.sampled_from(TYPED),
    st.text(_XML_OK, max_size=16).filter(lambda t: "_x" not in t),
    st.builds(lambda d, pre, post: f"{pre}{d}{post}",
              st.decimals(min_value=-10**13, max_value=10**13, places=2, allow_nan=False),
              st.sampled_from(["", " ", "\u3000"]), st.sampled_from(["", " ", "万元", "万"])),
)
stored = st.one_of(
    st.tuples(st.just("inline"), texts),
    st.tuples(st.just("str"), texts),
    st.tuples(st.just("number"), st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-10**20, 10**20).map(str),
        st.sampled_from(["abc", "", "1e400", "-0", "0x10", "1_000"]))),
    st.tuples(st.just("error"), st.sampled_from(sorted(EXCEL_ERRORS))),
    st.tuples(st.just("bool"), st.sampled_from(["0", "1"])),
)


def _store(book, name: str, kind: str, value: str) -> str:
    if kind == "inline":
        return book.set_text(name, value)
    if kind == "str":   # a formula's text result
        return book.set_named(name, f"<f>A1</f><v>{make_corpus._esc(value)}</v>", "str")
    if kind == "number":
        return book.set_named(name, f"<v>{make_corpus._esc(value)}</v>")
    if kind == "error":
        return book.set_named(name, f"<v>{value}</v>", "e")
    return book.set_named(name, f"<v>{value}</v>", "b")


def _expected(name: str, kind: str, value: str):
    """What the contract's parser makes of the stored value: a Decimal, None, or ParseError."""
    parse = parse_number if name in NUMBER_FIELDS else parse_amount
    if kind == "error":
        return ParseError("error cell")
    if kind == "bool":
        raw = value == "1"
    elif kind == "number":
        try:
            raw = float(value) if value.strip() else None
        except ValueError:
            raw = value
        if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
            raw = int(raw)
    else:
        raw = value.replace("\r\n", "\n").replace("\r", "\n") or None   # XML line ends
        if raw is not None and raw in EXCEL_ERRORS:
            return ParseError("error text")
    try:
        value = parse(raw)
    except ParseError as exc:
        return exc
    low, high = YEAR_RANGE   # a year must be a whole year in range (issue 14)
    if name == "dept_year" and value is not None and not (
            value == value.to_integral_value() and low <= value <= high):
        return ParseError("no year")
    return value


def _lookup(mapping: dict, name: str):
    for key in SCALAR_PATHS[name]:
        mapping = mapping[key]
    return mapping


@settings(FUZZ, max_examples=120)
@given(edits=st.lists(st.tuples(st.sampled_from(NUMERIC), stored), min_size=1, max_size=5,
                      unique_by=lambda e: e[0]))
def test_typed_values_read_as_the_parser_says_or_become_findings_with_their_cell(
        base, work, edits):
    book = base.copy()
    cells = {name: _store(book, name, kind, value) for name, (kind, value) in edits}
    work.write_bytes(book.bytes())
    before = state(work)
    code, _, err = run("check", work, "--json")
    assert_calm(code, err)
    assert code == 0, err
    assert state(work) == before
    ds = read_workbook(work)
    values = to_mapping(ds, exact=True)
    unreadable = {f.cells[0]: f for f in ds.read_findings
                  if f.code in ("UNREADABLE_VALUE", "FORMULA_NO_RESULT") and f.cells}
    for name, (kind, value) in edits:
        want = _expected(name, kind, value)
        got = _lookup(values, name)
        if isinstance(want, ParseError):
            assert got is None, (name, kind, value, got)
            finding = unreadable.get(cells[name])
            assert finding is not None, (name, kind, value, cells[name])
            assert finding.severity == "error" and name in finding.fields
        else:
            assert got == want, (name, kind, value, got)
            assert cells[name] not in unreadable, unreadable.get(cells[name])


# ---------------------------------------------------------------- raw XML inside the zip

TOKENS = [b'"', b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b'<c r="ZZZZ1"/>',
          b"<v>x</v>", b' r="A0"', b' t="s"', b' t="e"', b' t="b"', b' t="str"',
          b' t="inlineStr"', b'<c r="B5" t="s"><v>99999</v></c>', b"<f/>", b' ref="A1:"',
          b"<v>1e400</v>", b"<row>", b"</row>", b'<row r="0">', b'<row r="99999999999">',
          b"<sheetData>", b"</sheetData>", b"<![CDATA[x]]>", b"<!-- c -->", b"<?pi x?>",
          b"\x00", b"\xff\xfe", b"_x0000_", b"_xD800_", b'headerRowCount="0"',
          b'totalsRowCount="5"', b'headerRowCount="-1"', b'ref="A1:XFD1048576"', b"#REF!",
          b"'", b"!", b"$", b":", b"\xe4\xb8", b'localSheetId="999"', b'state="veryHidden"',
          b'<definedName name="dept_name">', b"</definedName>", b'<!DOCTYPE x [<!ENTITY e "x">]>',
          b'<!ENTITY e SYSTEM "file:///etc/passwd">', b"&e;", b'encoding="UTF-16"',
          b'xmlns="urn:other"', b"<is><t>1</t></is>", b"<tableColumn name=\"\"/>"]
edits = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "repeat"]),
                           st.floats(0, 1), st.sampled_from(TOKENS), st.integers(1, 200)),
                 min_size=1, max_size=4)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, where, token, size in ops:
        at = min(int(where * len(buf)), len(buf))
        if op == "flip" and buf:
            buf[min(at, len(buf) - 1)] ^= 1 + size % 255
        elif op == "delete":
            del buf[at:at + size]
        elif op == "insert":
            buf[at:at] = token
        else:
            buf[at:at] = bytes(buf[at:at + size]) * 3
    return bytes(buf)


@pytest.fixture(scope="module")
def xml_parts(base) -> list[str]:
    return sorted(n for n in base.members if n.endswith((".xml", ".rels")))


@settings(FUZZ, max_examples=200)
@given(data=st.data(), ops=edits,
       command=st.sampled_from([("check", "--json")] * 6 + [("export", "--json"), ("score",)]))
def test_mutated_xml_parts_give_exit_0_or_2_never_a_traceback(base, work, xml_parts, data,
                                                              ops, command):
    part = data.draw(st.sampled_from(xml_parts), label="part")
    book = base.copy()
    book.members[part] = _mutate(book.members[part], ops)
    work.write_bytes(book.bytes())
    before = state(work)
    code, out, err = run(command[0], work, *command[1:])
    assert_calm(code, err)
    assert state(work) == before
    if code == 0 and command == ("check", "--json"):
        for f in json.loads(out)["findings"]:
            assert f["severity"] in ("error", "warning", "info") and f["message"]


# ---------------------------------------------------------------- the zip file itself


@settings(FUZZ, max_examples=60)
@given(ops=st.lists(st.tuples(st.sampled_from(["flip", "delete", "cut", "insert"]),
                              st.floats(0, 1), st.integers(1, 4000)), min_size=1, max_size=3))
def test_damaged_zip_containers_are_refused_or_read_never_a_traceback(base, work, ops):
    data = bytearray(base.bytes())
    for op, where, size in ops:
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if op == "flip" and data:
            data[at] ^= 0xFF
        elif op == "delete":
            del data[at:at + size]
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = bytes(size)
    work.write_bytes(bytes(data))
    before = state(work)
    code, _, err = run("check", work)
    assert_calm(code, err)
    assert state(work) == before


# ---------------------------------------------------------------- a few real processes


@settings(FUZZ, max_examples=4)
@given(data=st.data(), ops=edits)
def test_mutated_workbooks_in_a_real_process(base, work, xml_parts, data, ops):
    part = data.draw(st.sampled_from(xml_parts), label="part")
    book = base.copy()
    book.members[part] = _mutate(book.members[part], ops)
    work.write_bytes(book.bytes())
    before = state(work)
    proc = subprocess.run([sys.executable, "-m", "xlpkg.cli", "check", str(work)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert_calm(proc.returncode, proc.stderr)
    assert state(work) == before


def test_mutation_helpers_do_mutate(base):
    # the fuzzer is only as good as its mutations: make sure they change what they touch
    assert _mutate(b"abcdef", [("delete", 0.5, b"", 2)]) == b"abcf"
    assert _mutate(b"ab", [("insert", 1.0, b"<", 1)]) == b"ab<"
    book = base.copy()
    cell = _store(book, "exp_basic_actual", "inline", " 298.18 ")
    assert cell == "收支情况!E11"
    with zipfile.ZipFile(io.BytesIO(book.bytes())) as z:
        assert b" 298.18 " in z.read(book.sheet_part("收支情况"))
