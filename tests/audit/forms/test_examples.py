"""Tests generated from the forms' own examples, the way Fixit tests a rule from its
VALID and INVALID lists.

Every example of every form in ``FAKE_FORMS`` and ``INSTALL_FORMS`` is written as
``tests/test_example.py`` of a tiny project whose ``app.service`` imports ``load`` and
``save`` from ``app.crud`` (and the example's ``added`` name when that is another), and
checked in-process:

* MATCH: the file has one site for ``example.module``, recognised by this form, whose
  fake provides exactly ``example.names`` (None: answers any name) and, when the
  example says ``package``, has ``__path__``;
* NO_MATCH: the file has no finite site for ``app.crud`` (a note is fine);
* ``fixed``: ``fix`` turns the file into exactly that text, after which the site has no
  finding left and a second ``fix`` changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audit.api import CheckRun, run_check
from audit.apply import fix
from audit.config import load_config
from audit.forms.base import Form, Match
from audit.forms.fakes import FAKE_FORMS
from audit.forms.installs import INSTALL_FORMS
from audit.testfile.program import Site

FORMS: tuple[Form, ...] = (*FAKE_FORMS, *INSTALL_FORMS)

CRUD = """\
def load():
    return 1


def save():
    return 2


async def remove():
    return 3
"""

# The fake forms a form's examples may come out as: a dict put straight into
# sys.modules is not a mapping turned into a module, and a mock without a spec answers
# every name.
ANSWERS = {"dict": {"dict", "dict_installed"}, "mock_spec": {"mock_spec", "mock"}}

# Examples that show a recognition or fix bug, by test id: they stay, and fail until
# the bug is fixed (strict xfail), when they must be taken off this list.
KNOWN_BUGS: dict[str, str] = {}  # example id -> the bug it shows (xfail, strict)


@dataclass(frozen=True)
class Example:
    form: Form
    kind: str  # "match", "no_match" or "fixed"
    index: int
    code: str
    match: Match | None = None

    @property
    def id(self) -> str:
        return f"{type(self.form).__name__}-{self.kind}-{self.index}"


def collect(kind: str) -> list[Example]:
    out: list[Example] = []
    for form in FORMS:
        if kind == "no_match":
            out += [Example(form, kind, i, code) for i, code in enumerate(form.NO_MATCH)]
        else:
            out += [
                Example(form, kind, i, m.code, m)
                for i, m in enumerate(form.MATCH)
                if kind == "match" or m.fixed is not None
            ]
    return out


def examples(kind: str) -> list[Any]:
    """The examples of ``kind`` as parameters; a known bug's is a strict xfail."""
    return [
        pytest.param(
            example,
            id=example.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[example.id])]
            if example.id in KNOWN_BUGS
            else [],
        )
        for example in collect(kind)
    ]


def write_project(root: Path, code: str, added: str = "save") -> Path:
    """The example's project; returns the test file."""
    required = ["load", "save"] + ([added] if added not in ("load", "save") else [])
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "src/app/__init__.py": "",
        "src/app/crud.py": CRUD,
        "src/app/service.py": f"from app.crud import {', '.join(required)}\n",
        "tests/test_example.py": code,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "tests" / "test_example.py"


def check(root: Path) -> CheckRun:
    return run_check(None, load_config(root))


def sites_of(run: CheckRun, test_file: Path, module: str) -> list[Site]:
    assert run.suite is not None
    program = run.suite.programs.get(str(test_file.resolve()))
    return [s for s in (program.sites if program else ()) if s.module == module]


def only_site(run: CheckRun, test_file: Path, module: str) -> Site:
    found = sites_of(run, test_file, module)
    assert len(found) == 1, f"expected one site for {module!r}, found {found}"
    return found[0]


# --- the examples -----------------------------------------------------------------------


@pytest.mark.parametrize("example", examples("match"))
def test_match(example: Example, tmp_path: Path) -> None:
    match = example.match
    assert match is not None
    test_file = write_project(tmp_path, match.code, match.added)
    site = only_site(check(tmp_path), test_file, match.module)
    form = example.form
    if form in INSTALL_FORMS:
        assert site.install == form.id
    else:
        assert site.fake.form in ANSWERS.get(form.id, {form.id})
    assert site.fake.note is None, site.fake.note
    assert site.fake.names == match.names
    if match.package:
        assert site.fake.package, "the fake should be a package (have __path__)"


@pytest.mark.parametrize("example", examples("no_match"))
def test_no_match(example: Example, tmp_path: Path) -> None:
    test_file = write_project(tmp_path, example.code)
    finite = [s for s in sites_of(check(tmp_path), test_file, "app.crud") if s.fake.finite]
    assert not finite, f"a finite fake of app.crud was recognised: {finite}"


@pytest.mark.parametrize("example", examples("fixed"))
def test_fixed(example: Example, tmp_path: Path) -> None:
    match = example.match
    assert match is not None and match.fixed is not None
    test_file = write_project(tmp_path, match.code, match.added)
    site = only_site(check(tmp_path), test_file, match.module)
    assert site.fake.edit is not None, "the example's fake is not fixable"
    assert match.added not in (site.fake.names or ()), "the example already has `added`"

    report = fix(config=load_config(tmp_path))
    assert [f.error for f in report.files] == [None]
    assert test_file.read_text(encoding="utf-8") == match.fixed
    assert not [f for f in report.remaining if f.module == match.module]

    again = fix(config=load_config(tmp_path))
    assert not any(f.written for f in again.files)
    assert test_file.read_text(encoding="utf-8") == match.fixed


# --- the lists themselves --------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS, ids=[type(f).__name__ for f in FORMS])
def test_every_form_is_documented_and_has_a_match_example(form: Form) -> None:
    assert form.id and form.title and form.example
    assert form.MATCH, f"{type(form).__name__} has no MATCH example"


def test_form_ids_are_unique() -> None:
    fakes = [f.id for f in FAKE_FORMS]
    installs = [f.id for f in INSTALL_FORMS]
    assert len(set(fakes)) == len(fakes) and len(set(installs)) == len(installs)


def test_known_bugs_name_real_examples() -> None:
    ids = {e.id for kind in ("match", "no_match", "fixed") for e in collect(kind)}
    assert set(KNOWN_BUGS) <= ids, sorted(set(KNOWN_BUGS) - ids)


@pytest.mark.parametrize("form", FAKE_FORMS, ids=[type(f).__name__ for f in FAKE_FORMS])
def test_a_fixable_fake_form_has_a_fixed_example(form: Form, tmp_path: Path) -> None:
    """A form whose examples give fixable fakes shows what ``fix`` makes of one."""
    if any(m.fixed is not None for m in form.MATCH):
        return
    for index, match in enumerate(form.MATCH):
        root = tmp_path / str(index)
        test_file = write_project(root, match.code, match.added)
        for site in sites_of(check(root), test_file, match.module):
            assert site.fake.edit is None, (
                f"{type(form).__name__}'s MATCH[{index}] is fixable: add a `fixed` example"
            )
