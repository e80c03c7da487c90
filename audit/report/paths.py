"""Shared display helpers: printable and URI forms of paths, and each code's severity.

A path ``str`` comes from ``os.fsdecode``, so an undecodable byte of a file name is a
surrogate escape (``"caf\\udce9.py"``). Such a string cannot be written to a UTF-8
stream; these helpers turn it into text that can, or into the bytes it stands for.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

from ..model import Code

_ERROR_CODES: frozenset[Code] = frozenset({"MA001", "MA004"})
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:/")


def path_bytes(path: str) -> bytes:
    """The file system's bytes for ``path``; never raises."""
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that is no escape: keep it, visibly
        return path.encode("utf-8", "surrogatepass")


def display_path(path: str) -> str:
    """``path`` as printable text: undecodable bytes become ``\\xNN`` escapes."""
    if path.isascii():
        return path
    return path_bytes(path).decode("utf-8", "backslashreplace")


def display_text(text: str) -> str:
    """Any other string (a message, a module name) as text a UTF-8 stream accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "backslashreplace")
    return text


def is_absolute(path: str) -> bool:
    """Whether a ``/``-separated finding path is absolute (a file outside the root)."""
    return path.startswith("/") or _WINDOWS_DRIVE.match(path) is not None


def uri_reference(path: str) -> str:
    """``path`` as a URI (RFC 3986): relative paths stay relative, absolute ones become
    ``file:`` URIs; every byte outside the unreserved set is percent-encoded."""
    if _WINDOWS_DRIVE.match(path):
        return "file:///" + path[:2] + quote(path_bytes(path[2:]), safe="/")
    encoded = quote(path_bytes(path), safe="/")
    return "file://" + encoded if path.startswith("/") else encoded


def is_error(code: Code) -> bool:
    """Whether a finding of ``code`` means a test crashes now (an error, not a warning)."""
    return code in _ERROR_CODES
