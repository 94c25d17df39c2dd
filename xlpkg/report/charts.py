"""The report's optional figures (``xlpkg report --charts``), drawn with matplotlib.

Owns turning the ``chart_data`` of the report content into PNG images: the
structure of this year's spending (基本支出 / 项目支出 as shares of 财政拨款支出合计,
the figures of 表1) and this year against last year; and saying when they cannot
be drawn (:func:`unavailable`: no matplotlib, or no CJK font for the labels). matplotlib is imported only here, and this module only
when charts are asked for, so the default report path stays fast. Labels are
Chinese, so a CJK font the machine has is chosen (Noto CJK, WenQuanYi, SimHei,
Microsoft YaHei …).
"""

from __future__ import annotations

import io
from decimal import Decimal

from xlpkg.core.money import fmt_amount

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "SimSun", "FangSong",
             "PingFang SC", "Heiti SC", "AR PL UMing CN")
DPI = 200


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    available = {f.name for f in font_manager.fontManager.ttflist}
    chosen = [name for name in CJK_FONTS if name in available]
    pyplot.rcParams["font.sans-serif"] = chosen + list(pyplot.rcParams["font.sans-serif"])
    pyplot.rcParams["font.family"] = "sans-serif"
    pyplot.rcParams["axes.unicode_minus"] = False
    pyplot.rcParams["svg.hashsalt"] = "xlpkg"
    return pyplot


def cjk_font_available() -> bool:
    """Whether matplotlib finds one of :data:`CJK_FONTS` here (else labels show boxes)."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return any(name in available for name in CJK_FONTS)


def _png(fig) -> bytes:
    fig.patch.set_facecolor("white")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight",
                metadata={"Software": None})
    return out.getvalue()


def _f(value: Decimal) -> float:
    return float(value)


def structure_chart(structure) -> bytes:
    """A horizontal bar per part of spending, annotated with the context's own words
    (amount and share as the report states them: nothing is computed here)."""
    plt = _pyplot()
    labels = [label for label, _, _ in structure]
    values = [_f(v) for _, v, _ in structure]
    notes = [note for _, _, note in structure]
    fig, ax = plt.subplots(figsize=(6.0, 0.6 + 0.55 * len(values)))
    bars = ax.barh(labels[::-1], values[::-1], color="#4a6fa5")
    for bar, note in zip(bars, notes[::-1]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {note}",
                va="center", fontsize=9)
    ax.set_xlabel("万元")
    ax.set_xlim(0, max(values) * 1.45 if values else 1)
    return _finish(plt, fig, ax)


def yoy_chart(yoy) -> bytes:
    """Last year against this year, grouped bars per row."""
    plt = _pyplot()
    labels = [label for label, _, _ in yoy]
    prior = [_f(p) for _, p, _ in yoy]
    actual = [_f(a) for _, _, a in yoy]
    x = range(len(labels))
    width = 0.38
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    b1 = ax.bar([i - width / 2 for i in x], prior, width, label="上年决算数", color="#b0b7c3")
    b2 = ax.bar([i + width / 2 for i in x], actual, width, label="本年决算数", color="#4a6fa5")
    for bars, values in ((b1, [p for _, p, _ in yoy]), (b2, [a for _, _, a in yoy])):
        for bar, value in zip(bars, values):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), fmt_amount(value),
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("万元")
    ax.legend(frameon=False, fontsize=9)
    return _finish(plt, fig, ax)


def _finish(plt, fig, ax) -> bytes:
    """Open axes (no top/right frame), tight layout, PNG bytes; the figure is freed."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    data = _png(fig)
    plt.close(fig)
    return data


def unavailable() -> str:
    """Why charts cannot be drawn here (Chinese, for the console), or "" when they can."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "未安装 matplotlib（pip install xlpkg[charts]），报告中未加图表"
    if not cjk_font_available():
        return ("未找到中文字体（如 Noto Sans CJK、文泉驿、黑体），图中的中文会显示为方框，"
                "报告中未加图表")
    return ""


def chart_pngs(data) -> list[tuple[str, bytes]]:
    """(caption, PNG) for each figure the data allows; none where :func:`unavailable`
    says why (boxes for every Chinese label are worse than no figure)."""
    if unavailable():
        return []
    out = []
    if data.get("structure"):
        out.append((data["structure_caption"], structure_chart(data["structure"])))
    if data.get("yoy"):
        out.append((data["yoy_caption"], yoy_chart(data["yoy"])))
    return out
