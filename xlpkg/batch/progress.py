"""The batch progress bar: one line with counts and ETA on a terminal, silent otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress bar with counts and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self._last = 0.0

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def say(self, text: str) -> None:
        """A message between updates of the bar, on its own line."""
        self.stream.write(("\n" if self.enabled else "") + text + "\n")
        self.stream.flush()

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        width = 30
        bar = "█" * int(frac * width) + "░" * (width - int(frac * width))
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0
        fail = f"，失败 {self.failed}" if self.failed else ""
        return (f"{bar} {self.done}/{self.total}（{frac:.0%}）{fail} "
                f"已用 {_clock(elapsed)} 预计剩余 {_clock(eta)}")

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
