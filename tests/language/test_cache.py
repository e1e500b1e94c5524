"""The compile cache: a checked rule set stored as JSON and decoded instead of re-parsed.

Every test here points the cache at its own temporary folder (autouse fixture), so the suite
never reads or writes the user's real cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import lark
import pytest

from promokit.check import frontend
from promokit.check.frontend import parse_file_ast, parse_paths, parse_text
from promokit.language import ast, cache, grammar_cache
from promokit.language.diagnostics import Diagnostic, RuleError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.promo"))
EXAMPLE_DIRS = sorted({p.parent for p in EXAMPLE_FILES})

RULES = """\
timezone Asia/Shanghai
promotion p1 "满减" {
  every month on 8, 8
  on category "fruit"
  满100减20, 满200减50
}
"""


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PROMOKIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("PROMOKIT_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_CHARS", 0)  # cache even the small rule sets of these tests
    yield folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def write_rules(folder: Path, text: str = RULES) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "rules.promo"
    path.write_text(text, encoding="utf-8")
    return path


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the rules were parsed again instead of read from the cache")

    monkeypatch.setattr(frontend, "parse_source", fail)


def through_json(hint: Any, value: Any) -> Any:
    return cache.decode(hint, json.loads(json.dumps(cache.encode(hint, value))))


# ----------------------------------------------------------------------------- the serializer


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_file_survives_the_json_round_trip_spans_included(path: Path) -> None:
    rule_file, diagnostics = parse_file_ast(path.read_text(encoding="utf-8"), str(path))
    assert rule_file is not None and not diagnostics
    back = through_json(ast.RuleFile, rule_file)
    assert back == rule_file
    assert repr(back) == repr(rule_file)  # same types and written forms, not just equal values
    assert [p.span for p in back.promotions] == [p.span for p in rule_file.promotions]


@pytest.mark.parametrize("folder", EXAMPLE_DIRS, ids=lambda p: p.name)
def test_every_checked_example_rule_set_survives_the_json_round_trip(folder: Path) -> None:
    checked = parse_paths([folder])
    back = through_json(ast.RuleSetAst, checked.ast)
    assert back == checked.ast
    assert repr(back) == repr(checked.ast)


def test_warnings_survive_the_round_trip() -> None:
    warnings = parse_text(RULES, "w.promo").warnings
    assert warnings and all(not w.is_error for w in warnings)
    assert through_json(tuple[Diagnostic, ...], warnings) == warnings


def test_decimals_keep_their_written_form_even_when_equal_to_the_default() -> None:
    earn = ast.PointsEarn(points=Decimal("1.0"), per=Decimal("1"))
    back = through_json(ast.PointsEarn, earn)
    assert str(back.points) == "1.0" and str(back.per) == "1"


def test_values_of_a_union_keep_their_type() -> None:
    compare = ast.InList(field=ast.Fact.ATTRIBUTE, values=(Decimal("3"), "3", True), attribute="x")
    back = through_json(ast.InList, compare)
    assert [type(v) for v in back.values] == [Decimal, str, bool]


def test_a_value_of_the_wrong_type_is_refused_rather_than_converted() -> None:
    with pytest.raises(TypeError):
        cache.encode(ast.Tier, ast.Tier(threshold=100, off=Decimal("20")))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cache.encode(ast.Percent, ast.Percent(off=Decimal("20"), notation="zh"))  # type: ignore[arg-type]


def test_malformed_data_raises_instead_of_building_a_wrong_ast() -> None:
    good = cache.encode(ast.Percent, ast.Percent(off=Decimal("20")))
    with pytest.raises(KeyError):
        cache.decode(ast.Percent, {**good, "data": {**good["data"], "notation": "fr"}})
    with pytest.raises(KeyError):
        cache.decode(ast.Percent, {**good, "data": {**good["data"], "surprise": 1}})
    with pytest.raises(TypeError):
        cache.decode(ast.Name, {"files": [], "data": {"text": 3}})
    with pytest.raises(IndexError):  # a span pointing past the file table
        cache.decode(ast.Name, {"files": [], "data": {"text": "x", "span": [0, 1, 1, 1, 2, 0, 1]}})


def test_a_file_name_is_stored_once_however_many_spans_use_it() -> None:
    rule_file, _ = parse_file_ast(RULES, "only-once.promo")
    assert rule_file is not None
    assert json.dumps(cache.encode(ast.RuleFile, rule_file)).count("only-once.promo") == 2  # table + name


# ----------------------------------------------------------------------------- the cache


def test_a_second_load_of_unchanged_files_is_read_from_the_cache(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_rules(tmp_path / "rules")
    first = parse_paths([path])
    assert len(entries(isolated_cache)) == 1
    forbid_parsing(monkeypatch)
    second = parse_paths([path])
    assert second.ast == first.ast
    assert second.warnings == first.warnings
    assert second.sources == first.sources


def test_parse_text_uses_the_cache_too(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse_text(RULES, "t.promo")
    forbid_parsing(monkeypatch)
    assert parse_text(RULES, "t.promo").ast == first.ast


def test_changed_text_is_parsed_again(tmp_path: Path, isolated_cache: Path) -> None:
    path = write_rules(tmp_path / "rules")
    parse_paths([path])
    path.write_text(RULES.replace("满100减20", "满100减30"), encoding="utf-8")
    tiers = parse_paths([path]).ast.promotions[0].action
    assert isinstance(tiers, ast.Tiers) and tiers.tiers[0].off == Decimal("30")
    assert len(entries(isolated_cache)) == 2


def test_the_same_text_under_another_file_name_is_a_different_entry(isolated_cache: Path) -> None:
    parse_text(RULES, "a.promo")
    other = parse_text(RULES, "b.promo")
    assert other.ast.promotions[0].span.file == "b.promo"
    assert len(entries(isolated_cache)) == 2


def test_a_corrupted_entry_is_ignored_and_rebuilt(tmp_path: Path, isolated_cache: Path) -> None:
    path = write_rules(tmp_path / "rules")
    expected = parse_paths([path]).ast
    (entry,) = entries(isolated_cache)
    entry.write_bytes(entry.read_bytes()[:100])
    assert parse_paths([path]).ast == expected
    header = json.loads(entry.read_bytes().partition(b"\n")[0])
    assert header["format"] == cache.FORMAT  # rewritten whole


def test_an_edited_payload_with_a_valid_shape_is_ignored(tmp_path: Path, isolated_cache: Path) -> None:
    path = write_rules(tmp_path / "rules")
    expected = parse_paths([path]).ast
    (entry,) = entries(isolated_cache)
    entry.write_bytes(entry.read_bytes().replace(b'"p1"', b'"p2"'))
    assert parse_paths([path]).ast.promotions[0].id == "p1" == expected.promotions[0].id


def test_an_entry_of_another_format_is_ignored(tmp_path: Path, isolated_cache: Path) -> None:
    path = write_rules(tmp_path / "rules")
    parse_paths([path])
    (entry,) = entries(isolated_cache)
    header, _, payload = entry.read_bytes().partition(b"\n")
    meta = json.loads(header)
    meta["format"] = "promokit-ast-cache/0"
    entry.write_bytes(json.dumps(meta).encode() + b"\n" + payload)
    key = entry.stem
    assert cache.load(key) is None


def test_an_unwritable_cache_folder_falls_back_to_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PROMOKIT_CACHE_DIR", str(blocker / "cache"))
    assert cache.cache_dir() is None
    checked = parse_text(RULES, "t.promo")
    assert [p.id for p in checked.ast.promotions] == ["p1"]


def test_promokit_no_cache_turns_the_cache_off(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMOKIT_NO_CACHE", "1")
    parse_text(RULES, "t.promo")
    assert entries(isolated_cache) == []


def test_small_rule_sets_are_not_cached(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MIN_CHARS", len(RULES) + 1)
    parse_text(RULES, "t.promo")
    assert entries(isolated_cache) == []


def test_rules_with_errors_are_never_cached(isolated_cache: Path) -> None:
    with pytest.raises(RuleError):
        parse_text("promotion a {\n  满100减\n}\n", "bad.promo")
    assert entries(isolated_cache) == []


def test_old_entries_are_pruned(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for name in ("a.promo", "b.promo", "c.promo"):
        parse_text(RULES, name)
    assert len(entries(isolated_cache)) == 2


def test_no_grammar_is_ever_cached_as_a_pickle(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: lark's `cache=` files are pickles that ran planted code on `promokit test`."""
    from promokit.language import parser as parser_module
    from promokit.ruletests import syntax

    given: list[dict[str, Any]] = []
    real = lark.Lark.__init__

    def spy(self: Any, grammar: Any, **options: Any) -> None:
        given.append(options)
        real(self, grammar, **options)

    monkeypatch.setattr(lark.Lark, "__init__", spy)
    parser_module.get_parser.cache_clear()
    syntax.grammar_parser.cache_clear()
    try:
        parser_module.get_parser()
        syntax.grammar_parser()
    finally:
        parser_module.get_parser.cache_clear()
        syntax.grammar_parser.cache_clear()
    assert len(given) == 2 and all(not options.get("cache") for options in given)
    files = [p for p in isolated_cache.parent.rglob("*") if p.is_file()]
    assert files and not [p for p in files if p.read_bytes()[:1] == b"\x80"]  # pickle protocol 2+
    for entry in isolated_cache.glob("grammar-*.json"):
        header, _, payload = entry.read_bytes().partition(b"\n")
        assert json.loads(header)["format"] == grammar_cache.FORMAT
        json.loads(payload)  # plain JSON data


def test_grammar_tables_load_from_signed_data_and_ignore_edits(
    isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grammar = 'start: "a" NAME\nNAME: /[a-z]+/\n%ignore " "\n'
    first = grammar_cache.build_parser(grammar, parser="lalr")
    (entry,) = isolated_cache.glob("grammar-*.json")
    built: list[str] = []
    real = lark.Lark.__init__

    def spy(self: Any, text: Any, **options: Any) -> None:
        built.append(text)
        real(self, text, **options)

    monkeypatch.setattr(lark.Lark, "__init__", spy)
    again = grammar_cache.build_parser(grammar, parser="lalr")
    assert built == [] and again.parse("a xyz") == first.parse("a xyz")
    header, _, payload = entry.read_bytes().partition(b"\n")
    entry.write_bytes(header + b"\n" + payload.replace(b"[a-z]+", b"[a-b]+"))
    edited = grammar_cache.build_parser(grammar, parser="lalr")
    assert built == [grammar] and edited.parse("a xyz") == first.parse("a xyz")
    monkeypatch.setenv("PROMOKIT_NO_CACHE", "1")
    entry.unlink()
    grammar_cache.build_parser(grammar, parser="lalr")
    assert not list(isolated_cache.glob("grammar-*.json"))


def test_the_cache_folder_is_private(isolated_cache: Path) -> None:
    folder = cache.cache_dir()
    assert folder == isolated_cache
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_group_or_world_writable_cache_folder_is_refused(
    tmp_path: Path, isolated_cache: Path, mode: int
) -> None:
    isolated_cache.mkdir()
    os.chmod(isolated_cache, mode)
    assert cache.cache_dir() is None
    parse_paths([write_rules(tmp_path / "rules")])
    assert entries(isolated_cache) == []


def test_a_symlinked_cache_folder_is_refused(tmp_path: Path, isolated_cache: Path) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    isolated_cache.symlink_to(real)
    assert cache.cache_dir() is None


def test_a_forged_entry_with_a_recomputed_digest_cannot_change_a_price(
    tmp_path: Path, isolated_cache: Path
) -> None:
    """Issue 15: an edited entry whose SHA-256 was recomputed priced an item at 0.00."""
    path = write_rules(tmp_path / "rules")
    parse_paths([path])
    (entry,) = entries(isolated_cache)
    header, _, payload = entry.read_bytes().partition(b"\n")
    forged = payload.replace(b'"20"', b'"99"')
    assert forged != payload
    meta = json.loads(header)
    meta.pop("hmac", None)
    meta["sha256"] = hashlib.sha256(forged).hexdigest()
    meta["hmac"] = hashlib.sha256(forged).hexdigest()  # without the folder's secret
    entry.write_bytes(json.dumps(meta).encode() + b"\n" + forged)
    assert cache.load(entry.stem) is None
    tiers = parse_paths([path]).ast.promotions[0].action
    # the values, not repr(): the spans carry the tmp path, which can hold "99" (pytest-99)
    assert [(t.threshold, t.off) for t in tiers.tiers] == [(100, 20), (200, 50)]


def test_structure_ignores_positions_but_not_what_is_written() -> None:
    here, _ = parse_file_ast(RULES, "a.promo")
    moved, _ = parse_file_ast("\n\n# moved down\n" + RULES.replace("  满", "      满"), "b.promo")
    other, _ = parse_file_ast(RULES.replace("满100减20", "满100减30"), "a.promo")
    assert here is not None and moved is not None and other is not None
    first, second, third = (f.promotions[0] for f in (here, moved, other))
    assert first.span != second.span
    assert cache.structure(ast.Promotion, first) == cache.structure(ast.Promotion, second)
    assert cache.structure(ast.Promotion, first) != cache.structure(ast.Promotion, third)
    assert "span" not in cache.structure(ast.Promotion, first)
