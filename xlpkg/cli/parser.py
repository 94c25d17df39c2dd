"""The ``xlpkg`` command line: every subcommand, its arguments and its help, in Chinese.

Owns the argparse declarations (which the contract's CLI table in docs/contract.md is
generated from) and argparse's own messages in Chinese. A run builds the top level and
the one subcommand it names only: building all of them costs more than a check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlpkg import __version__
from xlpkg.cli import commands
from xlpkg.errors import XlpkgError

# argparse looks each of its messages up in gettext's catalogues (a search of the disk
# per message, a few per parser built); its English is what _Parser.error matches and
# puts into Chinese, so the lookup is skipped: with no catalogue it changes nothing.
argparse._ = str


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


def _done(p: argparse.ArgumentParser, func) -> None:
    _common(p)
    p.set_defaults(func=func)


def _strict(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="存在“错误”级校验结果时以退出码 1 结束")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``command``, the top level and that one subcommand only
    (what a run of it needs: building all thirteen costs more than the checks)."""
    def want(name: str) -> bool:
        return command is None or command == name
    parser = _Parser(prog="xlpkg", description="部门整体支出绩效自评：工作簿 → 校验、自评表、Word 报告。")
    parser.add_argument("--version", action="version", version=f"xlpkg {__version__}",
                        help="显示版本号并退出")
    parser.add_argument("--debug", action="store_true", help="出错时显示 Python 详细信息")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    if want("template"):
        p = sub.add_parser("template", help="生成空白的工作簿模板（.xlsm 启用宏 / .xlsx 通用版）",
                           description="生成空白的工作簿（默认 workbook/template.xlsm）。扩展名决定版本："
                                       ".xlsm 为启用宏的 Excel + Python 版，.xlsx 为只用表格软件自带公式的通用版"
                                       "（WPS、LibreOffice、Mac）。")
        p.add_argument("-o", "--output", type=Path, default=Path("workbook/template.xlsm"),
                       help="输出路径（默认 workbook/template.xlsm；.xlsx 为通用版）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的其他文件")
        _done(p, commands.cmd_template)
    if want("fill"):
        p = sub.add_parser("fill", help="把 YAML/JSON 数据填入新的工作簿",
                           description="以模板为基础生成一个新工作簿，填入数据文件中的数据。")
        p.add_argument("data", type=Path, help="数据文件（.yaml / .json）或工作簿")
        p.add_argument("-o", "--output", type=Path, required=True,
                       help="新工作簿路径（.xlsm 启用宏版，.xlsx 通用版）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
        _done(p, commands.cmd_fill)
    if want("rollover"):
        p = sub.add_parser("rollover", help="由本年工作簿生成下一年度的工作簿（本年决算数转为上年决算数）",
                           description="读取本年的工作簿或数据文件（不修改它），生成下一年度的新工作簿：年度加 1，"
                                       "本年决算数转为上年决算数，保留单位、项目、指标及其目标值；预算数、决算数、"
                                       "实际值、自评得分、原因和文字内容留空待填。")
        p.add_argument("book", type=Path, help="本年的工作簿（.xlsx / .xlsm）或数据文件")
        p.add_argument("-o", "--output", type=Path, required=True,
                       help="下一年度工作簿路径（.xlsm 启用宏版，.xlsx 通用版）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
        _done(p, commands.cmd_rollover)
    if want("export"):
        p = sub.add_parser("export", help="把工作簿中的数据导出为 YAML/JSON",
                           description="读取工作簿（不修改它），按数据约定导出为 YAML（或 JSON）。")
        p.add_argument("book", type=Path, help="工作簿（.xlsx / .xlsm）")
        p.add_argument("-o", "--output", type=Path, help="输出文件；省略时打印到屏幕")
        p.add_argument("--json", action="store_true", help="输出 JSON 而不是 YAML")
        p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
        _done(p, commands.cmd_export)
    if want("check"):
        p = sub.add_parser("check", help="校验数据，列出每一处前后不一致及其单元格",
                           description="运行全部校验规则。输入可以是工作簿或 YAML/JSON 数据文件。")
        p.add_argument("input", type=Path, help="工作簿或数据文件")
        p.add_argument("--json", action="store_true", help="按数据约定输出 JSON")
        _strict(p)
        _done(p, commands.cmd_check)
    if want("report"):
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
        _done(p, commands.cmd_report)
    if want("score"):
        p = sub.add_parser("score", help="计算部门整体支出绩效自评表（得分与等级）",
                           description="按评分规则文件计算各项指标值、得分、总分和等级。")
        p.add_argument("input", type=Path, help="工作簿或数据文件")
        p.add_argument("--json", action="store_true", help="输出 JSON")
        p.add_argument("--rules", type=Path, help="评分规则文件（TOML）；默认使用内置的湖南省规则")
        _done(p, commands.cmd_score)
    if want("tables"):
        p = sub.add_parser("tables", help="生成报送用表格：基础数据表、自评表、各项目支出绩效自评表",
                           description="生成一个可直接打印（A4）的 .xlsx：基础数据表、部门整体支出绩效"
                                       "自评表，以及每个项目一张项目支出绩效自评表。")
        p.add_argument("input", type=Path, help="工作簿或数据文件")
        p.add_argument("-o", "--output", type=Path,
                       help="输出路径（默认：<单位>_<年度>_绩效自评表格.xlsx）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
        p.add_argument("--rules", type=Path, help="评分规则文件（默认：湖南省部门整体支出评价指标）")
        _done(p, commands.cmd_tables)
    if want("batch"):
        p = sub.add_parser("batch", help="批量处理文件夹中的全部工作簿，生成报告和汇总表",
                           description="处理 DIR 下（含子文件夹）每一个 .xlsx/.xlsm：生成报告、汇总表和清单。")
        p.add_argument("dir", type=Path, help="存放各单位工作簿的文件夹")
        p.add_argument("-o", "--output", type=Path, required=True, help="输出文件夹")
        p.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：全部 CPU 核）")
        p.add_argument("--force", action="store_true", help="重新处理未变化的工作簿并覆盖输出")
        p.add_argument("--rules", type=Path, help="评分规则文件")
        _strict(p)
        _done(p, commands.cmd_batch)
    if want("import"):
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
        _done(p, commands.cmd_import)
    if want("serve"):
        p = sub.add_parser("serve", help="在本机浏览器中打开检查页面（拖入工作簿，下载报告）",
                           description="启动只在本机（127.0.0.1）可访问的页面：拖入工作簿或数据文件，"
                                       "查看校验结果和自评表，下载报告。按 Ctrl+C 停止。")
        p.add_argument("--port", type=int, default=8765, help="端口（默认 8765）")
        p.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
        _done(p, commands.cmd_serve)
    if want("vba-update"):
        p = sub.add_parser("vba-update", help="只替换工作簿中的 VBA 工程（升级 xlwings 后使用）",
                           description="先备份，再只替换工作簿中的 xl/vbaProject.bin，其余内容保持不变。")
        p.add_argument("book", type=Path, help="启用宏的工作簿（.xlsm）")
        _done(p, commands.cmd_vba_update)
    if command is not None and command not in sub.choices:
        return build_parser()   # an unknown command: the error lists them all
    return parser


def command_named(argv: list[str]) -> str | None:
    """The subcommand ``argv`` runs, or None when the top level answers (help, version)."""
    for arg in argv:
        if arg in ("-h", "--help", "--version"):
            return None
        if not arg.startswith("-"):
            return arg
    return None
