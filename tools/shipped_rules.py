"""Rebuild xlpkg/read/shipped_rules.py (the shipped rules files, parsed) after a change
to xlpkg/rules/*.toml: ``python3 tools/shipped_rules.py``. A test keeps it fresh."""

from pathlib import Path

from xlpkg.read.rules_file import shipped_rules_source

TARGET = Path(__file__).resolve().parent.parent / "xlpkg" / "read" / "shipped_rules.py"

if __name__ == "__main__":
    TARGET.write_text(shipped_rules_source(), encoding="utf-8")
    print(f"wrote {TARGET}")
