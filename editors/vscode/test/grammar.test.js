// The TextMate grammars, tokenized with VS Code's own engine (vscode-textmate + oniguruma)
// over every .promo and .promotest file under examples/: no `invalid` scope anywhere, every
// non-blank character gets a scope beyond the root, and the main constructs get the scopes
// a theme colours (keywords, operator words, names, strings, numbers, comments).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const HERE = __dirname;
const ROOT = path.resolve(HERE, "..", "..", "..");
const GRAMMARS = {
  "source.promo": path.join(HERE, "..", "syntaxes", "promo.tmLanguage.json"),
  "source.promotest": path.join(HERE, "..", "syntaxes", "promotest.tmLanguage.json"),
};

function examples(dir, found = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") examples(full, found);
    else if (/\.(promo|promotest)$/.test(entry.name)) found.push(full);
  }
  return found.sort();
}

async function registry() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = GRAMMARS[scopeName];
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file) : null;
    },
  });
}

function tokenize(grammar, text) {
  const out = [];
  let stack = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, index) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) {
      out.push({ line: index + 1, text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes });
    }
    stack = result.ruleStack;
  });
  return out;
}

const scoped = (tokens, text) => tokens.filter((t) => t.text === text).map((t) => t.scopes.at(-1));

test("every example tokenizes without an invalid or unscoped character", async () => {
  const reg = await registry();
  const files = examples(path.join(ROOT, "examples"));
  assert.ok(files.length >= 8, `expected the examples, found ${files.length}`);
  for (const file of files) {
    const scope = file.endsWith(".promo") ? "source.promo" : "source.promotest";
    const grammar = await reg.loadGrammar(scope);
    const tokens = tokenize(grammar, fs.readFileSync(file, "utf8"));
    const rel = path.relative(ROOT, file);
    const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith("invalid")));
    assert.deepEqual(invalid.map((t) => `${rel}:${t.line}: ${t.text}`), []);
    const bare = tokens.filter((t) => t.scopes.length === 1 && t.text.trim() !== "");
    assert.deepEqual(bare.map((t) => `${rel}:${t.line}: ${JSON.stringify(t.text)}`), []);
  }
});

test(".promo constructs get the scopes a theme colours", async () => {
  const grammar = await (await registry()).loadGrammar("source.promo");
  const tokens = tokenize(
    grammar,
    [
      "timezone Asia/Shanghai",
      'segment gold = level >= 3 or "vip" in segments',
      'promotion autumn-fruit "秋季\\u{4E2D}" {  # a comment',
      "  on sale-items",
      "  满100减20, 8.5折",
      "  exclusive group order-deals",
      "}",
    ].join("\n"),
  );
  assert.deepEqual(scoped(tokens, "timezone"), ["keyword.control.promo"]);
  assert.deepEqual(scoped(tokens, "Asia/Shanghai"), ["constant.other.timezone.promo"]);
  assert.deepEqual(scoped(tokens, "gold"), ["entity.name.type.promo"]);
  assert.deepEqual(scoped(tokens, "autumn-fruit"), ["entity.name.function.promo"]);
  assert.deepEqual(scoped(tokens, "\\u{4E2D}"), ["constant.character.escape.promo"]);
  assert.deepEqual(scoped(tokens, "# a comment"), ["comment.line.number-sign.promo"]);
  assert.deepEqual(scoped(tokens, "sale-items"), ["variable.other.promo"]); // not `sale` after keyword-ish `on`
  assert.deepEqual(scoped(tokens, "满"), ["keyword.operator.word.promo"]);
  assert.deepEqual(scoped(tokens, "折"), ["keyword.operator.word.promo"]);
  assert.deepEqual(scoped(tokens, "8.5"), ["constant.numeric.promo"]);
  assert.deepEqual(scoped(tokens, "order-deals"), ["entity.name.tag.group.promo"]);
  assert.deepEqual(scoped(tokens, "$"), []);
  const bad = tokenize(grammar, "promotion a {\n  $ 8折\n}");
  assert.deepEqual(scoped(bad, "$"), ["invalid.illegal.promo"]);
});

test(".promotest constructs get the scopes a theme colours", async () => {
  const grammar = await (await registry()).loadGrammar("source.promotest");
  const tokens = tokenize(grammar, 'case "8折" {\n  cart APPLE x 2\n  at 2026-11-24 15:00\n  expect total 17.00\n}');
  assert.deepEqual(scoped(tokens, "case"), ["storage.type.promotest"]);
  assert.deepEqual(scoped(tokens, "expect"), ["keyword.control.promotest"]);
  assert.deepEqual(scoped(tokens, "APPLE"), ["variable.other.promotest"]);
  assert.deepEqual(scoped(tokens, "17.00"), ["constant.numeric.promotest"]);
  assert.deepEqual(scoped(tokens, "2026-11-24"), ["constant.numeric.date.promotest"]);
});
