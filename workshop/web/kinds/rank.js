/* rank: each person puts every item in order, best first, by tapping "up" or
 * "down" beside an item (no dragging: it works with a thumb, a keyboard and a
 * screen reader); every tap saves the whole order. The result is the room's order
 * by a Borda count, each item's place per side, and the items the two sides place
 * three or more places apart, said in a sentence. */

import { h } from "../dom.js";
import { itemText, num, ordinal, plural, t } from "../i18n.js";
import { act } from "../net.js";
import { flagLine, sideLabel, sides } from "../sides.js";
import { ALL, S, busy } from "../state.js";
import { slot, withBusy } from "../ui.js";

export const name = "rank";
export const labels = { done: "ranked" };

/** This person's order: what they last sent, or the items as listed until then. */
function myOrder(ex, mine) {
  const ids = ex.items.map((item) => item.id);
  const sent = (mine.order || []).filter((id) => ids.includes(id));
  return sent.length === ids.length ? sent : ids;
}

export function input(ex, mine) {
  const order = myOrder(ex, mine);
  const text = new Map(ex.items.map((item) => [item.id, item.text]));
  const key = `rank:${ex.id}`;
  const saved = (mine.order || []).length === order.length;
  return [
    h("p", { class: "muted", "data-key": "how", id: "rank-how" }, t("rank.how")),
    h(
      "ol",
      { class: "order-list", "aria-labelledby": "rank-how", "data-key": "list" },
      order.map((id, index) =>
        h(
          "li",
          { class: "card order-item", "data-key": `r:${id}` },
          h("span", { class: "order-place", "aria-hidden": "true" }, num(index + 1)),
          h("span", { class: "order-text" }, text.get(id)),
          h(
            "span",
            { class: "order-moves" },
            h("button", withBusy({ type: "button", class: "pick", "data-act": "rank-move", "data-item": id, "data-by": "-1", disabled: index === 0 || busy(key), "aria-label": t("rank.up", { item: text.get(id) }) }, key), "↑"),
            h("button", withBusy({ type: "button", class: "pick", "data-act": "rank-move", "data-item": id, "data-by": "1", disabled: index === order.length - 1 || busy(key), "aria-label": t("rank.down", { item: text.get(id) }) }, key), "↓"),
          ),
        ),
      ),
    ),
    saved
      ? h("p", { class: "muted small", "data-key": "saved" }, t("rank.saved"))
      : // Someone who agrees with the order as listed sends it as it is.
        h(
          "div",
          { class: "submit-row", "data-key": "saved" },
          h("span", { class: "muted small" }, t("rank.unsent")),
          h("button", withBusy({ type: "button", class: "primary", "data-act": "rank-send", disabled: busy(key) }, key), t("rank.send")),
        ),
    slot(key),
  ];
}

export function results(res, ex) {
  const ranked = sides().filter((s) => res.respondents[s.id]);
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, t("rank.summary", { people: plural(res.respondents[ALL] || 0, "people") })),
    h(
      "ol",
      { class: "list", "data-key": "res:list" },
      res.rows.map((row) =>
        h(
          "li",
          { class: "card" + (row.flagged ? " flagged" : ""), "data-key": `res:${row.item}` },
          h("p", { class: "q split" }, h("span", null, itemText(ex, row.item, row.text)), h("span", { class: "total" }, plural(row.points[ALL], "rank.points"))),
          h("p", { class: "muted small" }, ranked.map((s) => t("rank.place", { side: s.label, place: row.place[s.id] ? ordinal(row.place[s.id]) : "–" })).join(" · ")),
          flagLine(row, (a, b) => flag(row, a, b)),
        ),
      ),
    ),
  ];
}

/** "IT puts it 1st, Marketing 4th.", from the pair's places. */
function flag(row, a, b) {
  const [pa, pb] = [row.place[a], row.place[b]];
  if (typeof pa !== "number" || typeof pb !== "number") return null;
  return t("rank.flag", { a: sideLabel(a), pa: ordinal(pa), b: sideLabel(b), pb: ordinal(pb) });
}

export const actions = {
  "rank-send"(el, ex) {
    const key = `rank:${ex.id}`;
    if (busy(key)) return;
    act({ type: "pick", exercise: ex.id, items: myOrder(ex, (S.mine && S.mine.exercise === ex.id && S.mine) || {}) }, key);
  },
  "rank-move"(el, ex) {
    const key = `rank:${ex.id}`;
    if (busy(key)) return; // one move at a time: each sends the whole order
    const order = myOrder(ex, (S.mine && S.mine.exercise === ex.id && S.mine) || {});
    const from = order.indexOf(el.dataset.item);
    const to = from + Number(el.dataset.by);
    if (from < 0 || to < 0 || to >= order.length) return;
    [order[from], order[to]] = [order[to], order[from]];
    S.focusNext = null;
    act({ type: "pick", exercise: ex.id, items: order }, key);
  },
};
