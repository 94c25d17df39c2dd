"""Small helpers the tests share: the bundled example's path and a literal-dataset builder."""

from __future__ import annotations

from pathlib import Path

from xlpkg.core.model import from_mapping

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anhua-2023.yaml"


def dataset(**blocks):
    """A Dataset from literal contract blocks, e.g. ``dataset(expenditure={...})``."""
    return from_mapping(blocks)
