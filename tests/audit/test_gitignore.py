"""The gitignore matcher gives git's own answers (asked of `git check-ignore`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from audit.files import walk
from audit.gitignore import GitIgnore, parse_line

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# Each case: the ignore files (path -> text) and the paths to ask about; a path ending
# in "/" is a folder. Every path and every folder above it is created.
CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "comments-and-blanks": (
        {".gitignore": "# a comment\n\n   \nfoo\n"},
        ["foo", "# a comment", "bar", "sub/foo"],
    ),
    "escaped-hash-and-bang": (
        {".gitignore": "\\#hash\n\\!bang\n"},
        ["#hash", "!bang", "hash", "bang"],
    ),
    "trailing-spaces": (
        {".gitignore": "foo   \nbar\\ \nbaz\\  \n"},
        ["foo", "foo   ", "bar ", "bar", "baz ", "baz"],
    ),
    "crlf-and-bom": (
        {".gitignore": "\ufefffirst\r\nsecond\r\n"},
        ["first", "second", "third"],
    ),
    "negation": (
        {".gitignore": "*.log\n!keep.log\n"},
        ["a.log", "keep.log", "sub/keep.log", "sub/b.log", "c.txt"],
    ),
    "negation-order": (
        {".gitignore": "!keep.log\n*.log\n"},
        ["keep.log", "a.log"],
    ),
    "directory-only": (
        {".gitignore": "out/\n"},
        ["out/", "out/a.py", "sub/out/", "sub/out/b.py", "other/out"],
    ),
    "leading-slash-anchors": (
        {".gitignore": "/top.txt\n"},
        ["top.txt", "sub/top.txt"],
    ),
    "middle-slash-anchors": (
        {".gitignore": "doc/frotz\n"},
        ["doc/frotz", "a/doc/frotz", "doc/frotz2"],
    ),
    "star-stays-in-one-folder": (
        {".gitignore": "doc/*.txt\n"},
        ["doc/a.txt", "doc/sub/b.txt", "doc/.txt"],
    ),
    "star-matches-dotfiles": (
        {".gitignore": "*rc\n"},
        [".bashrc", "vimrc", "rc", "src/x.py"],
    ),
    "question-mark": (
        {".gitignore": "a?c\n"},
        ["abc", "ac", "abbc", "a/c"],
    ),
    "brackets": (
        {".gitignore": "[abc].py\n[!abc].txt\n[x-z]1\n[]]2\n[^q]3\n[[:digit:]]4\n"},
        ["a.py", "d.py", "d.txt", "a.txt", "y1", "w1", "]2", "a3", "q3", "74", "x4"],
    ),
    "bad-brackets-match-nothing": (
        {".gitignore": "[ab\n[[:nope:]]r\n[[::]]s\n"},
        ["aq", "[ab", "ab", "xr", ":s"],
    ),
    "bracket-quirks": (
        # A reversed range still matches its first character; "[:" without ":]" is "[".
        # (No name starts with ":": git reads that as pathspec magic.)
        {".gitignore": "[z-a]q\nx[[:]7\n[--0]8\n[\\a-c]9\n"},
        ["zq", "aq", "mq", "x[7", "x:7", "xy7", "-8", ".8", "08", "18", "b9", "\\9", "d9"],
    ),
    "bracket-with-dash-and-escape": (
        {".gitignore": "[a-]5\n[\\]]6\n"},
        ["a5", "-5", "b5", "]6", "\\6"],
    ),
    "bracket-never-matches-slash": (
        {".gitignore": "a[/]b\na[!x]c\n"},
        ["a/b", "a/c", "ayc"],
    ),
    "leading-double-star": (
        {".gitignore": "**/logs\n**/cache/debug.log\n"},
        ["logs/", "a/logs/", "a/b/logs", "cache/debug.log", "x/cache/debug.log", "cache/other"],
    ),
    "trailing-double-star": (
        {".gitignore": "abc/**\n"},
        ["abc/x", "abc/y/z", "abc", "sub/abc/x"],
    ),
    "middle-double-star": (
        {".gitignore": "a/**/b\n"},
        ["a/b", "a/x/b", "a/x/y/b", "a/bb", "c/a/b"],
    ),
    "other-double-stars-are-stars": (
        {".gitignore": "foo**bar\n**x\n"},
        ["fooXbar", "foo/bar", "foobar", "ax", "d/x"],
    ),
    "lone-double-star": (
        {"sub/.gitignore": "**\n"},
        ["sub/a", "sub/b/c", "other"],
    ),
    "excluded-parent-wins": (
        {".gitignore": "dir/\n!dir/keep.txt\n"},
        ["dir/keep.txt", "dir/x", "dir/"],
    ),
    "star-in-parent-can-re-include": (
        {".gitignore": "dir/*\n!dir/keep.txt\n"},
        ["dir/keep.txt", "dir/x"],
    ),
    "whitelist": (
        {".gitignore": "*\n!*/\n!*.py\n"},
        ["a.py", "a.txt", "sub/b.py", "sub/c.txt"],
    ),
    "nested-files": (
        {
            ".gitignore": "*.tmp\n/x\n",
            "sub/.gitignore": "!keep.tmp\n/x\ny/z\n",
        },
        ["keep.tmp", "sub/keep.tmp", "sub/other.tmp", "x", "sub/x", "sub/deep/x", "sub/y/z"],
    ),
    "deeper-file-overrides": (
        {".gitignore": "!*.dat\n", "sub/.gitignore": "*.dat\n"},
        ["a.dat", "sub/a.dat"],
    ),
    "info-exclude-is-weakest": (
        {".git/info/exclude": "secret\nprivate\n", ".gitignore": "!secret\n"},
        ["secret", "private", "public"],
    ),
    "escaped-star-and-space-inside": (
        {".gitignore": "a\\*b\nc d\n"},
        ["a*b", "axb", "c d"],
    ),
    "case-sensitive": (
        {".gitignore": "Foo\n"},
        ["Foo", "foo"],
    ),
    "negated-directory": (
        {".gitignore": "logs/\n!logs/\n"},
        ["logs/", "logs/a"],
    ),
    "trailing-backslash-is-invalid": (
        {".gitignore": "back\\\n"},
        ["back", "back\\"],
    ),
}


def _git(repo: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # An empty home: the user's global excludes file must not take part.
    env = {
        **os.environ,
        "HOME": str(repo.parent),
        "XDG_CONFIG_HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, text=True, env=env
    )


def make_repo(tmp_path: Path, ignores: dict[str, str], paths: list[str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert _git(repo, "init", "-q", "--template=").returncode == 0
    for rel in paths:
        target = repo / rel
        if rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
    for rel, text in ignores.items():
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode())
    return repo


def git_ignored(repo: Path, rels: list[str]) -> set[str]:
    done = _git(repo, "check-ignore", "--no-index", "--stdin", "-z", stdin="\0".join(rels) + "\0")
    assert done.returncode in (0, 1), done.stderr
    return set(filter(None, done.stdout.split("\0")))


@pytest.mark.parametrize(("ignores", "paths"), CASES.values(), ids=CASES.keys())
def test_answers_equal_gits(tmp_path: Path, ignores: dict[str, str], paths: list[str]) -> None:
    repo = make_repo(tmp_path, ignores, paths)
    rels = [p.rstrip("/") for p in paths]
    files = [
        p.relative_to(repo).as_posix()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    ]
    ignored = git_ignored(repo, sorted({*rels, *files}))
    rules = GitIgnore.for_root(repo)
    assert rules is not None
    # Asked one path at a time (parent folders included).
    ours = {rel for rel in rels if rules.ignored(str(repo / rel), (repo / rel).is_dir())}
    assert ours == ignored & set(rels)
    # And the walker keeps exactly the files git does not ignore.
    found = walk([repo], root=repo, suffixes=("",)).files
    kept = {p.relative_to(repo.resolve()).as_posix() for p in found}
    assert kept == set(files) - ignored


def test_outside_a_work_tree_there_are_no_rules(tmp_path: Path) -> None:
    # tmp_path may itself sit in a repository; a fake root folder keeps the test honest.
    assert GitIgnore.for_root(Path("/")) is None or (Path("/") / ".git").exists()
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    rules = GitIgnore.for_root(tmp_path / "repo" / "sub")
    assert rules is not None and rules.root == str((tmp_path / "repo").resolve())
    assert not rules.ignored(str(tmp_path / "elsewhere" / "x"), False)


def test_a_git_file_points_to_the_exclude_file(tmp_path: Path) -> None:
    """A worktree or submodule has a `.git` file naming its git folder."""
    git_dir = tmp_path / "store"
    (git_dir / "info").mkdir(parents=True)
    (git_dir / "info" / "exclude").write_text("hidden.txt\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").write_text(f"gitdir: {git_dir}\n")
    rules = GitIgnore.for_root(repo)
    assert rules is not None
    assert rules.ignored(str(repo / "hidden.txt"), False)
    assert not rules.ignored(str(repo / "shown.txt"), False)


def test_a_nested_repository_has_its_own_rules(tmp_path: Path) -> None:
    """As in git (and ruff): inside a nested repository only its own files apply."""
    repo = make_repo(tmp_path, {".gitignore": "*.log\n"}, ["c.log", "d.tmp"])
    nested = repo / "sub"
    nested.mkdir()
    assert _git(nested, "init", "-q", "--template=").returncode == 0
    (nested / ".gitignore").write_text("*.tmp\n")
    (nested / ".git" / "info").mkdir()
    (nested / ".git" / "info" / "exclude").write_text("/x.py\n")
    for name in ("a.log", "b.tmp", "x.py", "y.py"):
        (nested / name).touch()
    assert git_ignored(nested, ["a.log", "b.tmp", "x.py", "y.py"]) == {"b.tmp", "x.py"}
    found = walk([repo], root=repo, suffixes=("",)).files
    kept = {p.relative_to(repo.resolve()).as_posix() for p in found}
    assert kept == {".gitignore", "d.tmp", "sub/.gitignore", "sub/a.log", "sub/y.py"}


def test_an_ignored_folder_is_not_descended_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, {".gitignore": "generated/\n"}, ["a.py", "generated/b.py"])
    listed: list[str] = []
    real = os.scandir

    def scandir(path: str) -> object:
        listed.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = walk([repo], root=repo).files
    assert [p.name for p in found] == ["a.py"]
    assert "generated" not in listed


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".gitignore": "*.py\n"}, ["a.py"])
    assert walk([repo], root=repo).files == ()
    assert [p.name for p in walk([repo], root=repo, gitignore=False).files] == ["a.py"]


def test_a_linked_gitignore_is_not_followed(tmp_path: Path) -> None:
    """git does not follow an in-tree .gitignore that is a symbolic link."""
    repo = make_repo(tmp_path, {}, ["a.py", "b.py"])
    (tmp_path / "elsewhere").write_text("a.py\n")
    (repo / ".gitignore").symlink_to(tmp_path / "elsewhere")
    assert git_ignored(repo, ["a.py", "b.py"]) == set()
    rules = GitIgnore.for_root(repo)
    assert rules is not None and not rules.ignored(str(repo / "a.py"), False)


def test_git_config_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An untrusted checkout's .git/config can run programs; no file of it is opened
    and no process is started."""
    repo = make_repo(tmp_path, {".gitignore": "x.py\n"}, ["x.py", "y.py"])
    opened: list[str] = []
    real_open = os.open

    def spy_open(path: str, *args: object, **kwargs: object) -> int:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started")

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(os, "system", no_process)
    assert [p.name for p in walk([repo], root=repo).files] == ["y.py"]
    assert not any(path.endswith("config") for path in opened)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("# x", None),
        ("   ", None),
        ("/", None),
        ("!", None),
        ("a\\", None),
        ("[ab", None),
        ("foo/", ("foo", False, True, True)),
        ("!/a/b", ("a/b", True, False, False)),
        ("**/x", ("(?:.*/)?x", False, False, False)),
    ],
    ids=repr,
)
def test_parse_line(line: str, expected: tuple[str, bool, bool, bool] | None) -> None:
    parsed = parse_line(line)
    got = (
        None if parsed is None else (parsed.regex, parsed.negated, parsed.dir_only, parsed.basename)
    )
    assert got == expected
