"""The exceptions that reach the command line, each with a Chinese message.

Library code raises these for conditions a user can fix (a file that cannot be
read, an output that already exists); the CLI maps them to exit codes. Problems
*inside* the data are never exceptions: they are findings.
"""

from __future__ import annotations


class XlpkgError(Exception):
    """A failure with a complete Chinese message for the user and an exit code."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(XlpkgError):
    """The input could not be read (exit 2): the message names the file and, if known, the cell."""


class OutputError(XlpkgError):
    """The output cannot be written: it exists (no ``--force``), or the folder is missing/read-only."""
