"""Source files as Python reads them: decode by BOM or PEP 263 cookie, split lines where
Python splits them, and write text back as the same bytes, atomically.

The text keeps the file's own newlines (LF, CRLF, CR-only or mixed, to the last byte):
nothing is normalised, so ``encode(d, d.text)`` gives back exactly the bytes ``decode``
was given. The encoding comes from the BOM or the PEP 263 cookie, as Python reads it.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FIRST_TWO = re.compile(rb"([^\r\n]*(?:\r\n|\r|\n)?)([^\r\n]*(?:\r\n|\r|\n)?)")


@dataclass(frozen=True)
class Decoded:
    """A source file as text, with what it takes to write it back byte for byte."""

    text: str  # the file's own newlines; no BOM
    encoding: str  # the codec name Python reads the file with ("utf-8-sig" reads a BOM)
    bom: bool  # the file starts with a UTF-8 byte order mark
    newline: str  # the file's first newline ("\n" when it has none): for new lines


def split_lines(text: str) -> list[str]:
    """``text`` as lines, each with its own newline, split where Python splits lines
    (``\\r\\n``, ``\\r``, ``\\n``; never at form feeds or Unicode line separators)."""
    parts = _NEWLINE.split(text)
    lines = [a + b for a, b in zip(parts, _NEWLINE.findall(text), strict=False)]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def decode(data: bytes) -> Decoded:
    """Decode ``data`` the way Python reads a source file.

    Raises SyntaxError for a bad or unknown coding cookie and UnicodeDecodeError for
    bytes the encoding cannot read, or cannot write back identically.
    """
    encoding, _ = tokenize.detect_encoding(_first_lines(data))
    text = data.decode(encoding)
    # A few codecs read two byte sequences as the same text; writing such a file back
    # would change bytes the fix never touched, so it is refused like bad bytes.
    if text.encode(encoding) != data:
        raise UnicodeDecodeError(encoding, data, 0, len(data), "does not encode back the same")
    found = _NEWLINE.search(text)
    return Decoded(
        text=text,
        encoding=encoding,
        bom=encoding == "utf-8-sig",
        newline=found.group() if found else "\n",
    )


def _first_lines(data: bytes) -> Callable[[], bytes]:
    """A ``readline`` over the first two lines, split where Python splits them: a CR-only
    file's cookie is on its first line too (``BytesIO.readline`` splits at ``\\n`` only)."""
    found = _FIRST_TWO.match(data)
    lines = [found.group(1), found.group(2), b""] if found else [b""]
    return iter(lines).__next__


def encode(decoded: Decoded, text: str) -> bytes:
    """``text`` (from ``decoded.text``, maybe edited) as the bytes of that file."""
    return text.encode(decoded.encoding)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temp file in the same folder, fsync, os.replace.

    Keeps the file's permission bits (and writes through a symlink to its target). On
    any error the file is unchanged and no temp file is left behind.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    # The rename itself is durable only once the folder is synced (POSIX); where a
    # folder cannot be opened or synced (Windows), the replace is still atomic.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
