"""决算 table fixtures built in code, in every file format ``xlpkg import`` reads.

A sheet is ``(name, rows, merges)``: rows of cell values (None = blank; float/int =
a number cell; str = text, which may look like a number, ``2,940.05``),
merges as (r0, c0, r1, c1), 0-based inclusive. The Putuo tables copy the
published 2024 figures of 上海市普陀区财政局 (JUESUAN.md); the 功能分类 detail of
its 一般公共预算财政拨款支出决算表 under each 类 is constructed to add up (the
reference lists only the 类 and total figures).
"""

from __future__ import annotations

import html
from pathlib import Path

Sheet = tuple  # (name, rows, merges)


# ---------------------------------------------------------------- writers


def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name, rows, merges in sheets:
        ws = wb.add_worksheet(name)
        covered = set()
        for r0, c0, r1, c1 in merges:
            v = rows[r0][c0] if c0 < len(rows[r0]) else None
            ws.merge_range(r0, c0, r1, c1, "" if v is None else v)
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None and (r, c) not in covered:
                    ws.write(r, c, v)
    wb.close()
    return path


def write_xls(path: Path, sheets: list[Sheet]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows, merges in sheets:
        ws = wb.add_sheet(name)
        covered = set()
        for r0, c0, r1, c1 in merges:
            v = rows[r0][c0] if c0 < len(rows[r0]) else None
            ws.write_merge(r0, r1, c0, c1, "" if v is None else v)
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None and (r, c) not in covered:
                    ws.write(r, c, v)
    wb.save(str(path))
    return path


def write_spreadsheetml(path: Path, sheets: list[Sheet]) -> Path:
    """Excel 2003 XML, as Java exporters write ``.xls`` files."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<?mso-application progid="Excel.Sheet"?>',
           ('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">')]
    for name, rows, merges in sheets:
        starts = {(r0, c0): (r1 - r0, c1 - c0) for r0, c0, r1, c1 in merges}
        covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(starts)
        out.append(f'<Worksheet ss:Name="{html.escape(name)}"><Table>')
        for r, row in enumerate(rows):
            out.append(f'<Row ss:Index="{r + 1}">')
            for c, v in enumerate(row):
                if (r, c) in covered or (v is None and (r, c) not in starts):
                    continue
                attrs = f' ss:Index="{c + 1}"'
                if (r, c) in starts:
                    down, across = starts[(r, c)]
                    attrs += (f' ss:MergeAcross="{across}"' if across else "") + \
                        (f' ss:MergeDown="{down}"' if down else "")
                kind = "Number" if isinstance(v, (int, float)) else "String"
                data = "" if v is None else html.escape(str(v))
                out.append(f'<Cell{attrs}><Data ss:Type="{kind}">{data}</Data></Cell>')
            out.append("</Row>")
        out.append("</Table></Worksheet>")
    out.append("</Workbook>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def write_html(path: Path, sheets: list[Sheet], encoding: str = "gb18030") -> Path:
    """An HTML page of tables saved as ``.xls`` (what web exporters produce)."""
    out = [(f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
            "</head><body>")]
    for _name, rows, merges in sheets:
        starts = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
        covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(starts)
        out.append("<table border=1>")
        width = max(len(r) for r in rows)
        for r, row in enumerate(rows):
            out.append("<tr>")
            for c in range(width):
                if (r, c) in covered:
                    continue
                v = row[c] if c < len(row) else None
                span = ""
                if (r, c) in starts:
                    rs, cs = starts[(r, c)]
                    span = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                out.append(f"<td{span}>{'' if v is None else html.escape(str(v))}</td>")
            out.append("</tr>")
        out.append("</table><br>")
    out.append("</body></html>")
    path.write_bytes("\n".join(out).encode(encoding))
    return path


# ---------------------------------------------------------------- the Putuo 2024 tables (万元)

DEPT = "上海市普陀区财政局"
DOC_TITLE = f"{DEPT}2024年度部门决算"

T1_INCOME = [("一、一般公共预算财政拨款收入", "2,940.05"), ("二、政府性基金预算财政拨款收入", None),
             ("三、国有资本经营预算财政拨款收入", None), ("四、上级补助收入", None),
             ("五、事业收入", None), ("六、经营收入", None), ("七、附属单位上缴收入", None),
             ("八、其他收入", "6.20")]
CLASSES_2024 = ["一般公共服务", "外交", "国防", "公共安全", "教育", "科学技术", "文化旅游体育与传媒",
                "社会保障和就业", "卫生健康", "节能环保", "城乡社区", "农林水", "交通运输",
                "资源勘探工业信息等", "商业服务业等", "金融", "援助其他地区", "自然资源海洋气象等",
                "住房保障", "粮油物资储备", "国有资本经营预算", "灾害防治及应急管理", "其他",
                "债务还本", "债务付息", "抗疫特别国债安排的"]
SPENDING = {"一般公共服务": "2,106.66", "社会保障和就业": "326.71", "卫生健康": "60.99",
            "住房保障": "445.69"}
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
            "十四", "十五", "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三",
            "二十四", "二十五", "二十六"]


def t1_rows(classes=CLASSES_2024, *, title="收入支出决算总表", tag=None, line_numbers=False):
    """收入支出决算总表: 收入 | 支出 panes, no 行次, 决算数 only (Putuo 2024)."""
    rows = [[title], [tag] if tag else None, [None, None, None, "单位：万元"],
            ["收入", None, "支出", None], ["项目", "决算数", "项目", "决算数"]]
    rows = [r for r in rows if r is not None]
    top = len(rows)
    spend = [(f"{NUMERALS[i]}、{name}支出", SPENDING.get(name)) for i, name in enumerate(classes)]
    for i in range(max(len(T1_INCOME), len(spend))):
        left = T1_INCOME[i] if i < len(T1_INCOME) else (None, None)
        right = spend[i] if i < len(spend) else (None, None)
        rows.append([left[0], left[1], right[0], right[1]])
    rows += [["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"],
             ["使用非财政拨款结余（含专用结余）", None, "结余分配", None],
             ["年初结转和结余", "49.14", "年末结转和结余", "55.34"],
             ["总计", "2,995.39", "总计", "2,995.39"]]
    merges = [(0, 0, 0, 3), (top - 2, 0, top - 2, 1), (top - 2, 2, top - 2, 3)]
    if line_numbers:   # insert a 行次 column into each pane
        rows = [_with_lines(r, i - top + 1 if i >= top else None, i == top - 1)
                for i, r in enumerate(rows)]
        merges = [(0, 0, 0, 5), (top - 2, 0, top - 2, 2), (top - 2, 3, top - 2, 5)]
    return rows, merges


def _with_lines(row, n, header):
    row = list(row) + [None] * (4 - len(row))
    if header:
        return [row[0], "行次", row[1], row[2], "行次", row[3]]
    if n is None:
        return [row[0], None, row[1], row[2], None, row[3]]
    return [row[0], n if row[0] else None, row[1], row[2], n + 40 if row[2] else None, row[3]]


def t4_rows():
    """财政拨款收入支出决算总表: 收入 (项目, 决算数) | 支出 (项目, 合计 and three funds)."""
    rows = [["财政拨款收入支出决算总表"], [None, None, None, None, None, "单位：万元"],
            ["收入", None, "支出", None, None, None],
            ["项目", "决算数", "项目", "决算数", None, None],
            [None, None, None, "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
             "国有资本经营预算财政拨款"]]
    income = [("一、一般公共预算财政拨款", "2,940.05"), ("二、政府性基金预算财政拨款", None),
              ("三、国有资本经营预算财政拨款", None)]
    spend = [(f"{NUMERALS[i]}、{n}支出", SPENDING.get(n)) for i, n in enumerate(CLASSES_2024)]
    for i in range(len(spend)):
        left = income[i] if i < len(income) else (None, None)
        rows.append([left[0], left[1], spend[i][0], spend[i][1], spend[i][1], None, None])
    rows += [["本年收入合计", "2,940.05", "本年支出合计", "2,940.05", "2,940.05", None, None],
             ["年初财政拨款结转和结余", "21.63", "年末财政拨款结转和结余", "21.63", "21.63", None, None],
             ["总计", "2,961.68", "总计", "2,961.68", "2,961.68", None, None]]
    merges = [(0, 0, 0, 6), (2, 0, 2, 1), (2, 2, 2, 6), (3, 0, 4, 0), (3, 1, 4, 1), (3, 2, 4, 2),
              (3, 3, 3, 6)]
    return rows, merges


T5_TREE = [  # code, name, 合计, 基本, 项目 (万元)
    ("201", "一般公共服务支出", 2106.66, 1503.52, 603.14),
    ("20106", "财政事务", 2106.66, 1503.52, 603.14),
    ("2010601", "行政运行", 1503.52, 1503.52, None),
    ("2010699", "其他财政事务支出", 603.14, None, 603.14),
    ("208", "社会保障和就业支出", 326.71, 326.71, None),
    ("20805", "行政事业单位养老支出", 326.71, 326.71, None),
    ("2080501", "行政单位离退休", 69.41, 69.41, None),
    ("2080505", "机关事业单位基本养老保险缴费支出", 160.75, 160.75, None),
    ("2080506", "机关事业单位职业年金缴费支出", 80.38, 80.38, None),
    ("2080599", "其他行政事业单位养老支出", 16.17, 16.17, None),
    ("210", "卫生健康支出", 60.99, 60.99, None),
    ("21011", "行政事业单位医疗", 60.99, 60.99, None),
    ("2101101", "行政单位医疗", 60.99, 60.99, None),
    ("221", "住房保障支出", 445.69, 445.69, None),
    ("22102", "住房改革支出", 445.69, 445.69, None),
    ("2210201", "住房公积金", 187.19, 187.19, None),
    ("2210203", "购房补贴", 258.50, 258.50, None),
]
T5_TOTAL = (2940.05, 2336.91, 603.14)


def t5_rows(*, split=False, total_last=False, yuan=False, spaced_total=False):
    """一般公共预算财政拨款支出决算表: codes joined (2010601) or split (201 | 06 | 01)."""
    f = (lambda v: None if v is None else round(v * 10000, 2)) if yuan else (lambda v: v)
    unit = "单位：元" if yuan else "单位：万元"
    if split:
        head = [["项目", None, None, None, "本年支出"],
                ["科目编码", None, None, "科目名称", "合计", "基本支出", "项目支出"],
                ["类", "款", "项", None, None, None, None]]
        merges = [(2, 0, 2, 3), (2, 4, 2, 6), (3, 0, 3, 2), (3, 3, 4, 3), (3, 4, 4, 4),
                  (3, 5, 4, 5), (3, 6, 4, 6)]
        body = [[c[:3], c[3:5] or None, c[5:7] or None, name, f(t), f(b), f(p)]
                for c, name, t, b, p in T5_TREE]
        total = [None, None, None, "合 计" if spaced_total else "合计", *map(f, T5_TOTAL)]
    else:
        head = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        merges = []
        body = [[c, name, f(t), f(b), f(p)] for c, name, t, b, p in T5_TREE]
        total = [None, "合 计" if spaced_total else "合计", *map(f, T5_TOTAL)]
    rows = [["一般公共预算财政拨款支出决算表"], [None, None, None, None, unit]] + head
    rows += (body + [total]) if total_last else ([total] + body)
    return rows, merges


T6_LEFT = [("301", None, "工资福利支出", "2,082.85"), ("301", "01", "基本工资", "262.33"),
           ("301", "02", "津贴补贴", "1,238.58"), ("301", "03", "奖金", None),
           ("301", "06", "伙食补助费", None), ("301", "07", "绩效工资", None),
           ("301", "08", "机关事业单位基本养老保险缴费", "160.75"), ("301", "09", "职业年金缴费", "80.38"),
           ("301", "10", "职工基本医疗保险缴费", "60.99"), ("301", "11", "公务员医疗补助缴费", None),
           ("301", "12", "其他社会保障缴费", "1.61"), ("301", "13", "住房公积金", "187.19"),
           ("301", "14", "医疗费", None), ("301", "99", "其他工资福利支出", "91.03"),
           ("303", None, "对个人和家庭的补助", "69.41"), ("303", "01", "离休费", None),
           ("303", "02", "退休费", "69.10"), ("303", "03", "退职（役）费", None),
           ("303", "04", "抚恤金", None), ("303", "09", "奖励金", "0.31")]
T6_RIGHT = [("302", None, "商品和服务支出", "171.07"), ("302", "01", "办公费", "21.21"),
            ("302", "02", "印刷费", "7.61"), ("302", "03", "咨询费", None),
            ("302", "04", "手续费", "0.09"), ("302", "05", "水费", None), ("302", "06", "电费", None),
            ("302", "07", "邮电费", "4.88"), ("302", "08", "取暖费", None),
            ("302", "09", "物业管理费", None), ("302", "11", "差旅费", "1.20"),
            ("302", "12", "因公出国（境）费用", None), ("302", "13", "维修（护）费", "2.83"),
            ("302", "14", "租赁费", None), ("302", "15", "会议费", None), ("302", "16", "培训费", "4.05"),
            ("302", "17", "公务接待费", None), ("302", "26", "劳务费", "2.01"),
            ("302", "28", "工会经费", "24.42"), ("302", "29", "福利费", "42.77"),
            ("302", "39", "其他交通费用", "48.49"), ("302", "99", "其他商品和服务支出", "11.53"),
            ("310", None, "资本性支出", "13.58"), ("310", "02", "办公设备购置", "13.58")]


def t6_rows(*, title="一般公共预算财政拨款基本支出决算表"):
    """Two economic-classification panes side by side: 301/303 | 302/310."""
    rows = [[title], [None, None, None, None, None, None, None, None, "单位：万元"],
            ["经济分类科目编码", None, "科目名称", "决算数", "经济分类科目编码", None, "科目名称", "决算数"],
            ["类", "款", None, None, "类", "款", None, None]]
    merges = [(2, 0, 2, 1), (2, 4, 2, 5), (2, 2, 3, 2), (2, 3, 3, 3), (2, 6, 3, 6), (2, 7, 3, 7)]
    for i in range(max(len(T6_LEFT), len(T6_RIGHT))):
        left = list(T6_LEFT[i]) if i < len(T6_LEFT) else [None] * 4
        right = list(T6_RIGHT[i]) if i < len(T6_RIGHT) else [None] * 4
        rows.append(left + right)
    rows.append([None, None, "人员经费合计", "2,152.26", None, None, "公用经费合计", "184.65"])
    return rows, merges


SANGONG_HEAD = ["合计", None, "因公出国（境）费", None, "公务用车购置及运行费", None, None, None,
                None, None, "公务接待费", None]


def t7_wide_rows(values, *, merged=True, title="财政拨款“三公”经费支出决算表"):
    """The 12-column wide table: 合计 | 出国 | 用车 (小计 购置 运行) | 接待, each 预算数 | 决算数."""
    rows = [[title], [None] * 11 + ["单位：万元"], list(SANGONG_HEAD),
            [None] * 4 + ["小计", None, "购置费", None, "运行费", None, None, None],
            ["预算数", "决算数"] * 6, list(values)]
    merges = []
    if merged:
        merges = [(2, 0, 3, 1), (2, 2, 3, 3), (2, 4, 2, 9), (3, 4, 3, 5), (3, 6, 3, 7),
                  (3, 8, 3, 9), (2, 10, 3, 11)]
    return rows, merges


def on_sheet(name: str, *tables, doc_title: str | None = None, gap: int = 2) -> Sheet:
    """Stack several tables on one sheet, each a few rows below the last."""
    rows, merges = ([[doc_title]], []) if doc_title else ([], [])
    for t_rows, t_merges in tables:
        top = len(rows)
        rows += [list(r) for r in t_rows]
        merges += [(r0 + top, c0, r1 + top, c1) for r0, c0, r1, c1 in t_merges]
        rows += [[] for _ in range(gap)]
    return (name, rows, merges)


def putuo_sheets(*, t7=None) -> list[Sheet]:
    """The Putuo public tables, one per sheet, under the document title, with 公开0N表 tags."""
    t7 = t7 or t7_wide_rows([5.00, 1.18, None, None, 3.00, 1.18, None, None, 3.00, None,
                             2.00, None])
    return [on_sheet("表一", t1_rows(tag="公开01表"), doc_title=DOC_TITLE),
            on_sheet("表四", t4_rows(), doc_title=DOC_TITLE),
            on_sheet("表五", t5_rows()),
            on_sheet("表六", t6_rows()),
            on_sheet("表七", t7)]


# ---------------------------------------------------------------- the internal 财决 export (元)

def yuan(v):
    return None if v is None else round(v * 10000, 2)


def z01_rows(dept="某某区财政局"):
    """财决01表: three panes (收入 | 支出 by function | 支出 by kind), 行次, 栏次,
    年初预算数 | 全年预算数 | 决算数, in 元 (fealtyjay/excelImport reads it with 4 header rows)."""
    head = ["项目", "行次", "年初预算数", "全年预算数", "决算数"]
    rows = [["收入支出决算总表"], ["财决01表"],
            [f"编制单位：{dept}", None, None, None, None, None, None, "2024年度", None, None,
             None, None, None, None, "单位：元"],
            ["收入"] + [None] * 4 + ["支出"] + [None] * 9,
            head * 3,
            ["栏次", None, 1, 2, 3, "栏次", None, 4, 5, 6, "栏次", None, 7, 8, 9]]
    income = [("一、财政拨款收入", (2900.00, 2940.05, 2940.05)), ("二、上级补助收入", (None,) * 3),
              ("三、事业收入", (None,) * 3), ("四、经营收入", (None,) * 3),
              ("五、附属单位上缴收入", (None,) * 3), ("六、其他收入", (None, None, 6.20))]
    func = [("一般公共服务支出", (2050.00, 2110.00, 2106.66)), ("社会保障和就业支出", (330.00, 326.71, 326.71)),
            ("卫生健康支出", (60.00, 60.99, 60.99)), ("住房保障支出", (460.00, 448.55, 445.69))]
    kind = [("一、基本支出", (2300.00, 2340.00, 2336.91)), ("其中：人员经费", (2140.00, 2152.26, 2152.26)),
            ("公用经费", (160.00, 187.74, 184.65)), ("二、项目支出", (600.00, 606.25, 603.14))]
    n = max(len(income), len(func), len(kind))
    for i in range(n):
        row = []
        for j, pane in enumerate((income, func, kind)):
            if i < len(pane):
                name, vals = pane[i]
                row += [name, i + 1 + 20 * j, *map(yuan, vals)]
            else:
                row += [None] * 5
        rows.append(row)
    rows.append(["本年收入合计", 30, *map(yuan, (2900.00, 2940.05, 2946.25)),
                 "本年支出合计", 50, *map(yuan, (2900.00, 2946.25, 2940.05)),
                 None, None, None, None, None])
    rows.append(["年初结转和结余", 31, None, None, yuan(49.14), "年末结转和结余", 51, None, None,
                 yuan(55.34), None, None, None, None, None])
    rows.append(["总计", 32, None, None, yuan(2995.39), "总计", 52, None, None, yuan(2995.39),
                 None, None, None, None, None])
    return rows, [(0, 0, 0, 14), (3, 0, 3, 4), (3, 5, 3, 14)]


def z04_rows():
    """财决04表 支出决算表: 合计 last, 7-digit codes joined, in 元."""
    rows = [["支出决算表"], ["财决04表"], [None] * 7 + ["单位：元"],
            ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
             "对附属单位补助支出"]]
    for code, name, t, b, p in T5_TREE:
        rows.append([code, name, yuan(t), yuan(b), yuan(p), None, None, None])
    rows.append([None, "合计", *map(yuan, T5_TOTAL), None, None, None])
    return rows, []


def internal_sheets() -> list[Sheet]:
    t05 = t6_rows(title="基本支出决算明细表")
    rows = [list(r) for r in t05[0]]
    rows.insert(1, ["财决05-1表"])
    merges = [(r0 + 1 if r0 >= 1 else r0, c0, r1 + 1 if r1 >= 1 else r1, c1)
              for r0, c0, r1, c1 in t05[1]]
    return [on_sheet("Z01 收入支出决算总表(财决01表)", z01_rows()),
            on_sheet("Z04 支出决算表(财决04表)", z04_rows()),
            on_sheet("Z05_1 基本支出决算明细表(财决05-1表)", (rows, merges))]


# ---------------------------------------------------------------- the MoF 公开 template layouts

def mof_t2_rows():
    """收入决算表 as the MoF template prints it: 项目 over (功能分类科目编码 类|款|项, 科目名称),
    a 栏次 row, and 合计 typed across the merged code cells."""
    rows = [["收入决算表"], [None] * 9 + ["公开02表"], ["编制单位：某某局"] + [None] * 8 + ["单位：万元"],
            ["项目", None, None, None, "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
             "附属单位上缴收入", "其他收入"],
            ["功能分类科目编码", None, None, "科目名称"] + [None] * 7,
            ["类", "款", "项"] + [None] * 8,
            ["栏次", None, None, None, 1, 2, 3, 4, 5, 6, 7],
            ["合计", None, None, None, 120.50, 100.00, None, 20.50, None, None, None],
            ["201", None, None, "一般公共服务支出", 120.50, 100.00, None, 20.50, None, None, None],
            ["201", "03", None, "政府办公厅（室）及相关机构事务", 120.50, 100.00, None, 20.50, None, None,
             None],
            ["201", "03", "01", "行政运行", 90.50, 90.50, None, None, None, None, None],
            ["201", "03", "50", "事业运行", 30.00, 9.50, None, 20.50, None, None, None]]
    merges = [(3, 0, 3, 3), (4, 0, 4, 2), (4, 3, 5, 3), (6, 0, 6, 3), (7, 0, 7, 3)] + \
        [(3, c, 5, c) for c in range(4, 11)]
    return rows, merges


def mof_t6_rows():
    """基本支出决算表 with three panes under 人员经费 | 公用经费, codes joined (30101)."""
    rows = [["一般公共预算财政拨款基本支出决算表"], [None] * 8 + ["单位：万元"],
            ["人员经费", None, None, "公用经费", None, None, None, None, None],
            ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"],
            ["301", "工资福利支出", 80.00, "302", "商品和服务支出", 15.00, "307", "债务利息及费用支出", None],
            ["30101", "基本工资", 50.00, "30201", "办公费", 10.00, "310", "资本性支出", 2.00],
            ["30102", "津贴补贴", 30.00, "30211", "差旅费", 5.00, "31002", "办公设备购置", 2.00],
            ["303", "对个人和家庭的补助", 5.00, "30215", "会议费", None, "399", "其他支出", None],
            ["30302", "退休费", 5.00, "30216", "培训费", None, None, None, None],
            ["人员经费合计", None, 85.00, "公用经费合计", None, None, None, None, 17.00]]
    merges = [(2, 0, 2, 2), (2, 3, 2, 8), (9, 0, 9, 1), (9, 3, 9, 7)]
    return rows, merges


def mof_t7_rows():
    """“三公” table with 预算数 | 决算数 on top and the six items under each."""
    items = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    subs = [None, None, "小计", "公务用车购置费", "公务用车运行费", None]
    rows = [["财政拨款“三公”经费支出决算表"], [None] * 11 + ["单位：万元"],
            ["预算数"] + [None] * 5 + ["决算数"] + [None] * 5, items + items, subs + subs,
            ["栏次"] + list(range(2, 13)),   # a 栏次 row whose first cell says so
            [6.00, 1.00, 3.00, None, 3.00, 2.00, 5.20, 0.80, 2.90, "0.00", 2.90, 1.50]]
    rows[5][0] = "栏次"
    merges = [(2, 0, 2, 5), (2, 6, 2, 11), (3, 2, 3, 4), (3, 8, 3, 10), (3, 0, 4, 0),
              (3, 1, 4, 1), (3, 5, 4, 5), (3, 6, 4, 6), (3, 7, 4, 7), (3, 11, 4, 11)]
    return rows, merges


def fund_rows(title, empty=False):
    """政府性基金 / 国有资本经营预算财政拨款收入支出决算表: empty ones say so."""
    head = [[title], [None] * 8 + ["单位：万元"],
            ["项目", None, "年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余"],
            ["科目编码", "科目名称", None, None, "合计", "基本支出", "项目支出", None]]
    merges = [(2, 0, 2, 1), (2, 4, 2, 6), (2, 2, 3, 2), (2, 3, 3, 3), (2, 7, 3, 7)]
    if empty:
        return head + [[None, "合计", None, None, None, None, None, None],
                       ["注：本部门本年度无政府性基金预算财政拨款收入、支出及结转结余，故本表无数据。"]], merges
    return head + [[None, "合计", None, 12.00, 12.00, 2.00, 10.00, None],
                   ["212", "城乡社区支出", None, 12.00, 12.00, 2.00, 10.00, None]], merges
