/* allocate: each person splits exactly `budget` points over the items (slider
 * or steps). A split is sent by itself as soon as it adds up to the budget (one
 * save model for every kind: the core says "Saved ✓"); until then the bar says
 * how many points are left or over. The result shows each side's mean share per
 * item. */

import { h } from "../dom.js";
import { itemText, num, pct, plural, share, t } from "../i18n.js";
import { act } from "../net.js";
import { resultKeys, flagLine, sideLabel, sideRow } from "../sides.js";
import { S, localFor } from "../state.js";
import { slot } from "../ui.js";

export const name = "allocate";
export const labels = { done: "allocated" };

/** The split being put together here: what was sent, until this person changes it. */
function state(ex, mine) {
  const local = localFor("allocate", ex.id);
  if (!local.dirty) local.points = Object.assign({}, mine.points || {});
  return local;
}

export function input(ex, mine) {
  const budget = ex.config.budget;
  const local = state(ex, mine);
  const key = `alloc:${ex.id}`;
  const total = ex.items.reduce((sum, item) => sum + (local.points[item.id] || 0), 0);
  const exact = total === budget;
  const saved = !local.dirty && mine.points && Object.keys(mine.points).length > 0;
  const step = budget >= 50 ? 5 : 1;
  const rows = ex.items.map((item, index) => {
    const v = local.points[item.id] || 0;
    const id = `alloc-${index}`;
    return h(
      "li",
      { class: "card alloc-row", "data-key": `alloc:${item.id}` },
      h("div", { class: "alloc-head" }, h("label", { for: id, class: "q" }, item.text), h("output", { class: "alloc-v", for: id }, num(v))),
      h(
        "div",
        { class: "stepper wide" },
        h("button", { type: "button", class: "round", "data-act": "alloc-step", "data-item": item.id, "data-delta": -step, disabled: v <= 0, "aria-label": plural(step, "allocate.fewer", { item: item.text }) }, "−"),
        h("input", { id, type: "range", min: "0", max: String(budget), step: "1", value: v, "data-alloc": item.id, "data-exercise": ex.id, "aria-valuetext": plural(v, "allocate.points") }),
        h("button", { type: "button", class: "round", "data-act": "alloc-step", "data-item": item.id, "data-delta": step, disabled: v >= budget || total >= budget, "aria-label": plural(step, "allocate.more", { item: item.text }) }, "+"),
      ),
    );
  });
  const off = total < budget ? plural(budget - total, "allocate.left") : plural(total - budget, "allocate.over");
  // Off the budget after a split was saved: that split is the one that counts until this one adds up.
  const kept = mine.points && Object.keys(mine.points).length > 0;
  const hint = exact ? t(saved ? "allocate.saved" : "allocate.ready") : kept ? `${off}. ${t("allocate.kept")}` : off;
  return [
    h("ul", { class: "list", "data-key": "rows" }, rows),
    h(
      "div",
      { class: "total-bar" + (exact ? " exact" : ""), "data-key": "total" },
      h("p", { class: "total-line", role: "status" }, h("strong", { class: "total-n" }, `${num(total)} / ${num(budget)}`), h("span", { class: "small" }, hint)),
    ),
    slot(key),
  ];
}

export function results(res, ex) {
  const keys = resultKeys((k) => res.items.some((row) => row.share[k] !== null && row.share[k] !== undefined));
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, t("allocate.summary", { budget: res.budget, people: plural(res.respondents, "people") })),
    res.items.map((row) =>
      h(
        "div",
        { class: "card", "data-key": `res:${row.item}` },
        h("p", { class: "q" }, itemText(ex, row.item, row.text)),
        keys.map((k) => sideRow(k, (row.share[k] || 0) / 100, share(row.share[k]))),
        flagLine(row, (a, b) => flag(row, a, b)),
      ),
    ),
  ];
}

/** "IT gives it 70% of the budget, Marketing 30%", from the row's shares. */
function flag(row, a, b) {
  const [pa, pb] = [row.share[a], row.share[b]];
  if (typeof pa !== "number" || typeof pb !== "number") return null;
  return t("allocate.flag", { a: sideLabel(a), pa: pct(pa), b: sideLabel(b), pb: pct(pb) });
}

export const actions = {
  "alloc-step"(el, ex) {
    const local = localFor("allocate", ex.id);
    const item = el.dataset.item;
    const budget = ex.config.budget;
    const v = Math.max(0, Math.min(budget, (local.points[item] || 0) + Number(el.dataset.delta)));
    local.points[item] = v;
    local.dirty = true;
    sendWhenExact(ex);
  },
};

/** A slider being dragged passes through the budget; the split is sent once it rests there. */
const SETTLE_MS = 400;

/** Send the split once it adds up to the budget and has rested there a moment. */
function sendWhenExact(ex) {
  const local = localFor("allocate", ex.id);
  window.clearTimeout(local.timer);
  local.timer = window.setTimeout(() => {
    const points = {};
    for (const item of ex.items) points[item.id] = local.points[item.id] || 0;
    const total = Object.values(points).reduce((a, b) => a + b, 0);
    if (total !== ex.config.budget || !local.dirty) return;
    act({ type: "allocate", exercise: ex.id, points }, `alloc:${ex.id}`, {
      onAck() {
        local.dirty = false;
      },
    });
  }, SETTLE_MS);
}

/** A slider moved: its item's points change here, sent once the split is exact. */
export function onInput(el) {
  if (!el.dataset.alloc) return false;
  const local = localFor("allocate", el.dataset.exercise);
  local.points[el.dataset.alloc] = Number(el.value);
  local.dirty = true;
  const ex = S.room && S.room.exercise;
  if (ex && ex.id === el.dataset.exercise) sendWhenExact(ex);
  return true;
}
