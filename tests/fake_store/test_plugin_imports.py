"""Loading the mockharness plugin imports nothing of the auditor, nor libcst, by default."""

from __future__ import annotations

import pytest

PLAIN_RUN = """
    import sys


    def test_plugin_loaded_and_auditor_not(fake_store):
        assert "fake_store.plugin" in sys.modules  # the pytest11 entry point ran
        assert "fake_store" in sys.modules
        assert "audit" not in sys.modules
        assert not [name for name in sys.modules if name.startswith(("audit.", "libcst"))]
"""


def test_a_plain_run_imports_no_auditor_and_no_libcst(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain=PLAIN_RUN)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_lenient_mock_module_imports_no_auditor(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_lenient="""
        import sys


        def test_lenient(mock_module):
            mock_module("shop_crud", {"add": 1})
            assert "audit" not in sys.modules and "libcst" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_mock_audit_option_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["mockharness:", "*--mock-audit*run mock-audit check*"])
