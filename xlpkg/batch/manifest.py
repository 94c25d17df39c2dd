"""manifest.json: what the last batch wrote, so a rerun skips unchanged workbooks.

Owns reading it without trusting it — the file lies in a folder anyone may
edit: every entry is checked (a hash, a summary row, findings of the right
shape, report names that are plain file names inside ``reports/``), a broken
entry is dropped and a broken file ignored, each with a message — and writing
it: only the reports this tool wrote, and no transient failure (a full disk is
retried next run, not remembered beside the file's hash).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from xlpkg import __version__
from xlpkg.atomic import write_bytes_atomic
from xlpkg.core.finding import SEVERITIES
from xlpkg.core.record import field, record

MANIFEST = "manifest.json"
_SHA = re.compile(r"[0-9a-f]{64}")
_FINDING_TEXT = ("severity", "code", "message")
_OUTPUTS = ("report", "tables")


@record(frozen=False)
class Manifest:
    entries: dict[str, dict] = field(default_factory=dict)   # valid entries, any version
    current: bool = False          # written by this version: its rows may be reused
    problem: str = ""              # why (part of) it was ignored, for the user

    def owned(self) -> set[str]:
        """Every file in ``reports/`` that batch wrote (so may replace or remove)."""
        return {e[k] for e in self.entries.values() for k in _OUTPUTS if k in e}

    def reusable(self) -> dict[str, dict]:
        return self.entries if self.current else {}


def plain_name(name) -> bool:
    """A file name that stays inside ``reports/``: no folder part, not hidden, not ``..``."""
    return (isinstance(name, str) and 0 < len(name) < 1024 and not name.startswith(".")
            and not any(c in name for c in "/\\\x00") and ":" not in name)


def _valid_finding(f) -> bool:
    return (isinstance(f, dict) and all(isinstance(f.get(k), str) for k in _FINDING_TEXT)
            and f["severity"] in SEVERITIES
            and all(isinstance(f.get(k), list) and all(isinstance(x, str) for x in f[k])
                    for k in ("cells", "fields")))


def valid_entry(entry) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) \
            or not _SHA.fullmatch(entry["sha256"]):
        return False
    if "failure" in entry:
        return isinstance(entry["failure"], str) and not entry.get("transient")
    row, findings = entry.get("row"), entry.get("findings")
    return (isinstance(row, dict) and all(isinstance(k, str) for k in row)
            and all(v is None or isinstance(v, (str, int, float)) for v in row.values())
            and isinstance(row.get("errors"), int) and isinstance(row.get("warnings"), int)
            and isinstance(findings, list) and all(_valid_finding(f) for f in findings)
            and all(plain_name(entry.get(k)) for k in _OUTPUTS))


def load_manifest(out: Path) -> Manifest:
    """The last run's manifest, its broken parts dropped (never an exception)."""
    path = Path(out) / MANIFEST
    if not path.is_file() or path.is_symlink():
        return Manifest(problem=f"清单 {path} 是符号链接，已忽略" if path.is_symlink() else "")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        return Manifest(problem=f"清单 {path} 已损坏，已忽略：全部文件将重新处理")
    entries = {rel: e for rel, e in data["entries"].items()
               if isinstance(rel, str) and valid_entry(e)}
    bad = len(data["entries"]) - len(entries)
    problem = f"清单 {path} 中 {bad} 条记录有误，已忽略：这些文件将重新处理" if bad else ""
    return Manifest(entries, data.get("version") == __version__, problem)


def stored(entry: dict) -> dict:
    """An entry as the manifest keeps it: the outcome, never where it was staged."""
    return {k: v for k, v in entry.items()
            if k in ("sha256", "row", "findings", "report", "tables", "failure")}


def write_manifest(out: Path, entries: dict[str, dict]) -> None:
    """Write what this run knows; transient failures are left out (retried next run)."""
    keep = {rel: stored(e) for rel, e in sorted(entries.items())
            if not e.get("transient") and e.get("sha256") and ("failure" in e or "report" in e)}
    text = json.dumps({"version": __version__, "entries": keep}, ensure_ascii=False, indent=1)
    write_bytes_atomic(Path(out) / MANIFEST, text.encode("utf-8"))
