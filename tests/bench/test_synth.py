"""The benchmark's synthetic tree generator (bench/_synth.py) and the census of real trees
(bench/_real.py): deterministic, valid, shaped as calibrated, and designed findings that
``mock-audit`` itself reports.

bench/ is never put on sys.path: bench/audit.py would shadow the ``audit`` package.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from audit.api import check
from audit.config import load_config

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    qualified = f"_mockharness_bench{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


synth = _load("_synth")
real = _load("_real")


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    return synth.generate(tmp_path_factory.mktemp("tiny"), tests=40, sources=60)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    return synth.generate(tmp_path_factory.mktemp("small"), tests=200, sources=120)


def test_same_arguments_write_the_same_bytes(tmp_path: Path, tiny) -> None:
    again = synth.generate(tmp_path / "again", tests=40, sources=60)
    assert tree_digest(again.root) == tree_digest(tiny.root)
    assert again.expected == tiny.expected
    assert again.sites == tiny.sites


def test_another_seed_writes_another_tree(tmp_path: Path, tiny) -> None:
    other = synth.generate(tmp_path / "other", tests=40, sources=60, seed=1)
    assert tree_digest(other.root) != tree_digest(tiny.root)


def test_counts_match_the_files_on_disk(small) -> None:
    tests = sorted((small.root / "tests").rglob("test_*.py"))
    sources = [p for p in (small.root / "src").rglob("*.py") if p.name != "__init__.py"]
    assert small.test_files == len(tests) == 200
    assert small.source_modules == len(sources) == 120
    assert list(small.test_paths) == tests
    assert small.test_bytes == sum(p.stat().st_size for p in tests)
    assert small.touch_target.is_file() and small.hub == "app.core.base"
    assert (small.root / "pyproject.toml").read_text().count("[tool.mock-audit]") == 1


def test_the_scale_sets_the_counts() -> None:
    assert synth.counts(1.0) == (5000, 3800)
    assert synth.counts(0.1) == (500, 380)
    assert synth.counts(0.0001) == (40, 60)


def test_every_generated_file_is_valid_python(tiny) -> None:
    files = list(tiny.root.rglob("*.py"))
    assert len(files) > tiny.test_files + tiny.source_modules  # plus conftests, packages
    for path in files:
        ast.parse(path.read_bytes(), filename=str(path))


def test_the_shape_follows_the_calibration(small) -> None:
    census = real.census(small.root)
    assert census.unparsable == 0
    # about 12% of the test modules hold fakes, in every place and form
    share = census.files_with_fakes / census.test_modules
    assert 0.08 <= share <= 0.2, share
    assert set(small.count("where")) == set(synth.WHERE)
    assert set(small.count("form")) == set(synth.FORMS)
    assert 10_000 <= census.test_size.mean <= 30_000, census.test_size
    assert census.fan_out.mean >= 2
    assert census.top_imported[0] == small.hub
    assert census.top_imported[1] >= 0.1 * small.source_modules


def test_findings_come_only_from_finite_fakes_that_lack_names(small) -> None:
    codes = Counter(code for _, _, code, _ in small.expected)
    assert codes["MA001"] and codes["MA002"] and set(codes) == {"MA001", "MA002"}
    finite: dict[tuple[str, str], list[frozenset[str]]] = {}
    for site in small.sites:
        if site.provided is not None:  # spec-less mocks and None never make findings
            finite.setdefault((site.path, site.module), []).append(site.provided)
    for path, module, _, missing in small.expected:
        assert any(not set(missing) & provided for provided in finite[(path, module)])


def test_mock_audit_reports_exactly_the_designed_findings(tiny) -> None:
    cwd = os.getcwd()
    os.chdir(tiny.root)
    try:
        report = check(None, load_config(tiny.root))
    finally:
        os.chdir(cwd)
    got = Counter((f.path, f.module, f.code, tuple(f.missing)) for f in report.findings)
    assert got == Counter(tiny.expected)
    assert report.sites == len(tiny.sites)
    assert not report.notes and not report.warnings


def test_too_small_a_tree_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tests must be at least 40; got 5"):
        synth.generate(tmp_path, tests=5, sources=100)


def test_the_big_file_holds_one_fake_that_lacks_a_name(tmp_path: Path) -> None:
    big = synth.generate_big_file(tmp_path, size=200_000)
    assert 200_000 <= big.size < 230_000
    text = big.test_file.read_text()
    assert text.count('patch.dict(sys.modules, {"bigapp.store": fake})') == 1
    ast.parse(text)
    report = check(None, load_config(tmp_path))
    got = [(f.path, f.module, f.code, tuple(f.missing)) for f in report.findings]
    assert got == list(big.expected)


def test_the_census_counts_sites_by_place_and_form(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "core.py").write_text("def load():\n    pass\n")
    (tmp_path / "app" / "service.py").write_text("from app.core import load\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(
        'import sys\nimport types\n\nsys.modules.setdefault("app.core", types.ModuleType("x"))\n'
    )
    (tmp_path / "tests" / "test_it.py").write_text(
        "import sys\nfrom types import SimpleNamespace\n"
        "from unittest.mock import MagicMock, patch\n\nimport pytest\n\n\n"
        "@pytest.fixture\ndef fake(monkeypatch):\n"
        '    monkeypatch.setitem(sys.modules, "app.core", SimpleNamespace(load=print))\n\n\n'
        "def test_a():\n"
        '    with patch.dict(sys.modules, {"app.core": MagicMock(), "redis": None}):\n'
        "        pass\n"
    )
    census = real.census(tmp_path)
    assert (census.test_files, census.source_modules, census.files_with_fakes) == (2, 3, 2)
    assert census.where == {"module": 1, "test": 1, "fixture": 1, "helper": 0}
    assert census.conftest_where["module"] == 1
    assert census.forms == {"module_type": 1, "simple_namespace": 1, "mock_specless": 1}
    assert census.third_party_sites == 1
    assert census.top_imported == ("app.core", 1)
