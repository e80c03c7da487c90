"""Where added imports go: the file's head, found without reading the rest of it."""

# Expected sources are easiest to read on one line each.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from audit.fixer.imports import add_imports, member_key, scan
from audit.sourcefile import split_lines

from .helpers import dedent


def added(code: str, *needs: tuple[str, str], line_length: int = 88) -> str:
    lines = split_lines(dedent(code))
    return "".join(add_imports(lines, needs, newline="\n", line_length=line_length, unit="    "))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "import sys\n\n# Why zip.\nfrom zipfile import ZipFile\n",
            "import sys\n\nfrom unittest.mock import MagicMock\n# Why zip.\nfrom zipfile import ZipFile\n",
            id="unsorted-file-goes-before-the-comment-of-the-next-statement",
        ),
        pytest.param(
            "#!/usr/bin/env python\n# Copyright.\n\nx = 1\n",
            "#!/usr/bin/env python\n# Copyright.\n\nfrom unittest.mock import MagicMock\n\nx = 1\n",
            id="after-opening-comments",
        ),
        pytest.param(
            "import sys",
            "import sys\nfrom unittest.mock import MagicMock\n",
            id="no-final-newline",
        ),
        pytest.param(
            "import sys\n\nif TYPE_CHECKING:\n    import os\n\nfrom unittest.mock import patch\n",
            "import sys\n\nif TYPE_CHECKING:\n    import os\n\nfrom unittest.mock import MagicMock, patch\n",
            id="later-mock-import-is-merged-into",
        ),
        pytest.param(
            '"""Doc."""\nimport sys\n',
            '"""Doc."""\nimport sys\nfrom unittest.mock import MagicMock\n',
            id="after-a-docstring",
        ),
        pytest.param(
            "from . import helpers\n",
            "from unittest.mock import MagicMock\n\nfrom . import helpers\n",
            id="before-local-imports",
        ),
    ],
)
def test_a_new_import_goes_where_isort_puts_it(before: str, after: str) -> None:
    assert added(before, ("unittest.mock", "MagicMock")) == after


def test_several_new_imports_form_one_sorted_group() -> None:
    out = added("import pytest\n", ("unittest.mock", "MagicMock"), ("importlib.util", ""))
    assert out == "import importlib.util\nfrom unittest.mock import MagicMock\n\nimport pytest\n"


@pytest.mark.parametrize(
    ("before", "newline", "after"),
    [
        pytest.param(  # the merged statement's "\r" ran into the blank "\n" line after it
            "import sys\rfrom unittest.mock import patch\r\n\nx = 1\r",
            "\r",
            "import sys\rfrom unittest.mock import MagicMock, patch\r\n\nx = 1\r",
            id="merged-statement-before-an-lf-line",
        ),
        pytest.param(  # the new import's "\r" ran into the blank "\n" line after it
            "import sys\r\n\nx = 1\n",
            "\r",
            "import sys\r\nfrom unittest.mock import MagicMock\r\n\nx = 1\n",
            id="new-import-before-an-lf-line",
        ),
        pytest.param(  # our blank "\n" line ran into the "\r" that ends the line before it
            "from __future__ import annotations\rx = 1\n",
            "\n",
            "from __future__ import annotations\r\rfrom unittest.mock import MagicMock\nx = 1\n",
            id="blank-line-after-a-cr-line",
        ),
    ],
)
def test_mixed_newlines_never_run_together(before: str, newline: str, after: str) -> None:
    lines = split_lines(before)
    out = add_imports(
        lines, [("unittest.mock", "MagicMock")], newline=newline, line_length=88, unit="    "
    )
    assert "".join(out) == after
    # every line of the file is still a line of its own
    assert len(split_lines("".join(out))) == len(out)


def test_member_order_is_ruffs_order_by_type() -> None:
    names = [
        "patch",
        "call",
        "MagicMock",
        "ANY",
        "AsyncMock",
        "sentinel",
        "DEFAULT",
        "Mock2",
        "Mock10",
    ]
    assert sorted(names, key=member_key) == [
        "ANY",
        "DEFAULT",
        "AsyncMock",
        "MagicMock",
        "Mock2",
        "Mock10",
        "call",
        "patch",
        "sentinel",
    ]


def test_scan_reads_only_the_head_of_the_file() -> None:
    lines = split_lines(
        dedent(
            '''
        """Doc."""

        import sys

        x = [
        '''
        )
        + "    1,\n" * 1000
        + "]\nfrom unittest import mock\n"
    )
    header = scan(lines)
    assert header.docstring_end == 1
    assert [s.start for s in header.block] == [2]
    assert header.after is not None and header.after.start == 4
    assert [s.start for s in header.later] == [len(lines) - 1]
