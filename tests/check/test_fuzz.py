"""Robustness: mutated rule files give diagnostics, never a traceback.

Valid rule files (the examples plus a few inline ones covering every construct) are
mutated by hypothesis — characters and tokens deleted, inserted, duplicated and swapped,
random bytes spliced in — and fed to the front end. Only `RuleError` may escape; every
diagnostic must carry a span inside the text it describes and render without error. A
file that still checks cleanly is also linted, which must not raise either. A short
time-boxed random run (seeded, a few seconds) covers more ground than the examples.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.language.diagnostics import Diagnostic, RuleError
from promokit.language.parser import decode_source
from promokit.language.source import Source
from promokit.lint.linter import lint

ROOT = Path(__file__).resolve().parents[2]

INLINE = [
    # composed offers (issue 9): every construct of the grammar's composed-offers block
    """promotion c-en "composed" {
  on sku "CUP"
  when buy 2 kinds on category "drinks" except sku "X" repeat up to 3
  get 1 free
  dearest first
  limit 1 units per line
  limit 1 per order
  stack group c-grp
}

promotion c-zh "组合" {
  on category "fresh/fruit"
  条件 满50 on category "dairy" 可叠加 最多2次
  满2件9折，满3件打8折
  低价优先
  每行限1件
  每单限2件
  叠加组 c-grp
}

promotion c-more {
  立减10
}

promotion c-free {
  免费
}

promotion c-yuan {
  特价 0元
}

promotion c-tiers {
  spend 100 get 10% off, spend 200 get 20% off
}

promotion c-units {
  buy 3 get 10 off, buy 5 get 20 off
  when buy 2 units
}
""",
    """timezone Asia/Shanghai
currency CNY
segment gold = level >= 3 or "vip" in segments
scope fresh = category "fruit", "veg" except sku "DURIAN"

promotion autumn "秋季水果满减" {
  priority 10
  during 2026-10-01 to 2026-10-07, 2026-12-24 18:00 to 2026-12-26
  every wednesday, friday
  hours 20:00-22:00
  on fresh
  for gold and not region in ("xinjiang", "tibet")
  满100减20, 满200减50
  limit 1 per customer per day
  budget 50000
  at most 50 off
  exclusive group order-level
}

coupon welcome "新人券" {
  codes "WELCOME10", "NEW-*"
  single use
  for new customer
  spend 50 get 10 off
}
""",
    """promotion a "A" {
  every month on 8, 18
  8.5折 封顶30
  stackable with b
}
promotion b "B" {
  on sku "EGGS"
  秒杀 1.00 每人限2件 库存500
}
promotion c "C" {
  on category "drinks"
  10元任选3件
}
promotion d "D" {
  买2赠1
}
promotion e "E" {
  每满100减10 封顶50
  exclusive
}
promotion f "F" {
  满99包邮
}
""",
]


def _example_rule_sets() -> list[str]:
    """Each example directory's files joined into one text (names resolve across files).

    Only sets that check cleanly are seeds (their validity is the examples' own tests'
    business); the inline seeds are always used and asserted valid below.
    """
    dirs = sorted({p.parent for p in ROOT.glob("examples/**/*.promo")})
    texts = ["\n".join(p.read_text(encoding="utf-8") for p in sorted(d.glob("*.promo"))) for d in dirs]
    valid = []
    for text in texts:
        try:
            parse_text(text, "seed.promo")
        except RuleError:
            continue
        valid.append(text)
    return valid


SEEDS = INLINE + _example_rule_sets()

TOKENS = [
    # composed offers (issue 9)
    "立减",
    "条件",
    "买3种",
    "赠1件",
    "满3件8折",
    "打9折",
    "，",
    "每单限2件",
    "每行限1件",
    "每单限1次",
    "叠加组",
    "低价优先",
    "高价优先",
    "免费",
    "0元",
    "when",
    "spend",
    "kinds",
    "get",
    "free",
    "repeat",
    "up to",
    "units",
    "stack group",
    "cheapest first",
    "dearest first",
    '"fresh//fruit"',
    "满",
    "减",
    "折",
    "8折",
    "每满",
    "封顶",
    "包邮",
    "买2赠1",
    "第二件半价",
    "秒杀",
    "特价",
    "promotion",
    "coupon",
    "segment",
    "scope",
    "{",
    "}",
    "(",
    ")",
    '"',
    "#",
    "\n",
    ",",
    "during",
    "to",
    "every",
    "hours",
    "on",
    "for",
    "and",
    "or",
    "not",
    "in",
    "limit",
    "per",
    "customer",
    "day",
    "total",
    "stock",
    "budget",
    "exclusive",
    "group",
    "stackable with",
    "codes",
    "kind",
    "timezone",
    "currency",
    "rounding",
    "2026-02-30",
    "2026-13-01",
    "25:00",
    "24:00",
    "00:00-00:00",
    "-1",
    "0",
    "1e9",
    "9.999",
    "99999999999999999999999999",
    "level",
    ">=",
    "==",
    "segments",
    "x",
    "é",
    "\t",
    "\x00",
    "\ufeff",
    "\u202e",
    "🎉",
]


def check_diagnostics(diagnostics: tuple[Diagnostic, ...], text: str, name: str) -> None:
    source = Source(name, text)
    lines = text.count("\n") + 1
    for d in diagnostics:
        s = d.span
        assert s.file == name, d
        assert 1 <= s.line <= lines + 1, d
        assert 1 <= s.col <= len(source.line_text(s.line)) + 2, d
        assert (s.end_line, s.end_col) >= (s.line, s.col), d
        assert d.severity in ("error", "warning") and d.code and d.message, d
        d.render(source)  # must not raise


def run_text(text: str, name: str = "fuzz.promo") -> None:
    try:
        checked = parse_text(text, name)
    except RuleError as exc:
        assert exc.diagnostics, "a RuleError must carry diagnostics"
        check_diagnostics(exc.diagnostics, text, name)
        return
    check_diagnostics(checked.warnings, text, name)
    check_diagnostics(tuple(lint(checked.ast, today=dt.date(2026, 6, 1))), text, name)


def run_bytes(data: bytes, name: str = "fuzz.promo") -> None:
    source, problems = decode_source(data, name)
    if source is None:
        assert problems and all(d.is_error for d in problems)
        return
    run_text(source.text, name)


def mutate(text: str, rng: random.Random, steps: int) -> str:
    for _ in range(steps):
        op = rng.randrange(6)
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randrange(1, 12))
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif op == 2:
            text = text[:i] + text[i:j] + text[i:]
        elif op == 3 and len(text) > 2:
            k = rng.randrange(len(text))
            a, b = sorted((i, k))
            text = (
                text[:a]
                + text[b : b + (j - i)]
                + text[a + (j - i) : b]
                + text[a : a + (j - i)]
                + text[b + (j - i) :]
            )
        elif op == 4:
            text = text[:i] + chr(rng.randrange(0x20, 0x3000)) + text[i:]
        else:
            lines = text.split("\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    return text


def test_every_inline_seed_is_valid_before_mutation() -> None:
    for text in INLINE:
        parse_text(text, "seed.promo")  # raises (and fails the test) if a seed is broken


def test_the_composed_examples_are_seeds() -> None:
    # examples/compose (one file per composed-offer capability) checks cleanly as one set,
    # so the mutations start from every new construct it shows
    composed = [s for s in SEEDS if "stack group dairy-deals" in s]
    assert len(composed) == 1 and "满100打9折，满200打8折" in composed[0] and "赠1件" in composed[0]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(range(len(SEEDS))), rnd=st.randoms(use_true_random=False), steps=st.integers(1, 8)
)
def test_mutated_rule_files_raise_only_rule_errors_with_valid_spans(
    seed: int, rnd: random.Random, steps: int
) -> None:
    run_text(mutate(SEEDS[seed], rnd, steps))


@settings(max_examples=60)
@given(seed=st.sampled_from(range(len(SEEDS))), cut=st.integers(0, 10_000), junk=st.binary(max_size=40))
def test_random_bytes_spliced_into_a_file_give_diagnostics(seed: int, cut: int, junk: bytes) -> None:
    data = SEEDS[seed].encode("utf-8")
    cut %= len(data) + 1
    run_bytes(data[:cut] + junk + data[cut:])


@settings(max_examples=40)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_token_soup_gives_diagnostics(text: str) -> None:
    run_text(text)


def test_a_short_time_boxed_random_run_finds_no_crash() -> None:
    rng = random.Random(20261001)
    deadline = time.monotonic() + 3.0
    runs = 0
    while time.monotonic() < deadline:
        text = mutate(rng.choice(SEEDS), rng, rng.randrange(1, 10))
        if rng.random() < 0.2:
            data = bytearray(text.encode("utf-8"))
            for _ in range(rng.randrange(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256) if data else 0
            run_bytes(bytes(data))
        else:
            run_text(text)
        runs += 1
    assert runs > 0


# ----------------------------------------------------------------------------- input habits (issue 12)

#: what an operator's Chinese input method produces instead of ASCII, and mixed-script slips
WIDE = {
    ":": "：",
    ">": "＞",
    "<": "＜",
    "=": "＝",
    ".": "．",
    ",": "，",
    "%": "％",
    "(": "（",
    ")": "）",
    "-": "－",
    ";": "；",
    "!": "！",
    '"': "“",
    "{": "｛",
    "}": "｝",
    " ": "\u3000",
}
HABITS = [
    "元",
    "¥",
    "￥",
    "1,299",
    "2026/11/11",
    "2026年11月11日",
    "11.11",
    "。",
    "、",
    "ａ",
    "Ａ",
    "１",
    "ｐromotion",
]


def mutate_habits(text: str, rng: random.Random, steps: int) -> str:
    for _ in range(steps):
        i = rng.randrange(len(text) + 1)
        if rng.random() < 0.6:
            # a character typed in its full-width form (Latin letters and digits too)
            ch = text[i : i + 1]
            wide = WIDE.get(ch) or (chr(ord(ch) + 0xFEE0) if ch and "!" <= ch <= "~" else ch)
            text = text[:i] + wide + text[i + 1 :]
        else:
            text = text[:i] + rng.choice(HABITS) + text[i:]
    return text


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(range(len(SEEDS))), rnd=st.randoms(use_true_random=False), steps=st.integers(1, 6)
)
def test_full_width_and_mixed_script_mutations_give_diagnostics_with_help(
    seed: int, rnd: random.Random, steps: int
) -> None:
    text = mutate_habits(SEEDS[seed], rnd, steps)
    run_text(text)
    try:
        parse_text(text, "fuzz.promo")
    except RuleError as exc:
        syntax = [d for d in exc.diagnostics if d.code.startswith("S") and d.is_error]
        assert all(d.help for d in syntax), [d.render() for d in syntax if not d.help]
