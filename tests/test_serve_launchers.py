"""The double-click launchers for people who do not type commands."""

from __future__ import annotations

import configparser
import shlex

from support import ROOT

LAUNCHERS = ROOT / "launchers"


def test_desktop_file_runs_xlpkg_serve_in_a_terminal():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(LAUNCHERS / "xlpkg-serve.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "true"
    assert entry["Name[zh_CN]"]
    argv = shlex.split(entry["Exec"])
    assert argv[:2] == ["sh", "-c"] and len(argv) == 3
    script = argv[2]
    assert "xlpkg serve" in script and "python3 -m xlpkg.cli serve" in script
    # the desktop entry spec reserves these outside double quotes; inside sh -c "…" they are safe
    assert "$" not in script and "`" not in script and "'" not in script


def test_bat_file_runs_xlpkg_serve_with_windows_line_ends():
    raw = (LAUNCHERS / "xlpkg-serve.bat").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")          # cmd.exe needs CRLF
    text = raw.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "@echo off"
    # cmd.exe reads a line in the code page in force: UTF-8 before any Chinese text
    first_chinese = next(i for i, line in enumerate(lines) if any(ord(c) > 127 for c in line))
    assert any(line.startswith("chcp 65001") for line in lines[:first_chinese])
    assert "xlpkg serve" in text and "-m xlpkg.cli serve" in text
