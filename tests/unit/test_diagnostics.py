from __future__ import annotations

import pickle

from promokit.language.diagnostics import Diagnostic, RuleError, did_you_mean, render_all
from promokit.language.source import Source


def test_diagnostic_renders_location_line_caret_and_help() -> None:
    src = Source("rules/a.promo", "promotion x {\n  for gld\n}\n")
    span = src.span(src.text.index("gld"), src.text.index("gld") + 3)
    d = Diagnostic("E201", "error", "unknown segment 'gld'", span, "did you mean 'gold'?")
    assert d.render(src) == (
        "rules/a.promo:2:7: error[E201]: unknown segment 'gld'\n"
        "   2 |   for gld\n"
        "     |       ^^^\n"
        "   help: did you mean 'gold'?"
    )


def test_caret_accounts_for_wide_characters() -> None:
    src = Source("a.promo", "满100减 x\n")
    span = src.span(src.text.index("x"), src.text.index("x") + 1)
    rendered = Diagnostic("S001", "error", "m", span).render(src)
    # 满 and 减 each take two terminal cells: the caret sits under x.
    assert rendered.splitlines()[2] == "     |         ^"
    assert span.col == 7


def test_rule_error_lists_every_problem_sorted_and_survives_pickling() -> None:
    src = Source("a.promo", "x\ny\n")
    d2 = Diagnostic("E2", "error", "second", src.span(2, 3))
    d1 = Diagnostic("E1", "error", "first", src.span(0, 1))
    err = RuleError([d2, d1], {"a.promo": src})
    assert [d.code for d in err.diagnostics] == ["E1", "E2"]
    assert isinstance(err, ValueError)
    assert str(err) == render_all([d1, d2], {"a.promo": src})
    again = pickle.loads(pickle.dumps(err))
    assert again.diagnostics == err.diagnostics


def test_did_you_mean_suggests_close_names_only() -> None:
    assert did_you_mean("gld", ["gold", "silver"]) == "did you mean 'gold'?"
    assert did_you_mean("zzz", ["gold"]) is None


def test_positions_are_one_based_and_count_code_points() -> None:
    src = Source("a", "ab\n秋季x")
    assert src.position(0) == (1, 1)
    assert src.position(5) == (2, 3)
    assert src.line_text(2) == "秋季x"
    assert src.line_text(9) == ""


def test_code_chars_skips_string_literals_with_escapes_and_chinese_quotes() -> None:
    from promokit.language.source import code_chars

    line = 'on sku "A#\\"{" # c “满#”{'
    kept = "".join(ch for _, ch in code_chars(line))
    assert kept == "on sku  # c {"
