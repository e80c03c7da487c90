"""``python -m audit``: the same as the ``mock-audit`` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":  # libcst's tool imports every module of a codemod package
    sys.exit(main())
