/* initiatives: the facilitator drafts joint initiatives while the room watches;
 * each person may champion any of them (or a candidate) and comment. The input
 * shows the room's champions and comments itself, so there is no separate live
 * result while it is open (`resultsWhileOpen`). With breakouts, the champions of
 * a draft are its table: they write the draft's fields here (`mine.tables`). */

import { h } from "../dom.js";
import { plural } from "../i18n.js";
import { act } from "../net.js";
import { sideClass, sideLabel } from "../sides.js";
import { S, busy, note } from "../state.js";
import { clearDraft, more, slot, textForm, withBusy } from "../ui.js";

export const name = "initiatives";
export const labels = { done: "joined in" };
export const resultsWhileOpen = false;

export function input(ex, mine) {
  const volunteered = new Set(mine.volunteered || []);
  const comments = mine.comments || [];
  const res = ex.results;
  const backing = new Map();
  if (res) for (const t of res.initiatives.concat(res.candidates)) backing.set(t.id, t);
  const card = (id, title, details, count) => {
    const key = `champ:${id}`;
    const on = volunteered.has(id);
    const t = backing.get(id);
    const champs = t ? t.champions : [];
    const n = typeof count === "number" ? count : champs.length;
    return h(
      "li",
      { class: "card initiative" + (on ? " has" : ""), "data-key": `t:${id}` },
      h("p", { class: "q" }, title),
      details,
      h(
        "p",
        { class: "champions" },
        plural(n, "champion"),
        champs.length ? ": " : "",
        champs.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side))),
      ),
      h(
        "button",
        withBusy({ type: "button", class: "toggle" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false", "data-act": "volunteer", "data-target": id, "aria-label": `I'll champion: ${title}` }, key),
        on ? "✓ I'm a champion" : "I'll champion this",
      ),
      slot(key),
      t && t.comments.length
        ? h(
            "ul",
            { class: "comments" },
            t.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side)))),
          )
        : comments.filter((c) => c.target === id).length
          ? h("ul", { class: "comments" }, comments.filter((c) => c.target === id).map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: "chip sx" }, "You"))))
          : null,
      textForm({ key: `comment:${id}`, label: "Add a comment", placeholder: "What would make this work?", max: 280, submit: "comment", button: "Send" }),
    );
  };
  const drafted = ex.initiatives || [];
  const tables = new Set(mine.tables || []);
  const out = [];
  if (drafted.length) {
    out.push(h("h2", { "data-key": "h-drafted" }, "Joint initiatives"));
    if (ex.config.breakouts) out.push(h("p", { class: "muted small", "data-key": "breakout-how" }, "Breakouts: champion one initiative to join its table, then write its draft together."));
    out.push(
      h(
        "ul",
        { class: "list", "data-key": "drafted" },
        drafted.map((i) => card(i.id, i.title, tables.has(i.id) ? breakoutForm(i) : initiativeDetails(i), i.champions)),
      ),
    );
  }
  if (ex.items.length) {
    out.push(h("h2", { "data-key": "h-cands" }, drafted.length ? "Other candidates" : "Candidates"));
    out.push(h("ul", { class: "list", "data-key": "cands" }, ex.items.map((item) => card(item.id, item.text, null))));
  }
  if (!out.length) out.push(h("p", { class: "muted", "data-key": "empty" }, "The facilitator is drafting the initiatives. They appear here as they are written."));
  return out;
}

export function results(res, ex) {
  const drafted = new Map((ex.initiatives || []).map((i) => [i.id, i]));
  const card = (t) =>
    h(
      "li",
      { class: "card", "data-key": `res:${t.id}` },
      h("p", { class: "q" }, t.title),
      drafted.has(t.id) ? initiativeDetails(drafted.get(t.id)) : null,
      h("p", { class: "champions" }, plural(t.champions.length, "champion"), t.champions.length ? ": " : "", t.champions.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side)))),
      t.comments.length ? h("ul", { class: "comments" }, t.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side))))) : null,
      more(t.comments_more, "earlier comment"),
    );
  return [
    res.initiatives.length ? h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.initiatives.length, "initiative")}: ${res.agreed} agreed, ${res.parked} parked.`) : null,
    res.initiatives.length ? h("ul", { class: "list", "data-key": "res:inits" }, res.initiatives.map(card)) : null,
    res.candidates.length ? h("h3", { "data-key": "res:h-cands" }, "Candidates") : null,
    res.candidates.length ? h("ul", { class: "list", "data-key": "res:cands" }, res.candidates.map(card)) : null,
  ];
}

/* What a breakout table writes: every field but the title and the money. */
const TABLE_FIELDS = [
  ["outcome", "Customer outcome", "What will customers notice?"],
  ["kpi", "Shared KPI", "One measure both teams are judged on"],
  ["baseline", "Baseline", "Where the KPI is today"],
  ["target", "Target", "Where it should be"],
  ["timeframe", "Time frame", "By when"],
  ["it_lead", "IT lead", "A name"],
  ["marketing_lead", "Marketing lead", "A name"],
  ["budget_share", "Budget share", "e.g. 30% of the joint budget"],
  ["first_step", "First step", "What happens next week"],
];
const FIELD_MAX = 400;

function tableKey(i, field) {
  return `table:${i.id}:${field}`;
}

function breakoutForm(i) {
  const key = `table:${i.id}`;
  const value = (field) => (S.drafts.has(tableKey(i, field)) ? S.drafts.get(tableKey(i, field)) : i[field] || "");
  const changed = TABLE_FIELDS.some(([f]) => value(f).trim() !== (i[f] || ""));
  const over = TABLE_FIELDS.some(([f]) => value(f).trim().length > FIELD_MAX);
  return h(
    "form",
    { class: "breakout", "data-submit": "table", "data-key": "form:" + key, "data-initiative": i.id, novalidate: true },
    h("p", { class: "field-label" }, "Your table's draft"),
    TABLE_FIELDS.map(([field, label, hint]) => {
      const id = "f-" + tableKey(i, field).replace(/[^A-Za-z0-9_-]/g, "-");
      return h(
        "div",
        { class: "field", "data-key": "fld:" + field },
        h("label", { for: id }, label),
        h("input", { id, type: "text", "data-draft": tableKey(i, field), placeholder: hint, value: value(field), "aria-invalid": value(field).trim().length > FIELD_MAX ? "true" : null }),
      );
    }),
    h(
      "div",
      { class: "form-row" },
      h("span", { class: "muted small" }, changed ? "Not saved yet" : "Saved: the facilitator sees it"),
      h("button", withBusy({ type: "submit", class: "primary", disabled: !changed || over || busy(key) }, key), "Save draft"),
    ),
    slot(key),
  );
}

function initiativeDetails(i) {
  const status = { draft: "Draft", agreed: "Agreed", parked: "Parked" }[i.status] || i.status;
  const rows = [
    ["Customer outcome", i.outcome],
    ["Shared KPI", [i.kpi, i.target].filter(Boolean).join(" — target: ")],
    ["Time frame", i.timeframe],
    ["IT lead", i.it_lead],
    ["Marketing lead", i.marketing_lead],
    ["First step", i.first_step],
  ].filter((r) => r[1]);
  return h(
    "div",
    { class: "details" },
    h("span", { class: `badge status-${i.status}` }, status),
    rows.length ? h("dl", null, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])) : null,
  );
}

export const actions = {
  volunteer(el, ex) {
    const target = el.dataset.target;
    const on = !((S.mine && S.mine.volunteered) || []).includes(target);
    act({ type: "volunteer", exercise: ex.id, target, on }, `champ:${target}`);
  },
};

export const submits = {
  table(form, ex) {
    const id = form.dataset.initiative;
    const initiative = (ex.initiatives || []).find((i) => i.id === id);
    if (!initiative) return;
    const fields = {};
    for (const [field] of TABLE_FIELDS) {
      const key = tableKey(initiative, field);
      if (S.drafts.has(key) && S.drafts.get(key).trim() !== (initiative[field] || "")) fields[field] = S.drafts.get(key).trim();
    }
    if (!Object.keys(fields).length) return;
    const key = `table:${id}`;
    act({ type: "draft_fields", exercise: ex.id, initiative: id, fields }, key, {
      onAck() {
        for (const field of Object.keys(fields)) S.drafts.delete(tableKey(initiative, field));
        note(key, "Draft saved.", "ok");
      },
    });
  },
  comment(form, ex) {
    const key = form.dataset.key.slice("form:".length);
    const target = key.slice("comment:".length);
    const text = (S.drafts.get(key) || "").trim();
    if (!text) return;
    act({ type: "comment", exercise: ex.id, target, text }, key, {
      onAck() {
        clearDraft(key);
        note(key, "Comment sent.", "ok");
      },
    });
  },
};
