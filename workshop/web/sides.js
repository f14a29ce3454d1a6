/* The room's sides (IT, Marketing, …) as the results draw them: labels, colours,
 * and the bars that compare them.
 *
 * A side's colour comes from its position in the template (`s0`, `s1`, …; `sx`
 * for the facilitator) and always comes with its label as text: the number or the
 * name is the data, the bar only helps the eye.
 */

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { S, ALL } from "./state.js";

export function sides() {
  return (S.header && S.header.sides) || [];
}

function sideIndex(id) {
  return sides().findIndex((s) => s.id === id);
}

export function sideLabel(id) {
  if (id === ALL) return t("side.all");
  const side = sides().find((s) => s.id === id);
  return side ? side.label : t("side.facilitator");
}

export function sideClass(id) {
  const i = sideIndex(id);
  return i < 0 ? "sx" : `s${i % 6}`;
}

/** The sides worth a row in a result: the two compared sides always, any
 *  other side only when it has data, then everyone. */
export function resultKeys(hasData) {
  return sides()
    .filter((s, i) => i < 2 || hasData(s.id))
    .map((s) => s.id)
    .concat([ALL]);
}

export function chip(id) {
  return h("span", { class: `chip ${sideClass(id)}` }, sideLabel(id));
}

function bar(fraction, cls, label) {
  const pct = Math.max(0, Math.min(1, fraction || 0)) * 100;
  return h("span", { class: "track", "aria-hidden": label ? null : "true" }, h("span", { class: `fill ${cls}`, style: { width: `${pct.toFixed(1)}%` } }));
}

/** One row of a side-by-side chart: label, bar, number (the number is the data). */
export function sideRow(id, fraction, number) {
  return h(
    "div",
    { class: "brow" },
    h("span", { class: "blabel" }, sideLabel(id)),
    bar(fraction, sideClass(id)),
    h("span", { class: "bnum" }, number),
  );
}

/** A bar made of one segment per side, with the counts spelled out below it. */
export function stacked(bySide, scale, none) {
  const segs = sides().map((s) => {
    const v = bySide[s.id] || 0;
    return v ? h("span", { class: `seg ${sideClass(s.id)}`, style: { width: `${((v / scale) * 100).toFixed(1)}%` } }) : null;
  });
  const legend = sides()
    .filter((s) => bySide[s.id])
    .map((s) => h("span", { class: "legend" }, h("span", { class: `sw ${sideClass(s.id)}`, "aria-hidden": "true" }), `${s.label} ${bySide[s.id]}`));
  return [h("span", { class: "track stack-track", "aria-hidden": "true" }, segs), h("p", { class: "legends" }, legend.length ? legend : none || t("results.none"))];
}

/**
 * Where the pair of sides see an item differently: the server flags it and words
 * the sentence once, in the result (`row.sentence`, set only on a flagged row).
 */
export function flagLine(row) {
  if (!row.sentence) return null;
  return h("p", { class: "gap flagged" }, h("span", { class: "badge warn" }, t("gap.badge")), row.sentence);
}
