"""YAML/JSON data files ↔ the model (CONTRACT §2).

Owns reading a data file into a :class:`~xlpkg.core.model.Dataset` with Chinese
errors that name the file (and line, for YAML syntax), and writing the
contract's plain shape back out (``xlpkg export``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from xlpkg.atomic import write_bytes_atomic
from xlpkg.core.model import Dataset, from_mapping, to_mapping
from xlpkg.core.shapes import shape_problems
from xlpkg.errors import InputError
from xlpkg.read.limits import check_data_limits

MAX_DATA_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 100   # the contract nests 3 levels; anything deeper is not a data file


@cache
def _safe_loader():
    """SafeLoader without anchors/aliases expansion bombs: aliases are refused. Built on
    first use: PyYAML is imported only when a YAML file is read or written."""
    import yaml
    from yaml.constructor import ConstructorError

    class _SafeLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.MarkedYAMLError("", None, "不允许使用 YAML 别名（*alias）",
                                           event.start_mark)
            # The composer recurses once per level: stop a hostile file long before
            # Python's limit.
            if self.depth >= MAX_DEPTH:
                raise yaml.MarkedYAMLError("", None, f"嵌套超过 {MAX_DEPTH} 层",
                                           self.peek_event().start_mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            # PyYAML keeps the last of two equal keys without a word: refuse, naming the key.
            if isinstance(node, yaml.MappingNode):
                seen = set()
                for key_node, _ in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        if key_node.value in seen:
                            raise ConstructorError(None, None,
                                                   f"键“{key_node.value[:40]}”重复出现",
                                                   key_node.start_mark)
                        seen.add(key_node.value)
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):
            try:
                return super().construct_yaml_int(node)
            except ValueError:   # more digits than Python converts (4300)
                raise ConstructorError(None, None,
                                       f"数字位数过多（{len(node.value):,} 位），不是有效数值",
                                       node.start_mark) from None

    _SafeLoader.add_constructor("tag:yaml.org,2002:int", _SafeLoader.construct_yaml_int)
    return _SafeLoader


class _JsonShapeError(ValueError):
    """A JSON file that parses but cannot be a data file; the message is Chinese."""


def _json_object(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _JsonShapeError(f"键“{key[:40]}”重复出现")
        out[key] = value
    return out


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 300:   # far past any amount; Python refuses past 4300
        raise _JsonShapeError(f"数字位数过多（{len(text.lstrip('-')):,} 位），不是有效数值")
    return int(text)


def read_text(path: Path, *, what: str = "文件", max_bytes: int = MAX_DATA_BYTES,
              missing_hint: str | None = None) -> str:
    """A UTF-8 text file's content; :class:`InputError` naming the file otherwise."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)   # never more than the limit, whatever the file's size
    except FileNotFoundError:
        raise InputError(f"找不到{what}：{path}", missing_hint) from None
    except IsADirectoryError:
        raise InputError(f"{what} {path} 是文件夹，不是文件") from None
    except OSError as exc:
        raise InputError(f"无法读取{what} {path}：{exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise InputError(f"{what} {path.name} 过大（超过 {max_bytes // (1024 * 1024) or 1} MB），无法读取")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{what} {path.name} 不是 UTF-8 编码的文本", "请用 UTF-8 编码保存") from None


class _NoError(Exception):
    """Raised by nothing: the YAML error class when the file is not YAML."""


def parse_structured(text: str, path: Path, *, what: str = "文件") -> dict:
    """JSON, YAML (aliases refused) or TOML by the file's suffix; amounts stay exact."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml

        yaml_error: type[Exception] = yaml.YAMLError
    else:
        yaml_error = _NoError
    try:
        if suffix == ".json":
            data = json.loads(text, parse_float=Decimal, parse_int=_json_int,
                              object_pairs_hook=_json_object)
        elif suffix in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_safe_loader())  # a SafeLoader subclass
        elif suffix == ".toml":
            import tomllib

            data = tomllib.loads(text, parse_float=Decimal)
        else:
            raise InputError(f"{what} {path.name} 的类型“{path.suffix}”不受支持")
    except _JsonShapeError as exc:
        raise InputError(f"无法读取{what} {path.name}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"无法读取{what} {path.name}：JSON 格式错误"
                         f"（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except yaml_error as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        problem = getattr(exc, "problem", None) or ""
        why = f"：{problem}" if problem and not problem.isascii() else ""  # our own reasons
        raise InputError(f"无法读取{what} {path.name}：YAML 格式错误{where}{why}") from None
    except RecursionError:
        raise InputError(f"无法读取{what} {path.name}：嵌套层数过多，不是有效的{what}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError, or a JSON integer too long
        if suffix == ".json":
            raise InputError(f"无法读取{what} {path.name}：JSON 中有无法读取的数值"
                             f"（{str(exc)[:60]}）") from None
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"（第 {m[1]} 行第 {m[2]} 列附近）" if m else ""
        raise InputError(f"无法读取{what} {path.name}：TOML 格式错误{where}") from None
    if not isinstance(data, dict):
        raise InputError(f"无法读取{what} {path.name}：文件顶层应是键值对")
    return data


def read_mapping(path: Path) -> dict:
    """The raw mapping of a YAML or JSON data file; :class:`InputError` if unreadable."""
    return parse_structured(read_text(path), path)


def read_data_file(path: Path) -> Dataset:
    """A YAML/JSON data file → :class:`Dataset` (cells empty: there are none).

    A file not of the contract's shape (a list where one value belongs, a table
    written as a mapping …) is refused, naming each key and the shape expected."""
    path = Path(path)
    data = read_mapping(path)
    problems = shape_problems(data)
    if problems:
        shown = "；".join(problems[:5])
        more = f"（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        raise InputError(f"{path.name}：数据格式不符合约定：{shown}{more}",
                         "每个键只填一个值；projects、key_tasks 等表格写成列表，每一项以“- ”开头")
    check_data_limits(path.name, data)
    return from_mapping(data, source=path.name)


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


@cache
def _dumper():
    """A SafeDumper that never anchors and aliases (``&id001``): two fields holding one
    Decimal object are written twice, because our own reader refuses aliases."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data) -> bool:
            return True

    def represent_decimal(dumper, value: Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return dumper.represent_int(int(value))
        return dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:f}")

    _Dumper.add_representer(Decimal, represent_decimal)
    return _Dumper


def dumps(ds: Dataset, *, as_json: bool = False) -> str:
    """The contract's plain shape as YAML (or JSON), amounts exactly as read."""
    data = to_mapping(ds, exact=True)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    import yaml

    return yaml.dump(data, Dumper=_dumper(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1000)


def write_data_file(ds: Dataset, path: Path, *, as_json: bool = False) -> None:
    write_bytes_atomic(Path(path), dumps(ds, as_json=as_json).encode("utf-8"))
