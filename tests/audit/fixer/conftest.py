"""The helpers' asserts get pytest's rewriting, so a failed before/after shows a diff."""

import pytest

pytest.register_assert_rewrite("tests.audit.fixer.helpers")
