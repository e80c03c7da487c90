"""Commit reports: a store says "this write committed" before it awaits anything else.

``add_message`` commits, then runs the indexer and the projector; a pipeline whose timeout
fires during those side effects must still know the row is in. A store calls
``report_commit(result)`` right after a commit that further awaits follow; the pipeline
listens while its terminal runs. (A write whose store method returns right after its commit
needs no report: the pipeline sees the terminal return in the same step.)
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from harness._types import PersistResult

CommitSink = Callable[[PersistResult], None]

#: Where commit reports go in this context; the pipeline sets it around its terminal.
SINK: ContextVar[CommitSink | None] = ContextVar("harness_commit_sink", default=None)


def report_commit(result: PersistResult) -> None:
    """Tell the pipeline run in progress, if any, that a write committed with ``result``.

    A ``MessageStore`` (or terminal) calls it right after a commit that it follows with
    further ``await``s, such as side effects, so that a pipeline timeout firing during them
    can say the write is in. Outside a pipeline's terminal nobody listens: a no-op.
    """
    sink = SINK.get()
    if sink is not None:
        sink(result)


def listening() -> bool:
    """Whether a commit report would reach anyone: lets hot paths skip building the result."""
    return SINK.get() is not None
