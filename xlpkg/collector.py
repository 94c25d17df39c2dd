"""The cyclic garbage collector, paused while one department is read, checked or written.

Owns :func:`paused`. A department's dataset, findings, report content and XML are
trees of new objects made in one go, with no cycles for the collector to find, yet a
full collection in the middle walks every one of them (a third of the time of a
5,500-row report). Their garbage still goes by reference counting; the collector
comes back on afterwards (if it was on) and finds any cycle then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
