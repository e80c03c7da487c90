"""fake_store registers mock-audit's check for strict mock_module; it loads audit only when run."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

import pytest

from fake_store._strict import audit_strict_check, register
from harness import MissingExportsError, mock_module, set_strict_check


@pytest.fixture
def no_check() -> Iterator[None]:
    previous = set_strict_check(None)
    yield
    set_strict_check(previous)


def test_the_check_asks_audit_missing_names_and_sorts(tmp_path: Path) -> None:
    calls: list[tuple[str, list[str], Path | None]] = []

    def missing_names(
        module: str, provided: Iterable[str], *, start: Path | None = None
    ) -> Iterable[str]:
        calls.append((module, list(provided), start))
        return {"zeta", "alpha"}

    # A stand-in audit package: the check imports audit by name, when it runs.
    with mock_module("audit", {"missing_names": missing_names}):
        assert audit_strict_check("shop.crud", ["add"], tmp_path) == ["alpha", "zeta"]
    assert calls == [("shop.crud", ["add"], tmp_path)]


def test_registered_on_import_so_strict_mock_module_uses_it(tmp_path: Path) -> None:
    def missing_names(
        module: str, provided: Iterable[str], *, start: Path | None = None
    ) -> list[str]:
        return sorted({"add", "reserve"} - set(provided))

    with (
        mock_module("audit", {"missing_names": missing_names}),
        pytest.raises(MissingExportsError, match=r"lacks 1 name\(s\).*: reserve\."),
        mock_module("shop_fake_crud", {"add": 1}, strict=True, project=tmp_path),
    ):
        pass


def test_register_keeps_a_check_registered_first(no_check: None) -> None:
    def mine(module: str, provided: Collection[str], project: Path) -> list[str]:
        return []

    set_strict_check(mine)
    register()
    assert set_strict_check(None) is mine
    register()
    assert set_strict_check(None) is audit_strict_check
