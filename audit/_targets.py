"""What a fake is, for the finder and the fixer: its names, and where a new name goes."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ._types import FakeForm

__all__ = [
    "AttrTarget",
    "CallTarget",
    "ClassTarget",
    "DictTarget",
    "EditTarget",
    "Fake",
    "Kwargs",
    "SpecTarget",
    "permissive",
    "unknown",
]


# --- where the fixer adds a name ---


@dataclass(frozen=True, eq=False)
class DictTarget:
    node: cst.Dict
    before: cst.BaseDictElement | None = None  # insert before this (a helper's **kwargs spread)


@dataclass(frozen=True, eq=False)
class CallTarget:
    node: cst.Call  # SimpleNamespace(...) / dict(...) / Mock(...): names become keywords
    star: cst.Arg | None = None  # the helper's ``**kwargs``: new names merge in before it


@dataclass(frozen=True, eq=False)
class AttrTarget:
    var: str
    after: cst.SimpleStatementLine  # new ``var.name = stub`` lines go after this one


@dataclass(frozen=True, eq=False)
class SpecTarget:
    node: cst.List | cst.Tuple | cst.Set


@dataclass(frozen=True, eq=False)
class ClassTarget:
    node: cst.ClassDef  # new ``name = stub`` lines go at the end of its body
    present: frozenset[str]  # names the class object has (an instance's ``self.x`` aside)


EditTarget = DictTarget | CallTarget | AttrTarget | SpecTarget | ClassTarget


@dataclass(frozen=True, eq=False)
class Fake:
    form: FakeForm | None
    provided: frozenset[str] | None
    note: str | None = None
    target: EditTarget | None = None
    key: cst.CSTNode | None = None  # the definition sites sharing this fake share
    lines: tuple[int, ...] = ()  # lines that build the fake (for suppression comments)


def permissive() -> Fake:
    return Fake(None, None)


def unknown(note: str) -> Fake:
    return Fake(None, None, note=note)


@dataclass(frozen=True)
class Kwargs:
    """Inside a helper called with keywords: its ``**param`` stands for these names."""

    param: str
    names: frozenset[str] | None  # None when the call site passes ``**something`` unknown
