"""The name tables of docs/contract.md, generated from the code that owns them.

The defined names, the tables and their Chinese headers, the narrative sections and
the comparators come from :mod:`xlpkg.core.schema`; the command table comes from the
command line's own parser (:func:`xlpkg.cli.build_parser`). The prose around them is
written by hand; only the text between a ``<!-- BEGIN GENERATED: x -->`` and its
``<!-- END GENERATED: x -->`` is replaced.

    python3 tools/contract_doc.py            # rewrite docs/contract.md
    python3 tools/contract_doc.py --check    # exit 1 when the committed doc is stale

tests/test_architecture.py proves the committed doc equals a fresh generation.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))     # this checkout's xlpkg, not an installed copy

from xlpkg.core import schema

DOC = ROOT / "docs" / "contract.md"
_BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (\w+) -->\n).*?(<!-- END GENERATED: \2 -->)",
                    re.DOTALL)


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    return "\n".join([_row(*head), _row(*("---",) * len(head)), *(_row(*r) for r in rows)])


def _tick(text: str) -> str:
    return f"`{text}`"


def scalars() -> str:
    """Every defined name, in the order of the YAML shape's blocks."""
    rows = [(_tick(".".join(s.path)), _tick(s.name), s.label, s.kind, _notes(s))
            for s in _by_shape(schema.SCALARS)]
    return _table(("YAML path", "defined name", "中文", "kind", ""), rows)


def _notes(item) -> str:
    """required / optional, and whether next year's workbook keeps the value."""
    notes = ["required" if getattr(item, "required", False) else
             "optional" if item.optional else ""]
    if item.keep_next_year:
        notes.append("kept next year")
    return ", ".join(n for n in notes if n)


def _by_shape(items):
    """In the order of the YAML shape's top-level keys, as ``to_mapping`` writes them."""
    from xlpkg.core.model import from_mapping, to_mapping

    order = {key: i for i, key in enumerate(to_mapping(from_mapping({}), exact=True))}
    return sorted(items, key=lambda s: order[s.path[0]])


def tables() -> str:
    """One table per workbook table: its columns, header, kind and whether required."""
    parts = []
    for t in schema.TABLES:
        where = ".".join(t.path) if len(t.path) == 1 else f"{t.path[0]}[].{t.path[1]}"
        notes = []
        if t.optional:
            notes.append("the table itself is optional")
        if t.keyed_by:
            notes.append(f"rows are named by `{t.keyed_by}` in field names")
        extra = f" ({'; '.join(notes)})" if notes else ""
        rows = [(c.header, _tick(c.key), c.kind, _notes(c)) for c in t.columns]
        parts.append(f"**{_tick(t.name)}** — YAML {_tick(where)}, {t.label}{extra}\n\n"
                     + _table(("中文 header", "key", "kind", ""), rows))
    return "\n\n".join(parts)


def sections() -> str:
    rows = [(_tick(s.key), s.label, "一二三四五六七八九十"[s.outline - 1]) for s in schema.SECTIONS]
    return _table(("key", "栏目 (the label a 文字内容 row names)", "report section"), rows)


def comparators() -> str:
    accepted: dict[str, list[str]] = {}
    for typed, value in schema.COMPARATORS.items():
        accepted.setdefault(value, []).append(typed)
    rows = [(_tick(v), schema.COMPARATOR_SIGNS[v], " ".join(_tick(t) for t in typed))
            for v, typed in accepted.items()]
    return _table(("contract", "shown", "accepted as typed"), rows)


def _usage(action: argparse.Action) -> str | None:
    if action.help == argparse.SUPPRESS or "-h" in action.option_strings:
        return None
    if action.dest in ("debug",):
        return None
    metavar = action.metavar or (
        # a | inside a table cell must be escaped, code span or not (GitHub's tables)
        "\\|".join(action.choices) if action.choices else action.dest.upper())
    if action.nargs in ("+", "*"):
        metavar += "..."
    if not action.option_strings:
        return metavar
    flag = max(action.option_strings, key=len) if action.dest != "output" else "-o"
    text = flag if action.nargs == 0 else f"{flag} {metavar}"
    return text if action.required else f"[{text}]"


def commands() -> str:
    from xlpkg.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in sub._choices_actions}
    rows = []
    for name, p in sub.choices.items():
        args = [u for a in p._actions if (u := _usage(a))]
        rows.append((_tick(" ".join(["xlpkg", name, *args])), helps.get(name, "")))
    return _table(("command", "说明 (as `xlpkg --help` prints it)"), rows)


GENERATORS = {"scalars": scalars, "tables": tables, "sections": sections,
              "comparators": comparators, "commands": commands}


def refresh(text: str) -> str:
    """``text`` with every generated block replaced by a fresh generation."""
    seen = set()

    def fill(m: re.Match) -> str:
        seen.add(m.group(2))
        return f"{m.group(1)}{GENERATORS[m.group(2)]()}\n{m.group(3)}"

    out = _BLOCK.sub(fill, text)
    missing = set(GENERATORS) - seen
    if missing:
        raise SystemExit(f"{DOC}: no generated block for {sorted(missing)}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
    args = ap.parse_args(argv)
    text = DOC.read_text("utf-8")
    fresh = refresh(text)
    if args.check:
        if fresh != text:
            print(f"{DOC} is stale: run python3 tools/contract_doc.py", file=sys.stderr)
            return 1
        return 0
    if fresh != text:
        DOC.write_text(fresh, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
