"""The persistence pipeline: a middleware chain whose terminal routes each op to the CRUD module."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import harness as _package
from harness import conversation_crud as conversation_crud
from harness._commits import SINK
from harness._errors import PipelineError, PipelineTimeout
from harness._types import (
    Add,
    AddResult,
    Delete,
    DeleteResult,
    PersistArgs,
    PersistResult,
    Reserve,
    ReserveResult,
    TurnContext,
    Update,
    UpdateContent,
    UpdateContentResult,
    UpdateResult,
)

CallNext = Callable[[PersistArgs], Awaitable[PersistResult]]
Middleware = Callable[[PersistArgs, CallNext, "TurnContext | None"], Awaitable[PersistResult]]
Terminal = Callable[[PersistArgs, "TurnContext | None"], Awaitable[PersistResult]]
# A link runs the chain from one position on; the run and ctx come first so a positional
# partial binds them.
_Link = Callable[["_Run", "TurnContext | None", PersistArgs], Awaitable[PersistResult]]

_log = logging.getLogger("harness.pipeline")
_OP_TYPES = (Add, Reserve, UpdateContent, Update, Delete)
_RESULT_TYPES = (AddResult, ReserveResult, UpdateContentResult, UpdateResult, DeleteResult)


class _Run:
    """What one run knows about its terminal's write: the result of the last one that
    committed. The store reports it at the commit, before side effects such as the indexer;
    the terminal's return confirms it (for stores that do not report)."""

    __slots__ = ("result",)

    def __init__(self) -> None:
        self.result: PersistResult | None = None

    def commit(self, result: PersistResult) -> None:
        self.result = result


async def default_persistence_terminal(
    args: PersistArgs, ctx: TurnContext | None = None
) -> PersistResult:
    """Route ``args`` to the ``conversation_crud`` function of the same meaning.

    Functions are looked up at call time, through the package attribute, so both
    patching ``conversation_crud.add_message`` and replacing the whole module with
    ``mock_module("harness.conversation_crud", ...)`` are honoured.
    """
    crud = _package.conversation_crud
    if isinstance(args, Add):
        message = await crud.add_message(
            args.conversation_id,
            args.role,
            args.content,
            args.metadata,
            skip_indexing=args.skip_indexing,
        )
        return AddResult(message)
    if isinstance(args, Reserve):
        return ReserveResult(
            await crud.reserve_message(args.conversation_id, args.role, args.metadata)
        )
    if isinstance(args, UpdateContent):
        found = await crud.update_message_content(args.message_id, args.content)
        return UpdateContentResult(args.message_id, found)
    if isinstance(args, Update):
        found = await crud.update_message_metadata(args.message_id, args.updates)
        return UpdateResult(args.message_id, found)
    if isinstance(args, Delete):
        return DeleteResult(args.message_id, await crud.delete_message(args.message_id))
    raise TypeError(_not_args(args))


def _not_args(args: object) -> str:
    return (
        f"Pipeline args must be one of Add, Reserve, UpdateContent, Update, Delete; "
        f"got {type(args).__name__}: {args!r}."
    )


def _name(func: object) -> str:
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    if isinstance(name, str):
        return name
    inner = getattr(func, "func", None)  # functools.partial
    return _name(inner) if inner is not None else type(func).__name__


class PersistencePipeline:
    """Run persistence ops through ``middlewares`` (``[0]`` outermost), then ``terminal``.

    A middleware is ``async def mw(args, call_next, ctx) -> PersistResult``.
    ``timeout`` (seconds) bounds a whole run; note that it can only fire at an
    ``await`` (a retry wait, an async middleware), not inside a SQLite call.
    """

    def __init__(
        self,
        middlewares: Sequence[Middleware] = (),
        terminal: Terminal = default_persistence_terminal,
        timeout: float | None = None,
    ) -> None:
        middlewares = tuple(middlewares)
        for index, middleware in enumerate(middlewares):
            if not callable(middleware):
                raise TypeError(
                    f"middlewares[{index}] must be callable as mw(args, call_next, ctx), "
                    f"got {type(middleware).__name__}: {middleware!r}."
                )
        if not callable(terminal):
            raise TypeError(
                f"terminal must be callable as terminal(args, ctx), "
                f"got {type(terminal).__name__}: {terminal!r}."
            )
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise ValueError(
                f"timeout must be a positive number of seconds or None; got {timeout!r}."
            )
        self.middlewares = middlewares
        self.terminal = terminal
        self.timeout = timeout
        self.chain: tuple[str, ...] = (*map(_name, middlewares), _name(terminal))
        self._chain_text = " -> ".join(self.chain)
        self._entry = self._build()

    def __repr__(self) -> str:
        return f"PersistencePipeline(chain={self._chain_text!r}, timeout={self.timeout!r})"

    def _build(self) -> _Link:
        """Compose the chain once; a run only binds its record and ctx as each link is reached."""
        terminal = self.terminal

        async def last(run: _Run, ctx: TurnContext | None, args: PersistArgs) -> PersistResult:
            # Listen for commit reports only while the terminal runs: a middleware's own
            # writes are not the write the caller asked for.
            token = SINK.set(run.commit)
            try:
                result = await terminal(args, ctx)
            finally:
                SINK.reset(token)
            if isinstance(result, _RESULT_TYPES):
                run.commit(result)
            return result

        link: _Link = last
        for middleware in reversed(self.middlewares):
            link = _wrap(middleware, link)
        return link

    async def run(self, args: PersistArgs, ctx: TurnContext | None = None) -> PersistResult:
        """Run one op through the chain; log one record on ``harness.pipeline``.

        On timeout the whole chain is cancelled (side effects still running included) and
        ``PipelineTimeout`` says whether the terminal's write had committed.
        """
        if not isinstance(args, _OP_TYPES):
            raise TypeError(_not_args(args))
        started = time.perf_counter()
        outcome = "ok"
        run = _Run()
        try:
            if self.timeout is None:
                result = await self._entry(run, ctx, args)
            else:
                try:
                    result = await asyncio.wait_for(self._entry(run, ctx, args), self.timeout)
                except asyncio.TimeoutError:
                    outcome = "timeout"
                    raise PipelineTimeout(args.op, self.timeout, self.chain, run.result) from None
            if getattr(result, "op", None) != args.op:
                outcome = "op_mismatch"
                raise PipelineError(
                    f"The pipeline was asked for op {args.op!r} but returned "
                    f"{type(result).__name__}: {result!r} (chain: {self._chain_text}); "
                    "a middleware that redirects to another op must convert the result back.",
                    self.chain,
                )
            return result
        except BaseException as error:
            if outcome == "ok":
                outcome = f"error:{type(error).__name__}"
            raise
        finally:
            if _log.isEnabledFor(logging.INFO):
                _log_run(args.op, self._chain_text, started, outcome, run.result is not None)


def _wrap(middleware: Middleware, downstream: _Link) -> _Link:
    def link(run: _Run, ctx: TurnContext | None, args: PersistArgs) -> Awaitable[PersistResult]:
        return middleware(args, partial(downstream, run, ctx), ctx)

    return link


def _log_run(op: str, chain: str, started: float, outcome: str, committed: bool) -> None:
    duration_ms = (time.perf_counter() - started) * 1000.0
    extra: dict[str, Any] = {
        "op": op,
        "chain": chain,
        "duration_ms": duration_ms,
        "outcome": outcome,
        "committed": committed,
    }
    _log.info(
        "pipeline op=%s outcome=%s committed=%s duration_ms=%.3f chain=%s",
        op,
        outcome,
        committed,
        duration_ms,
        chain,
        extra=extra,
    )
