"""mockharness's fake store: an in-memory MessageStore with fault injection and call recording.

Also here: the reusable contract suite (``fake_store.contract``), the differential state
machine (``fake_store.differential``, needs hypothesis) and the pytest plugin. Importing this
package registers mock-audit's check for ``harness.mock_module(..., strict=True)``.
"""

from __future__ import annotations

from fake_store._calls import Call, Calls
from fake_store._faults import SQLITE_ERRORS, Faults, sqlite_error
from fake_store._mocker import ModuleMocker
from fake_store._store import FakeStore, no_sleep
from fake_store._strict import register as _register_strict_check

_register_strict_check()

__all__ = [
    "Call",
    "Calls",
    "FakeStore",
    "Faults",
    "ModuleMocker",
    "SQLITE_ERRORS",
    "no_sleep",
    "sqlite_error",
]
