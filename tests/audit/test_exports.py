"""The public surface of the audit package is curated and sorted."""

from __future__ import annotations

import audit


def test_all_is_exactly_the_public_surface():
    assert audit.__all__ == [
        "AuditError",
        "Config",
        "ConfigError",
        "FileFix",
        "Finding",
        "FixReport",
        "ImportStep",
        "Note",
        "ParseFailure",
        "Report",
        "Site",
        "SiteFix",
        "check",
        "fix",
        "load_config",
        "missing_exports",
    ]
    assert audit.__all__ == sorted(audit.__all__)
    for name in audit.__all__:
        assert getattr(audit, name).__module__.startswith("audit.")


def test_config_error_is_an_audit_error():
    assert issubclass(audit.ConfigError, audit.AuditError)


def test_version_is_the_distribution_version():
    from importlib.metadata import version

    assert audit.__version__ == version("mockharness")
