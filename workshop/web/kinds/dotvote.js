/* dotvote: each person spends `dots` on the items, at most `max_per_item` on
 * one, and may add an item when `allow_add`; the result ranks the items, each
 * with its dots per side. */

import { h } from "../dom.js";
import { itemText, num, pct, plural, pluralx, t } from "../i18n.js";
import { act } from "../net.js";
import { flagLine, sideLabel, stacked } from "../sides.js";
import { S } from "../state.js";
import { clearDraft, range, slot, textForm, withBusy } from "../ui.js";

export const name = "dotvote";
export const labels = { done: "voted" };

export function input(ex, mine) {
  const cfg = ex.config;
  const dots = mine.dots || {};
  const left = typeof mine.left === "number" ? mine.left : cfg.dots;
  const out = [
    h(
      "div",
      { class: "dots-left", "data-key": "left", role: "status" },
      pluralx(left, "dotvote.left", null, h("strong", null, num(left))),
      h("span", { class: "muted small" }, t("dotvote.limits", { dots: cfg.dots, max: cfg.max_per_item })),
    ),
  ];
  if (!ex.items.length) out.push(h("p", { class: "muted", "data-key": "empty" }, t("dotvote.nothing")));
  out.push(
    h(
      "ul",
      { class: "list", "data-key": "items" },
      ex.items.map((item) => {
        const n = dots[item.id] || 0;
        const key = `dot:${item.id}`;
        return h(
          "li",
          { class: "card vote-row" + (n ? " has" : ""), "data-key": key },
          h("p", { class: "q" }, item.text),
          h(
            "div",
            { class: "stepper" },
            h("button", withBusy({ type: "button", class: "round", "data-act": "unvote", "data-item": item.id, disabled: !n, "aria-label": t("dotvote.take", { item: item.text }) }, key + ":-"), "−"),
            h(
              "span",
              { class: "pips", "aria-label": t("dotvote.from-you", { dots: plural(n, "dot") }), role: "img" },
              range(1, cfg.max_per_item).map((i) => h("span", { class: "pip" + (i <= n ? " on" : "") })),
              h("span", { class: "pip-n" }, num(n)),
            ),
            h("button", withBusy({ type: "button", class: "round primary", "data-act": "vote", "data-item": item.id, "aria-label": t("dotvote.give", { item: item.text }) }, key + ":+"), "+"),
          ),
          slot(key),
        );
      }),
    ),
  );
  if (cfg.allow_add) {
    out.push(textForm({ key: `additem:${ex.id}`, label: t("dotvote.add-label"), placeholder: t("dotvote.add-placeholder"), max: 120, submit: "additem", button: t("button.add") }));
  }
  return out;
}

export function results(res, ex) {
  const top = Math.max(1, ...res.ranking.map((r) => r.total));
  const voted = res.ranking.filter((r) => r.total > 0);
  const unvoted = res.ranking.filter((r) => r.total === 0);
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, t("dotvote.summary", { people: plural(res.voters, "people"), dots: plural(res.dots_used, "dot") })),
    h(
      "ol",
      { class: "ranking", "data-key": "res:ranking" },
      voted.map((r, i) =>
        h(
          "li",
          { class: "card rank-row", "data-key": `rank:${r.item}` },
          h("p", { class: "q split" }, h("span", null, h("span", { class: "rank" }, t("dotvote.place", { n: i + 1 })), ` ${itemText(ex, r.item, r.text)}`), h("span", { class: "total" }, plural(r.total, "dot"))),
          stacked(r.by_side, top, null, r.total),
          flagLine(r, (a, b) => flag(r, a, b)),
        ),
      ),
    ),
    unvoted.length
      ? h("div", { class: "card", "data-key": "res:unvoted" }, h("p", { class: "q" }, t("dotvote.none")), h("ul", { class: "plain" }, unvoted.map((r) => h("li", { "data-key": `zero:${r.item}` }, itemText(ex, r.item, r.text)))))
      : null,
  ];
}

/** "IT gave it 0% of its dots, Marketing 40%", from each side's share of its own dots. */
function flag(row, a, b) {
  const [pa, pb] = [row.share && row.share[a], row.share && row.share[b]];
  if (typeof pa !== "number" || typeof pb !== "number") return null;
  return t("dotvote.flag", { a: sideLabel(a), pa: pct(pa), b: sideLabel(b), pb: pct(pb) });
}

export const actions = {
  vote(el, ex) {
    act({ type: "vote", exercise: ex.id, item: el.dataset.item }, `dot:${el.dataset.item}`, { mark: `dot:${el.dataset.item}:+` });
  },
  unvote(el, ex) {
    act({ type: "unvote", exercise: ex.id, item: el.dataset.item }, `dot:${el.dataset.item}`, { mark: `dot:${el.dataset.item}:-` });
  },
};

export const submits = {
  additem(form, ex) {
    const key = `additem:${ex.id}`;
    const text = (S.drafts.get(key) || "").trim();
    if (!text) return;
    act({ type: "add_item", exercise: ex.id, text }, key, {
      onAck() {
        clearDraft(key);
      },
    });
  },
};
