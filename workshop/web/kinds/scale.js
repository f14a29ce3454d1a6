/* scale: each person rates every statement from 1 to `max`; the result compares
 * the sides' means, flags a gap the server found, and shows the change since the
 * check-in. */

import { h } from "../dom.js";
import { fmt1, itemText, num, plural, signed, t } from "../i18n.js";
import { act } from "../net.js";
import { resultKeys, sideLabel, sideRow, sides } from "../sides.js";
import { ALL } from "../state.js";
import { choiceButton, range, slot, withBusy } from "../ui.js";

export const name = "scale";
export const labels = { done: "rated" };

export function input(ex, mine) {
  const max = ex.config.max;
  const [low, high] = ex.config.labels;
  const ratings = mine.ratings || {};
  return ex.items.map((item, index) => {
    const key = `rate:${item.id}`;
    const chosen = ratings[item.id];
    const qid = `q-${index}`;
    // One radio group per statement: one tab stop, the arrow keys move and rate (core.js).
    return h(
      "div",
      { class: "card", "data-key": key },
      h("p", { class: "q", id: qid }, item.text),
      h(
        "div",
        { class: "scale", role: "radiogroup", "aria-labelledby": qid },
        range(1, max).map((v) => {
          const button = choiceButton(
            num(v),
            chosen === v,
            withBusy({ "data-act": "rate", "data-item": item.id, "data-value": v, "aria-label": valueLabel(v, max, low, high) }, `${key}:${v}`),
          );
          button.removeAttribute("aria-pressed");
          button.setAttribute("role", "radio");
          button.setAttribute("aria-checked", chosen === v ? "true" : "false");
          return button;
        }),
      ),
      h("div", { class: "ends", "aria-hidden": "true" }, h("span", null, low), h("span", null, high)),
      slot(key),
    );
  });
}

/** "2 of 5", and at the two ends the end's label: "1 of 5, Strongly disagree". */
function valueLabel(v, max, low, high) {
  const end = v === 1 ? low : v === max ? high : null;
  return end ? t("scale.value-end", { v, max, end }) : t("scale.value", { v, max });
}

export function results(res, ex) {
  const max = ex.config.max || 5;
  const pair = sides().slice(0, 2).map((s) => s.id);
  return res.statements.map((st) => {
    const keys = resultKeys((k) => st.n[k] > 0);
    if (!st.n[ALL]) {
      return h("div", { class: "card", "data-key": `res:${st.item}` }, h("p", { class: "q" }, itemText(ex, st.item, st.text)), h("p", { class: "muted" }, t("scale.none")));
    }
    return h(
      "div",
      { class: "card", "data-key": `res:${st.item}` },
      h("p", { class: "q" }, itemText(ex, st.item, st.text)),
      keys.map((k) => sideRow(k, st.mean[k] ? st.mean[k] / max : 0, st.n[k] ? `${fmt1(st.mean[k])}` : "–")),
      gapLine(st.gap, st.flagged, pair),
      shiftLine(st, keys),
    );
  }).concat([h("p", { class: "muted small", "data-key": "res:n" }, t("scale.summary", { max, people: plural(res.respondents, "people") }))]);
}

export const actions = {
  rate(el, ex) {
    const item = el.dataset.item;
    const value = Number(el.dataset.value);
    act({ type: "rate", exercise: ex.id, item, value }, `rate:${item}`, { mark: `rate:${item}:${value}` });
  },
};

function gapLine(gap, flagged, pair) {
  if (gap === null || gap === undefined || pair.length < 2) return null;
  const size = Math.abs(Math.round(gap * 10) / 10);
  const [higher, lower] = gap >= 0 ? pair : [pair[1], pair[0]];
  const text = size === 0
    ? t("scale.agree", { a: sideLabel(pair[0]), b: sideLabel(pair[1]) })
    : t("scale.higher", { higher: sideLabel(higher), size: fmt1(size), lower: sideLabel(lower) });
  return h("p", { class: "gap" + (flagged ? " flagged" : "") }, flagged ? h("span", { class: "badge warn" }, t("gap.badge")) : null, text);
}

/** How the same people moved since the compared scale (the server counts only those
 * who rated both times: `matched`). */
function shiftLine(st, keys) {
  const shift = st.shift;
  const moved = shift ? keys.filter((k) => shift[k] !== null && shift[k] !== undefined) : [];
  if (!moved.length) return null;
  const both = (st.matched && st.matched[ALL]) || 0;
  const shifts = moved.map((k) => `${sideLabel(k)} ${signed(shift[k])}`).join(" · ");
  return h("p", { class: "muted small" }, t("scale.shift", { people: plural(both, "people"), shifts }));
}
