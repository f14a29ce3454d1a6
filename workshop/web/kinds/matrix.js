/* matrix: each person places every item on two axes (say impact and effort),
 * from 1 to `max`; a place is sent once both are picked. The result is a 2×2
 * with numbered dots and a list that says where each item landed, per side. */

import { h } from "../dom.js";
import { fmt1 } from "../i18n.js";
import { act } from "../net.js";
import { flagLine, sides } from "../sides.js";
import { S, ALL, localFor } from "../state.js";
import { choiceButton, range, slot, withBusy } from "../ui.js";

export const name = "matrix";
export const labels = { done: "placed items" };

export function input(ex, mine) {
  const cfg = ex.config;
  const [ax, ay] = cfg.axes;
  const places = mine.places || {};
  const partial = localFor("matrix", ex.id);
  return [
    h("p", { class: "muted", "data-key": "how" }, `Rate each item for ${ax.toLowerCase()} and ${ay.toLowerCase()}, from 1 (low) to ${cfg.max} (high).`),
    ex.items.map((item, index) => {
      const key = `place:${item.id}`;
      const saved = places[item.id] || [];
      const draft = partial[item.id] || {};
      const x = draft.x || saved[0];
      const y = draft.y || saved[1];
      const qid = `m-${index}`;
      const axis = (label, which, value) =>
        h(
          "div",
          { class: "axis-row", role: "group", "aria-label": `${label} for: ${item.text}` },
          h("span", { class: "axis-name" }, label),
          h(
            "div",
            { class: "scale" },
            range(1, cfg.max).map((v) => choiceButton(String(v), value === v, withBusy({ "data-act": "place", "data-item": item.id, "data-axis": which, "data-value": v, "aria-label": `${label} ${v} of ${cfg.max}` }, `${key}:${which}${v}`))),
          ),
        );
      return h(
        "div",
        { class: "card" + (saved.length ? " has" : ""), "data-key": key, role: "group", "aria-labelledby": qid },
        h("p", { class: "q", id: qid }, item.text),
        axis(ax, "x", x),
        axis(ay, "y", y),
        h("p", { class: "muted small" }, saved.length && !(draft.x || draft.y) ? `Placed: ${ax} ${saved[0]}, ${ay} ${saved[1]}` : x && !y ? `Now pick ${ay.toLowerCase()}.` : y && !x ? `Now pick ${ax.toLowerCase()}.` : ""),
        slot(key),
      );
    }),
  ];
}

export function results(res) {
  const [ax, ay] = res.axes;
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
        String(d.i + 1),
      );
    });
  const quad = (label, cls) => h("span", { class: `quad ${cls}` }, label);
  return [
    h(
      "div",
      { class: "matrix-wrap", "data-key": "res:matrix" },
      h("span", { class: "axis-y" }, `${ay} ↑`),
      h(
        "div",
        { class: "matrix", role: "img", "aria-label": `${ax} across, ${ay} up; the list below says where each item landed.` },
        quad("Money pit", "q-tl"),
        quad("Big bet", "q-tr"),
        quad("Fill-in", "q-bl"),
        quad("Quick win", "q-br"),
        h("div", { class: "plot" }, dots),
      ),
      h("span", { class: "axis-x" }, `${ax} →`),
    ),
    h(
      "ol",
      { class: "legend-list", "data-key": "res:legend" },
      res.items.map((row) => {
        const all = row.by_side[ALL];
        const per = sides()
          .filter((s) => row.by_side[s.id] && row.by_side[s.id].quadrant)
          .map((s) => `${s.label}: ${row.by_side[s.id].quadrant}`)
          .join(" · ");
        return h(
          "li",
          { "data-key": `leg:${row.item}` },
          h("span", { class: "q" }, row.text),
          h("span", { class: "small" }, all && all.quadrant ? ` — ${capital(all.quadrant)} (${ax} ${fmt1(all.x)}, ${ay} ${fmt1(all.y)})` : " — not placed yet"),
          per ? h("span", { class: "muted small block" }, per) : null,
          flagLine(row),
        );
      }),
    ),
  ];
}

function capital(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
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
