"""The batch's process pool: all cores, one crashed worker fails only its file, and
an interrupt stops at once.

Owns running the worker function over the to-do list and yielding outcomes as
they finish; the retry of the files of a pool whose worker died (each alone, so
only the file that kills its worker is blamed); and stopping: on Ctrl-C, SIGTERM
or when the consumer stops reading, queued files are cancelled and the workers
are ended at once instead of the pool running every queued file first. Workers
forked from the parent start with the modules and rules it loaded for them
(:func:`~xlpkg.batch.worker.preload`), not each with its own import.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from xlpkg.batch.worker import init_worker, preload, process_one

CRASHED = "处理该文件时工作进程异常退出（文件可能过大或已损坏）"


class Interrupted(KeyboardInterrupt):
    """SIGTERM, handled exactly like Ctrl-C (and never eaten by ``except Exception``)."""


class stop_signals:
    """``with stop_signals():`` — SIGTERM raises :class:`Interrupted` in the main thread
    (Ctrl-C already raises KeyboardInterrupt); the old handler is restored after."""

    def __enter__(self):
        self.old = None
        if hasattr(signal, "SIGTERM"):
            try:
                self.old = signal.signal(signal.SIGTERM, _raise_interrupted)
            except ValueError:    # not the main thread: leave signals alone
                self.old = None
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)


def _raise_interrupted(signum, frame):
    raise Interrupted()


class deferred_signals:
    """``with deferred_signals() as d:`` — Ctrl-C and SIGTERM during the block (the closing
    writes: reports placed, manifest, summary) are only noted in ``d.caught``; so a
    placed report is always in the manifest that makes it batch's own."""

    SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM") if hasattr(signal, n))

    def __enter__(self):
        self.caught, self.old = [], {}
        try:
            for sig in self.SIGNALS:
                self.old[sig] = signal.signal(sig, lambda signum, frame:
                                              self.caught.append(signum))
        except ValueError:    # not the main thread
            pass
        return self

    def __exit__(self, *exc):
        for sig, old in self.old.items():
            signal.signal(sig, old)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the running workers now (their files are abandoned:
    they wrote only to the staging folder)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, AttributeError, ValueError):
            pass
    for p in processes:
        try:
            p.join(5)
        except (OSError, AttributeError, ValueError, AssertionError):
            pass


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=init_worker,
                               initargs=(os.getpid(),))


def _forks() -> bool:
    """Whether the pool's workers are forked from this process (Linux), and so start
    with what it has imported; spawned ones (Windows, macOS) import their own."""
    return multiprocessing.get_start_method(allow_none=False) == "fork"


def run_pool(todo, staging, rules_path, jobs, work=process_one):
    """Yield ``(rel, outcome)`` as workers finish; ``todo`` is ``[(rel, path, key)]``.

    When a worker dies (killed, out of memory) every unfinished file of that pool
    is suspect; each is then run alone in a fresh one-worker pool, so only the file
    that really kills its worker is reported as failed.
    """
    if not todo:
        return
    jobs = max(1, jobs or os.cpu_count() or 1)
    rules = str(rules_path) if rules_path else None
    if work is process_one and _forks():
        preload(rules)
    suspects = []
    pool = _pool(min(jobs, len(todo)))
    try:
        futures = {pool.submit(work, str(path), str(staging), key, rules): (rel, path, key)
                   for rel, path, key in todo}
        for fut in as_completed(futures):   # one waiter for all: linear in the files
            try:
                outcome = fut.result()
            except BrokenProcessPool:
                suspects.append(futures[fut])
                continue
            yield futures[fut][0], outcome
    except BaseException:       # Ctrl-C, SIGTERM, the consumer closed us
        _end_workers(pool)
        raise
    pool.shutdown(wait=True)
    for rel, path, key in sorted(suspects):
        alone = _pool(1)
        try:
            outcome = alone.submit(work, str(path), str(staging), key, rules).result()
        except BrokenProcessPool:
            outcome = {"failure": CRASHED, "transient": True}
        except BaseException:
            _end_workers(alone)
            raise
        alone.shutdown(wait=True)
        yield rel, outcome
