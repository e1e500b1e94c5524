// The playground page: edit a rule file (highlighted by promokit's own lexer on the server),
// live diagnostics while typing, price a sample cart with the edited rules, save when it checks.
"use strict";

const $ = (id) => document.getElementById(id);
const TEXT = {
  en: {
    title: "promokit playground", file: "Rule file", save: "Save", language: "Language", problems: "Problems",
    sample: "Sample cart", price: "Price", clean: "No problems", saved: "Saved", notSaved: "Not saved: fix the errors first",
    total: "Total", subtotal: "Goods", discount: "Discount", shipping: "Shipping", applied: "Applied",
    notApplied: "Not applied", hints: "Hints", none: "(none)", line: "line", badCart: "The cart is not a valid request",
    reasons: {},
  },
  zh: {
    title: "promokit 规则试算", file: "规则文件", save: "保存", language: "语言", problems: "问题",
    sample: "示例购物车", price: "试算", clean: "没有问题", saved: "已保存", notSaved: "未保存：请先修正错误",
    total: "应付", subtotal: "商品金额", discount: "优惠", shipping: "运费", applied: "已享受优惠",
    notApplied: "未享受的优惠", hints: "凑单提示", none: "（无）", line: "第", badCart: "购物车数据无效",
    reasons: {
      window: "不在活动时间内", audience: "不符合参与人群", channel: "渠道不符", scope: "没有适用商品",
      threshold: "未达到门槛", group_size: "拼团人数不足", limit: "已达使用次数上限", stock: "活动库存已用完",
      budget: "活动预算不足", coupon_missing: "未输入券码", coupon_unknown: "券码无效", coupon_expired: "优惠券不在有效期",
      coupon_used: "券码已使用", coupon_not_combinable: "不可与其他券同用", excluded: "与更优惠的活动互斥",
      no_saving: "不产生优惠", order_cap: "已达整单优惠上限",
    },
  },
};
let lang = "en";
let lastResult = null;
let lastDiagnostics = [];
let saveState = null; // "saved" | "notSaved" | null
let checkTimer = null;
let checkSeq = 0;

const t = (key) => TEXT[lang][key];

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  return { status: response.status, data: await response.json() };
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  renderDiagnostics(lastDiagnostics);
  renderSaveState();
  if (lastResult) renderResult(lastResult);
}

function renderSaveState() {
  const el = $("save-status");
  el.textContent = saveState ? t(saveState) : "";
  el.className = saveState === "saved" ? "ok" : saveState ? "bad" : "";
}

function renderDiagnostics(list) {
  lastDiagnostics = list;
  const ul = $("diagnostics");
  ul.replaceChildren();
  if (!list.length) {
    const li = document.createElement("li");
    li.className = "clean";
    li.textContent = t("clean");
    ul.append(li);
    return;
  }
  for (const d of list) {
    const li = document.createElement("li");
    li.className = d.severity;
    li.dataset.line = d.line;
    li.textContent = `${d.line}:${d.col} ${d.severity}[${d.code}]: ${d.message}` + (d.help ? ` — ${d.help}` : "");
    ul.append(li);
  }
}

async function check() {
  const seq = ++checkSeq;
  const { data } = await api("/api/check", { name: $("file").value, text: $("editor").value });
  if (seq !== checkSeq) return; // a newer keystroke already asked
  $("highlight").innerHTML = data.html + "\n";
  renderDiagnostics(data.diagnostics || []);
  $("highlight").dataset.checked = String(seq);
}

function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, 250);
}

function cell(row, text, tag = "td") {
  const el = document.createElement(tag);
  el.textContent = text;
  row.append(el);
}

function table(rows) {
  const tbl = document.createElement("table");
  for (const values of rows) {
    const tr = document.createElement("tr");
    values.forEach((v) => cell(tr, v));
    tbl.append(tr);
  }
  return tbl;
}

function heading(text) {
  const h = document.createElement("h2");
  h.textContent = text;
  return h;
}

function hintText(h) {
  if (lang === "zh" && h.shortfall && h.unlocks) return `再买 ¥${h.shortfall}，可多省 ¥${h.unlocks}（${h.promotion}）`;
  return h.message;
}

function renderResult(answer) {
  const box = $("result");
  box.replaceChildren();
  if (answer.diagnostics) { renderDiagnostics(answer.diagnostics); return; }
  if (answer.error) {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = `${t("badCart")}: ${(answer.details || [answer.error]).join("; ")}`;
    box.append(p);
    return;
  }
  const r = answer.result;
  const total = document.createElement("p");
  total.className = "total";
  total.id = "total";
  total.textContent = `${t("total")}: ¥${r.total}`;
  box.append(total, table([[t("subtotal"), `¥${r.subtotal}`], [t("discount"), `-¥${r.discount}`], [t("shipping"), `¥${r.shipping}`]]));
  // shipping lines (docs/semantics.md#shipping): only when the request listed them
  const ships = r.shipping_lines || [];
  if (ships.length) {
    box.append(table(ships.map((s) => [`${t("shipping")} ${s.id} (${s.method})`, `¥${s.amount}`, Number(s.discount) ? `-¥${s.discount}` : "", `¥${s.total}`])));
  }
  box.append(heading(t("applied")));
  box.append(r.applied.length ? table(r.applied.map((a) => [a.title || a.promotion, `-¥${a.amount}`])) : document.createTextNode(t("none")));
  box.append(heading(t("notApplied")));
  const reasons = TEXT[lang].reasons;
  box.append(r.not_applied.length
    ? table(r.not_applied.map((n) => [n.title || n.promotion, reasons[n.reason] ? `${reasons[n.reason]}（${n.detail}）` : n.detail]))
    : document.createTextNode(t("none")));
  box.append(heading(t("hints")));
  box.append(r.hints.length ? table(r.hints.map((h) => [hintText(h)])) : document.createTextNode(t("none")));
}

async function price() {
  let request;
  try {
    request = JSON.parse($("request").value);
  } catch (error) {
    lastResult = { error: String(error.message) };
    renderResult(lastResult);
    return;
  }
  const { data } = await api("/api/price", { name: $("file").value, text: $("editor").value, request });
  lastResult = data;
  renderResult(data);
}

async function save() {
  const { status, data } = await api("/api/save", { name: $("file").value, text: $("editor").value });
  saveState = status === 200 ? "saved" : "notSaved";
  renderSaveState();
  if (data.diagnostics) renderDiagnostics(data.diagnostics);
}

async function loadFile() {
  const { data } = await api(`/api/file?name=${encodeURIComponent($("file").value)}`);
  $("editor").value = data.text;
  saveState = null;
  renderSaveState();
  await check();
}

async function loadSample() {
  if (!$("sample").value) return;
  const { data } = await api(`/api/sample?name=${encodeURIComponent($("sample").value)}`);
  $("request").value = JSON.stringify(data.request, null, 2);
}

function fill(select, names) {
  select.replaceChildren(...names.map((n) => new Option(n, n)));
}

async function start() {
  const { data } = await api("/api/files");
  fill($("file"), data.rules);
  fill($("sample"), data.samples);
  $("editor").addEventListener("input", () => {
    saveState = null;
    renderSaveState();
    scheduleCheck();
  });
  $("editor").addEventListener("scroll", () => {
    $("highlight").scrollTop = $("editor").scrollTop;
    $("highlight").scrollLeft = $("editor").scrollLeft;
  });
  $("file").addEventListener("change", loadFile);
  $("sample").addEventListener("change", loadSample);
  $("price").addEventListener("click", price);
  $("save").addEventListener("click", save);
  $("lang").addEventListener("change", () => { lang = $("lang").value; applyLanguage(); });
  await loadFile();
  await loadSample();
  document.body.dataset.ready = "1";
}

start();
