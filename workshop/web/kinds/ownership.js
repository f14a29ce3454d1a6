/* ownership: for each responsibility, each person picks who should lead it
 * from the exercise's `choices`; the result shows the room's verdict (agreed or
 * contested), the spread of answers, and each side's counts. */

import { h } from "../dom.js";
import { plural } from "../i18n.js";
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
        choices.map((c, i) => choiceButton(c, picked[item.id] === i, withBusy({ "data-act": "own", "data-item": item.id, "data-choice": i, "aria-label": `${c}: ${item.text}` }, `${key}:${i}`))),
      ),
      slot(key),
    );
  });
}

export function results(res) {
  const answered = (k) => res.rows.some((row) => (row.counts[k] || []).some((v) => v > 0));
  const keys = sides()
    .filter((s) => answered(s.id))
    .map((s) => s.id)
    .concat([ALL]);
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.respondents, "person", "people")} answered; ${plural(res.contested, "row")} contested.`),
    res.rows.map((row) => {
      const all = row.counts[ALL];
      const n = all.reduce((a, b) => a + b, 0);
      if (!n) {
        return h("div", { class: "card", "data-key": `res:${row.item}` }, h("p", { class: "q" }, row.text), h("p", { class: "verdict" }, h("span", { class: "badge warn" }, "Contested"), " No answers yet"));
      }
      return h(
        "div",
        { class: "card", "data-key": `res:${row.item}` },
        h("p", { class: "q" }, row.text),
        h(
          "p",
          { class: "verdict" },
          row.contested
            ? h("span", { class: "badge warn" }, "Contested")
            : h("span", { class: "badge ok" }, `Agreed: ${row.agreed}`),
          ` Consensus ${Math.round(row.consensus * 100)} %`,
        ),
        flagLine(row),
        h(
          "span",
          { class: "track stack-track", "aria-hidden": "true" },
          res.choices.map((c, i) => (all[i] ? h("span", { class: `seg c${i % 4}`, style: { width: `${((all[i] / n) * 100).toFixed(1)}%` } }) : null)),
        ),
        h(
          "table",
          { class: "dist" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, h("span", { class: "sr" }, "Side")), res.choices.map((c, i) => h("th", { scope: "col" }, h("span", { class: `sw c${i % 4}`, "aria-hidden": "true" }), c)))),
          h(
            "tbody",
            null,
            keys.map((k) => h("tr", null, h("th", { scope: "row" }, sideLabel(k)), (row.counts[k] || []).map((v) => h("td", null, String(v))))),
          ),
        ),
      );
    }),
  ];
}

export const actions = {
  own(el, ex) {
    const item = el.dataset.item;
    act({ type: "choose_owner", exercise: ex.id, item, choice: Number(el.dataset.choice) }, `own:${item}`, { mark: `own:${item}:${el.dataset.choice}` });
  },
};
