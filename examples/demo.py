"""mockharness demo: the story of a reserved assistant message, told through the pipeline.

Run with `make demo` (or `.venv/bin/python examples/demo.py`).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
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


EXAMPLE = Path(__file__).resolve().parent / "assistant"
MOCK_AUDIT = str(Path(sys.executable).with_name("mock-audit"))


def _run(title: str, argv: list[str], cwd: Path) -> int:
    """Run one command in ``cwd``, echoing it and its output; return its exit code."""
    print(f"\n$ {' '.join(argv)}    # {title}", flush=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(argv, cwd=cwd, env=env, text=True, capture_output=True)
    sys.stdout.write(done.stdout + done.stderr)
    print(f"(exit {done.returncode})")
    return done.returncode


def audit_demo() -> int:
    """Check the example, show the fix as a diff, fix a copy and run the copy's tests."""
    print("\n== mock-audit: find the fakes that lack reserve_message, and fix them ==")
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "assistant"
        shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        before = _run("today: one test crashes at import", [*pytest, "-x", "--tb=line"], copy)
        found = _run(
            "what crashes now (MA001), what is latent (MA002)", [MOCK_AUDIT, "check"], copy
        )
        _run("the fix, as a diff (writes nothing)", [MOCK_AUDIT, "fix", "--diff"], copy)
        fixed = _run("apply it to this temporary copy", [MOCK_AUDIT, "fix"], copy)
        after = _run("the copy's own tests, after the fix", pytest, copy)
        clean = _run("and the audit is clean", [MOCK_AUDIT, "check"], copy)
    ok = before == 1 and found == 1 and fixed == 0 and after == 0 and clean == 0
    print(
        "\ndemo:", "every step behaved as expected" if ok else "a step did NOT behave as expected"
    )
    return 0 if ok else 1


def main() -> int:
    pipeline_demo()
    return audit_demo()


if __name__ == "__main__":
    raise SystemExit(main())
