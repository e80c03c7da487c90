"""The replay's crashes, kept under what the replay read.

A replay (windows.py) depends on the programs of the test side, on where modules are
(the tree's layout), on the settings, on which modules some site fakes and on pytest's
``-m``; of the source modules it ran, it reads only their imports. So its crashes are
stored under a key over the first five, together with the imports it read from each
file. A later run under the same key reads those files' imports again (from the
per-file cache when a file's content is unchanged) and takes the stored crashes only
when every one is the same. Editing a function body or a comment of a widely imported
module changes none of that; adding or removing an import there replays the suite
again. (mypy's fine-grained mode works alike: dependants are checked again only when a
module's interface changed.)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .cache import digest
from .model import Config, ImportStep
from .project.index import ModuleFile, Project
from .suite import Suite
from .windows import Crash, Replay

KIND = "replay"


def key(layout: str, suite: Suite, faked: Iterable[str], markexpr: str, config: Config) -> str:
    """Everything a replay depends on but the imports of the files it reads."""
    root = str(config.root)
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{layout}\0{markexpr}\0{sorted(faked)}\0".encode())
    for path in sorted(suite.keys):
        h.update(f"program\0{suite.keys[path]}\0".encode())
    for path in suite.simulated:
        h.update(f"replayed\0{_rel(path, root)}\0".encode())
    return h.hexdigest()


def to_json(replay: Replay, config: Config) -> dict[str, Any]:
    root = str(config.root)
    return {
        "read": [
            [_rel(path, root), module, package, _records(records)]
            for (path, module, package), records in replay.consulted.items()
        ],
        "aliases": [
            [name, _rel(str(found.path), root), found.package]
            for name, found in replay.aliases.items()
        ],
        "crashes": [
            [
                _rel(c.site[0], root),
                c.site[1],
                c.kind,
                c.name,
                [[_rel(s.path, root), s.line, s.module] for s in c.chain],
                _rel(c.test_file, root),
            ]
            for c in replay.crashes
        ],
    }


def restore(stored: Any, project: Project, config: Config) -> list[Crash] | None:
    """The stored crashes when every file the replay read still has the imports it had
    (the fake packages' aliases are made again, as the replay made them); else None,
    and the project is left as it was."""
    if not isinstance(stored, dict):
        return None
    root = config.root
    unparsable = dict(project.unparsable)
    try:
        read = [(_abs(str(r), root), str(m), str(p), seen) for r, m, p, seen in stored["read"]]
        project.prefetch((path, module, package) for path, module, package, _ in read)
        for path, module, package, seen in read:
            if _records(project.file_imports(path, module, package)) != seen:
                project.unparsable = unparsable
                return None
        crashes = [
            Crash(
                (str(_abs(str(path), root)), int(index)),
                "package" if kind == "package" else "fallback" if kind == "fallback" else "name",
                str(name),
                tuple(ImportStep(str(_abs(str(p), root)), int(n), str(m)) for p, n, m in chain),
                str(_abs(str(test_file), root)),
            )
            for path, index, kind, name, chain, test_file in stored["crashes"]
        ]
        aliases = [
            (str(name), ModuleFile(str(name), _abs(str(path), root), bool(package)))
            for name, path, package in stored["aliases"]
        ]
    except (KeyError, TypeError, ValueError):
        project.unparsable = unparsable
        return None
    for name, found in aliases:
        project.alias(name, found)
    return crashes


def _records(records: tuple[object, ...]) -> str:
    return digest(repr(records).encode())


def _rel(path: str, root: str) -> str:
    prefix = root.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else path


def _abs(path: str, root: Path) -> Path:
    return Path(path) if os.path.isabs(path) else root / path
