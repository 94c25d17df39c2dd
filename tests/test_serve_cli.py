"""``xlpkg serve`` as a user starts it: the printed address, then Ctrl-C."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys

import pytest
from support import ROOT, filled_example, multipart


def _start(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "xlpkg.cli", "serve", "--port", "0",
                             "--no-browser"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGHUP"])   # Ctrl-C, kill, window closed
def test_prints_a_tokened_loopback_address_and_stops_cleanly(tmp_path, stop):
    book = filled_example(tmp_path)
    proc = _start(tmp_path)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{40,})", line)
        assert m, line
        port, token = int(m.group(1)), m.group(2)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("xlpkg-serve-")]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body, ctype = multipart({"token": token}, {"file": (book.name, book.read_bytes())})
        conn.request("POST", "/api/evaluate", body=body, headers={"Content-Type": ctype})
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(getattr(signal, stop))
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "已停止" in out and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("xlpkg-serve-")]


def test_help_is_chinese(capsys):
    from xlpkg.cli import main

    with pytest.raises(SystemExit) as done:
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "--no-browser" in out and "127.0.0.1" in out
