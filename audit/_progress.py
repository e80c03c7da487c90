"""A one-line progress display on stderr, for long runs on a terminal only."""

from __future__ import annotations

import time
from typing import TextIO

# Runs shorter than this never show progress: a flash of text is noise.
DELAY_S = 2.0
_MIN_INTERVAL_S = 0.1


class Progress:
    """``update`` rewrites one ``\\r`` line once the run is older than ``delay``; ``clear``
    erases it. Does nothing at all when the stream is None or not a terminal."""

    def __init__(self, stream: TextIO | None, *, delay: float = DELAY_S) -> None:
        isatty = getattr(stream, "isatty", None)
        self.stream = stream if stream is not None and callable(isatty) and isatty() else None
        self.start = time.monotonic()
        self.delay = delay
        self._last = 0.0
        self._width = 0

    def update(self, text: str) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.start < self.delay or now - self._last < _MIN_INTERVAL_S:
            return
        self._last = now
        line = f"mock-audit: {text}"[:79]
        pad = " " * max(0, self._width - len(line))
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()
        self._width = len(line)

    def clear(self) -> None:
        if self.stream is not None and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
