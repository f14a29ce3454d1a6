/* matrix: each person places every item on two axes (say impact and effort),
 * from 1 to `max`; a place is sent once both are picked. The result is a 2×2
 * with numbered dots and a list that says where each item landed, per side. */

import { h } from "../dom.js";
import { fmt1, inSentence, itemText, num, t } from "../i18n.js";
import { act } from "../net.js";
import { flagLine, sideClass, sideLabel, sides } from "../sides.js";
import { S, ALL, localFor } from "../state.js";
import { choiceButton, range, slot, withBusy } from "../ui.js";

export const name = "matrix";
export const labels = { done: "placed" };

export function input(ex, mine) {
  const cfg = ex.config;
  const [ax, ay] = cfg.axes;
  const places = mine.places || {};
  const partial = localFor("matrix", ex.id);
  return [
    h("p", { class: "muted", "data-key": "how" }, t("matrix.how", { x: inSentence(ax), y: inSentence(ay), max: cfg.max })),
    ex.items.map((item, index) => {
      const key = `place:${item.id}`;
      const saved = places[item.id] || [];
      const draft = partial[item.id] || {};
      const x = draft.x || saved[0];
      const y = draft.y || saved[1];
      const qid = `m-${index}`;
      // Each axis a radio group: one tab stop, the arrow keys move and place (core.js).
      const axis = (label, which, value) =>
        h(
          "div",
          { class: "axis-row" },
          h("span", { class: "axis-name", "aria-hidden": "true" }, label),
          h(
            "div",
            { class: "scale", role: "radiogroup", "aria-label": t("matrix.axis-for", { axis: label, item: item.text }) },
            range(1, cfg.max).map((v) => {
              const button = choiceButton(num(v), value === v, withBusy({ "data-act": "place", "data-item": item.id, "data-axis": which, "data-value": v, "aria-label": t("matrix.value", { axis: label, v, max: cfg.max }) }, `${key}:${which}${v}`));
              button.removeAttribute("aria-pressed");
              button.setAttribute("role", "radio");
              button.setAttribute("aria-checked", value === v ? "true" : "false");
              return button;
            }),
          ),
        );
      return h(
        "div",
        { class: "card" + (saved.length ? " has" : ""), "data-key": key, role: "group", "aria-labelledby": qid },
        h("p", { class: "q", id: qid }, item.text),
        axis(ax, "x", x),
        axis(ay, "y", y),
        h(
          "p",
          { class: "muted small" },
          saved.length && !(draft.x || draft.y)
            ? t("matrix.placed", { x: ax, vx: saved[0], y: ay, vy: saved[1] })
            : x && !y
              ? t("matrix.now", { axis: inSentence(ay) })
              : y && !x
                ? t("matrix.now", { axis: inSentence(ax) })
                : "",
        ),
        slot(key),
      );
    }),
  ];
}

/** A quadrant's name ("Quick win"), or with its article for a sentence ("a quick
 *  win"); the room names them "quick win", "big bet", "fill-in", "money pit". */
function quadrant(name, article) {
  return name ? t(`quadrant.${name.replace(/ /g, "-")}${article ? ".a" : ""}`) : "–";
}

export function results(res, ex) {
  // The axes as the exercise names them, in the template's translation where it has one.
  const [ax, ay] = ex.config.axes && ex.config.axes.length === 2 ? ex.config.axes : res.axes;
  const span = Math.max(1, res.max - 1);
  const seen = new Map();
  const dots = res.items
    .map((row, i) => ({ row, i, p: row.by_side[ALL] }))
    .filter((d) => d.p && d.p.x !== null && d.p.y !== null)
    .map((d) => {
      const spot = `${fmt1(d.p.x)}:${fmt1(d.p.y)}`;
      const dup = seen.get(spot) || 0;
      seen.set(spot, dup + 1);
      const left = ((d.p.x - 1) / span) * 100;
      const bottom = ((d.p.y - 1) / span) * 100;
      return h(
        "span",
        { class: "mdot", "aria-hidden": "true", style: { left: `calc(${left.toFixed(1)}% + ${dup * 8}px)`, bottom: `calc(${bottom.toFixed(1)}% + ${dup * 8}px)` } },
        num(d.i + 1),
      );
    });
  // Where each of the two compared sides puts each item: a small dot in the side's colour,
  // so a gap between IT and Marketing shows as distance on the 2×2, not only in words.
  const pair = sides().slice(0, 2);
  const sideDots = res.items.flatMap((row, i) =>
    pair
      .map((s) => ({ s, p: row.by_side[s.id] }))
      .filter((d) => d.p && d.p.x !== null && d.p.x !== undefined && d.p.y !== null && d.p.y !== undefined)
      .map((d) =>
        h(
          "span",
          {
            class: `mdot side ${sideClass(d.s.id)}`,
            "aria-hidden": "true",
            style: { left: `${(((d.p.x - 1) / span) * 100).toFixed(1)}%`, bottom: `${(((d.p.y - 1) / span) * 100).toFixed(1)}%` },
          },
          num(i + 1),
        ),
      ),
  );
  const quad = (label, cls) => h("span", { class: `quad ${cls}` }, label);
  return [
    h(
      "div",
      { class: "matrix-wrap", "data-key": "res:matrix" },
      h("span", { class: "axis-y" }, `${ay} ↑`),
      h(
        "div",
        { class: "matrix", role: "img", "aria-label": t("matrix.chart", { x: ax, y: ay }) },
        quad(quadrant("money pit"), "q-tl"),
        quad(quadrant("big bet"), "q-tr"),
        quad(quadrant("fill-in"), "q-bl"),
        quad(quadrant("quick win"), "q-br"),
        h("div", { class: "plot" }, sideDots, dots),
      ),
      h("span", { class: "axis-x" }, `${ax} →`),
    ),
    sideDots.length
      ? h(
          "p",
          { class: "muted small matrix-key", "data-key": "res:key" },
          pair.map((s) => h("span", { class: `chip ${sideClass(s.id)}` }, s.label)),
          " ",
          t("matrix.key"),
        )
      : null,
    h(
      "ol",
      { class: "legend-list", "data-key": "res:legend" },
      res.items.map((row) => {
        const all = row.by_side[ALL];
        const per = sides()
          .filter((s) => row.by_side[s.id] && row.by_side[s.id].quadrant)
          .map((s) => t("matrix.side", { side: s.label, quadrant: quadrant(row.by_side[s.id].quadrant) }))
          .join(" · ");
        return h(
          "li",
          { "data-key": `leg:${row.item}` },
          h("span", { class: "q" }, itemText(ex, row.item, row.text)),
          h(
            "span",
            { class: "small" },
            all && all.quadrant ? t("matrix.landed", { quadrant: quadrant(all.quadrant), x: ax, vx: fmt1(all.x), y: ay, vy: fmt1(all.y) }) : t("matrix.unplaced"),
          ),
          per ? h("span", { class: "muted small block" }, per) : null,
          flagLine(row, (a, b) => flag(row, a, b)),
        );
      }),
    ),
  ];
}

/** "IT sees a big bet, Marketing a quick win", from the pair's quadrants. */
function flag(row, a, b) {
  const [pa, pb] = [row.by_side[a], row.by_side[b]];
  if (!(pa && pa.quadrant && pb && pb.quadrant)) return null;
  return t("matrix.flag", { a: sideLabel(a), qa: quadrant(pa.quadrant, true), b: sideLabel(b), qb: quadrant(pb.quadrant, true) });
}

export const actions = {
  place(el, ex) {
    const item = el.dataset.item;
    const partial = localFor("matrix", ex.id);
    const saved = ((S.mine && S.mine.places) || {})[item] || [];
    const draft = Object.assign({ x: saved[0], y: saved[1] }, partial[item] || {});
    draft[el.dataset.axis] = Number(el.dataset.value);
    partial[item] = draft;
    if (draft.x && draft.y) {
      act({ type: "place", exercise: ex.id, item, x: draft.x, y: draft.y }, `place:${item}`, {
        mark: `place:${item}:${el.dataset.axis}${el.dataset.value}`,
        onAck() {
          delete partial[item];
        },
      });
    }
  },
};
