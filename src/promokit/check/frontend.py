"""The front end's public face: rule text or files -> a checked rule-set AST.

Pipeline (one stage per module)::

    bytes --decode_source--> text --parser.parse_source--> tree --lowering--> RuleFile
          --checker.check--> RuleSetAst (+ warnings)

`parse_file_ast` stops after lowering (syntax and lowering diagnostics only); `parse_text`
and `parse_paths` run the checker as well and raise `RuleError` when anything is an error.
A rule set that checks cleanly is stored in the compile cache (`promokit.language.cache`), and the
next load of the same text (same names, same promokit) decodes it instead of parsing.
The checker runs only when every file parsed cleanly: semantic checks over a partial rule
set would report spurious problems (a segment "unknown" because its file failed to parse).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..language import cache
from ..language.ast import RuleFile, RuleSetAst
from ..language.diagnostics import Diagnostic, RuleError
from ..language.parser import Limits, decode_source, parse_source
from ..language.source import NO_SPAN, Source, Span
from .checker import check
from .narrow import narrow

__all__ = [
    "CheckedRules",
    "Limits",
    "expand_paths",
    "parse_file_ast",
    "parse_paths",
    "parse_sources",
    "parse_text",
    "promo_files",
]


@dataclass(frozen=True)
class CheckedRules:
    """A checked rule set: the AST (settings merged), its warnings, and the sources."""

    ast: RuleSetAst
    warnings: tuple[Diagnostic, ...]
    sources: dict[str, Source]


def parse_file_ast(
    text: str, name: str, *, limits: Limits | None = None
) -> tuple[RuleFile | None, list[Diagnostic]]:
    """Parse and lower one file, without semantic checks.

    Returns the file (None when nothing could be built) and its syntax and lowering
    diagnostics. When there are errors the file holds only the declarations that parsed.
    """
    return parse_source(Source(name, text), limits=limits)


def parse_text(text: str, name: str = "<string>", *, limits: Limits | None = None) -> CheckedRules:
    """Parse, lower and check rules given as text. Raises `RuleError` on any error."""
    return _check_all([Source(name, text)], [], limits)


def parse_sources(texts: Mapping[str, str], *, limits: Limits | None = None) -> CheckedRules:
    """Parse, lower and check several files given as text by name (an archived rule version)."""
    return _check_all([Source(name, texts[name]) for name in sorted(texts)], [], limits)


def promo_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and directories (recursively, sorted) into `.promo` files.

    A missing path is a diagnostic (code S900) rather than an exception, so that one
    report lists everything. The warnings about what was found (W040, W041) are
    `expand_paths`'s third part.
    """
    found, problems, _ = expand_paths(paths)
    return found, problems


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[Diagnostic], list[Diagnostic]]:
    """`promo_files` plus warnings: a directory with no rule file in it (W040: it would load
    as no promotions, docs/production.md#an-empty-rules-folder) and a `.promo` link whose
    target is missing (W041: skipped)."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(path.rglob("*.promo"))
            files = [p for p in inside if p.is_file()]
            dangling = [p for p in inside if p.is_symlink() and not p.exists()]
            found.extend(files)
            warnings.extend(_dangling_link(p) for p in dangling)
            if not files:
                warnings.append(_no_rule_file(path, len(dangling)))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(
                Diagnostic("S900", "error", f"no such file or directory: {path}", _file_span(str(path)))
            )
    return found, problems, warnings


def _no_rule_file(folder: Path, dangling: int) -> Diagnostic:
    links = f" ({dangling} link{'s' * (dangling != 1)} to missing files)" if dangling else ""
    return Diagnostic(
        "W040",
        "warning",
        f"no .promo rule file under {folder}{links}: it loads as a rule set with no promotions",
        _file_span(str(folder)),
        help="check the path (a wiped or unmounted folder?); to withdraw every promotion on purpose, "
        "keep one rule file without promotions (for example the settings)",
    )


def _dangling_link(link: Path) -> Diagnostic:
    try:
        target = f" to {link.readlink()}"
    except OSError:  # pragma: no cover - it was a link a moment ago
        target = ""
    return Diagnostic(
        "W041",
        "warning",
        f"{link} is a link{target} that does not exist: skipped, its promotions are not loaded",
        _file_span(str(link)),
        help="restore the file it points to, or remove the link",
    )


def read_sources(
    files: Sequence[Path], display: dict[str, Source] | None = None
) -> tuple[list[Source], list[Diagnostic]]:
    """Read and decode files; unreadable or non-UTF-8 files become diagnostics.

    `display`, when given, receives a lossy decoding of each file that is not valid UTF-8,
    so that its diagnostic can still show the offending line.
    """
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for path in files:
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            problems.append(Diagnostic("S900", "error", f"cannot read {name}: {reason}", _file_span(name)))
            continue
        source, diags = decode_source(data, name)
        problems.extend(diags)
        if source is not None:
            sources.append(source)
        elif display is not None and diags and diags[0].code == "S002":
            display[name] = Source(name, data.decode("utf-8", "replace"))
    return sources, problems


def parse_paths(paths: Sequence[str | Path], *, limits: Limits | None = None) -> CheckedRules:
    """Parse, lower and check `.promo` files and directories. Raises `RuleError` on any error."""
    files, problems, notes = expand_paths(paths)
    display: dict[str, Source] = {}
    sources, read_problems = read_sources(files, display)
    if not notes:
        return _check_all(sources, problems + read_problems, limits, display)
    # the warnings about paths are not part of the files' text: kept out of the compile cache
    try:
        checked = _check_all(sources, problems + read_problems, limits, display)
    except RuleError as exc:
        raise RuleError([*exc.diagnostics, *notes], exc.sources) from None
    warnings = tuple(sorted([*checked.warnings, *notes], key=Diagnostic.sort_key))
    return CheckedRules(ast=checked.ast, warnings=warnings, sources=checked.sources)


def _check_all(
    sources: Sequence[Source],
    problems: list[Diagnostic],
    limits: Limits | None,
    display: dict[str, Source] | None = None,
) -> CheckedRules:

    by_name = {source.name: source for source in sources}
    limits = limits or Limits.from_env()
    key = None
    if not problems and cache.worth_caching(sources):
        key = cache.cache_key(sources, limits)
        hit = cache.load(key)
        if hit is not None:
            return CheckedRules(ast=hit[0], warnings=hit[1], sources=by_name)
    diagnostics = list(problems)
    files: list[RuleFile] = []
    shown = {**(display or {}), **by_name}
    for source in sources:
        rule_file, diags = parse_source(source, limits=limits)
        diagnostics.extend(diags)
        if rule_file is not None:
            files.append(rule_file)
    if any(d.is_error for d in diagnostics):
        raise RuleError(diagnostics, shown)
    ruleset, checked = check(files)
    diagnostics.extend(narrow(checked, by_name))  # carets on the bad value, not its clause
    if any(d.is_error for d in diagnostics):
        raise RuleError(diagnostics, by_name)
    warnings = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
    if key is not None:
        cache.store(key, ruleset, warnings)
    return CheckedRules(ast=ruleset, warnings=warnings, sources=by_name)


def _file_span(name: str) -> Span:
    return Span(name, 1, 1, 1, 1, 0, 0) if name else NO_SPAN
