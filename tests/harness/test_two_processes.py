"""Two processes write to one database file at the same time and nothing is lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

WRITER = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from harness import RetryPolicy, SqliteStore

    path, name, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    waits = []

    async def counting_sleep(seconds):
        waits.append(seconds)
        await asyncio.sleep(seconds)

    async def main():
        # Generous attempts (up to ~30 s of waiting, for a loaded CI machine): the point is
        # that contention is retried, never lost.
        policy = RetryPolicy(attempts=3000, delays_ms=(1, 2, 5, 10), sleep=counting_sleep)
        store = SqliteStore(path, retry=policy, synchronous="NORMAL")
        cid = await store.create_conversation("shared")
        time.sleep(max(0.0, start_at - time.time()))  # start both writers together
        for i in range(count):
            m = await store.add_message(cid, "user", json.dumps(f"{name}-{i}"))
            await store.update_message_metadata(m.id, {"writer": name, "i": i})
        await store.close()
        print(json.dumps({"waits": len(waits)}))

    asyncio.run(main())
    """
)


def test_two_processes_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    count = 150
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), name, str(count), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        json.loads(out)  # the writer finished and reported

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT content, metadata FROM messages").fetchall()
    conn.close()
    expected = {json.dumps(f"{n}-{i}") for n in ("a", "b") for i in range(count)}
    assert len(rows) == 2 * count
    assert {content for content, _ in rows} == expected
    # Every follow-up metadata write landed on its own row too.
    for content, metadata in rows:
        writer, i = json.loads(content).split("-")
        assert json.loads(metadata) == {"writer": writer, "i": int(i)}
