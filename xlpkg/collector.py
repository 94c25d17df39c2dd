"""The cyclic garbage collector, paused while one department is read, checked or written.

Owns :func:`paused` and :func:`one_command`. A department's dataset, findings, report
content and XML are trees of new objects made in one go, with no cycles for the
collector to find, yet a full collection in the middle walks every one of them (a
third of the time of a 5,500-row report). Their garbage still goes by reference
counting; the collector comes back on afterwards (if it was on) and finds any cycle
then.

Coming back on is not free either: everything a pause made is still young, so the
first collections after it walk all of it again — 75 ms of a 5,500-row report, most
of it waiting on memory. A process that ends after one command (the ``xlpkg``
script, :func:`one_command`) moves what a pause made out of the collector's sight
instead (``gc.freeze``): it lives until it is freed or the process ends. A process
that lives on (a test run, ``xlpkg serve``, a batch worker, the Excel host) keeps
the collector's ordinary rounds, so no cycle it drops is kept for good.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

_one_command_pid: int | None = None   # the process that ends after its one command


def one_command() -> None:
    """This process ends after the command it is running: what a pause makes is frozen
    out of later collections. Its forked children (batch workers) are not."""
    global _one_command_pid
    _one_command_pid = os.getpid()


@contextmanager
def paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if _one_command_pid == os.getpid():
                gc.freeze()
            gc.enable()
