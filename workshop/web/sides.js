/* The room's sides (IT, Marketing, …) as the results draw them: labels, colours,
 * and the bars that compare them.
 *
 * A side's colour comes from its position in the template (`s0`, `s1`, …; `sx`
 * for the facilitator) and always comes with its label as text: the number or the
 * name is the data, the bar only helps the eye.
 */

import { h } from "./dom.js";
import { language, listOf, num, plural, t } from "./i18n.js";
import { S, ALL } from "./state.js";

/** The sides every template gets unless it names its own (`model.DEFAULT_SIDES`):
 *  the product's words, so the catalogue says them in the page's language. */
const DEFAULT_SIDES = { it: "IT", marketing: "Marketing", other: "Other" };

/** A side's label in the page's language: the template's own translation
 *  (`translations.<lang>.sides`), the catalogue's for a default side left as it
 *  is, else the label as the template wrote it. */
function label(side) {
  const own = S.header && S.header.i18n && S.header.i18n[language()];
  if (own && own.sides && typeof own.sides[side.id] === "string") return own.sides[side.id];
  return DEFAULT_SIDES[side.id] === side.label ? t(`side.default.${side.id}`) : side.label;
}

/** The room's sides in template order, each `{id, label}` with its label in the page's language. */
export function sides() {
  return ((S.header && S.header.sides) || []).map((s) => ({ id: s.id, label: label(s) }));
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
export function stacked(bySide, scale, none, total) {
  // What no side shows — a side withheld below k answers — is drawn in the room's
  // colour and said so, never left out: a count of 2 above "Nobody picked this" lies.
  const shown = sides().reduce((sum, s) => sum + (bySide[s.id] || 0), 0);
  const rest = typeof total === "number" ? Math.max(0, total - shown) : 0;
  const width = (v) => ({ width: `${((v / scale) * 100).toFixed(1)}%` });
  const segs = sides().map((s) => {
    const v = bySide[s.id] || 0;
    return v ? h("span", { class: `seg ${sideClass(s.id)}`, style: width(v) }) : null;
  });
  if (rest) segs.push(h("span", { class: "seg sx", style: width(rest) }));
  const legend = sides()
    .filter((s) => bySide[s.id])
    .map((s) => h("span", { class: "legend" }, h("span", { class: `sw ${sideClass(s.id)}`, "aria-hidden": "true" }), `${s.label} ${num(bySide[s.id])}`));
  if (rest) legend.push(h("span", { class: "legend" }, h("span", { class: "sw sx", "aria-hidden": "true" }), t("results.unsplit", { n: num(rest) })));
  return [h("span", { class: "track stack-track", "aria-hidden": "true" }, segs), h("p", { class: "legends" }, legend.length ? legend : none || t("results.none"))];
}

/** The pair of sides whose gap every result shows: the template's first two. */
export function pair() {
  return sides()
    .slice(0, 2)
    .map((s) => s.id);
}

/**
 * Where the pair of sides see an item differently. The server flags the row and
 * words the sentence once, in the result (`row.sentence`, set only on a flagged
 * row); the phone says it in its own language from the row's figures:
 * `say(a, b)` gets the pair's side ids and returns the sentence, or null when the
 * figures it needs are not there (then the server's sentence shows as it is).
 */
export function flagLine(row, say) {
  if (!row.sentence) return null;
  const [a, b] = pair();
  const sentence = (say && a && b && say(a, b)) || row.sentence;
  return h("p", { class: "gap flagged" }, h("span", { class: "badge warn" }, t("gap.badge")), sentence);
}

/** "Marketing: fewer than 3 answers, so its figures are not shown.": the sides whose
 *  figures the server withheld (`ex.withheld`), for the phone and the projector. */
export function withheldText(ex) {
  const withheld = Array.isArray(ex.withheld) ? ex.withheld : [];
  return plural(withheld.length, "withheld", { sides: listOf(withheld.map(sideLabel)), k: ex.min_answers });
}
