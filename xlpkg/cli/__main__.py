"""``python -m xlpkg.cli``: the same command as the ``xlpkg`` script."""

import sys

from xlpkg.cli import main

sys.exit(main())
