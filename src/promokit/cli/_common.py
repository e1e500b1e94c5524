"""What every command shares: exit codes, input errors, loading rules and requests."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..engine.ruleset import RuleSet
from ..language.diagnostics import render_all
from ..loader import load
from ..models import CheckoutRequest

#: 0 ok (warnings allowed), 1 rule errors or failed checks, 2 usage or input errors.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class InputError(Exception):
    """A request or path problem: printed as one line, exit 2."""


#: warnings about what a path held rather than about the rules in it: every command that
#: loads rules prints them (stderr), since pricing with no rule file is rarely what was meant
SOURCE_WARNINGS = ("W040", "W041")


def load_rules(path: str) -> RuleSet:
    """Parse, check and compile a rule file or directory. Raises RuleError or InputError.

    Prints the warnings about the path itself (W040 no rule file, W041 a dangling link) on stderr.
    """
    if not Path(path).exists():
        raise InputError(f"no such file or directory: {path}")
    rules = load(path)
    notes = [w for w in rules.warnings if w.code in SOURCE_WARNINGS]
    if notes:
        print(render_all(notes, rules.sources), file=sys.stderr)
    return rules


def load_request(path: str, at: str | None = None) -> CheckoutRequest:
    """Read and validate a request; InputError names the field path and why."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:  # json's decoder recurses once per [ or {
        raise InputError(f"{path}: invalid request: JSON nested too deeply") from None
    if at is not None:
        if not isinstance(data, dict):
            raise InputError(f"{path}: the request must be a JSON object")
        data["at"] = at
    try:
        return CheckoutRequest.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path}: invalid request:\n{validation_message(exc)}") from None


def validation_message(exc: ValidationError, limit: int = 10) -> str:
    """One line per problem: `lines.0.unit_price: money must be a decimal string ...`."""
    out = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(part) for part in err["loc"]) or "(request)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"  {where}: {msg}")
    if len(exc.errors()) > limit:
        out.append(f"  ... and {len(exc.errors()) - limit} more")
    return "\n".join(out)
