"""mockharness demo: the story of a reserved assistant message, told through the pipeline.

Run with `make demo` (or `.venv/bin/python examples/demo.py`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from harness import (
    Add,
    PersistArgs,
    PersistencePipeline,
    PersistResult,
    Reserve,
    ReserveResult,
    TurnContext,
    UpdateContent,
)
from harness import conversation_crud as crud


async def print_each_op(args: PersistArgs, call_next: Any, ctx: TurnContext | None) -> Any:
    """A logging middleware: print every op on its way in and its result on the way out."""
    print(f"[pipeline] {args.op}: {args}")
    result: PersistResult = await call_next(args)
    print(f"[pipeline] {args.op} -> {result}")
    return result


async def _story() -> None:
    # No store is set, so conversation_crud uses its embedded in-memory SqliteStore.
    pipeline = PersistencePipeline([print_each_op])
    cid = await crud.create_conversation(title="demo")
    print(f"conversation: {cid}")
    ctx = TurnContext("request-1", cid, turn_index=0)

    await pipeline.run(Add(cid, "user", json.dumps("Tell me a short story.")), ctx)
    reserved = await pipeline.run(Reserve(cid, "assistant", {"model": "demo"}), ctx)
    assert isinstance(reserved, ReserveResult)
    message_id = reserved.message.id
    print(f"reserved message id: {message_id}")

    # Streaming: every event can name message_id, because it exists before the text does.
    text = ""
    for chunk in ["Once upon a time,", " a test", " imported a name", " that was there."]:
        text += chunk
        await pipeline.run(UpdateContent(message_id, json.dumps(text)), ctx)

    print("final conversation:")
    for message in await crud.list_messages(cid):
        extra = f"  {message.metadata}" if message.metadata else ""
        print(f"  {message.role:>9}: {json.loads(message.content)}{extra}")


def pipeline_demo() -> None:
    """Create a conversation, reserve an assistant message, stream its content, show the result."""
    print("== harness: reserve, stream, finish ==")
    asyncio.run(_story())


def main() -> int:
    pipeline_demo()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
