"""xlpkg serve's API against a real uvicorn server on a free loopback port.

One test (at least) per security rule of issue 16: loopback only, the Host
header, the token on every API call and download, the upload cap refused before
the body is read, private upload folders deleted after the answer and at
shutdown, the user's file never written, the Content-Security-Policy, no client
path used. And the answer is the CLI's own: same findings as ``check --json``,
same scoresheet as ``score --json``.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import itertools
import json
import socket
import time

import pytest
from support import EXAMPLE, filled_example, multipart, no_hang, run_cli, serving

from xlpkg.serve import evaluate as serve_evaluate


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return filled_example(tmp_path_factory.mktemp("serve-book"))


@pytest.fixture
def server():
    with serving() as srv:
        yield srv


def call(srv, method, path, body=None, headers=None, host=None):
    """(status, headers, body bytes) of one request; a bounded wait, a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{srv.port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def upload(srv, name, data, *, token=True, form_token=None, headers=None):
    fields = {"token": form_token} if form_token is not None else {}
    body, ctype = multipart(fields, {"file": (name, data)})
    hdrs = {"Content-Type": ctype, **(headers or {})}
    if token:
        hdrs["X-Xlpkg-Token"] = srv.token
    status, head, raw = call(srv, "POST", "/api/evaluate", body, hdrs)
    return status, head, json.loads(raw) if raw[:1] == b"{" else raw.decode()


@pytest.fixture
def calls(monkeypatch):
    """Records every evaluation the server runs (path and the folders it lived in)."""
    seen = []
    real = serve_evaluate.evaluate_upload

    def recording(path, display_name):
        seen.append({"path": path, "exists": path.is_file(),
                     "mode": path.parent.stat().st_mode & 0o777})
        return real(path, display_name)

    monkeypatch.setattr(serve_evaluate, "evaluate_upload", recording)
    return seen


# ---------------------------------------------------------------- the answer


def test_findings_and_scoresheet_are_the_clis(server, book):
    status, _, body = upload(server, book.name, book.read_bytes())
    assert status == 200
    _, out, _ = run_cli("check", book, "--json", guard=60)
    cli_findings = json.loads(out)["findings"]
    keys = ("code", "severity", "message", "fields", "cells")
    def canon(items):
        return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in items)

    assert canon({k: f[k] for k in keys} for f in body["findings"]) == canon(cli_findings)
    _, out, _ = run_cli("score", book, "--json", guard=60)
    assert body["scoresheet"] == json.loads(out)
    assert body["department"] == "安化县总工会" and body["year"] == 2023
    assert body["file"] == book.name and body["kind"] == "workbook"
    personnel = next(f for f in body["findings"] if f["message"].startswith("人员经费"))
    assert personnel["severity"] == "error" and personnel["places_kind"] == "cells"
    assert personnel["places"] == personnel["cells"] and personnel["cells"]


def test_yaml_input_names_data_items_instead_of_cells(server):
    status, _, body = upload(server, "data.yaml", EXAMPLE.read_bytes())
    assert status == 200 and body["kind"] == "data"
    personnel = next(f for f in body["findings"] if f["message"].startswith("人员经费"))
    assert personnel["places_kind"] == "fields" and personnel["cells"] == []
    assert any("人员经费" in p for p in personnel["places"])


def test_downloads_open_as_word_and_excel(server, book):
    import docx
    import openpyxl

    _, _, body = upload(server, book.name, book.read_bytes())
    assert {"report", "findings"} <= set(body["downloads"])
    status, head, raw = call(server, "GET", body["downloads"]["report"])
    assert status == 200 and "attachment" in head["content-disposition"]
    assert "filename*=UTF-8''" in head["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(raw)).paragraphs)
    assert "安化县总工会" in text
    status, head, raw = call(server, "GET", body["downloads"]["findings"])
    assert status == 200
    ws = openpyxl.load_workbook(io.BytesIO(raw), read_only=True).active
    messages = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert messages == [f["message"] for f in body["findings"]]


def test_bad_file_gets_a_chinese_message_naming_the_users_file(server):
    status, _, body = upload(server, "收支表.xlsx", "单位,金额\n安化,1\n".encode())
    assert status == 422
    assert "收支表.xlsx" in body["error"] and "upload" not in body["error"]
    assert body["hint"]
    status, _, body = upload(server, "旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert status == 422 and "旧表.xls" in body["error"] and ".xls" in body["error"]


def test_a_request_without_a_file_is_refused_in_chinese(server):
    body, ctype = multipart({"note": "x"}, {})
    status, _, raw = call(server, "POST", "/api/evaluate", body,
                          {"Content-Type": ctype, "X-Xlpkg-Token": server.token})
    assert status == 400 and "没有收到文件" in json.loads(raw)["error"]


# ---------------------------------------------------------------- security rules


def test_listens_on_loopback_only(server):
    assert server.sock.getsockname()[0] == "127.0.0.1"
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                        socket.AF_INET)} - {"127.0.0.1"}
    for address in others:
        if address.startswith("127."):
            continue
        with pytest.raises(OSError), socket.create_connection((address, server.port), 2):
            pass


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1",
                                  "localhost", "127.0.0.1.evil.example:{port}", ""])
def test_foreign_host_header_is_refused(server, host):
    status, head, _ = call(server, "GET", f"/?token={server.token}",
                           host=host.format(port=server.port))
    assert status == 403
    assert "content-security-policy" in head


def test_localhost_with_its_port_is_accepted(server):
    status, _, raw = call(server, "GET", f"/?token={server.token}",
                          host=f"localhost:{server.port}")
    assert status == 200 and "部门整体支出绩效自评".encode() in raw


def test_request_from_another_sites_page_is_refused(server, book, calls):
    status, _, _ = upload(server, book.name, book.read_bytes(),
                          headers={"Origin": "http://evil.example"})
    assert status == 403 and calls == []


@pytest.mark.parametrize("path", ["/", "/?token=wrong", "/?token="])
def test_page_needs_the_token(server, path):
    status, _, raw = call(server, "GET", path)
    assert status == 403 and "完整地址" in raw.decode()


def test_evaluate_needs_the_token(server, book, calls):
    status, _, body = upload(server, book.name, book.read_bytes(), token=False)
    assert status == 403 and "口令" in body["error"]
    status, _, _ = upload(server, book.name, book.read_bytes(), token=False, form_token="x" * 43)
    assert status == 403
    status, _, _ = upload(server, book.name, book.read_bytes(),
                          headers={"X-Xlpkg-Token": "wrong"}, token=False)
    assert status == 403
    assert calls == []          # nothing was evaluated
    status, _, body = upload(server, book.name, book.read_bytes(), token=False,
                             form_token=server.token)
    assert status == 200 and len(calls) == 1


def test_downloads_need_the_token(server, book):
    _, _, body = upload(server, book.name, book.read_bytes())
    url = body["downloads"]["report"]
    bare = url.split("?")[0]
    for path in (bare, bare + "?token=wrong"):
        status, _, raw = call(server, "GET", path)
        assert status == 403 and raw[:2] != b"PK"
    status, _, raw = call(server, "GET", bare, headers={"X-Xlpkg-Token": server.token})
    assert status == 200 and raw[:2] == b"PK"
    status, _, _ = call(server, "GET", f"/api/download/nosuchresult/report?token={server.token}")
    assert status == 404


def test_oversized_upload_is_refused_before_the_body_is_read(book, calls):
    with serving(max_upload=1024 * 1024) as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        with sock, no_hang(20):
            # headers announcing 2 MB, and not one byte of body: the answer must come anyway
            sock.sendall(f"POST /api/evaluate HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
                         f"X-Xlpkg-Token: {srv.token}\r\nContent-Type: multipart/form-data; "
                         f"boundary=x\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):      # the server closes after answering
                answer += chunk
            answer = answer.decode("utf-8", "replace")
        assert answer.startswith("HTTP/1.1 413")
        assert "文件太大" in answer and "content-security-policy" in answer.lower()
    assert calls == []


def test_oversized_upload_without_a_length_is_cut_off(book, calls):
    with serving(max_upload=256 * 1024) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
        head, ctype = multipart({}, {"file": ("big.xlsx", b"")})
        head = head[:head.index(b"\r\n\r\n") + 4]       # the file part's headers only
        # then 4 MB of file content, chunked: no Content-Length to refuse up front
        chunks = itertools.chain([head], (b"x" * 65536 for _ in range(64)))
        with no_hang(30):
            try:
                conn.request("POST", "/api/evaluate", body=chunks, encode_chunked=True,
                             headers={"Content-Type": ctype, "X-Xlpkg-Token": srv.token})
            except (BrokenPipeError, ConnectionResetError):
                pass                      # refused while we were still sending: fine
            resp = conn.getresponse()
            assert resp.status == 413 and "文件太大" in json.loads(resp.read())["error"]
        conn.close()
        assert list(srv.workdir.iterdir()) == []
    assert calls == []


def test_upload_lives_in_a_private_folder_deleted_after_the_answer(server, book, calls):
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    mtime = book.stat().st_mtime_ns
    status, _, _ = upload(server, book.name, book.read_bytes())
    assert status == 200
    [seen] = calls
    assert seen["exists"] and seen["path"].parent.parent == server.workdir
    assert seen["mode"] == 0o700 and (server.workdir.stat().st_mode & 0o777) == 0o700
    assert not seen["path"].exists() and list(server.workdir.iterdir()) == []
    # the user's own file is only ever read
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    assert book.stat().st_mtime_ns == mtime


def test_failed_upload_is_deleted_too(server):
    upload(server, "坏文件.xlsx", b"PK\x03\x04 not really a zip")
    assert list(server.workdir.iterdir()) == []


def test_private_folder_is_removed_at_shutdown(book):
    with serving() as srv:
        workdir = srv.workdir
        assert workdir.is_dir()
    assert not workdir.exists()


@pytest.mark.parametrize("name", ["../../../../tmp/xlpkg-escape.xlsx",
                                  "..\\..\\..\\Windows\\xlpkg-escape.xlsx",
                                  "/etc/xlpkg-escape.xlsx", "C:\\Users\\a\\安化.xlsx"])
def test_no_path_from_the_client_is_used(server, book, calls, name):
    status, _, body = upload(server, name, book.read_bytes())
    assert status == 200
    [seen] = calls
    assert seen["path"].name == "upload.xlsx"
    assert seen["path"].parent.parent == server.workdir
    assert body["file"] == name.replace("\\", "/").rsplit("/", 1)[-1]


@pytest.mark.parametrize("path", ["/?token={token}", "/static/app.js", "/static/style.css",
                                  "/api/download/x/report", "/nosuchpage"])
def test_every_answer_carries_a_strict_csp(server, path):
    _, head, _ = call(server, "GET", path.format(token=server.token))
    csp = head["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert head["referrer-policy"] == "no-referrer" and head["x-content-type-options"] == "nosniff"


def test_page_assets_are_all_local():
    from xlpkg.serve.app import STATIC

    for asset in STATIC.iterdir():
        text = asset.read_text(encoding="utf-8")
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in text and "//cdn" not in text


def test_busy_port_is_a_chinese_message(server):
    code, _, err = run_cli("serve", "--port", server.port, "--no-browser", guard=30)
    assert code == 2 and f"端口 {server.port}" in err and "--port" in err


def test_slow_request_does_not_block_others(server):
    """A half-sent upload holds its own connection only: the page still answers."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    with sock:
        sock.sendall(f"POST /api/evaluate HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                     f"X-Xlpkg-Token: {server.token}\r\nContent-Length: 1000\r\n"
                     "Content-Type: multipart/form-data; boundary=x\r\n\r\n--x\r\n".encode())
        time.sleep(0.2)
        status, _, _ = call(server, "GET", f"/?token={server.token}")
        assert status == 200


def test_folders_left_by_killed_servers_are_swept_at_start(tmp_path, monkeypatch):
    import os
    import tempfile

    from xlpkg.serve.server import WORKDIR_PREFIX, sweep_leftovers

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh = tmp_path / f"{WORKDIR_PREFIX}old", tmp_path / f"{WORKDIR_PREFIX}fresh"
    other = tmp_path / "someone-elses-folder"
    for folder in (old, fresh, other):
        (folder / "req-1").mkdir(parents=True)
    day_ago = time.time() - 24 * 3600
    for folder in (old, other):
        os.utime(folder, (day_ago, day_ago))
    sweep_leftovers()
    assert not old.exists() and fresh.is_dir() and other.is_dir()
