"""The report converts to PDF with LibreOffice (skipped where LibreOffice is absent)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from support import EXAMPLE

from xlpkg.io.data_file import read_data_file
from xlpkg.io.docx_render import write_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_report_converts_to_pdf(tmp_path):
    docx = write_report(read_data_file(EXAMPLE), tmp_path / "report.docx", with_findings=True)
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
