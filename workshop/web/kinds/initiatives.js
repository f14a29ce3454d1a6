/* initiatives: the facilitator drafts joint initiatives while the room watches;
 * each person may champion any of them (or a candidate) and comment. The input
 * shows the room's champions and comments itself, so there is no separate live
 * result while it is open (`resultsWhileOpen`). With breakouts, the champions of
 * a draft are its table: they write the draft's fields here (`mine.tables`). */

import { h } from "../dom.js";
import { itemText, plural, t } from "../i18n.js";
import { act } from "../net.js";
import { sideClass, sideLabel } from "../sides.js";
import { S, busy, note } from "../state.js";
import { clearDraft, more, slot, textForm, withBusy } from "../ui.js";

export const name = "initiatives";
export const labels = { done: "joined" };
export const resultsWhileOpen = false;

/** The room's name for a person of a named exercise who joined without one
 *  (`privacy.ANONYMOUS_NAME`): said in the page's language. */
const NO_NAME = "Someone who gave no name";

/** Who champions or comments, as a chip says it: their name, else their side. */
function person(c) {
  if (c.name === NO_NAME) return t("initiatives.no-name");
  return c.name || sideLabel(c.side);
}

export function input(ex, mine) {
  const volunteered = new Set(mine.volunteered || []);
  const comments = mine.comments || [];
  const res = ex.results;
  const backing = new Map();
  if (res) for (const target of res.initiatives.concat(res.candidates)) backing.set(target.id, target);
  const card = (id, title, details, count) => {
    const key = `champ:${id}`;
    const on = volunteered.has(id);
    const target = backing.get(id);
    const champs = target ? target.champions : [];
    const n = typeof count === "number" ? count : champs.length;
    return h(
      "li",
      { class: "card initiative" + (on ? " has" : ""), "data-key": `t:${id}` },
      h("h3", { class: "q" }, title),
      details,
      h(
        "p",
        { class: "champions" },
        plural(n, "initiatives.champions"),
        champs.length ? ": " : "",
        champs.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, person(c))),
      ),
      h(
        "button",
        // The name a screen reader says starts with what the button shows, then what it is for.
        withBusy({ type: "button", class: "toggle" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false", "data-act": "volunteer", "data-target": id }, key),
        t(on ? "initiatives.championing" : "initiatives.champion"),
        h("span", { class: "sr-only" }, t("initiatives.champion-for", { title })),
      ),
      slot(key),
      target && target.comments.length
        ? h(
            "ul",
            { class: "comments" },
            target.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, person(c)))),
          )
        : comments.filter((c) => c.target === id).length
          ? h("ul", { class: "comments" }, comments.filter((c) => c.target === id).map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: "chip sx" }, t("side.you")))))
          : null,
      // One comment form at a time: a card shows its form once asked (or while a draft is typed).
      S.commenting === id || (S.drafts.get(`comment:${id}`) || "").trim()
        ? textForm({ key: `comment:${id}`, label: t("initiatives.comment-label"), placeholder: t("initiatives.comment-placeholder"), max: 280, submit: "comment", button: t("button.send") })
        : h("button", { type: "button", class: "secondary", "data-act": "comment-open", "data-target": id }, t("initiatives.comment-open")),
    );
  };
  const drafted = ex.initiatives || [];
  const tables = new Set(mine.tables || []);
  const out = [];
  if (drafted.length) {
    out.push(h("h2", { "data-key": "h-drafted" }, t("initiatives.drafted")));
    if (ex.config.breakouts) out.push(h("p", { class: "muted small", "data-key": "breakout-how" }, t("initiatives.breakouts")));
    out.push(
      h(
        "ul",
        { class: "list", "data-key": "drafted" },
        drafted.map((i) => card(i.id, i.title, tables.has(i.id) ? breakoutForm(i) : initiativeDetails(i), i.champions)),
      ),
    );
  }
  const draftedItems = new Set(ex.drafted_items || []);
  const undrafted = ex.items.filter((item) => !draftedItems.has(item.id)); // a drafted one is listed above
  if (undrafted.length) {
    out.push(h("h2", { "data-key": "h-cands" }, t(drafted.length ? "initiatives.other-candidates" : "initiatives.candidates")));
    out.push(h("ul", { class: "list", "data-key": "cands" }, undrafted.map((item) => card(item.id, item.text, null))));
  }
  if (!out.length) out.push(h("p", { class: "muted", "data-key": "empty" }, t("initiatives.waiting")));
  return out;
}

export function results(res, ex) {
  const drafted = new Map((ex.initiatives || []).map((i) => [i.id, i]));
  // A candidate is an item (its id an item's, translated when the template's); a drafted initiative is the facilitator's own words.
  const card = (target, title) =>
    h(
      "li",
      { class: "card", "data-key": `res:${target.id}` },
      h("h3", { class: "q" }, title),
      drafted.has(target.id) ? initiativeDetails(drafted.get(target.id)) : null,
      h(
        "p",
        { class: "champions" },
        plural(target.champions.length, "initiatives.champions"),
        target.champions.length ? ": " : "",
        target.champions.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, person(c))),
      ),
      target.comments.length
        ? h("ul", { class: "comments" }, target.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, person(c)))))
        : null,
      more(target.comments_more, "comments"),
    );
  const summary = { initiatives: plural(res.initiatives.length, "initiatives.count"), agreed: res.agreed, parked: res.parked };
  return [
    res.initiatives.length ? h("p", { class: "muted small", "data-key": "res:n" }, t("initiatives.summary", summary)) : null,
    res.initiatives.length ? h("h2", { "data-key": "res:h-inits" }, t("initiatives.drafted")) : null,
    res.initiatives.length ? h("ul", { class: "list", "data-key": "res:inits" }, res.initiatives.map((target) => card(target, target.title))) : null,
    res.candidates.length ? h("h2", { "data-key": "res:h-cands" }, t("initiatives.candidates")) : null,
    res.candidates.length ? h("ul", { class: "list", "data-key": "res:cands" }, res.candidates.map((target) => card(target, itemText(ex, target.id, target.title)))) : null,
  ];
}

/* What a breakout table writes: every field but the title and the money. Each
 * field's label and hint are the catalogue's `initiatives.field.<field>` and
 * `initiatives.field.<field>-hint`. */
const TABLE_FIELDS = [["outcome"], ["kpi"], ["baseline"], ["target"], ["timeframe"], ["it_lead"], ["marketing_lead"], ["budget_share"], ["first_step"]];

function fieldLabel(field) {
  return t(`initiatives.field.${field}`);
}
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
    h("p", { class: "field-label" }, t("initiatives.table-draft")),
    TABLE_FIELDS.map(([field]) => {
      const id = "f-" + tableKey(i, field).replace(/[^A-Za-z0-9_-]/g, "-");
      return h(
        "div",
        { class: "field", "data-key": "fld:" + field },
        h("label", { for: id }, fieldLabel(field)),
        h("input", { id, type: "text", "data-draft": tableKey(i, field), placeholder: t(`initiatives.field.${field}-hint`), value: value(field), "aria-invalid": value(field).trim().length > FIELD_MAX ? "true" : null }),
      );
    }),
    h(
      "div",
      { class: "form-row" },
      h("span", { class: "muted small" }, t(changed ? "initiatives.unsaved" : "initiatives.saved")),
      h("button", withBusy({ type: "submit", class: "primary", disabled: !changed || over || busy(key) }, key), t("initiatives.save-draft")),
    ),
    slot(key),
  );
}

function initiativeDetails(i) {
  const status = ["draft", "agreed", "parked"].includes(i.status) ? t(`initiatives.status.${i.status}`) : i.status;
  const kpi = i.kpi && i.target ? t("initiatives.kpi-target", { kpi: i.kpi, target: i.target }) : i.kpi || i.target;
  const rows = [
    [fieldLabel("outcome"), i.outcome],
    [fieldLabel("kpi"), kpi],
    [fieldLabel("timeframe"), i.timeframe],
    [fieldLabel("it_lead"), i.it_lead],
    [fieldLabel("marketing_lead"), i.marketing_lead],
    [fieldLabel("first_step"), i.first_step],
  ].filter((r) => r[1]);
  return h(
    "div",
    { class: "details" },
    h("span", { class: `badge status-${i.status}` }, status),
    rows.length ? h("dl", null, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])) : null,
  );
}

export const actions = {
  "comment-open"(el) {
    S.commenting = el.dataset.target;
    S.focusNext = `comment:${el.dataset.target}`;
  },
  volunteer(el, ex) {
    const target = el.dataset.target;
    const on = !((S.mine && S.mine.volunteered) || []).includes(target);
    if (on && ex.identity === "named" && S.me && !S.me.name) {
      // The agenda names champions: a name first, rather than "someone who gave no name".
      S.profileOpen = true;
      S.profileWhy = "champion";
      return;
    }
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
        note(key, t("initiatives.draft-saved"), "ok");
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
        note(key, t("initiatives.comment-sent"), "ok");
      },
    });
  },
};
