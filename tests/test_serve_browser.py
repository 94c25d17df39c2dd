"""The local page in a real browser: Playwright driving Debian's headless chromium.

Drops the example's filled workbook on the page, finds the 人员经费 error with
its cell, downloads the report and opens it with python-docx. Also: a bad file
shows a Chinese error, the page breaks none of its own CSP and asks nothing of
any other host. ``XLPKG_SCREENSHOT=path.png`` saves the result page (docs/).
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
from support import filled_example, serving

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# .ci/run installs both, so in CI (CI=true) a missing browser fails instead of skipping
if os.environ.get("CI"):
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")   # a dev dependency, not xlpkg's own
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM) and not os.environ.get("CI"),
                                reason="no /usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def drop(page, path: Path) -> None:
    """Drop a file on the drop zone as a user's drag from the file manager would."""
    data = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle("""([b64, name]) => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name));
        return dt;
    }""", [data, path.name])
    page.dispatch_event("#drop", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})


def test_drop_the_workbook_see_the_error_at_its_cell_download_the_report(page, tmp_path):
    import docx

    from xlpkg.core.checks import run_checks
    from xlpkg.read.inputs import load_input

    book = filled_example(tmp_path)
    personnel = next(f for f in run_checks(load_input(book))
                     if f.severity == "error" and f.message.startswith("人员经费"))
    with serving() as srv:
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(srv.url)
        assert page.locator("#drop").is_visible()
        drop(page, book)
        page.wait_for_selector("#result:not([hidden])")
        assert page.locator("#dept").inner_text() == "安化县总工会 2023 年度"
        item = page.locator(".group[data-severity=error] .finding",
                            has_text=personnel.message[:20])
        assert item.count() == 1
        assert personnel.cells[0] in item.locator(".cell").all_inner_texts()
        assert page.locator("#scoresheet tbody tr").count() > 10
        if os.environ.get("XLPKG_SCREENSHOT"):
            page.screenshot(path=os.environ["XLPKG_SCREENSHOT"], full_page=True)
        with page.expect_download() as info:
            page.click("[data-download=report]")
        saved = tmp_path / "下载的报告.docx"
        info.value.save_as(saved)
        assert info.value.suggested_filename.endswith("部门整体支出绩效自评报告.docx")
        text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
        assert "安化县总工会" in text
    base = f"http://127.0.0.1:{srv.port}/"
    assert requests and all(url.startswith(base) for url in requests)   # offline: no CDN
    assert page.problems == []                                          # no CSP violation


def test_a_bad_file_shows_a_chinese_error_and_the_page_recovers(page, tmp_path):
    bad = tmp_path / "收支表.xlsx"
    bad.write_text("单位,金额\n安化,1\n", encoding="utf-8")
    book = filled_example(tmp_path)
    with serving() as srv:
        page.goto(srv.url)
        page.set_input_files("#file", str(bad))              # the 选择文件 button
        page.wait_for_selector("#error:not([hidden])")
        message = page.locator("#error-message").inner_text()
        assert "收支表.xlsx" in message and "无法读取" in message
        assert page.locator("#error-hint").inner_text().startswith("提示：")
        page.set_input_files("#file", str(book))
        page.wait_for_selector("#result:not([hidden])")
        assert page.locator("#error").is_hidden()


def test_progress_is_visible_while_the_file_is_evaluated(page, tmp_path, monkeypatch):
    import threading

    from xlpkg.serve import evaluate

    release = threading.Event()
    real = evaluate.evaluate_upload

    def held(path, name):           # hold the evaluation until the page was seen waiting
        release.wait(20)
        return real(path, name)

    monkeypatch.setattr(evaluate, "evaluate_upload", held)
    book = filled_example(tmp_path)
    with serving() as srv:
        try:
            page.goto(srv.url)
            drop(page, book)
            page.wait_for_selector("#progress:not([hidden])")
            # (no wait_for_function: evaluating a string is eval, which the page's CSP forbids)
            page.locator("#progress-text", has_text="正在校验").wait_for()
            assert page.locator("#result").is_hidden()
        finally:
            release.set()
        page.wait_for_selector("#result:not([hidden])")
        assert page.locator("#progress").is_hidden()


def test_the_page_without_its_token_says_how_to_open_it(page):
    with serving() as srv:
        page.goto(f"http://127.0.0.1:{srv.port}/")
        assert "完整地址" in page.inner_text("body")
