"""The fixer's public surface."""

from __future__ import annotations

import audit.fixer


def test_all_is_the_curated_sorted_surface():
    assert audit.fixer.__all__ == [
        "AddMissingNames",
        "Decoded",
        "FixError",
        "FixPlan",
        "apply_edits",
        "decode",
        "encode",
        "fix_file_text",
        "run_command",
        "write_atomic",
    ]
    assert all(hasattr(audit.fixer, name) for name in audit.fixer.__all__)


def test_fix_error_is_a_value_error_of_the_audit_tree():
    from audit.errors import AuditError

    assert issubclass(audit.fixer.FixError, ValueError)
    assert issubclass(audit.fixer.FixError, AuditError)
