"""Decode a source file and write it back atomically, keeping encoding, newlines and mode."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Decoded:
    text: str  # with "\n" newlines when the file was all CRLF
    encoding: str  # "utf-8-sig" keeps a BOM
    crlf: bool


def decode(data: bytes) -> Decoded:
    """Decode by the PEP 263 cookie or BOM; raise SyntaxError/UnicodeDecodeError if impossible."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    # Only a file that is CRLF throughout is normalised, so mixed files keep every byte.
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    return Decoded(text, encoding, crlf)


def encode(decoded: Decoded, text: str) -> bytes:
    if decoded.crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode(decoded.encoding)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` via a temp file in the same directory and os.replace."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
