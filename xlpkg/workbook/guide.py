"""The 使用说明 sheet: its text, its buttons and what each one does.

Kept apart from :mod:`xlpkg.workbook.layout` only because it is long prose. The
builder renders it per flavour: the ``.xlsm`` shows the buttons right under the
title (above the fold), the portable ``.xlsx`` shows the commands that do the
same. Words are Excel's own (启用内容, 审阅 → 撤销工作表保护).
"""

from __future__ import annotations

from xlpkg.core.record import record


@record
class Button:
    caption: str
    macro: str    # a Sub of the xlpkg_macros VBA module
    does: str
    command: str  # the same from the command line (for the portable workbook)


BUTTONS = (
    Button("校验数据", "RunChecks",
           "检查各表数据是否前后一致（合计与明细、支出与经济分类、预算执行、绩效目标完成情况等），"
           "在“校验结果”页逐条列出问题和应修改的单元格。", "xlpkg check 工作簿"),
    Button("生成报告", "ExportReport",
           "按省厅提纲生成 Word 格式的《部门整体支出绩效自评报告》，保存在本工作簿所在文件夹；"
           "已有同名报告时另存为“（2）”“（3）”……，不会覆盖。", "xlpkg report 工作簿"),
    Button("更新自评表", "UpdateScores",
           "按评分规则计算各项指标值和得分，连同“自评打分”页的人工评分写入“自评表”页，并给出总分和等级。",
           "xlpkg score 工作簿"),
)

GUIDE_WIDTHS = (2, 20, 96)
GUIDE_TITLE = "部门整体支出绩效自评工作簿 · 使用说明"
GUIDE_FIRST_LINE_ROW = 2
GUIDE_BUTTON_ROWS = 3  # rows each button occupies

# The line under the title, per flavour ("xlsm" / "xlsx").
GUIDE_INTRO = {
    "xlsm": ("本文件是启用宏的工作簿（.xlsm），供 Windows 版 Microsoft Excel ＋ Python（xlwings 0.37.8）使用。"
             "打开时如果上方出现黄色的“安全警告　宏已被禁用”栏，请点“启用内容”；"
             "从网上或邮件得到的文件，请先关闭 Excel，在文件上点右键 →“属性”→ 勾选“解除锁定”→“确定”，再打开。"),
    "xlsx": ("本文件是通用版工作簿（.xlsx）：没有宏和按钮，灰色单元格全部是表格软件自带的公式，"
             "可在 WPS、LibreOffice、Mac 版 Excel 和没有安装 Python 的电脑上使用。"
             "校验、生成报告和自评表请在命令行运行下面的命令（把“工作簿”换成本文件的路径）。"),
}

# (style, text): "group" a heading, "text" a line of both flavours, "xlsm"/"xlsx" a line of one.
GUIDE_LINES: tuple[tuple[str, str], ...] = (
    ("group", "一、填写什么，填在哪里"),
    ("text", "基本情况：单位名称、年度、报告日期、编制数和实际在职人数、结转结余、政府采购、固定资产、其他预算支出、楼堂馆所。"),
    ("text", ("收支情况：收入和财政拨款支出的上年决算数、年初预算数、全年预算数（调整后）、本年决算数。"
             "合计数请照决算报表填写，不要用公式自己加总——程序要把合计与明细互相核对。"
             "支出各行和“三公”经费各行最后一列“变动原因”写明变动较大的原因。")),
    ("text", ("经济分类：基本支出按经济分类科目（301 工资福利支出、302 商品和服务支出、303 对个人和家庭的补助……）"
             "逐行填写上年和本年决算数。")),
    ("text", "项目支出：每个项目一行，填预算数、决算数、资金用途、变动原因、年度目标和实际完成情况。"),
    ("text", ("项目绩效：各项目的绩效指标（项目支出绩效自评表），每个三级指标一行，“项目名称”与项目支出页一致；"
             "填一级、二级指标，计量单位、比较符号、目标值、实际值、分值，定性指标填自评得分，未完成的写偏差原因。")),
    ("text", "“三公”经费：因公出国（境）费、公务用车购置费、公务用车运行维护费、公务接待费及其合计，以及会议费、培训费。"),
    ("text", "重点工作：年度重点工作或绩效指标，每项一行，填计量单位、比较符号（≥ ≤ =）、目标值和实际值。"),
    ("text", "文字内容：报告中的文字，每段一行；“栏目”从下拉列表选择（部门职能、存在的问题及原因分析……）。"),
    ("text", "自评打分：需要人工判断的指标（如绩效目标合理性、管理制度健全性）的得分和说明；“指标”从下拉列表选择。"),
    ("group", "二、填写规则"),
    ("text", "金额单位一律为“万元”，保留两位小数；单元格里只填数字，不要带“万元”等文字（金额按千分位显示，如 1,234.56）。"),
    ("text", "没有发生的填 0；不知道或不适用的留空。空白不等于 0：留空的数据，相关比率显示为空，核对行显示“缺少……，未计算”。"),
    ("text", ("黄色单元格为填写区；灰色单元格由公式计算。“基本情况”“收支情况”“三公”经费三页已锁定（保护没有密码，"
             "需要时可在“审阅 → 撤销工作表保护”）；各表格所在的页不锁定，以便表格增加行。")),
    ("text", ("表格行数不够时：在表格最后一行下面紧接着填写，表格会自动扩大，灰色公式列自动向下填充，"
             "合计和核对行随表格一起计算；也可以用命令 xlpkg fill 由数据文件重新生成工作簿。")),
    ("group", "三、单元格里的提示是什么意思"),
    ("text", "相差 X 万元（红色）：合计数与明细之和不一致，超出四舍五入误差；请照决算报表核对合计或明细。"),
    ("text", "缺少……，未计算：这条核对需要的某个数据留空了，补填后自动核对。"),
    ("text", "无法识别：参与计算的单元格里不是数字（例如带了文字或单位），或者是错误值；改成纯数字即可。"),
    ("text", ("#NAME?：这台电脑上的表格软件不认识工作簿里的 Python 函数（宏被禁用、没有安装 xlwings，或在 WPS、"
             "LibreOffice、Mac 中打开了 .xlsm）。请点“启用内容”，或改用通用版 .xlsx（xlpkg fill 数据文件 -o 工作簿.xlsx）。")),
    ("text", ("#VALUE!：公式的参数不是它能计算的值，或 Python 函数运行出错（例如 xlwings 版本与本工作簿的宏不一致，"
             "可运行 xlpkg vba-update 工作簿.xlsm）。")),
    ("group", "四、用哪个文件"),
    ("text", ("Windows 版 Microsoft Excel，已安装 Python 和 xlwings：用 .xlsm（启用宏的工作簿）——"
             "灰色公式调用 Python 函数，“使用说明”页有三个按钮。")),
    ("text", ("WPS（信创电脑）、LibreOffice、Mac 版 Excel、没有安装 Python 的电脑、财政局审核人员：用 .xlsx（通用版）——"
             "灰色公式全部是表格软件自带的，结果与 .xlsm 相同；没有宏和按钮，校验、报告和自评表用浏览器中的"
             "本机检查页面（xlpkg serve）或命令 xlpkg check / report / score。")),
    ("text", ("两种文件内容和公式结果相同，程序读取方法也相同。由数据文件生成：xlpkg fill 数据.yaml -o 工作簿.xlsm "
             "或 -o 工作簿.xlsx；两种之间转换：先 xlpkg export 工作簿 -o 数据.yaml，再 xlpkg fill。")),
    ("group", "五、运行环境"),
    ("text", "不用按钮也可以用命令行，两种文件都适用："
             + "；".join(f"{b.command}（{b.caption}）" for b in BUTTONS) + "。"),
    ("xlsm", "升级 xlwings 后运行 xlpkg vba-update 工作簿.xlsm，只更新宏，数据不受影响。"),
    ("xlsm", "“校验结果”和“自评表”两页由按钮自动填写，每次运行会清空后重写，请不要在这两页手工填数。"),
    ("xlsm", "设置了密码保护的工作表，按钮不会撤销它的保护，也不会在上面标色，只在提示中列出该表；请先撤销保护再运行。"),
    ("xlsx", ("通用版没有按钮，“校验结果”和“自评表”两页不会自动填写：校验结果和自评表请用上面的命令，"
              "或把工作簿拖入本机检查页面（xlpkg serve）查看；各页的“核对”行在表内实时核对。")),
)
