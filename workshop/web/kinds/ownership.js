/* ownership: for each responsibility, each person picks who should lead it
 * from the exercise's `choices`; the result shows the room's verdict (agreed or
 * contested), the spread of answers, and each side's counts. */

import { h } from "../dom.js";
import { itemText, num, plural, share, t } from "../i18n.js";
import { act } from "../net.js";
import { flagLine, sideLabel, sides } from "../sides.js";
import { ALL } from "../state.js";
import { choiceButton, slot, withBusy } from "../ui.js";

export const name = "ownership";
export const labels = { done: "answered" };

export function input(ex, mine) {
  const choices = ex.config.choices;
  const picked = mine.choices || {};
  return ex.items.map((item, index) => {
    const key = `own:${item.id}`;
    const qid = `o-${index}`;
    return h(
      "div",
      { class: "card" + (item.id in picked ? " has" : ""), "data-key": key, role: "group", "aria-labelledby": qid },
      h("p", { class: "q", id: qid }, item.text),
      h(
        "div",
        { class: "segmented" },
        choices.map((c, i) => choiceButton(c, picked[item.id] === i, withBusy({ "data-act": "own", "data-item": item.id, "data-choice": i, "aria-label": t("ownership.choice-for", { choice: c, item: item.text }) }, `${key}:${i}`))),
      ),
      slot(key),
    );
  });
}

/** A choice as the room's result names it (the template's words) in the page's
 *  language: the exercise's choices, translated where the template says how. */
function choiceText(res, ex, choice) {
  const at = res.choices.indexOf(choice);
  const own = ex.config.choices;
  return at >= 0 && Array.isArray(own) && own.length === res.choices.length ? own[at] : choice;
}

export function results(res, ex) {
  const choices = res.choices.map((c) => choiceText(res, ex, c));
  const answered = (k) => res.rows.some((row) => (row.counts[k] || []).some((v) => v > 0));
  const keys = sides()
    .filter((s) => answered(s.id))
    .map((s) => s.id)
    .concat([ALL]);
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, t("ownership.summary", { people: plural(res.respondents, "people"), rows: plural(res.contested, "ownership.rows") })),
    res.rows.map((row) => {
      const all = row.counts[ALL];
      const n = all.reduce((a, b) => a + b, 0);
      if (!n) {
        return h(
          "div",
          { class: "card", "data-key": `res:${row.item}` },
          h("p", { class: "q" }, itemText(ex, row.item, row.text)),
          h("p", { class: "verdict" }, h("span", { class: "badge warn" }, t("ownership.contested")), t("ownership.no-answers")),
        );
      }
      return h(
        "div",
        { class: "card", "data-key": `res:${row.item}` },
        h("p", { class: "q" }, itemText(ex, row.item, row.text)),
        h(
          "p",
          { class: "verdict" },
          row.contested
            ? h("span", { class: "badge warn" }, t("ownership.contested"))
            : h("span", { class: "badge ok" }, t("ownership.agreed", { choice: choiceText(res, ex, row.agreed) })),
          t("ownership.consensus", { share: share(row.consensus * 100) }),
        ),
        flagLine(row, (a, b) => flag(res, ex, row, a, b)),
        h(
          "span",
          { class: "track stack-track", "aria-hidden": "true" },
          choices.map((c, i) => (all[i] ? h("span", { class: `seg c${i % 4}`, style: { width: `${((all[i] / n) * 100).toFixed(1)}%` } }) : null)),
        ),
        // Who chose what, side by side: folded, so the room's verdict and its gap read first.
        h(
          "details",
          { class: "dist-more" },
          h("summary", null, t("ownership.by-side")),
          h(
          "div",
          { class: "dist-wrap" },
          h(
          "table",
          { class: "dist" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, h("span", { class: "sr" }, t("ownership.side"))), choices.map((c, i) => h("th", { scope: "col" }, h("span", { class: `sw c${i % 4}`, "aria-hidden": "true" }), c)))),
          h(
            "tbody",
            null,
            keys.map((k) => h("tr", null, h("th", { scope: "row" }, sideLabel(k)), (row.counts[k] || []).map((v) => h("td", null, num(v))))),
          ),
          ),
          ),
        ),
      );
    }),
  ];
}

/** "IT says CIO leads, Marketing says CMO leads", from each side's leading choice. */
function flag(res, ex, row, a, b) {
  const [la, lb] = [row.leader && row.leader[a], row.leader && row.leader[b]];
  if (typeof la !== "string" || typeof lb !== "string") return null;
  return t("ownership.flag", { a: sideLabel(a), la: choiceText(res, ex, la), b: sideLabel(b), lb: choiceText(res, ex, lb) });
}

export const actions = {
  own(el, ex) {
    const item = el.dataset.item;
    act({ type: "choose_owner", exercise: ex.id, item, choice: Number(el.dataset.choice) }, `own:${item}`, { mark: `own:${item}:${el.dataset.choice}` });
  },
};
