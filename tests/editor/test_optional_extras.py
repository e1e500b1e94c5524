"""`promokit lsp` and `promokit serve` without their extras: a sentence and exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Runs the command in a fresh interpreter in which the extra's package cannot be imported.
HIDE = (
    "import sys; sys.modules[{module!r}] = None; from promokit.cli.main import main; sys.exit(main({argv!r}))"
)


PACKAGES = {"lsp": ("pygls", "lsprotocol"), "serve": ("starlette", "uvicorn", "pygments")}


@pytest.mark.parametrize(
    ("module", "argv", "extra"),
    [("pygls", ["lsp"], "lsp"), ("lsprotocol", ["lsp"], "lsp"), ("starlette", ["serve", "."], "serve")],
)
def test_a_missing_extra_is_a_clear_message(module: str, argv: list[str], extra: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", HIDE.format(module=module, argv=argv)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"pip install 'promokit[{extra}]'" in done.stderr
    # the first of the extra's packages found missing is named (it is `module` when the rest are installed)
    assert any(f"({package} is not installed)" in done.stderr for package in PACKAGES[extra]), done.stderr
    assert "Traceback" not in done.stderr
