"""fake_store's curated public surface."""

from __future__ import annotations

import fake_store


def test_all_is_sorted_and_exact() -> None:
    assert fake_store.__all__ == [
        "Call",
        "Calls",
        "FakeStore",
        "Faults",
        "ModuleMocker",
        "SQLITE_ERRORS",
        "no_sleep",
        "sqlite_error",
    ]
    assert fake_store.__all__ == sorted(fake_store.__all__)


def test_every_exported_name_exists() -> None:
    for name in fake_store.__all__:
        assert getattr(fake_store, name) is not None, name
