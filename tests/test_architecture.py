"""The layout's rules, read from the source (docs/architecture.md states them):

- no import cycle between xlpkg modules (module-level and function-level imports);
- ``xlpkg/core`` imports only ``xlpkg.core`` and the standard library;
- nothing outside ``xlpkg/excel`` imports ``xlpkg.excel``;
- no module of the package over 500 lines;
- every contract name (``tbl_projects``, ``carry_begin``, ``fa_in_use`` …) is written
  as a string literal in ``xlpkg/core/schema.py`` only: everybody else derives it;
- tests fail rather than skip when the project's own import breaks, and no test
  module imports another one (shared helpers live in modules not named ``test_*``).

Nothing is imported to find this out: the files are parsed with :mod:`ast`, so a
module that does not import at all is still judged.
"""

from __future__ import annotations

import ast
import re
import sys
from functools import cache
from pathlib import Path

from support import ROOT

from xlpkg.core import schema

PACKAGE = ROOT / "xlpkg"
TESTS = ROOT / "tests"
MAX_LINES = 500

# Modules over MAX_LINES on main that are being split right now; each entry names why.
# The test also fails when an entry is no longer needed, so the list only shrinks.
KNOWN_LONG = {
}

# Contract names a module may still spell outside core/schema.py, by module and name,
# each with a reason (none today). The test fails too when a listed one is gone.
KNOWN_LITERALS: dict[str, frozenset[str]] = {}


# ---------------------------------------------------------------- the package's modules


def _module_name(path: Path) -> tuple[str, bool]:
    """``xlpkg/read/sniff.py`` → ("xlpkg.read.sniff", False); a package's ``__init__`` → True."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


@cache
def modules() -> dict[str, tuple[Path, bool]]:
    return {name: (path, is_pkg) for path in sorted(PACKAGE.rglob("*.py"))
            for name, is_pkg in [_module_name(path)]}


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), filename=str(path))


def _imported(module: str, is_pkg: bool, node: ast.AST) -> list[str]:
    """The dotted names one import statement (or ``import_module("…")`` call) brings in;
    for ``from X import y`` both ``X`` and ``X.y`` (``y`` may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[:len(base) - node.level + (1 if is_pkg else 0)]
            origin = ".".join(base + ([node.module] if node.module else []))
        else:
            origin = node.module or ""
        return [origin, *(f"{origin}.{alias.name}" for alias in node.names)]
    if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")):
        return [node.args[0].value]
    return []


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every dotted name ``module`` imports anywhere in its body (functions included)."""
    path, is_pkg = modules()[module]
    return frozenset(name for node in ast.walk(parsed(path))
                     for name in _imported(module, is_pkg, node))


def edges(module: str) -> set[str]:
    """The xlpkg modules ``module`` depends on: ``from X import y`` is an edge to the
    module ``X.y`` when ``y`` is one, else to ``X`` (its ``__init__``)."""
    known = modules()
    path, is_pkg = known[module]
    out = set()
    for node in ast.walk(parsed(path)):
        names = _imported(module, is_pkg, node)
        if isinstance(node, ast.ImportFrom):
            origin, names = names[0], names[1:]
            out |= {n if n in known else origin for n in names}
        else:
            out |= set(names)
    return {n for n in out if n in known and n != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _rel(module: str) -> str:
    return modules()[module][0].relative_to(PACKAGE).as_posix()


# ---------------------------------------------------------------- imports


def test_the_package_is_seen_whole():
    names = modules()
    assert len(names) > 80
    assert {"xlpkg.core.schema", "xlpkg.pipeline", "xlpkg.cli", "xlpkg.excel.udfs"} <= set(names)
    # the graph sees function-level imports: pipeline.evaluate imports the checks there
    assert "xlpkg.core.checks" in edges("xlpkg.pipeline")


def test_cycle_detection_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_between_xlpkg_modules():
    graph = {m: edges(m) for m in modules()}
    assert _cycles(graph) == []


def test_core_imports_only_core_and_the_standard_library():
    bad = {}
    for module in modules():
        if not module.startswith("xlpkg.core"):
            continue
        path, is_pkg = modules()[module]
        for node in ast.walk(parsed(path)):
            origin = (_imported(module, is_pkg, node) or [None])[0]
            if origin is None or origin == "__future__":
                continue
            top = origin.split(".")[0]
            if origin == "xlpkg.core" or origin.startswith("xlpkg.core."):
                continue
            if top != "xlpkg" and top in sys.stdlib_module_names:
                continue
            bad.setdefault(_rel(module), []).append(origin)
    assert bad == {}


def test_only_the_excel_layer_imports_xlpkg_excel():
    bad = {_rel(m): sorted(n for n in imports_of(m) if n == "xlpkg.excel"
                           or n.startswith("xlpkg.excel."))
           for m in modules() if not m.startswith("xlpkg.excel")}
    # ``from xlpkg import excel`` would name it as the submodule "xlpkg.excel" too
    assert {k: v for k, v in bad.items() if v} == {}


# The layers of docs/architecture.md, bottom up. A module imports only its own layer
# or lower ones: products never reach up to the pipeline or a front end.
LAYERS = {
    "xlpkg": 0, "xlpkg.core": 0, "xlpkg.errors": 0, "xlpkg.atomic": 0, "xlpkg.names": 0,
    "xlpkg.collector": 0,
    "xlpkg.read": 1, "xlpkg.workbook": 1, "xlpkg.vba": 1, "xlpkg.report": 1,
    "xlpkg.tables": 1, "xlpkg.juesuan": 1, "xlpkg.console": 1,
    "xlpkg.pipeline": 2,
    "xlpkg.cli": 3, "xlpkg.excel": 3, "xlpkg.batch": 3, "xlpkg.serve": 3,
}


def _layer(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_arrows_point_one_way():
    assert {_layer(m) for m in modules()} <= set(LAYERS), "a new folder: give it a layer"
    upward = sorted(f"{_rel(m)} -> {e}" for m in modules() for e in edges(m)
                    if LAYERS[_layer(e)] > LAYERS[_layer(m)])
    assert upward == []


# ---------------------------------------------------------------- size


def test_no_module_over_500_lines():
    lengths = {p.relative_to(PACKAGE).as_posix(): len(p.read_text("utf-8").splitlines())
               for p, _ in modules().values()}
    too_long = {k: n for k, n in lengths.items() if n > MAX_LINES and k not in KNOWN_LONG}
    assert too_long == {}
    stale = [k for k in KNOWN_LONG if lengths.get(k, 0) <= MAX_LINES]
    assert stale == [], "now short enough: remove from KNOWN_LONG"


# ---------------------------------------------------------------- contract names

# A defined name that is also its own YAML key (``staff_actual`` is both
# ``department.staff_actual`` and the defined name) may be written as a key.
CONTRACT_NAMES = frozenset(schema.CONTRACT_NAMES) - {
    s.name for s in schema.SCALARS if s.name == s.path[-1]}
_NAME = re.compile(r"(?<![A-Za-z0-9_])("
                   + "|".join(sorted(map(re.escape, CONTRACT_NAMES), key=len, reverse=True))
                   + r")(?![A-Za-z0-9_])")
# f"exp_{row}_{field}", f"tbl_{key}": a contract name assembled from its spelling
_PREFIXES = tuple(f"{b.prefix}_" for b in schema.BLOCKS) + ("tbl_",)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def contract_literals(tree: ast.AST) -> set[str]:
    """Contract names a module spells in its string literals (docstrings aside: they
    explain, they do not name cells)."""
    skip = _docstrings(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found |= set(_NAME.findall(node.value))
        elif (isinstance(node, ast.JoinedStr) and node.values
              and isinstance(node.values[0], ast.Constant)
              and node.values[0].value.startswith(_PREFIXES)):
            found.add(f"f'{node.values[0].value.split('_')[0]}_…'")
    return found


def test_contract_literal_detection():
    tree = ast.parse('"""Reads tbl_projects."""\n'
                     'A = "tbl_projects"\nB = "tbl_econ[301].actual"\nC = f"exp_{row}_actual"\n'
                     'D = "department.staff_actual"\nE = "carry_beginning"\n')
    assert contract_literals(tree) == {"tbl_projects", "tbl_econ", "f'exp_…'"}


def test_contract_names_are_written_in_the_schema_only():
    assert {"tbl_projects", "carry_begin", "fa_in_use", "exp_basic_actual"} <= CONTRACT_NAMES
    found = {}
    for path, _ in modules().values():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "core/schema.py":
            continue
        names = contract_literals(parsed(path))
        if names:
            found[rel] = names
    unexpected = {k: sorted(v - KNOWN_LITERALS.get(k, frozenset())) for k, v in found.items()}
    assert {k: v for k, v in unexpected.items() if v} == {}
    fixed = {k: sorted(v - found.get(k, set())) for k, v in KNOWN_LITERALS.items()}
    assert {k: v for k, v in fixed.items() if v} == {}, "fixed: remove from KNOWN_LITERALS"


def test_the_schema_itself_spells_the_names():
    names = contract_literals(parsed(PACKAGE / "core" / "schema.py"))
    assert {"tbl_projects", "carry_begin", "fa_in_use"} <= names


# ---------------------------------------------------------------- tests


def _test_files() -> list[Path]:
    return sorted(TESTS.glob("*.py"))


def test_no_test_module_imports_another():
    test_modules = {p.stem for p in TESTS.glob("test_*.py")}
    bad = {}
    for path in _test_files():
        for node in ast.walk(parsed(path)):
            names = _imported(path.stem, False, node)[:1] if isinstance(node, ast.ImportFrom) \
                else _imported(path.stem, False, node)
            hits = [n for n in names if n.split(".")[0] in test_modules]
            if hits:
                bad.setdefault(path.name, []).extend(hits)
    assert bad == {}


def _is_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return handler.type is None or any(getattr(k, "id", None) in ("ImportError",
                                                                   "ModuleNotFoundError")
                                       for k in kinds)


def test_no_test_skips_when_the_projects_own_import_breaks():
    bad = []
    for path in _test_files():
        tree = parsed(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                func = getattr(node.func, "attr", getattr(node.func, "id", ""))
                arg = node.args[0]
                if (func in ("importorskip", "find_spec") and isinstance(arg, ast.Constant)
                        and str(arg.value).split(".")[0] == "xlpkg"):
                    bad.append(f"{path.name}:{node.lineno} {func}({arg.value!r})")
            if isinstance(node, ast.Try) and any(_is_import_error(h) for h in node.handlers):
                guarded = [n for stmt in node.body for n in ast.walk(stmt)
                           if isinstance(n, (ast.Import, ast.ImportFrom))
                           and any(x.split(".")[0] == "xlpkg"
                                   for x in _imported(path.stem, False, n))]
                if guarded:
                    bad.append(f"{path.name}:{node.lineno} try/except ImportError around xlpkg")
    assert bad == []


# ---------------------------------------------------------------- docs


def _contract_doc():
    import importlib.util

    spec = importlib.util.spec_from_file_location("contract_doc", ROOT / "tools" / "contract_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_contract_md_equals_a_fresh_generation_from_the_schema():
    """After a change to core/schema.py or to a command: python3 tools/contract_doc.py"""
    tool = _contract_doc()
    committed = tool.DOC.read_text("utf-8")
    assert tool.refresh(committed) == committed, "docs/contract.md is stale: " \
        "run python3 tools/contract_doc.py"
    for name in schema.CONTRACT_NAMES:
        assert f"`{name}`" in committed, name
    for t in schema.TABLES:
        assert all(f"| {c.header} | `{c.key}` |" in committed for c in t.columns), t.name
    assert all(f"| {s.label} |" in committed for s in schema.SECTIONS)


def test_the_generator_replaces_only_its_blocks():
    tool = _contract_doc()
    text = "".join(f"<!-- BEGIN GENERATED: {k} -->\nstale\n<!-- END GENERATED: {k} -->\nprose\n"
                   for k in tool.GENERATORS)
    fresh = tool.refresh(text)
    assert "stale" not in fresh and fresh.count("prose") == len(tool.GENERATORS)
    assert "| `carryover.begin` | `carry_begin` | 年初结转结余 | amount |  |" in fresh
    assert "| `department.name` | `dept_name` | 单位名称 | text | kept next year |" in fresh
    assert "| 项目名称 | `name` | text | required, kept next year |" in fresh
    assert "`xlpkg check INPUT [--json] [--strict]`" in fresh


def test_docs_and_readme_stand_alone():
    """The project's docs point into the project, never to briefing files beside it."""
    texts = {p.relative_to(ROOT).as_posix(): p.read_text("utf-8")
             for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    outside = re.compile(r"\.\./|/work/|\bshared/|CONTRACT\.md|GLOSSARY\.md|DESIGN\.md")
    bad = {k: outside.findall(v) for k, v in texts.items()}
    assert {k: v for k, v in bad.items() if v} == {}
    for name, text in texts.items():
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            where = (ROOT / name).parent / target
            assert where.exists(), f"{name} links to {target}, which is not in the project"


def test_the_glossary_has_one_identifier_per_term():
    text = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    table = text[:text.index("## Finding codes")]
    terms = [line.split("|")[1].strip() for line in table.splitlines()
             if line.startswith("| ") and not line.startswith("| 中文 ")]
    assert len(terms) > 60
    assert sorted(t for t in set(terms) if terms.count(t) > 1) == []
    for name in ("carryover", "execution_rate", "pending", "Evaluation", "outline"):
        assert f"`{name}`" in table or f" {name} " in table, name
