"""Both stores refuse the same bad constructor arguments, with the same words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fake_store import FakeStore, no_sleep
from harness import MessageStore, RetryPolicy, SqliteStore


class OnlyIndexes:
    def index(self, message: object) -> None:
        pass


def make_both(tmp_path: Path, **kwargs: Any) -> list[str]:
    errors = []
    for make in (FakeStore, lambda **kw: SqliteStore(tmp_path / "c.db", **kw)):
        with pytest.raises(TypeError) as caught:
            make(**kwargs)
        errors.append(str(caught.value))
    return errors


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"retry": "fast"}, "retry must be a RetryPolicy, got str: 'fast'."),
        ({"indexer": object()}, "indexer must have a callable .index(message) method"),
        ({"projector": OnlyIndexes()}, "projector must have a callable .project(message)"),
    ],
    ids=["retry", "indexer", "projector"],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict[str, Any], words: str) -> None:
    fake, real = make_both(tmp_path, **kwargs)
    assert fake == real
    assert words in fake


def test_defaults() -> None:
    store = FakeStore(indexer=OnlyIndexes())
    assert isinstance(store, MessageStore)
    assert store.retry == RetryPolicy()  # same attempts and delays as SqliteStore's default
    assert store.retry.sleep is no_sleep
    assert store.closed is False
