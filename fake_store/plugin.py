"""pytest plugin of mockharness: store, pipeline and module-mock fixtures.

Fixtures ``fake_store``, ``sqlite_store``, ``persistence_pipeline`` and ``mock_module``;
ini option ``mock_module_strict``; option ``--mock-audit``. Every fixture is a synchronous
generator, so it works under any async plugin: the store is made current with ``use_store``
(a ContextVar) in the test's context, which pytest-asyncio copies into the task that runs an
async test. Loading the plugin imports ``fake_store``, which registers mock-audit's check for
strict ``mock_module``; nothing of the auditor (nor libcst) is imported unless a strict
``mock_module`` runs or ``--mock-audit`` is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_store._mocker import ModuleMocker
from fake_store._store import FakeStore
from harness._pipeline import PersistencePipeline
from harness._sqlite import SqliteStore
from harness.conversation_crud import use_store


def pytest_addoption(parser: pytest.Parser) -> None:
    # Registered here, not by audit.pytest_plugin: importing that would load the auditor on
    # every pytest run.
    parser.getgroup("mockharness").addoption(
        "--mock-audit",
        action="store_true",
        default=False,
        dest="mock_audit",
        help="run mock-audit check on the test paths first; findings stop the run (exit 2).",
    )
    parser.addini(
        "mock_module_strict",
        help="mock_module fixture: check fakes against the names the project imports "
        "(strict=True) unless a call says otherwise.",
        type="bool",
        default=False,
    )


@pytest.fixture(name="fake_store")
def fake_store_fixture() -> Iterator[FakeStore]:
    """A fresh FakeStore, current for harness.conversation_crud during the test."""
    store = FakeStore()
    with use_store(store):
        yield store
    store.close_sync()


@pytest.fixture(name="sqlite_store")
def sqlite_store_fixture(tmp_path: Path) -> Iterator[SqliteStore]:
    """A SqliteStore on a file under tmp_path, current during the test, closed after."""
    store = SqliteStore(tmp_path / "mockharness.sqlite")
    try:
        with use_store(store):
            yield store
    finally:
        store.close_sync()


@pytest.fixture(name="persistence_pipeline")
def persistence_pipeline_fixture(request: pytest.FixtureRequest) -> PersistencePipeline:
    """A PersistencePipeline (no middleware) whose terminal writes to the current store.

    The current store is the test's ``sqlite_store`` when it asks for one, else its
    ``fake_store`` (created here if the test did not ask for it), so no test ever writes to
    the process-wide default store.
    """
    if "sqlite_store" in request.fixturenames:
        request.getfixturevalue("sqlite_store")
    else:
        request.getfixturevalue("fake_store")
    return PersistencePipeline()


@pytest.fixture(name="mock_module")
def mock_module_fixture(request: pytest.FixtureRequest) -> Iterator[ModuleMocker]:
    """``mock_module(name, factory, *, strict=None)``: install a fake module until teardown."""
    # Strict checks look for the config from the test file's directory, not the cwd.
    mocker = ModuleMocker(
        strict=bool(request.config.getini("mock_module_strict")), project=request.path.parent
    )
    try:
        yield mocker
    finally:
        mocker.undo()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # The audit runs once, in the process that runs the session: not in pytest-xdist's
    # workers (they carry ``workerinput``), which would each audit again.
    if session.config.getoption("mock_audit", default=False) and not hasattr(
        session.config, "workerinput"
    ):
        # Imported only now: the auditor (libcst and all) is not every run's cost.
        from audit.pytest_plugin import audit_session

        audit_session(session)
