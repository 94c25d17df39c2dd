"""The report converts to PDF with LibreOffice (skipped where LibreOffice is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from support import EXAMPLE

from xlpkg.pipeline import evaluate
from xlpkg.read.data_file import read_data_file
from xlpkg.report.render import write_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_report_converts_to_pdf(tmp_path):
    docx = write_report(evaluate(read_data_file(EXAMPLE)), tmp_path / "report.docx",
                        with_findings=True)
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True,
                              text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
        assert 8 <= pages <= 40
        assert "595.3 x 841.89 pts (A4)" in info or "(A4)" in info
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        compact = "".join(text.split())
        assert "十、其他需要说明的情况" in compact          # Chinese glyphs came through
        assert "较上年减少11.26万元，减少3.64%" in compact
        _no_stranded_lines(text.split("\f"), docx)
    if shutil.which("pdfinfo"):
        sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(tmp_path / "report.pdf")],
                               capture_output=True, text=True, check=True).stdout
        sizes = [line.split(":", 1)[1].split("pts")[0].split() for line in sizes.splitlines()
                 if re.match(r"Page\s+\d+ size", line)]
        landscape = [float(w) > float(h) for w, _, h in sizes]
        # portrait body, the 自评表 landscape, the findings appendix portrait again
        turns = [i for i in range(1, len(landscape)) if landscape[i] != landscape[i - 1]]
        assert landscape[0] is False and len(turns) == 2, landscape


def _no_stranded_lines(pages: list[str], docx_path) -> None:
    """No page ends with a heading or a table caption, and none starts with a table note
    (keep-with-next did its job)."""
    import docx

    d = docx.Document(str(docx_path))
    kept = {"".join(p.text.split()) for p in d.paragraphs
            if p.style.name.startswith("Heading") or p.style.name == "表题"}
    for n, page in enumerate(pages[:-1], 1):
        lines = ["".join(line.split()) for line in page.splitlines()]
        lines = [line for line in lines if line and not re.fullmatch(r"—\d+—", line)]
        if not lines:
            continue
        assert not any(h.startswith(lines[-1]) or h.endswith(lines[-1]) for h in kept), \
            f"第 {n} 页以标题结尾：{lines[-1]}"
        assert not lines[0].startswith("注："), f"第 {n} 页以表注开头"
