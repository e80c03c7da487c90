"""The benchmark's synthetic monorepo generator (bench/_synth.py), and a smoke run of the bench.

bench/ is never put on sys.path: bench/audit.py would shadow the ``audit`` package.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_synth() -> ModuleType:
    name = "_mockharness_bench_synth"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / "_synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


synth = _load_synth()

# A text every file of each form must hold: how the fake is built or installed.
MARKERS = {
    "mock_module_lambda": "lambda: {",
    "mock_module_dict": 'with mock_module("app.crud.',
    "sys_modules_namespace": 'sys.modules["app.crud.',
    "setitem_module_type": "types.ModuleType(",
    "patch_dict_cm_magicmock_spec": "MagicMock(spec=[",
    "patch_dict_decorator_constant": "@patch.dict(sys.modules",
    "patch_dict_string": 'patch.dict("sys.modules"',
    "mocker_patch_dict": "mocker.patch.dict(sys.modules",
    "dict_spread": "{**BASE_STORE_",
    "helper": "return SimpleNamespace(\n",
    "kwargs_helper": "return SimpleNamespace(**functions)",
    "name_constant": "sys.modules[STORE_MODULE_",
    "unittest_mock_module": "mock.patch.dict(sys.modules",
    "specless": "MagicMock())",
    "suppressed": "# mock-audit: ignore",
    "blocker": ": None}",
    "third_party": '"redis"',
}


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    return synth.generate(tmp_path_factory.mktemp("small"), tests=400, sources=60)


def test_same_arguments_write_the_same_bytes(tmp_path: Path, small) -> None:
    again = synth.generate(tmp_path / "again", tests=400, sources=60)
    assert tree_digest(again.root) == tree_digest(small.root)
    assert again.expected == small.expected
    assert again.sites_by_form == small.sites_by_form


def test_another_seed_writes_another_tree(tmp_path: Path, small) -> None:
    other = synth.generate(tmp_path / "other", tests=400, sources=60, seed=1)
    assert tree_digest(other.root) != tree_digest(small.root)


def test_counts_match_the_files_on_disk(small) -> None:
    tests = sorted((small.root / "tests").rglob("test_*.py"))
    sources = [p for p in (small.root / "src").rglob("*.py") if p.name != "__init__.py"]
    assert small.test_files == len(tests) == 400
    assert small.source_modules == len(sources) == 60
    assert sorted(small.test_paths) == tests
    sizes = [p.stat().st_size for p in tests]
    assert min(sizes) >= 2000 and max(sizes) <= 8192, (min(sizes), max(sizes))
    assert small.test_bytes == sum(sizes)
    assert (small.root / "pyproject.toml").read_text().count("[tool.mock-audit]") == 1


def test_every_generated_file_is_valid_python(small) -> None:
    assert small.test_paths and small.source_paths  # a vacuous loop would prove nothing
    for path in [*small.test_paths, *small.source_paths, *small.root.rglob("conftest.py")]:
        ast.parse(path.read_bytes(), filename=str(path))


def test_every_form_is_present_and_written_in_its_form(small) -> None:
    assert set(small.sites_by_form) == set(synth.FAKE_FORMS)
    assert sum(small.sites_by_form.values()) == small.fake_files == len(small.sites)
    for site in small.sites:
        text = (small.root / site.path).read_text(encoding="utf-8")
        assert MARKERS[site.form] in text, (site.form, site.path)
        # Every fake passes the read+prefilter floor's test.
        assert "sys.modules" in text or "mock_module" in text


def test_findings_come_only_from_fakes_that_lack_names(small) -> None:
    codes = {code for _, code, _ in small.expected}
    assert codes == {"MA001", "MA002"}
    by_path = {site.path: site for site in small.sites}
    for path, _, missing in small.expected:
        site = by_path[path]
        assert site.provided is not None, f"{site.form} must never be a finding"
        assert set(missing) <= set(synth.NAMES) - site.provided
    # A fake that declares every name is never a finding.
    complete = [s.path for s in small.sites if s.provided == frozenset(synth.NAMES)]
    assert complete and not {p for p, _, _ in small.expected} & set(complete)


def test_reached_names_are_those_an_imported_service_needs(small) -> None:
    by_path = {site.path: site for site in small.sites}
    reached = [(by_path[p], missing) for p, code, missing in small.expected if code == "MA001"]
    assert reached
    for site, missing in reached:
        assert site.imports, f"{site.path} reaches nothing, yet has an MA001"
        needs = set()
        for module in site.imports:
            needs |= set(
                synth.STREAM_IMPORTS
                if "stream" in module or "handlers" in module
                else synth.ITEMS_IMPORTS
            )
        assert set(missing) <= needs


def test_the_default_scale_holds_four_percent_fakes(tmp_path: Path) -> None:
    stats = synth.generate(tmp_path / "big", tests=1000, sources=200)
    assert stats.fake_files == 40
    assert 0.03 <= stats.fake_files / stats.test_files <= 0.05


def test_too_small_a_tree_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="tests must be at least 20; got 5"):
        synth.generate(tmp_path, tests=5, sources=100)


def test_the_quick_bench_runs_and_agrees_with_the_design() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "audit.py"), "--quick", "--sample", "20"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "findings: all three checks report exactly the" in result.stdout
    assert "naive libcst parse" in result.stdout and "read+prefilter floor" in result.stdout
