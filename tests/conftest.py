"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EXAMPLE


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE
