"""`.pre-commit-hooks.yaml`, run for real with `pre-commit try-repo` on a throw-away git repository.

try-repo builds the hooks' environment by pip-installing this repository; that needs a package
index (PyPI or a local mirror). Without one the test skips saying so, and fails instead under
PROMOKIT_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit", reason="pre-commit is not installed (extra precommit)")

from pre_commit.clientlib import load_manifest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GOOD = 'promotion member-day "会员日9折" {\n  每周三\n  for level >= 1\n  9折\n}\n'
UNFORMATTED = 'promotion member-day "会员日9折" {\n      every   wednesday\n  9折\n}\n'
BROKEN = 'promotion member-day "会员日9折" {\n  for gold\n  9折\n}\n'  # gold: unknown segment (E010)
NETWORK = ("Could not find a version", "No matching distribution", "Failed to establish a new connection")


def test_the_manifest_is_valid_for_pre_commit() -> None:
    hooks = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in hooks] == ["promokit-check", "promokit-fmt", "promokit-lint"]
    assert all(h["entry"].startswith("promokit ") for h in hooks)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _hooks_repo(tmp_path: Path) -> Path:
    """This project's installable files committed in a git repository of their own.

    try-repo installs a repository at a commit; a copy keeps the test independent of the
    working tree's state (uncommitted or untracked files, a git worktree).
    """
    repo = tmp_path / "promokit-hooks"
    shutil.copytree(ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "hooks")
    return repo


def _try_repo(hooks: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "SKIP": ""}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--all-files", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _hook_lines(output: str) -> dict[str, str]:
    found = re.findall(r"^(promokit [a-z -]+?)\.+(Passed|Failed)$", output, flags=re.M)
    return dict(found)


@pytest.mark.slow
def test_try_repo_passes_a_clean_rule_set_and_fails_bad_ones(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks = _hooks_repo(tmp_path)
    repo, home = tmp_path / "shop", tmp_path / "pre-commit-home"
    (repo / "rules").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "rules" / "member.promo").write_text(GOOD, encoding="utf-8")
    _git(repo, "add", ".")

    clean = _try_repo(hooks, repo, home)
    if clean.returncode != 0 and any(n in clean.stdout + clean.stderr for n in NETWORK):
        if os.environ.get("PROMOKIT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"pre-commit could not build the hook environment:\n{clean.stdout}{clean.stderr}")
        pytest.skip("no package index reachable to build the pre-commit hook environment")
    assert _hook_lines(clean.stdout) == {
        "promokit check": "Passed",
        "promokit fmt --check": "Passed",
        "promokit lint": "Passed",
    }, clean.stdout + clean.stderr
    assert clean.returncode == 0

    # One run with two bad files: one not in canonical form, one that does not check.
    (repo / "rules" / "member.promo").write_text(UNFORMATTED, encoding="utf-8")
    (repo / "rules" / "gold.promo").write_text(BROKEN.replace("member-day", "gold-day"), encoding="utf-8")
    _git(repo, "add", ".")
    bad = _try_repo(hooks, repo, home)
    assert _hook_lines(bad.stdout) == {
        "promokit check": "Failed",
        "promokit fmt --check": "Failed",
        "promokit lint": "Failed",  # lint refuses a rule set with errors
    }, bad.stdout
    assert "rules/gold.promo:2:7: error[E010]" in bad.stdout
    assert "rules/member.promo" in bad.stdout.split("promokit fmt --check")[1]
    assert bad.returncode == 1
