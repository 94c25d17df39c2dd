"""Writing an import: YAML with each value's source cell as a comment, JSON, or a workbook.

Owns the output side of ``xlpkg import``. The YAML is the data file's own
serialisation (:func:`xlpkg.read.data_file.dumps`, so ``xlpkg report`` reads it
like any other) with ``# 来源：file!sheet!cell`` after each imported value and a
header saying which tables were read, under which scope, and what stays empty.
Every write is atomic and refuses to replace a file without ``--force``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from xlpkg.atomic import check_writable, write_bytes_atomic
from xlpkg.core.finding import SEVERITY_LABELS
from xlpkg.errors import OutputError
from xlpkg.juesuan.fill import SCOPE_LABELS
from xlpkg.juesuan.importer import ImportResult, missing_summary
from xlpkg.read.data_file import _json_default, dumps

OUTPUT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsm", ".xlsx")
_KEY = re.compile(r"^(\s*)(- )?([A-Za-z_][A-Za-z0-9_]*):(.*)$")


def annotate(yaml_text: str, sources: dict[str, str]) -> str:
    """Append ``# 来源：…`` to every line whose contract path has a source."""
    out, stack = [], []          # stack of (indent, key)
    item_key = None
    for line in yaml_text.splitlines():
        m = _KEY.match(line)
        if not m:
            out.append(line)
            continue
        indent = len(m.group(1)) + (2 if m.group(2) else 0)
        key, rest = m.group(3), m.group(4)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if m.group(2):   # a list item starts: economic_classification rows are keyed by code
            code = re.search(r"'?([0-9]+)'?", rest) if key == "code" else None
            item_key = code.group(1) if code else None
        parents = [k for _, k in stack]
        if parents and parents[0] == "economic_classification" and item_key is not None:
            path = f"economic_classification[{item_key}].{key}"
        else:
            path = ".".join(parents + [key])
        source = sources.get(path)
        out.append(f"{line}  # 来源：{source}" if source and rest.strip() else line)
        if not rest.strip():
            stack.append((indent, key))
    return "\n".join(out) + "\n"


def yaml_text(result: ImportResult) -> str:
    head = ["# 由 xlpkg import 从部门决算表导入。每个导入的数后注明来源单元格（文件!工作表!单元格）。",
            f"# 口径：{SCOPE_LABELS[result.scope]}（--scope {result.scope}）",
            "# 读取的表格："]
    head += [f"#   {name}（{cell}）" for name, cell in result.tables]
    if result.missing:
        head.append("# 决算表中没有、需要另行填写的内容：")
        head += [f"#   {line}" for line in missing_summary(result.missing)]
    problems = [f for f in result.findings if f.severity != "info"]
    if problems:
        head.append("# 导入时发现的问题：")
        head += [f"#   [{SEVERITY_LABELS[f.severity]}] {f.message}" for f in problems]
    return "\n".join(head) + "\n" + annotate(dumps(result.dataset()), result.sources)


def json_text(result: ImportResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=_json_default) + "\n"


def write_output(result: ImportResult, path: Path, *, force: bool) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise OutputError(f"不支持的输出类型“{path.suffix}”：{path}",
                          "请用 .yaml、.json、.xlsm 或 .xlsx 作为输出文件的扩展名")
    check_writable(path, force=force)
    if suffix in (".yaml", ".yml"):
        write_bytes_atomic(path, yaml_text(result).encode("utf-8"))
    elif suffix == ".json":
        write_bytes_atomic(path, dumps(result.dataset(), as_json=True).encode("utf-8"))
    else:
        from xlpkg.workbook import build

        if suffix == ".xlsx" and not _has_xlsx(build):
            raise OutputError("此版本还不能生成 .xlsx 工作簿", "请改用 -o 工作簿.xlsm")
        build.fill_workbook(result.dataset(), path)


def _has_xlsx(build) -> bool:
    """Whether this version's workbook builder has the portable .xlsx flavour yet."""
    import inspect

    return "flavour" in inspect.signature(build.workbook_bytes).parameters
