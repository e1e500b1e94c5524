"""The pytest plugin in a throwaway project: `.promotest` cases become pytest items.

Two levels:
1. pytest in a subprocess, in a temporary directory holding only rules and rule tests,
   with plugin autoloading off and `-p promokit.pytest_plugin` (exactly our plugin);
2. a real virtual environment (no system site packages) that installs promokit from this
   checkout with pip, offline (`--no-index`, local wheel directories only), and runs pytest
   there. Skipped, with pip's reason, only when pip cannot install offline on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from shop_project import write_project

import promokit

REPO = Path(promokit.__file__).resolve().parents[2]
WHEEL_DIRS = [d for d in ("/opt/pypi/files", "/opt/wheels") if Path(d).is_dir()]


def _run_pytest(
    python: str, project: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", *extra, str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _isolated_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PIP_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugin we name below
    return env


BACKEND_TEST = """\
from pathlib import Path

import promokit.loader
from promokit.testing import assert_not_applied, assert_price, cart

HERE = Path(__file__).parent
FRUIT = {"APPLE": {"price": "12.50", "category": "fruit"}}


def test_backend_prices_with_promokit_testing(promokit_ledger):
    rules = promokit.loader.load(HERE / "rules.promo")
    request = cart("APPLE x 8", at="2026-10-02 10:00 Asia/Shanghai", catalogue=FRUIT)
    assert_price(rules, request, total="80.00", ledger=promokit_ledger)
    assert_not_applied(rules, request, "member-day", reason="window")
"""


def test_cases_are_collected_as_items_and_pass_or_fail(tmp_path: Path) -> None:
    project = write_project(tmp_path / "shop", failing=True)
    (project / "test_backend.py").write_text(BACKEND_TEST, encoding="utf-8")
    done = _run_pytest(sys.executable, project, "-p", "promokit.pytest_plugin", env=_isolated_env())
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "PASSED shop.promotest::满100减20 at exactly 100" in out
    assert "PASSED shop.promotest::member day on a wednesday" in out
    assert "FAILED wrong.promotest::deliberately wrong total" in out
    assert "PASSED test_backend.py::test_backend_prices_with_promokit_testing" in out  # fixture + helpers
    assert "1 failed, 6 passed" in out
    # The failure shows expected vs actual and the explanation of the price.
    assert "expected: 100" in out and "actual:   80.00" in out and "explanation:" in out


def test_a_malformed_test_file_is_a_collection_error_with_its_diagnostic(tmp_path: Path) -> None:
    project = write_project(tmp_path / "shop")
    (project / "bad.promotest").write_text(
        'case "a" {\n  cart APPLE x 2\n  expect totl 3\n}\n', encoding="utf-8"
    )
    done = _run_pytest(sys.executable, project, "-p", "promokit.pytest_plugin", env=_isolated_env())
    assert done.returncode == 2, done.stdout
    assert "bad.promotest:3:10: error[T001]: unexpected 'totl'" in done.stdout
    assert "help: did you mean 'total'?" in done.stdout
    assert "Traceback" not in done.stdout


def test_rule_errors_fail_the_cases_with_the_rule_diagnostics(tmp_path: Path) -> None:
    project = write_project(tmp_path / "shop")
    (project / "broken.promo").write_text("promotion broken {\n  满100减\n}\n", encoding="utf-8")
    done = _run_pytest(sys.executable, project, "-p", "promokit.pytest_plugin", env=_isolated_env())
    assert done.returncode == 1, done.stdout
    assert "5 failed" in done.stdout
    assert "the rules have errors; the case cannot run" in done.stdout
    assert "broken.promo:2:" in done.stdout


def test_a_fresh_virtualenv_installing_only_promokit_runs_the_rule_tests(tmp_path: Path) -> None:
    if not (REPO / "pyproject.toml").exists():
        pytest.skip("promokit is not installed from a source checkout")
    if not WHEEL_DIRS:
        pytest.skip("no local wheel directory: pip cannot install promokit's dependencies offline here")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = str(env_dir / "bin" / "python")
    pip_env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    pip_env["PIP_CONFIG_FILE"] = os.devnull  # no configured index: local paths only
    links = [arg for d in WHEEL_DIRS for arg in ("--find-links", d)]
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-index", *links, str(REPO), "pytest"],
        capture_output=True,
        text=True,
        timeout=300,
        env=pip_env,
    )
    if install.returncode != 0:
        pytest.skip(f"pip cannot install offline here: {install.stderr.strip().splitlines()[-1:]}")
    project = write_project(tmp_path / "shop", failing=True)
    registered = (
        subprocess.run(
            [
                python,
                "-c",
                "import importlib.metadata as m; "
                "print(any(e.value == 'promokit.pytest_plugin' for e in m.entry_points(group='pytest11')))",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        == "True"
    )
    # With the pytest11 entry point in place, installing promokit is all a project needs.
    extra = () if registered else ("-p", "promokit.pytest_plugin")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    done = _run_pytest(python, project, *extra, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 5 passed" in done.stdout
    assert "FAILED wrong.promotest::deliberately wrong total" in done.stdout
