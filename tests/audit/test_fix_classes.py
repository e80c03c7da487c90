"""The fixer on class-based fakes and on modules named by f-strings: inline before/after."""

# ruff: noqa: E501

from __future__ import annotations

from .test_fix import assert_fix


def test_fstring_module_name_is_fixed_like_a_literal():
    assert_fix(
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        PKG = "app"
        sys.modules[f"{PKG}.crud"] = {"add_message": AsyncMock()}
        """,
        """
        import sys
        from unittest.mock import AsyncMock, MagicMock

        PKG = "app"
        sys.modules[f"{PKG}.crud"] = {"add_message": AsyncMock(), "get_message": MagicMock(), "reserve_message": AsyncMock()}
        """,
    )
