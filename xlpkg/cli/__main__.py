"""``python -m xlpkg.cli``: the same command as the ``xlpkg`` script."""

from xlpkg.cli import run

run()
