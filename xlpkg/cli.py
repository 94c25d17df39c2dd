"""The ``xlpkg`` command: parses arguments, calls the library, maps failures to exit codes.

Thin on purpose (sqlite-utils' ``cli.py`` over ``db.py``): every command is a
few lines over a library function. One handler turns every failure into a
Chinese message and exit code 2; a traceback is shown only with ``--debug``.
Exit codes (CONTRACT §4): 0 done, 1 done but ``--strict`` and an error finding,
2 the input could not be read or the output not written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from xlpkg import __version__
from xlpkg.errors import OutputError, XlpkgError

EXIT_OK, EXIT_STRICT, EXIT_INPUT = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a subcommand's prog: keep that
        return super().add_usage(usage, actions, groups,
                                 prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in Chinese (usage, section titles, -h), usage errors as exit code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="显示本帮助并退出")

    # argparse's own messages, in Chinese
    _MESSAGES = (
        (r"the following arguments are required: (.*)", "缺少参数：{0}"),
        (r"argument (\S+): invalid choice: '([^']*)'.*", "没有“{1}”这个命令或选项值"),
        (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
        (r"argument (\S+): expected one argument", "{0} 后面需要一个值"),
        (r"argument (\S+): invalid (\w+) value: (.*)", "{0} 的值 {2} 无效"),
    )

    def error(self, message: str):
        import re

        for pattern, chinese in self._MESSAGES:
            m = re.fullmatch(pattern, message)
            if m:
                message = chinese.format(*m.groups())
                break
        self.print_usage(sys.stderr)
        raise XlpkgError(f"命令参数有误：{message}", "运行 xlpkg --help 查看用法")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help="出错时显示 Python 详细信息（供开发人员排查）")


def _strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="存在“错误”级校验结果时以退出码 1 结束")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xlpkg", description="部门整体支出绩效自评：工作簿 → 校验、自评表、Word 报告。")
    parser.add_argument("--version", action="version", version=f"xlpkg {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--debug", action="store_true", help="出错时显示 Python 详细信息")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("template", help="生成空白的工作簿模板（.xlsm 启用宏 / .xlsx 通用版）",
                       description="生成空白的工作簿（默认 workbook/template.xlsm）。扩展名决定版本："
                                   ".xlsm 为启用宏的 Excel + Python 版，.xlsx 为只用表格软件自带公式的通用版"
                                   "（WPS、LibreOffice、Mac）。")
    p.add_argument("-o", "--output", type=Path, default=Path("workbook/template.xlsm"),
                   help="输出路径（默认 workbook/template.xlsm；.xlsx 为通用版）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的其他文件")
    _common(p)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("fill", help="把 YAML/JSON 数据填入新的工作簿",
                       description="以模板为基础生成一个新工作簿，填入数据文件中的数据。")
    p.add_argument("data", type=Path, help="数据文件（.yaml / .json）或工作簿")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="新工作簿路径（.xlsm 启用宏版，.xlsx 通用版）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _common(p)
    p.set_defaults(func=cmd_fill)

    p = sub.add_parser("rollover", help="由本年工作簿生成下一年度的工作簿（本年决算数转为上年决算数）",
                       description="读取本年的工作簿或数据文件（不修改它），生成下一年度的新工作簿：年度加 1，"
                                   "本年决算数转为上年决算数，保留单位、项目、指标及其目标值；预算数、决算数、"
                                   "实际值、自评得分、原因和文字内容留空待填。")
    p.add_argument("book", type=Path, help="本年的工作簿（.xlsx / .xlsm）或数据文件")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="下一年度工作簿路径（.xlsm 启用宏版，.xlsx 通用版）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _common(p)
    p.set_defaults(func=cmd_rollover)

    p = sub.add_parser("export", help="把工作簿中的数据导出为 YAML/JSON",
                       description="读取工作簿（不修改它），按数据约定导出为 YAML（或 JSON）。")
    p.add_argument("book", type=Path, help="工作簿（.xlsx / .xlsm）")
    p.add_argument("-o", "--output", type=Path, help="输出文件；省略时打印到屏幕")
    p.add_argument("--json", action="store_true", help="输出 JSON 而不是 YAML")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _common(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("check", help="校验数据，列出每一处前后不一致及其单元格",
                       description="运行全部校验规则。输入可以是工作簿或 YAML/JSON 数据文件。")
    p.add_argument("input", type=Path, help="工作簿或数据文件")
    p.add_argument("--json", action="store_true", help="按数据约定输出 JSON")
    _strict(p)
    _common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("report", help="生成 Word 格式的部门整体支出绩效自评报告",
                       description="生成自评报告（.docx）。已存在的文件不会被覆盖，除非加 --force。")
    p.add_argument("input", type=Path, help="工作簿或数据文件")
    p.add_argument("-o", "--output", type=Path,
                   help="输出路径（默认：<单位>_<年度>_部门整体支出绩效自评报告.docx）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的报告")
    p.add_argument("--charts", action="store_true", help="在报告中加入支出结构图和同比图")
    p.add_argument("--with-findings", action="store_true", help="在报告末尾附校验结果")
    p.add_argument("--rules", type=Path, help="评分规则文件（默认：湖南省部门整体支出评价指标）")
    _strict(p)
    _common(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("score", help="计算部门整体支出绩效自评表（得分与等级）",
                       description="按评分规则文件计算各项指标值、得分、总分和等级。")
    p.add_argument("input", type=Path, help="工作簿或数据文件")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--rules", type=Path, help="评分规则文件（TOML）；默认使用内置的湖南省规则")
    _common(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("tables", help="生成报送用表格：基础数据表、自评表、各项目支出绩效自评表",
                       description="生成一个可直接打印（A4）的 .xlsx：基础数据表、部门整体支出绩效"
                                   "自评表，以及每个项目一张项目支出绩效自评表。")
    p.add_argument("input", type=Path, help="工作簿或数据文件")
    p.add_argument("-o", "--output", type=Path,
                   help="输出路径（默认：<单位>_<年度>_绩效自评表格.xlsx）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--rules", type=Path, help="评分规则文件（默认：湖南省部门整体支出评价指标）")
    _common(p)
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("batch", help="批量处理文件夹中的全部工作簿，生成报告和汇总表",
                       description="处理 DIR 下（含子文件夹）每一个 .xlsx/.xlsm：生成报告、汇总表和清单。")
    p.add_argument("dir", type=Path, help="存放各单位工作簿的文件夹")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出文件夹")
    p.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：全部 CPU 核）")
    p.add_argument("--force", action="store_true", help="重新处理未变化的工作簿并覆盖输出")
    p.add_argument("--rules", type=Path, help="评分规则文件")
    _strict(p)
    _common(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("import", help="从部门决算表（公开表或财决报表）导入数据，注明每个数的来源单元格",
                       description="读取部门决算表（.xlsx / .xlsm / .xls），按表名和栏目识别各表，"
                                   "导出为数据文件或工作簿；决算表中没有的内容留空并列出。源文件不会被修改。")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="决算表文件（可多个）")
    p.add_argument("-o", "--output", type=Path,
                   help="输出：DATA.yaml / DATA.json / BOOK.xlsm / BOOK.xlsx；省略时打印 YAML")
    p.add_argument("--json", action="store_true", help="打印 JSON：data、sources（来源单元格）、findings")
    p.add_argument("--scope", choices=("gpb", "fiscal", "all"), default="gpb",
                   help="支出口径：gpb 一般公共预算财政拨款（默认）、fiscal 全部财政拨款、all 全部资金")
    p.add_argument("--prior", type=Path, nargs="+", default=[], metavar="FILE",
                   help="上年的决算表文件，用于填写上年决算数")
    p.add_argument("--econ-detail", action="store_true", help="经济分类导入到款级（5 位编码）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    _strict(p)
    _common(p)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("serve", help="在本机浏览器中打开检查页面（拖入工作簿，下载报告）",
                       description="启动只在本机（127.0.0.1）可访问的页面：拖入工作簿或数据文件，"
                                   "查看校验结果和自评表，下载报告。按 Ctrl+C 停止。")
    p.add_argument("--port", type=int, default=8765, help="端口（默认 8765）")
    p.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    _common(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("vba-update", help="只替换工作簿中的 VBA 工程（升级 xlwings 后使用）",
                       description="先备份，再只替换工作簿中的 xl/vbaProject.bin，其余内容保持不变。")
    p.add_argument("book", type=Path, help="启用宏的工作簿（.xlsm）")
    _common(p)
    p.set_defaults(func=cmd_vba_update)
    return parser


# ---------------------------------------------------------------- commands


def _not_an_input(output: Path | None, *inputs: Path | None) -> None:
    """An output never replaces an input: inputs are only ever read."""
    if output is None or not output.is_file():
        return
    for src in inputs:
        try:
            same = src is not None and src.is_file() and output.samefile(src)
        except OSError:
            same = False
        if same:
            raise OutputError(f"输出文件不能是输入文件本身：{output}", "请用 -o 指定另一个文件名")


def cmd_template(args) -> int:
    from xlpkg.atomic import check_writable, os_reason, write_bytes_atomic
    from xlpkg.workbook.build import template_bytes
    from xlpkg.workbook.formulas import flavour_of

    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {args.output.parent}（{os_reason(exc)}）",
                          "请用 -o 指定一个可写的位置") from None
    data = template_bytes(flavour_of(args.output))
    # Rebuilding an identical template is harmless; anything else there (a filled
    # workbook!) is only replaced with --force.
    if not (args.output.is_file() and args.output.read_bytes() == data):
        check_writable(args.output, force=args.force)
    write_bytes_atomic(args.output, data)
    print(f"已生成模板：{args.output}")
    return EXIT_OK


def cmd_fill(args) -> int:
    from xlpkg.atomic import check_writable
    from xlpkg.pipeline import load
    from xlpkg.workbook.build import fill_workbook

    _not_an_input(args.output, args.data)
    check_writable(args.output, force=args.force)
    ds = load(args.data)
    fill_workbook(ds, args.output)
    print(f"已生成工作簿：{args.output}")
    return EXIT_OK


def cmd_rollover(args) -> int:
    from xlpkg.atomic import check_writable
    from xlpkg.core.rollover import next_year
    from xlpkg.pipeline import load
    from xlpkg.workbook.build import fill_workbook

    if args.output.suffix.lower() not in (".xlsm", ".xlsx"):
        raise OutputError(f"下一年度工作簿须为 .xlsm 或 .xlsx：{args.output}",
                          "请用 -o 指定 .xlsm（启用宏版）或 .xlsx（通用版）文件名")
    _not_an_input(args.output, args.book)
    check_writable(args.output, force=args.force)
    ds = load(args.book)
    nxt = next_year(ds)
    fill_workbook(nxt, args.output)
    year = nxt.department.year.value
    print(f"已生成{f'{year}年度' if year is not None else '下一年度'}工作簿：{args.output}"
          "（上年决算数已填入，预算数、决算数、实际值等待填）")
    unreadable = sum(f.severity == "error" for f in ds.read_findings)
    if unreadable:
        print(f"注意：{args.book} 中有 {unreadable} 处无法识别的值，新工作簿中相应位置留空",
              file=sys.stderr)
    return EXIT_OK


def cmd_export(args) -> int:
    from xlpkg.atomic import check_writable
    from xlpkg.pipeline import load
    from xlpkg.read.data_file import dumps, write_data_file

    ds = load(args.book)
    as_json = args.json or (args.output is not None and args.output.suffix.lower() == ".json")
    if args.output is None:
        sys.stdout.write(dumps(ds, as_json=as_json))
    else:
        _not_an_input(args.output, args.book)
        check_writable(args.output, force=args.force)
        write_data_file(ds, args.output, as_json=as_json)
        print(f"已导出：{args.output}")
    return EXIT_OK


def _strict_code(args, findings) -> int:
    if getattr(args, "strict", False) and any(f.severity == "error" for f in findings):
        return EXIT_STRICT
    return EXIT_OK


def cmd_check(args) -> int:
    from xlpkg.console import format_findings
    from xlpkg.pipeline import evaluate_file

    ev = evaluate_file(args.input, scoring=False)   # check shows findings only
    if args.json:
        print(json.dumps({"findings": [f.to_json() for f in ev.findings]}, ensure_ascii=False,
                         indent=2))
    else:
        print(format_findings(ev))
    return _strict_code(args, ev.findings)


def cmd_report(args) -> int:
    from xlpkg.atomic import check_writable
    from xlpkg.pipeline import evaluate, load, load_rules
    from xlpkg.report import charts, gaps
    from xlpkg.report.render import report_content, report_path, write_report

    _not_an_input(args.output, args.input, args.rules)
    ds = load(args.input)
    out = report_path(ds, args.output, Path.cwd())
    check_writable(out, force=args.force)   # before the work, as a refusal should come
    ev = evaluate(ds, load_rules(args.rules))
    content = report_content(ev, with_findings=args.with_findings)   # once: docx and gap list
    out = write_report(ev, out, force=args.force, charts=args.charts,
                       with_findings=args.with_findings, content=content)
    print(f"已生成报告：{out}")
    if args.charts and charts.unavailable():
        print(f"注意：{charts.unavailable()}", file=sys.stderr)
    if args.with_findings and content.gaps:
        print("待补充：\n" + "\n".join(gaps.listing(content.gaps)))
    print(gaps.summary(ev.findings, content.gaps))
    return _strict_code(args, ev.findings)


def cmd_score(args) -> int:
    from xlpkg.console import format_scoresheet
    from xlpkg.pipeline import evaluate_file

    ev = evaluate_file(args.input, args.rules)
    if args.json:
        print(json.dumps(ev.scoresheet.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_scoresheet(ev))
    return EXIT_OK


def cmd_tables(args) -> int:
    from xlpkg.core.scoring import score
    from xlpkg.read.inputs import load_input
    from xlpkg.read.rules_file import load_rules
    from xlpkg.tables.rows import submission_tables
    from xlpkg.tables.xlsx import tables_path, write_tables

    _not_an_input(args.output, args.input, args.rules)
    ds = load_input(args.input)
    sheet = score(ds, load_rules(args.rules))
    tables = submission_tables(ds, sheet)
    out = write_tables(tables, tables_path(ds, args.output, Path.cwd()), force=args.force)
    print(f"已生成表格：{out}（{len(tables)} 张表：{'、'.join(t.sheet for t in tables)}）")
    if sheet.pending:
        print(f"部门整体支出绩效自评表：{sheet.grade_text}（待评分：{'、'.join(sheet.pending)}）")
    return EXIT_OK


def cmd_batch(args) -> int:
    from xlpkg.batch.runner import run_batch

    result = run_batch(args.dir, args.output, jobs=args.jobs, force=args.force,
                       rules_path=args.rules)
    return EXIT_STRICT if args.strict and result.errors else EXIT_OK


def cmd_import(args) -> int:
    from xlpkg.juesuan import import_files
    from xlpkg.juesuan.output import json_text, write_output, yaml_text

    _not_an_input(args.output, *args.files, *args.prior)
    result = import_files(args.files, scope=args.scope, prior=args.prior,
                          econ_detail=args.econ_detail)
    if args.json:
        sys.stdout.write(json_text(result))
    if args.output is not None:
        write_output(result, args.output, force=args.force)
    elif not args.json:
        sys.stdout.write(yaml_text(result))
    counts = {s: sum(f.severity == s for f in result.findings) for s in ("error", "warning")}
    from xlpkg.core.finding import SEVERITY_LABELS

    for f in result.findings:   # the problems, whatever the output: a workbook has no comments
        if f.severity != "info" and not args.json:
            print(f"【{SEVERITY_LABELS[f.severity]}】{f.message}", file=sys.stderr)
    print(f"已导入 {len(result.tables)} 张表：{counts['error']} 个错误、{counts['warning']} 个警告"
          + (f"；已写出 {args.output}" if args.output is not None else ""), file=sys.stderr)
    return _strict_code(args, result.findings)
def cmd_serve(args) -> int:
    from xlpkg.serve.server import run

    run(args.port, open_browser=not args.no_browser)
    return EXIT_OK


def cmd_vba_update(args) -> int:
    from xlpkg.vba.update import update_workbook_vba

    backup = update_workbook_vba(args.book)
    print(f"已更新 VBA 工程：{args.book}（原文件已备份为 {backup}）")
    return EXIT_OK


# ---------------------------------------------------------------- entry point


def _tolerant_streams() -> None:
    """A console that cannot show Chinese prints escapes instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def _drop_stdout() -> None:
    """The reader of our output went away (``xlpkg check BOOK | head -1``): send the
    rest to nowhere, so Python's own flush at exit does not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _out_of_memory(exc: BaseException) -> int:
    from xlpkg.atomic import release_quietly

    release_quietly(exc)
    print("xlpkg：内存不足，无法完成处理（文件可能过大或已损坏）。", file=sys.stderr)
    print("提示：请关闭其他程序后重试，或检查该文件是否异常庞大", file=sys.stderr)
    return EXIT_INPUT


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    _tolerant_streams()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_OK
        code = args.func(args)
        sys.stdout.flush()   # a closed pipe shows here, inside the handler
        return code
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_OK
    except XlpkgError as exc:
        if debug:
            raise
        print(f"xlpkg：{exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"提示：{exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("xlpkg：已中断，未写出半成品文件。", file=sys.stderr)
        return 130
    except MemoryError as exc:
        return _out_of_memory(exc)
    except OSError as exc:
        if debug:
            raise
        from xlpkg.atomic import memory_exhausted, os_reason, release_quietly

        release_quietly(exc)
        if memory_exhausted(exc):
            return _out_of_memory(exc)

        where = f"：{exc.filename}" if exc.filename else ""
        print(f"xlpkg：文件读写失败{where}（{os_reason(exc)}）", file=sys.stderr)
        print("提示：请检查文件和文件夹是否存在、是否有读写权限、磁盘是否已满", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:
        if debug:
            raise
        from xlpkg.atomic import memory_exhausted

        if memory_exhausted(exc):   # lxml, an import: low memory in other words
            return _out_of_memory(exc)
        print(f"xlpkg：处理失败（{type(exc).__name__}）。这可能是程序缺陷。", file=sys.stderr)
        print("提示：请加 --debug 重新运行，并把输出发给维护人员", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
