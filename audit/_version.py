"""The tool's version, equal to the distribution's (tested); part of the cache key."""

from __future__ import annotations

__version__ = "0.1.0"
