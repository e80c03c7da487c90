"""What every form unit shares: its examples, and the Fake a fake form builds.

A form is one class that recognises one way of writing a fake (or of installing
one) and carries its own examples: code that must match (with what it must give),
code that must not, and for fake forms the code after ``fix`` adds a name. The
tests are generated from these examples, the way a Fixit rule carries VALID and
INVALID; docs/audit.md lists the forms from the same registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import EditTarget


@dataclass(frozen=True)
class Fake:
    """What an object installed in ``sys.modules`` provides.

    ``names`` is None when it answers any name (a spec-less ``MagicMock``, an object
    with ``__getattr__``, the real module): such a fake never lacks a name. ``package``
    says whether it has a ``__path__`` (importing a submodule through it works).
    ``note`` is set (and ``names`` None) when the fake cannot be analysed.
    """

    form: str
    names: frozenset[str] | None
    package: bool = False
    note: str | None = None
    edit: EditTarget | None = None  # where ``fix`` adds a name; None: not fixable
    lines: tuple[int, ...] = ()  # lines that build it (for suppression comments)
    key: str = ""  # the fake's definition: sites that share a fake share a key
    blocker: bool = False  # ``None``: blocks the import; not a fake at all
    empty_path: bool = False  # ``__path__ = []``: a package in which no submodule is found
    # ``__path__ = [str(ROOT / "pkg")]``: the folders its submodules load from (a
    # "shadow" package: only its namespace is fake); () when unknown or none
    path_dirs: tuple[str, ...] = ()

    @property
    def finite(self) -> bool:
        return self.names is not None and self.note is None

    @property
    def named(self) -> bool:
        """Whether it has its module's ``__name__``: ``from pkg import sub`` on a fake
        that lacks ``sub`` falls back to ``sys.modules["pkg.sub"]`` only through it (a
        ``ModuleType``, one ``mock_module`` makes, the real module; not a namespace or
        a class, unless given a ``__name__``)."""
        return self.form in _NAMED_FORMS or (self.names is not None and "__name__" in self.names)


_NAMED_FORMS = frozenset({"module_type", "real", "dict", "dict_of_names"})


def any_name(form: str, *, package: bool = False) -> Fake:
    """A fake that answers every attribute (it may still lack ``__path__``)."""
    return Fake(form, None, package=package)


def unknown(note: str) -> Fake:
    return Fake("unknown", None, note=note)


@dataclass(frozen=True)
class Match:
    """An example that a form must recognise: the fake of ``module`` it must find,
    with ``names`` (None: answers any name); for fake forms, ``fixed`` is the file
    after ``fix`` adds the name ``added`` to that fake."""

    code: str
    module: str = "app.crud"
    names: frozenset[str] | None = frozenset({"load"})
    fixed: str | None = None
    added: str = "save"
    package: bool = False


class Form:
    """A way of writing a fake or of installing one, with its examples."""

    id: str = ""
    title: str = ""  # one line for docs/audit.md
    example: str = ""  # the shortest spelling, for the docs table
    MATCH: tuple[Match, ...] = ()
    NO_MATCH: tuple[str, ...] = ()
