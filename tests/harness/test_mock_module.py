"""mock_module: install a fake module and its parent attribute, then restore both exactly."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pytest

import harness
from harness import MissingExportsError, StrictCheckUnavailable, mock_module, set_strict_check


@pytest.fixture
def fresh_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real package `mhpkg` with a submodule `mhpkg.mod`, importable from tmp_path."""
    pkg = tmp_path / "mhpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text("def real():\n    return 'real'\n")
    (tmp_path / "mhuser.py").write_text("from mhpkg.mod import real, extra\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "mhpkg"
    for name in ("mhpkg", "mhpkg.mod", "mhpkg.absent", "mhuser"):
        sys.modules.pop(name, None)


def test_replaces_an_imported_module_and_restores_it(fresh_package: str) -> None:
    real = importlib.import_module("mhpkg.mod")
    parent = sys.modules["mhpkg"]
    with mock_module("mhpkg.mod", lambda: {"real": lambda: "fake", "extra": 1}) as fake:
        assert isinstance(fake, types.ModuleType) and fake.__name__ == "mhpkg.mod"
        assert sys.modules["mhpkg.mod"] is fake
        assert parent.mod is fake  # type: ignore[attr-defined]
        from mhpkg.mod import extra  # type: ignore[import-not-found]
        from mhpkg.mod import real as imported

        assert imported() == "fake" and extra == 1
        import mhuser  # type: ignore[import-not-found]  # its `from mhpkg.mod import ...` works

        assert mhuser.extra == 1
    assert sys.modules["mhpkg.mod"] is real
    assert parent.mod is real  # type: ignore[attr-defined]


def test_restores_was_absent(fresh_package: str) -> None:
    parent = importlib.import_module("mhpkg")
    assert "mhpkg.absent" not in sys.modules and not hasattr(parent, "absent")
    with mock_module("mhpkg.absent", {"x": 1}) as fake:
        assert sys.modules["mhpkg.absent"] is fake
        assert parent.absent is fake  # type: ignore[attr-defined]
    assert "mhpkg.absent" not in sys.modules
    assert not hasattr(parent, "absent")


def test_parent_not_imported_is_left_alone(fresh_package: str) -> None:
    assert "mhpkg" not in sys.modules
    with mock_module("mhpkg.mod", {"x": 1}) as fake:
        assert sys.modules["mhpkg.mod"] is fake
        assert "mhpkg" not in sys.modules
    assert "mhpkg.mod" not in sys.modules


def test_parent_imported_during_the_block_does_not_keep_the_fake(fresh_package: str) -> None:
    with mock_module("mhpkg.mod", {"x": 1}) as fake:
        parent = importlib.import_module("mhpkg")
        parent.mod = fake  # what `from . import mod` in the package would do
    assert "mhpkg.mod" not in sys.modules
    assert not hasattr(parent, "mod")


def test_restores_after_an_exception_and_attribute_set_to_none(fresh_package: str) -> None:
    parent = importlib.import_module("mhpkg")
    parent.slot = None  # type: ignore[attr-defined]
    sys.modules["mhpkg.slot"] = None  # type: ignore[assignment]  # an import blocker
    with pytest.raises(RuntimeError, match="boom"), mock_module("mhpkg.slot", {}):
        raise RuntimeError("boom")
    assert sys.modules["mhpkg.slot"] is None
    assert parent.slot is None  # type: ignore[attr-defined]
    del sys.modules["mhpkg.slot"]


def test_top_level_module() -> None:
    assert "mh_top_level_fake" not in sys.modules
    with mock_module("mh_top_level_fake", {"answer": 42}):
        import mh_top_level_fake  # type: ignore[import-not-found]

        assert mh_top_level_fake.answer == 42
    assert "mh_top_level_fake" not in sys.modules


def test_nested_mocks_of_one_module_unwind_in_order(fresh_package: str) -> None:
    real = importlib.import_module("mhpkg.mod")
    with mock_module("mhpkg.mod", {"v": 1}) as outer:
        with mock_module("mhpkg.mod", {"v": 2}):
            assert sys.modules["mhpkg.mod"].v == 2
        assert sys.modules["mhpkg.mod"] is outer
        assert sys.modules["mhpkg"].mod is outer
    assert sys.modules["mhpkg.mod"] is real


def test_the_story_missing_name_crashes_at_import(fresh_package: str) -> None:
    message = r"cannot import name 'extra' from 'mhpkg\.mod'"
    with (
        mock_module("mhpkg.mod", {"real": lambda: "fake"}),
        pytest.raises(ImportError, match=message),
    ):
        importlib.import_module("mhuser")


@pytest.mark.parametrize(
    ("name", "factory", "error", "message"),
    [
        (3, {}, TypeError, r"name must be a str, got int: 3"),
        ("", {}, ValueError, r"dotted module name.*got ''"),
        ("pkg..mod", {}, ValueError, r"got 'pkg..mod'"),
        ("pkg.mod", 5, TypeError, r"factory must be a mapping.*got int: 5"),
        ("pkg.mod", lambda: [("a", 1)], TypeError, r"the factory returned list"),
        ("pkg.mod", {"not valid": 1}, ValueError, r"must be identifiers; got \['not valid'\]"),
    ],
    ids=["name-type", "empty", "bad-dots", "factory-type", "factory-returns-list", "attr"],
)
def test_bad_arguments_install_nothing(
    name: Any, factory: Any, error: type[Exception], message: str
) -> None:
    before = dict(sys.modules)
    with pytest.raises(error, match=message), mock_module(name, factory):
        pass
    assert dict(sys.modules) == before


# --- strict: the names the project imports from the module ------------------------------


@pytest.fixture
def no_check() -> Iterator[None]:
    """No strict check registered (the plugin registered mock-audit's); restored after."""
    previous = set_strict_check(None)
    yield
    set_strict_check(previous)


@pytest.fixture
def check_calls(no_check: None) -> list[tuple[str, list[str], Path]]:
    """A registered stand-in check that knows what the project imports; records its calls."""
    calls: list[tuple[str, list[str], Path]] = []

    def check(module: str, provided: Collection[str], project: Path) -> list[str]:
        calls.append((module, list(provided), project))
        needed = {"add_message", "reserve_message", "get_message"}
        return sorted(needed - set(provided))

    assert set_strict_check(check) is None
    return calls


def test_strict_raises_listing_the_missing_names(
    check_calls: list[tuple[str, list[str], Path]],
) -> None:
    name = "harness.conversation_crud"
    real = sys.modules[name]
    with (
        pytest.raises(MissingExportsError) as caught,
        mock_module(name, lambda: {"get_message": 1, "add_message": 2}, strict=True),
    ):
        pass
    # The project defaults to the directory of the file that entered mock_module.
    assert check_calls == [(name, ["add_message", "get_message"], Path(__file__).parent)]
    assert caught.value.module == name
    assert caught.value.missing == ("reserve_message",)
    assert str(caught.value) == (
        "The fake for module 'harness.conversation_crud' lacks 1 name(s) that the project "
        "imports from it: reserve_message. Run `mock-audit fix` to add stubs for them."
    )
    assert sys.modules[name] is real and harness.conversation_crud is real


def test_strict_passes_a_complete_fake(
    check_calls: list[tuple[str, list[str], Path]], tmp_path: Path
) -> None:
    names = {"add_message": 1, "reserve_message": 2, "get_message": 3}
    with mock_module("harness.conversation_crud", names, strict=True, project=tmp_path) as fake:
        assert fake.reserve_message == 2
    assert [project for _, _, project in check_calls] == [tmp_path]


def test_not_strict_never_runs_the_check(check_calls: list[tuple[str, list[str], Path]]) -> None:
    with mock_module("harness.conversation_crud", {}):
        pass
    assert check_calls == []


def test_strict_without_a_check_says_how_to_get_one(no_check: None) -> None:
    name = "harness.conversation_crud"
    real = sys.modules[name]
    with (
        pytest.raises(StrictCheckUnavailable) as caught,
        mock_module(name, {"add_message": 1}, strict=True),
    ):
        pass
    assert isinstance(caught.value, harness.HarnessError)
    assert caught.value.module == name
    assert str(caught.value) == (
        "mock_module('harness.conversation_crud', ..., strict=True) needs mock-audit's check "
        "of the names the project imports, and none is registered. Run the tests with "
        "mockharness installed (its pytest plugin registers the check at startup unless "
        "disabled with '-p no:mockharness'), import fake_store, or call "
        "harness.set_strict_check(check) first."
    )
    assert sys.modules[name] is real
    with mock_module(name, {}) as fake:  # lenient mode needs no check
        assert sys.modules[name] is fake


def test_set_strict_check_returns_the_previous_one(no_check: None) -> None:
    def first(module: str, provided: Collection[str], project: Path) -> list[str]:
        return []

    def second(module: str, provided: Collection[str], project: Path) -> list[str]:
        return ["x"]

    assert set_strict_check(first) is None
    assert set_strict_check(second) is first
    assert set_strict_check(None) is second
    with pytest.raises(TypeError, match=r"needs a callable check.*got int: 3"):
        set_strict_check(3)  # type: ignore[arg-type]
    assert set_strict_check(None) is None


def test_the_plugin_registered_mock_audits_check() -> None:
    """This run loaded mockharness's plugin, whose import of fake_store registered it."""
    from fake_store._strict import audit_strict_check

    previous = set_strict_check(None)
    set_strict_check(previous)
    assert previous is audit_strict_check


@pytest.mark.needs_audit
def test_strict_with_the_real_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DEPENDS ON AUDIT: end to end through the registered check and audit.missing_names,
    on a small project that imports from mhapp.crud. Skipped until audit provides it."""
    audit = pytest.importorskip("audit", reason="needs the audit package (being rewritten)")
    if not hasattr(audit, "missing_names"):
        pytest.skip("needs audit.missing_names (audit is being rewritten)")
    (tmp_path / "pyproject.toml").write_text('[tool.mock-audit]\nsrc = ["."]\ntests = ["tests"]\n')
    app = tmp_path / "mhapp"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "crud.py").write_text(
        "async def add_message(): ...\nasync def reserve_message(): ...\ndef unused(): ...\n"
    )
    (app / "agent.py").write_text("from mhapp.crud import add_message, reserve_message\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_agent.py").write_text("import mhapp.agent\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with (
            pytest.raises(MissingExportsError) as caught,
            mock_module("mhapp.crud", {"add_message": 1}, strict=True, project=tmp_path),
        ):
            pass
        assert caught.value.missing == ("reserve_message",)
        assert "mhapp.crud" not in sys.modules
        both = {"add_message": 1, "reserve_message": 2}
        with mock_module("mhapp.crud", both, strict=True, project=tmp_path) as fake:
            assert sys.modules["mhapp.crud"] is fake
    finally:
        for name in ("mhapp", "mhapp.crud", "mhapp.agent"):
            sys.modules.pop(name, None)
