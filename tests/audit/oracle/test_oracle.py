"""The oracle suite: for every case, mock-audit's MA001/MA004 claims match what pytest
does when each test file runs alone, and the case's own expectations hold.

``known_misses/`` holds crashes met on real code or by probing that mock-audit does not
claim yet: the same check, as strict xfails (one that starts passing must move to
``cases/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .bundle import Case, audit, crashes, read

CASES = sorted((Path(__file__).parent / "cases").glob("*.case"))
KNOWN_MISSES = sorted((Path(__file__).parent / "known_misses").glob("*.case"))


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, tmp_path: Path) -> None:
    check_case(path, tmp_path)


@pytest.mark.xfail(strict=True, reason="a crash mock-audit does not claim yet")
@pytest.mark.parametrize("path", KNOWN_MISSES, ids=[p.stem for p in KNOWN_MISSES])
def test_known_miss(path: Path, tmp_path: Path) -> None:
    check_case(path, tmp_path)


def test_every_known_miss_crashes_when_run_alone(tmp_path: Path) -> None:
    """A known miss is a real crash (or its xfail would prove nothing)."""
    assert KNOWN_MISSES
    for path in KNOWN_MISSES:
        case = read(path)
        root = tmp_path / path.stem
        case.write(root)
        assert any(crashes(root, t) for t in case.test_files()), path.stem


def check_case(path: Path, tmp_path: Path) -> None:
    case = read(path)
    case.write(tmp_path)
    report = audit(tmp_path)
    findings: list[dict[str, Any]] = report["findings"]  # type: ignore[assignment]
    claimed = _claims(findings)
    for test_file in case.test_files():
        seen = crashes(tmp_path, test_file)
        from_fakes = {c for c in seen if c[0] in ("name", "package")}
        # an empty __path__ gives "No module named 'p.m'": a package crash of p
        for kind, module in seen:
            if kind == "missing":
                parent = module.rpartition(".")[0]
                if any(
                    k == "package" and v.split(":")[0] == parent
                    for k, v in claimed.get(test_file, ())
                ):
                    from_fakes.add(("package", f"{parent}:{module}"))
        mine = claimed.get(test_file, set())
        if from_fakes:
            assert mine, f"{test_file} crashes with {sorted(from_fakes)}; mock-audit claims nothing"
            assert mine & from_fakes, (
                f"{test_file} crashes with {sorted(from_fakes)}; mock-audit claims {sorted(mine)}"
            )
        else:
            assert not mine, f"mock-audit claims {sorted(mine)} but {test_file} does not crash"
    _expectations(case, findings)


def _claims(findings: list[dict[str, Any]]) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for finding in findings:
        if finding["code"] == "MA001":
            for test_file in finding["crashes"]:
                out.setdefault(test_file, set()).update(
                    ("name", f"{finding['module']}:{n}") for n in finding["missing"]
                )
        elif finding["code"] == "MA004":
            submodule = finding["chain"][-1]["module"] if finding["chain"] else "?"
            for test_file in finding["crashes"]:
                out.setdefault(test_file, set()).add(
                    ("package", f"{finding['module']}:{submodule}")
                )
    return out


def _expectations(case: Case, findings: list[dict[str, Any]]) -> None:
    got = {(f["code"], f["path"], f["module"], frozenset(f["missing"])) for f in findings}
    want = {(e.code, e.path, e.module, e.names) for e in case.expect}
    if case.clean:
        assert not got, f"expected no findings, got {sorted(got)}"
    assert want <= got, f"missing {sorted(want - got)}; got {sorted(got)}"
    assert {g for g in got if g[0] in ("MA001", "MA004")} <= want, (
        f"unexpected crash claims {sorted(g for g in got if g[0] in ('MA001', 'MA004'))}"
    )
