"""What each ``xlpkg`` subcommand does: a few lines over a library function each.

Owns the exit codes (CONTRACT §4): 0 done, 1 done but ``--strict`` and an error
finding, 2 the input could not be read or the output not written. Everything heavy is
imported inside the command that needs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlpkg.errors import OutputError

EXIT_OK, EXIT_STRICT, EXIT_INPUT = 0, 1, 2


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
        import json

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
        import json

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
