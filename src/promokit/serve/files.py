"""What the playground may touch: the `.promo` files of one folder and the sample requests.

Names come from the browser, so they are never joined to a path as given: a name is looked up
among the files actually listed in the folder (no `..`, no absolute path, no symlink out of
it), and a write replaces an existing listed file atomically. Everything else is refused
with `PlaygroundError` (a `PromokitError`), which the app turns into a 4xx answer.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import PromokitError

#: The playground reads rule files and sample carts; anything bigger is not one of them.
MAX_FILE_BYTES = 2_000_000
MAX_FILES = 500


class PlaygroundError(PromokitError):
    """A request the playground refuses: an unknown file, a path outside the folder, ..."""


class Workspace:
    """The rules folder (its `.promo` files, recursively) and the folder of sample requests."""

    def __init__(self, rules: Path, requests: Path | None) -> None:
        self.rules = rules.resolve()
        self.requests = requests.resolve() if requests is not None else None

    def _listed(self, folder: Path | None, pattern: str) -> dict[str, Path]:
        if folder is None or not folder.is_dir():
            return {}
        found: dict[str, Path] = {}
        for path in sorted(folder.rglob(pattern))[:MAX_FILES]:
            real = path.resolve()
            # a symlink that leads out of the folder is not the folder's file
            if real.is_file() and real.is_relative_to(folder):
                found[path.relative_to(folder).as_posix()] = real
        return found

    def rule_files(self) -> dict[str, Path]:
        return self._listed(self.rules, "*.promo")

    def samples(self) -> dict[str, Path]:
        return self._listed(self.requests, "*.json")

    def _pick(self, listed: dict[str, Path], name: str, what: str) -> Path:
        path = listed.get(name)
        if path is None:
            raise PlaygroundError(f"no {what} named {name!r} in this playground")
        return path

    def read_rules(self, name: str) -> str:
        return _read(self._pick(self.rule_files(), name, "rule file"))

    def documents(self) -> dict[str, str]:
        """Every rule file of the folder by name: the rule set as it is on disk."""
        return {name: _read(path) for name, path in self.rule_files().items()}

    def read_sample(self, name: str) -> Any:
        text = _read(self._pick(self.samples(), name, "sample request"))
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlaygroundError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}") from None

    def write_rules(self, name: str, text: str) -> None:
        """Replace an existing rule file atomically (a reader never sees half a file)."""
        path = self._pick(self.rule_files(), name, "rule file")
        data = text.encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise PlaygroundError(f"{name}: over {MAX_FILE_BYTES} bytes")
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".promokit-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PlaygroundError(f"{path.name}: over {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaygroundError(f"cannot read {path.name}: {type(exc).__name__}") from None
